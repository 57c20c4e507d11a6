/**
 * What the API needs from alerts and rules, and no more. The detection engine (issue 3) owns
 * the alerts table and the rule set; it provides implementations of these ports and `serve`
 * passes them to createApp. Times are epoch milliseconds UTC; the API renders them as ISO 8601.
 */
import type { Severity } from '../core/event.js';

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export interface Alert {
  id: number;
  rule_id: string;
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
  state: AlertState;
  dedup_key: string;
  /** Last state change: who (token subject) and when; null while never changed. */
  state_changed_by: string | null;
  state_changed_at: number | null;
  /** The comment given with the last state change. */
  comment: string | null;
}

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

export interface AlertChange {
  state: AlertState;
  /** Who made the change: the token's subject. */
  by: string;
  /** When, epoch ms. */
  at: number;
  comment: string | null;
}

/** What `feed` returns: alerts created or updated after a position, oldest change first. */
export interface AlertFeed {
  items: Alert[];
  /** Opaque position after the last item (or the current head when there are none). */
  position: string;
}

export interface AlertsPort {
  /**
   * A page of alerts. A cursor the port did not make must raise BAD_REQUEST naming `cursor`
   * (badRequest from src/errors.ts), never a generic error.
   */
  list(filter: AlertFilter, page: { limit: number; cursor: string | null }): AlertPage;
  /** One alert, or null when absent or outside hostScope. */
  get(id: number, hostScope?: readonly string[]): Alert | null;
  /**
   * Records a state change (who, when, comment). Returns the updated alert, or null when the
   * alert is absent or outside hostScope. The API has already checked the move is allowed.
   * Asynchronous: in `serve` the API runs on a worker thread and the change is made by the
   * ingest writer on the main thread (src/api/worker/).
   */
  transition(id: number, change: AlertChange, hostScope?: readonly string[]): Promise<Alert | null>;
  /** Alert counts per severity and state, for /metrics and /metrics/summary. */
  counts(filter: AlertFilter): { severity: Severity; state: AlertState; count: number }[];
  /**
   * Alerts created or changed after `position` matching the filter, at most `limit`, oldest
   * change first. `position` null means "from now": no items, the current head.
   */
  feed(position: string | null, filter: AlertFilter, limit: number): AlertFeed;
}

/** A rule's counters in the database, since it was created (rule_stats). */
export interface RuleCounters {
  /** Occurrences found (a finding counts its `count`). */
  hits: number;
  alerts_opened: number;
  /** Occurrences dropped because the rule had opened its hourly cap of alerts. */
  suppressed: number;
  /** Event time of the latest occurrence, epoch ms; null when none. */
  last_hit: number | null;
}

export interface RuleInfo {
  id: string;
  name: string;
  kind: string;
  severity: Severity;
  enabled: boolean;
  description: string;
  tags: string[];
  stats: RuleCounters;
  /** Batches in which the rule threw since the process started. */
  failures: number;
}

/** Asynchronous: in `serve` the rules live on the main thread and the API on a worker thread. */
export interface RulesPort {
  list(): Promise<RuleInfo[]>;
  /** Enables or disables a rule; returns it, or null when there is no such rule. */
  setEnabled(id: string, enabled: boolean, by: string): Promise<RuleInfo | null>;
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
