/**
 * PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/overview/):
 * `trigger` when an alert opens, is reopened, repeats past the re-notify interval or escalates
 * (PagerDuty folds triggers with the same dedup_key into one incident and updates it);
 * `resolve` when it is resolved in logagg. The dedup_key is the alert's dedup key, so a
 * repeated delivery is harmless: PagerDuty folds it into the same incident.
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../../core/event.js';
import { hostSuffix, isoTime } from '../../core/message-view.js';
import type { NotifyMessage } from '../../core/notification.js';
import type { ChannelTransport, HttpRequest } from '../types.js';

export interface PagerDutyChannel {
  type: 'pagerduty';
  name: string;
  /** Events API endpoint (default PAGERDUTY_EVENTS_URL, src/config/sections/notify.ts). Treated as a secret like any URL. */
  url: string;
  /** The integration's routing key. Secret: never logged, never in an error message. */
  routingKey: string;
}

export const PAGERDUTY_SEVERITY: Readonly<Record<Severity, 'info' | 'warning' | 'error' | 'critical'>> = {
  LOW: 'info',
  MEDIUM: 'warning',
  HIGH: 'error',
  CRITICAL: 'critical',
};

/** PagerDuty's limits, characters. */
const MAX_DEDUP_KEY = 255;
const MAX_SUMMARY = 1024;

/**
 * The alert's dedup key; one longer than PagerDuty's 255 characters becomes its first 190
 * characters, `#` and the SHA-256 (hex) of the whole key: still one key per alert key.
 */
export function pagerDutyDedupKey(key: string): string {
  if (key.length <= MAX_DEDUP_KEY) return key;
  return `${key.slice(0, 190)}#${createHash('sha256').update(key).digest('hex')}`;
}

export function pagerDutyRequest(channel: Pick<PagerDutyChannel, 'routingKey'>, m: NotifyMessage): HttpRequest {
  const a = m.alert;
  const dedup_key = pagerDutyDedupKey(a.dedup_key);
  let event: Record<string, unknown>;
  if (m.kind === 'resolve') {
    event = { routing_key: channel.routingKey, event_action: 'resolve', dedup_key };
  } else {
    const summary = `[${a.severity}] ${a.title}${hostSuffix(a.title, a.host)}`;
    event = {
      routing_key: channel.routingKey,
      event_action: 'trigger',
      dedup_key,
      payload: {
        summary: summary.length > MAX_SUMMARY ? summary.slice(0, MAX_SUMMARY - 1) + '…' : summary,
        source: a.host ?? 'logagg',
        severity: PAGERDUTY_SEVERITY[a.severity],
        timestamp: isoTime(a.last_seen),
        component: a.host ?? undefined,
        class: a.rule_id,
        custom_details: {
          alert_id: a.id,
          rule_id: a.rule_id,
          rule_name: a.rule_name,
          count: a.count,
          first_seen: isoTime(a.first_seen),
          last_seen: isoTime(a.last_seen),
          state: a.state,
          sample_event_ids: a.sample_event_ids,
          notification: m.kind,
          ...(m.previous_severity === null ? {} : { previous_severity: m.previous_severity }),
          outbox_id: m.outbox_id,
        },
      },
      client: 'logagg',
      ...(m.link === null ? {} : { client_url: m.link, links: [{ href: m.link, text: `Alert #${a.id} in logagg` }] }),
    };
  }
  return { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(event) };
}

export const sendPagerDuty: ChannelTransport<PagerDutyChannel> = (channel, message, ctx) => ctx.send(channel.url, pagerDutyRequest(channel, message));
