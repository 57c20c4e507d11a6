/**
 * The alert vocabulary: the states an alert moves through, the record the store keeps, the
 * views of it that the API, notifications and dry runs use, how alerts are filtered and how
 * a state change is described. Pure data and one rule (canTransition); the store, the API,
 * notifications and the terminal all speak it. Times are epoch milliseconds UTC.
 */
import type { Severity } from './event.js';

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** Everything stored about an alert (a row of the alerts table). Views below are subsets. */
export interface AlertRecord {
  id: number;
  rule_id: string;
  rule_name: string;
  severity: Severity;
  /** Lower-case host the alert is about; null when none (outside every host scope). */
  host: string | null;
  title: string;
  first_seen: number;
  last_seen: number;
  /** Findings merged into this alert inside the suppression window. */
  count: number;
  /** A few ids of the events that raised it (GET /logs/:id). */
  sample_event_ids: number[];
  /** The values the rule matched on. */
  matched: Record<string, unknown>;
  context: Record<string, unknown> | null;
  state: AlertState;
  dedup_key: string;
  /** Last state change: who (token subject) and when; null while never changed. */
  state_changed_by: string | null;
  state_changed_at: number | null;
  /** The comment given with the last state change. */
  comment: string | null;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  resolved_by: string | null;
  resolved_at: number | null;
  /** What muted the last write: `silence:<id>` or `window:<name>` (src/core/silence.ts); null = notified as usual. */
  silenced_by: string | null;
  created_at: number;
  updated_at: number;
}

/** The alert as the API and the terminal show it. */
export type Alert = Pick<
  AlertRecord,
  'id' | 'rule_id' | 'severity' | 'host' | 'title' | 'first_seen' | 'last_seen' | 'count' | 'sample_event_ids' | 'state' | 'dedup_key' | 'state_changed_by' | 'state_changed_at' | 'comment' | 'silenced_by'
>;

/** The alert as it was when a notification was enqueued (the outbox payload). */
export type AlertSnapshot = Pick<
  AlertRecord,
  'id' | 'rule_id' | 'rule_name' | 'title' | 'severity' | 'host' | 'count' | 'first_seen' | 'last_seen' | 'state' | 'dedup_key' | 'sample_event_ids' | 'state_changed_by' | 'comment'
>;

export interface AlertFilter {
  states?: readonly AlertState[];
  /** Any of these severities. */
  severities?: readonly Severity[];
  /** At least this severe (LOW < MEDIUM < HIGH < CRITICAL); ANDed with `severities`. */
  minSeverity?: Severity;
  rules?: readonly string[];
  /** Any of these hosts; `*` is a wildcard (`web-*`). */
  hosts?: readonly string[];
  /** The caller's permitted hosts (same syntax); an empty list permits nothing; ANDed with the rest. */
  hostScope?: readonly string[];
  /** last_seen >= from. */
  from?: number;
  /** first_seen < to. */
  to?: number;
  /** Only alerts whose sample events include this log id. */
  eventId?: number;
}

export interface AlertPage {
  /** Newest first (last_seen desc, id desc). */
  items: Alert[];
  /** Opaque; pass back as `cursor`. null on the last page. */
  next_cursor: string | null;
}

/** Alerts created or updated after a position, oldest change first. */
export interface AlertFeed {
  items: Alert[];
  /** Opaque position after the last item (or the current head when there are none). */
  position: string;
}

export interface AlertChange {
  state: AlertState;
  /** Who made the change: the token's subject. */
  by: string;
  /** When, epoch ms. */
  at: number;
  comment: string | null;
}

/** One entry of an alert's history (alert_changes). */
export interface AlertHistoryEntry {
  at: number;
  by: string;
  from: AlertState;
  to: AlertState;
  comment: string | null;
}

/**
 * Moves an analyst may make. Setting the current state again is allowed (PATCH is idempotent;
 * it records the new comment); a resolved alert must be reopened before it is acknowledged.
 */
const ALLOWED: Readonly<Record<AlertState, readonly AlertState[]>> = {
  open: ['open', 'acknowledged', 'resolved'],
  acknowledged: ['open', 'acknowledged', 'resolved'],
  resolved: ['open', 'resolved'],
};

export function canTransition(from: AlertState, to: AlertState): boolean {
  return ALLOWED[from].includes(to);
}
