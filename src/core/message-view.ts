/**
 * A message as JSON: the webhook's default body, and the fields a body template may name
 * (`{{alert.title}}`, `{{outbox_id}}`…). Times are ISO 8601 UTC. Pure; in core beside the
 * template language (notify-template.ts), which the config checks against sampleMessage.
 */
import type { AlertSnapshot } from './alert.js';
import type { NotifyMessage } from './notification.js';

export interface AlertView {
  id: number;
  rule_id: string;
  rule_name: string;
  title: string;
  severity: string;
  host: string | null;
  count: number;
  first_seen: string;
  last_seen: string;
  state: string;
  dedup_key: string;
  sample_event_ids: number[];
  state_changed_by: string | null;
  comment: string | null;
}

export interface MessageView {
  /** The outbox row id, also sent as the Idempotency-Key header: a receiver drops repeats by it. */
  outbox_id: number;
  kind: string;
  created_at: string;
  previous_severity: string | null;
  link: string | null;
  alert: AlertView;
}

export function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

export function alertView(a: AlertSnapshot): AlertView {
  return {
    id: a.id,
    rule_id: a.rule_id,
    rule_name: a.rule_name,
    title: a.title,
    severity: a.severity,
    host: a.host,
    count: a.count,
    first_seen: isoTime(a.first_seen),
    last_seen: isoTime(a.last_seen),
    state: a.state,
    dedup_key: a.dedup_key,
    sample_event_ids: [...a.sample_event_ids],
    state_changed_by: a.state_changed_by,
    comment: a.comment,
  };
}

export function messageView(m: NotifyMessage): MessageView {
  return {
    outbox_id: m.outbox_id,
    kind: m.kind,
    created_at: isoTime(m.created_at),
    previous_severity: m.previous_severity,
    link: m.link,
    alert: alertView(m.alert),
  };
}

/** A made-up message: validates templates at start, and is what `logagg notify test` sends. */
export function sampleMessage(now: number, over: Partial<NotifyMessage> = {}): NotifyMessage {
  return {
    outbox_id: 0,
    kind: 'trigger',
    created_at: now,
    previous_severity: null,
    link: null,
    alert: {
      id: 0,
      rule_id: 'logagg.test',
      rule_name: 'Test notification',
      title: 'Test notification from logagg',
      severity: 'LOW',
      host: 'logagg-test',
      count: 1,
      first_seen: now,
      last_seen: now,
      state: 'open',
      dedup_key: `logagg.test|${now}`,
      sample_event_ids: [],
      state_changed_by: null,
      comment: null,
    },
    ...over,
  };
}

/** " on <host>" unless the title already names the host (rule titles often do): for one-line summaries. */
export function hostSuffix(title: string, host: string | null): string {
  return host === null || title.toLowerCase().includes(host) ? '' : ` on ${host}`;
}

/** `base/alerts/<id>`; null without a base. A trailing slash on the base is dropped. */
export function alertLink(base: string | null, alertId: number): string | null {
  if (base === null || base === '') return null;
  return `${base.replace(/\/+$/, '')}/alerts/${alertId}`;
}
