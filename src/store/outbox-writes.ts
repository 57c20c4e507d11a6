/**
 * Writing the notification outbox, always inside the transaction of the alert change being
 * announced: the batch's (after applyFindings, through outboxInBatch) or a state change's
 * (transitionAlert's hook, through the OutboxWrites it is given). What to write is decided in
 * src/notify/outbox.ts; this module only reads and writes the rows, on the connection of that
 * transaction, so either the alert change and its notifications are stored together or neither is.
 */
import type { AlertSnapshot, AlertState } from '../core/alert.js';
import type { OutboxKind, OutboxPayload } from '../core/notification.js';
import { sqlOf, sqlTx, type Statements } from './connection.js';
import type { BatchTx } from './log-writer.js';
import type { Store } from './store.js';

/** An alert as notifications see it, with its severity rank (1 LOW … 4 CRITICAL). */
export interface OutboxAlert {
  snapshot: AlertSnapshot;
  rank: number;
  state: AlertState;
  /** What muted the alert's last write (silence:<id>, window:<name>); null = notify as usual. */
  silencedBy: string | null;
}

/** What a channel was last told of an alert not yet resolved for it (table notify_alert_channels). */
export interface ToldChannel {
  channel: string;
  /** Severity rank it was told. */
  rank: number;
  /** Writer clock, epoch ms. */
  notifiedAt: number;
}

export interface OutboxWrites {
  /** The alert as it is now in the transaction; undefined when absent. */
  alert(id: number): OutboxAlert | undefined;
  /** What each channel told of the alert, and not told it was resolved since, was last told. */
  lastTold(alertId: number): ToldChannel[];
  /** Names of the channels told of the alert that were (or were not) told it was resolved; by name. */
  toldChannels(alertId: number, resolved: boolean): string[];
  /** Inserts one pending row, due at once; returns its id. */
  insert(alertId: number, channel: string, kind: OutboxKind, payload: OutboxPayload, now: number): number;
  /** Records that a channel was told of the alert at `rank` (and not of its resolution). */
  remember(alertId: number, channel: string, rank: number, now: number): void;
  /** Every channel told of the alert is now told it was resolved. */
  markResolved(alertId: number): void;
  /** The channels told it was resolved hear of it again (reopened) at `rank`. */
  markReopened(alertId: number, at: number, rank: number): void;
}

const ALERT = `SELECT id, rule_id, rule_name, title, severity, severity_rank, host, count, first_seen, last_seen, state, dedup_key,
  sample_event_ids, state_changed_by, comment, silenced_by FROM alerts WHERE id = ?`;
const INSERT = `INSERT INTO notify_outbox (alert_id, channel, kind, payload, state, attempts, next_attempt_at, created_at)
VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`;
const MEMORY = 'SELECT channel, severity_rank, notified_at FROM notify_alert_channels WHERE alert_id = ? AND resolved = 0';
const REMEMBER = `INSERT INTO notify_alert_channels (alert_id, channel, severity_rank, notified_at, resolved) VALUES (?, ?, ?, ?, 0)
ON CONFLICT (alert_id, channel) DO UPDATE SET severity_rank = excluded.severity_rank, notified_at = excluded.notified_at, resolved = 0`;
const TOLD = 'SELECT channel FROM notify_alert_channels WHERE alert_id = ? AND resolved = ? ORDER BY channel';
const MARK_RESOLVED = 'UPDATE notify_alert_channels SET resolved = 1 WHERE alert_id = ? AND resolved = 0';
const MARK_REOPENED = 'UPDATE notify_alert_channels SET resolved = 0, notified_at = ?, severity_rank = ? WHERE alert_id = ? AND resolved = 1';

interface AlertRow extends Omit<AlertSnapshot, 'sample_event_ids'> {
  severity_rank: number;
  silenced_by: string | null;
  sample_event_ids: string;
}

function snapshotOf(r: AlertRow): AlertSnapshot {
  let samples: number[] = [];
  try {
    const v: unknown = JSON.parse(r.sample_event_ids);
    if (Array.isArray(v)) samples = v.filter((x): x is number => typeof x === 'number');
  } catch {
    // a damaged list is not a reason to lose the notification
  }
  return {
    id: r.id,
    rule_id: r.rule_id,
    rule_name: r.rule_name,
    title: r.title,
    severity: r.severity,
    host: r.host,
    count: r.count,
    first_seen: r.first_seen,
    last_seen: r.last_seen,
    state: r.state,
    dedup_key: r.dedup_key,
    sample_event_ids: samples,
    state_changed_by: r.state_changed_by,
    comment: r.comment,
  };
}

/** The outbox on the statements of an open transaction (the caller holds it). */
export function outboxWrites(st: Statements): OutboxWrites {
  return {
    alert(id) {
      const r = st(ALERT).get(id) as AlertRow | undefined;
      return r === undefined ? undefined : { snapshot: snapshotOf(r), rank: r.severity_rank, state: r.state, silencedBy: r.silenced_by };
    },
    lastTold(alertId) {
      const rows = st(MEMORY).all(alertId) as { channel: string; severity_rank: number; notified_at: number }[];
      return rows.map((m) => ({ channel: m.channel, rank: m.severity_rank, notifiedAt: m.notified_at }));
    },
    toldChannels(alertId, resolved) {
      return st(TOLD).pluck().all(alertId, resolved ? 1 : 0) as string[];
    },
    insert(alertId, channel, kind, payload, now) {
      return Number(st(INSERT).run(alertId, channel, kind, JSON.stringify(payload), now, now).lastInsertRowid);
    },
    remember(alertId, channel, rank, now) {
      st(REMEMBER).run(alertId, channel, rank, now);
    },
    markResolved(alertId) {
      st(MARK_RESOLVED).run(alertId);
    },
    markReopened(alertId, at, rank) {
      st(MARK_REOPENED).run(at, rank, alertId);
    },
  };
}

/** The outbox inside a batch's transaction (LogWriter's hook). */
export function outboxInBatch(tx: BatchTx): OutboxWrites {
  const t = sqlTx(tx);
  return outboxWrites((sql) => t.statement(sql));
}

/**
 * The outbox on a store's connection, for a caller that holds a transaction on it by other
 * means; the tests of src/notify/outbox.ts use it.
 */
export function outboxOnStore(store: Store): OutboxWrites {
  const c = sqlOf(store);
  return outboxWrites((sql) => c.statement(sql));
}
