/**
 * JSON shapes the API sends. Times become ISO 8601 strings (UTC, milliseconds); the rest of a
 * stored event is sent as stored. Lists leave out `raw` (up to storage.max_message_bytes per
 * event); GET /logs/:id includes it.
 */
import type { StoredEvent } from '../core/event.js';
import type { Alert } from '../core/alert.js';
import type { RefusedRule, RuleInfo } from '../core/rules/rule-info.js';
import { silenceState, type Silence, type SilenceState } from '../core/silence.js';
import type { Severity } from '../core/event.js';

/** Epoch ms → ISO 8601; times outside the Date range (never stored) fall back to the number as text. */
export function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

export type ApiLog = Omit<StoredEvent, 'ts' | 'received_at' | 'raw'> & { ts: string; received_at: string; raw?: string };

export function toApiLog(e: StoredEvent, withRaw: boolean): ApiLog {
  const { raw, ts, received_at, id, ...rest } = e;
  const out: ApiLog = { id, ts: iso(ts), received_at: iso(received_at), ...rest };
  if (withRaw) out.raw = raw;
  return out;
}

export type ApiAlert = Omit<Alert, 'first_seen' | 'last_seen' | 'state_changed_at'> & {
  first_seen: string;
  last_seen: string;
  state_changed_at: string | null;
};

export function toApiAlert(a: Alert): ApiAlert {
  return {
    id: a.id,
    rule_id: a.rule_id,
    severity: a.severity,
    host: a.host,
    title: a.title,
    first_seen: iso(a.first_seen),
    last_seen: iso(a.last_seen),
    count: a.count,
    sample_event_ids: [...a.sample_event_ids],
    state: a.state,
    dedup_key: a.dedup_key,
    state_changed_by: a.state_changed_by,
    state_changed_at: isoOrNull(a.state_changed_at),
    comment: a.comment,
    silenced_by: a.silenced_by,
  };
}

export type ApiRule = Omit<RuleInfo, 'stats'> & { state: 'active'; stats: Omit<RuleInfo['stats'], 'last_hit'> & { last_hit: string | null } };

/** A rule of the folder refused at start, as GET /rules lists it after the rules in force. */
export type ApiRefusedRule = { id: string | null; file: string; state: 'refused'; reason: string };

export function toApiRefusedRule(r: RefusedRule): ApiRefusedRule {
  return { id: r.id, file: r.file, state: 'refused', reason: r.reason };
}

export function toApiRule(r: RuleInfo): ApiRule {
  return {
    state: 'active',
    id: r.id,
    name: r.name,
    kind: r.kind,
    severity: r.severity,
    enabled: r.enabled,
    description: r.description,
    tags: [...r.tags],
    stats: { hits: r.stats.hits, alerts_opened: r.stats.alerts_opened, suppressed: r.stats.suppressed, last_hit: isoOrNull(r.stats.last_hit) },
    failures: r.failures,
    logsource: r.logsource === null ? null : { logsource: r.logsource.logsource, coverage: r.logsource.coverage, applied: [...r.logsource.applied] },
  };
}

/** A silence as GET/POST/DELETE /api/v1/silences send it, and `logagg silence` prints it. */
export interface ApiSilence {
  id: number;
  matchers: { rules: string[]; hosts: string[]; severities: Severity[] };
  starts_at: string;
  ends_at: string;
  /** At the time of the answer. */
  state: SilenceState;
  created_by: string;
  created_at: string;
  comment: string;
  expired_by: string | null;
  expired_at: string | null;
}

export function toApiSilence(s: Silence, now: number): ApiSilence {
  return {
    id: s.id,
    matchers: { rules: [...(s.matchers.rules ?? [])], hosts: [...(s.matchers.hosts ?? [])], severities: [...(s.matchers.severities ?? [])] },
    starts_at: iso(s.starts_at),
    ends_at: iso(s.ends_at),
    state: silenceState(s, now),
    created_by: s.created_by,
    created_at: iso(s.created_at),
    comment: s.comment,
    expired_by: s.expired_by,
    expired_at: isoOrNull(s.expired_at),
  };
}
