/**
 * The sender's side of the notification outbox (src/notify/sender.ts): which rows are due, and
 * recording each outcome (with the channel's counters, in one short transaction on the writer
 * connection).
 *
 * Order: a row is due only when no older row for the same alert and channel is still pending,
 * so a channel never hears "resolved" before the "triggered" it resolves, even while that
 * trigger waits out a backoff.
 */
import type { OutboxKind, OutboxPayload } from '../core/notification.js';
import { sqlOf } from './connection.js';
import { toStoreError } from './sqlite.js';
import type { Store } from './store.js';

export interface OutboxRow {
  id: number;
  alert_id: number;
  channel: string;
  kind: OutboxKind;
  payload: OutboxPayload;
  attempts: number;
  created_at: number;
}

const DUE = `SELECT id, alert_id, channel, kind, payload, attempts, created_at FROM notify_outbox o
WHERE o.state = 'pending' AND o.channel = ? AND o.next_attempt_at <= ?
  AND NOT EXISTS (SELECT 1 FROM notify_outbox p WHERE p.alert_id = o.alert_id AND p.channel = o.channel AND p.id < o.id AND p.state = 'pending')
ORDER BY o.next_attempt_at, o.id LIMIT ?`;
const NEXT_DUE = `SELECT min(next_attempt_at) FROM notify_outbox WHERE state = 'pending' AND channel = ?`;
const BUMP = `INSERT INTO notify_stats (channel, sent, failed, retries) VALUES (@channel, @sent, @failed, @retries)
ON CONFLICT (channel) DO UPDATE SET sent = sent + @sent, failed = failed + @failed, retries = retries + @retries`;

export function dueRows(store: Store, channel: string, now: number, limit: number): OutboxRow[] {
  const rows = sqlOf(store).statement(DUE).all(channel, now, limit) as (Omit<OutboxRow, 'payload'> & { payload: string })[];
  return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as OutboxPayload }));
}

/** The earliest next_attempt_at of the channel's pending rows; null when none. */
export function nextDueAt(store: Store, channel: string): number | null {
  const v = sqlOf(store).statement(NEXT_DUE).pluck().get(channel);
  return v === null || v === undefined ? null : Number(v);
}

function record(store: Store, doing: string, fn: () => void): void {
  try {
    sqlOf(store).db.immediateTransaction(fn);
  } catch (e) {
    throw toStoreError(e, doing);
  }
}

/** The endpoint answered 2xx. Returns false when the row was no longer pending (nothing changed). */
export function markSent(store: Store, row: Pick<OutboxRow, 'id' | 'channel'>, now: number, status: number | null): boolean {
  let changed = false;
  record(store, `recording notification ${row.id} as sent`, () => {
    const r = sqlOf(store)
      .statement(`UPDATE notify_outbox SET state = 'sent', attempts = attempts + 1, sent_at = ?, finished_at = ?, last_status = ?, next_attempt_at = ? WHERE id = ? AND state = 'pending'`)
      .run(now, now, status, now, row.id);
    changed = r.changes === 1;
    if (changed) sqlOf(store).statement(BUMP).run({ channel: row.channel, sent: 1, failed: 0, retries: 0 });
  });
  return changed;
}

/** An attempt failed and will be tried again at `at`. */
export function markRetry(store: Store, row: Pick<OutboxRow, 'id' | 'channel'>, at: number, error: string, status: number | null): void {
  record(store, `recording a failed attempt of notification ${row.id}`, () => {
    const r = sqlOf(store)
      .statement(`UPDATE notify_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, last_status = ? WHERE id = ? AND state = 'pending'`)
      .run(at, error, status, row.id);
    if (r.changes === 1) sqlOf(store).statement(BUMP).run({ channel: row.channel, sent: 0, failed: 0, retries: 1 });
  });
}

/** Given up: recorded as failed, with why. `attempted` = an attempt was made just now. */
export function markFailed(store: Store, row: Pick<OutboxRow, 'id' | 'channel'>, now: number, error: string, status: number | null, attempted = true): void {
  record(store, `recording notification ${row.id} as failed`, () => {
    const r = sqlOf(store)
      .statement(`UPDATE notify_outbox SET state = 'failed', attempts = attempts + ?, finished_at = ?, last_error = ?, last_status = ? WHERE id = ? AND state = 'pending'`)
      .run(attempted ? 1 : 0, now, error, status, row.id);
    if (r.changes === 1) sqlOf(store).statement(BUMP).run({ channel: row.channel, sent: 0, failed: 1, retries: 0 });
  });
}

/**
 * Pending rows of channels no longer configured can never be sent: they are recorded as failed
 * (visible in status and the API) rather than left waiting. Returns how many.
 */
export function failOrphans(store: Store, configured: readonly string[], now: number): number {
  const placeholders = configured.map(() => '?').join(', ');
  const rows = sqlOf(store)
    .statement(`SELECT id, channel FROM notify_outbox WHERE state = 'pending'${configured.length ? ` AND channel NOT IN (${placeholders})` : ''}`)
    .all(...configured) as { id: number; channel: string }[];
  for (const r of rows) markFailed(store, r, now, `channel "${r.channel}" is no longer configured (notify.channels)`, null, false);
  return rows.length;
}

/**
 * Deletes sent and failed rows created before `before`, and what channels were told of alerts
 * resolved before then, at most `chunk` rows of each per call. Returns the rows deleted.
 */
export function pruneOutbox(store: Store, before: number, chunk: number): number {
  let n = 0;
  record(store, 'pruning the notification outbox', () => {
    n += sqlOf(store)
      .statement(`DELETE FROM notify_outbox WHERE id IN (SELECT id FROM notify_outbox WHERE created_at < ? AND state <> 'pending' ORDER BY created_at LIMIT ?)`)
      .run(before, chunk).changes;
    n += sqlOf(store)
      .statement(
        `DELETE FROM notify_alert_channels WHERE resolved = 1 AND alert_id IN (SELECT m.alert_id FROM notify_alert_channels m
           JOIN alerts a ON a.id = m.alert_id WHERE m.resolved = 1 AND a.state = 'resolved' AND a.resolved_at < ? LIMIT ?)`,
      )
      .run(before, chunk).changes;
  });
  return n;
}
