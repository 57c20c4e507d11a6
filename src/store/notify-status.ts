/**
 * Reading the state of deliveries, for `logagg status`, GET /api/v1/notifications and /metrics.
 * Works on a read-only connection.
 */
import type { OutboxKind, OutboxState } from '../core/notification.js';
import { sqlOf } from './connection.js';
import type { Store } from './store.js';

export interface ChannelStatus {
  channel: string;
  /** Waiting for their first attempt or a retry, now. */
  pending: number;
  /** Delivered (2xx) since the database was created. */
  sent: number;
  /** Given up since the database was created. */
  failed: number;
  /** Failed attempts that were tried again, since the database was created. */
  retries: number;
  /** created_at of the oldest pending row, epoch ms; null when none. */
  oldest_pending_at: number | null;
  /** The latest give-up still in the outbox: when and why; null when none. */
  last_failure: { at: number; error: string } | null;
}

/**
 * Pending and failed counts per channel (every channel with a row or a counter, by name).
 * Channels configured but never used do not appear.
 */
export function notifyStatus(store: Store): ChannelStatus[] {
  const out = new Map<string, ChannelStatus>();
  const get = (channel: string): ChannelStatus => {
    let s = out.get(channel);
    if (s === undefined) out.set(channel, (s = { channel, pending: 0, sent: 0, failed: 0, retries: 0, oldest_pending_at: null, last_failure: null }));
    return s;
  };
  for (const r of sqlOf(store).statement('SELECT channel, sent, failed, retries FROM notify_stats').all() as { channel: string; sent: number; failed: number; retries: number }[]) {
    Object.assign(get(r.channel), { sent: r.sent, failed: r.failed, retries: r.retries });
  }
  const pending = sqlOf(store).statement(`SELECT channel, count(*) AS n, min(created_at) AS oldest FROM notify_outbox WHERE state = 'pending' GROUP BY channel`).all() as {
    channel: string;
    n: number;
    oldest: number;
  }[];
  for (const r of pending) Object.assign(get(r.channel), { pending: r.n, oldest_pending_at: r.oldest });
  const failures = sqlOf(store)
    .statement(
      `SELECT o.channel, o.finished_at, o.last_error FROM notify_outbox o
       JOIN (SELECT channel, max(id) AS id FROM notify_outbox WHERE state = 'failed' GROUP BY channel) f ON f.id = o.id`,
    )
    .all() as { channel: string; finished_at: number | null; last_error: string | null }[];
  for (const r of failures) get(r.channel).last_failure = { at: r.finished_at ?? 0, error: r.last_error ?? '' };
  return [...out.values()].sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
}

export interface Delivery {
  id: number;
  alert_id: number;
  channel: string;
  kind: OutboxKind;
  state: OutboxState;
  attempts: number;
  created_at: number;
  /** When the next attempt is due; null unless pending. */
  next_attempt_at: number | null;
  sent_at: number | null;
  /** When it was sent or given up. */
  finished_at: number | null;
  last_status: number | null;
  last_error: string | null;
}

export interface DeliveryFilter {
  states?: readonly OutboxState[];
  channels?: readonly string[];
  alertId?: number;
}

/** Newest first; `beforeId` continues a page. */
export function listDeliveries(store: Store, f: DeliveryFilter, page: { limit: number; beforeId: number | null }): { items: Delivery[]; next_before: number | null } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.states !== undefined && f.states.length > 0) {
    where.push(`state IN (${f.states.map(() => '?').join(', ')})`);
    params.push(...f.states);
  }
  if (f.channels !== undefined && f.channels.length > 0) {
    where.push(`channel IN (${f.channels.map(() => '?').join(', ')})`);
    params.push(...f.channels);
  }
  if (f.alertId !== undefined) {
    where.push('alert_id = ?');
    params.push(f.alertId);
  }
  if (page.beforeId !== null) {
    where.push('id < ?');
    params.push(page.beforeId);
  }
  const sql = `SELECT id, alert_id, channel, kind, state, attempts, created_at, next_attempt_at, sent_at, finished_at, last_status, last_error
FROM notify_outbox${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  const rows = sqlOf(store).statement(sql).all(...params, page.limit + 1) as Delivery[];
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit).map((r) => ({ ...r, next_attempt_at: r.state === 'pending' ? r.next_attempt_at : null }));
  return { items, next_before: more ? items[items.length - 1]!.id : null };
}
