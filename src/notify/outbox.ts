/**
 * Writing the notification outbox, always inside the transaction of the alert change being
 * announced: the batch's (enqueueForAlerts, from the detector's hook) or the state change's
 * (enqueueForTransition, from transitionAlert). Either the alert change and its notifications
 * are stored together, or neither is: a crash never loses a notification, and a replayed
 * batch never enqueues one twice (its first try was rolled back whole).
 *
 * Statements come through `st` (the writer connection's statement cache), so these run inside
 * whatever transaction the caller holds.
 */
import type { AlertState } from '../core/alert.js';
import type { AlertWritten } from '../store/alert-store.js';
import type { SqlStatement } from '../store/sqlite.js';
import { planNotifications, type ChannelMemory, type NotifyPolicy } from './plan.js';
import { routeAlert, type RouteConfig } from './routing.js';
import type { AlertSnapshot } from '../core/alert.js';
import type { OutboxKind, OutboxPayload } from './types.js';

export type Statements = (sql: string) => SqlStatement;

/** What the batch hook needs from the config. */
export interface EnqueueSettings {
  routes: readonly RouteConfig[];
  /** Configured channel names, in config order. */
  channels: readonly string[];
  policy: NotifyPolicy;
}

const ALERT = `SELECT id, rule_id, rule_name, title, severity, severity_rank, host, count, first_seen, last_seen, state, dedup_key,
  sample_event_ids, state_changed_by, comment FROM alerts WHERE id = ?`;
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
  sample_event_ids: string;
}

function readAlert(st: Statements, id: number): AlertRow | undefined {
  return st(ALERT).get(id) as AlertRow | undefined;
}

export function snapshotOf(r: AlertRow): AlertSnapshot {
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

/** Inserts one pending row, due at once; returns its id. */
export function insertOutbox(st: Statements, alertId: number, channel: string, kind: OutboxKind, payload: OutboxPayload, now: number): number {
  return Number(st(INSERT).run(alertId, channel, kind, JSON.stringify(payload), now, now).lastInsertRowid);
}

/**
 * Enqueues what the alerts opened or updated by one batch call for (plan.ts), and remembers
 * what each channel was told. Returns the number of rows enqueued.
 */
export function enqueueForAlerts(st: Statements, written: readonly AlertWritten[], s: EnqueueSettings, now: number): number {
  if (written.length === 0 || s.channels.length === 0) return 0;
  // An alert may be written several times in one batch: opened wins, the first previous rank counts.
  const byId = new Map<number, { opened: boolean; previousRank: number | null }>();
  for (const w of written) {
    const seen = byId.get(w.alertId);
    if (seen === undefined) byId.set(w.alertId, { opened: w.opened, previousRank: w.previousRank });
    else if (w.opened) seen.opened = true;
  }
  let n = 0;
  for (const [id, w] of byId) {
    const row = readAlert(st, id);
    if (row === undefined) continue;
    const routed = routeAlert(s.routes, s.channels, row);
    if (routed.length === 0) continue;
    const memory = new Map<string, ChannelMemory>();
    for (const m of st(MEMORY).all(id) as { channel: string; severity_rank: number; notified_at: number }[]) {
      memory.set(m.channel, { rank: m.severity_rank, notifiedAt: m.notified_at });
    }
    const planned = planNotifications({ state: row.state, rank: row.severity_rank, opened: w.opened, previousRank: w.previousRank }, routed, memory, s.policy, now);
    if (planned.length === 0) continue;
    const alert = snapshotOf(row);
    for (const p of planned) {
      insertOutbox(st, id, p.channel, p.kind, { alert, previous_severity: p.previousSeverity }, now);
      st(REMEMBER).run(id, p.channel, row.severity_rank, now);
      n++;
    }
  }
  return n;
}

/**
 * Called by transitionAlert inside its transaction. Resolving an alert enqueues a `resolve` for
 * every channel that was told of it; reopening a resolved alert enqueues a `trigger` for the
 * same channels. Acknowledging sends nothing. Needs no config: the channels are those on record.
 * Returns the number of rows enqueued.
 */
export function enqueueForTransition(st: Statements, alertId: number, from: AlertState, to: AlertState, at: number): number {
  if (from === to) return 0;
  const resolving = to === 'resolved';
  const reopening = from === 'resolved' && to === 'open';
  if (!resolving && !reopening) return 0;
  const channels = st(TOLD).pluck().all(alertId, resolving ? 0 : 1) as string[];
  if (channels.length === 0) return 0;
  const row = readAlert(st, alertId);
  if (row === undefined) return 0;
  const alert = snapshotOf(row);
  for (const c of channels) insertOutbox(st, alertId, c, resolving ? 'resolve' : 'trigger', { alert, previous_severity: null }, at);
  if (resolving) st(MARK_RESOLVED).run(alertId);
  else st(MARK_REOPENED).run(at, row.severity_rank, alertId);
  return channels.length;
}
