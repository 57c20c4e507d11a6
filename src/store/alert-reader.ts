/**
 * Reading alerts: pages (keyset on last_seen, id, newest first), one alert with its history,
 * counts per severity and state, and the change feed the event stream follows. Works on a
 * read-only connection. Every user value is a bound parameter.
 */
import { SEVERITIES, type Severity } from '../core/event.js';
import { ALERT_STATES, type Alert, type AlertFilter, type AlertHistoryEntry, type AlertRecord, type AlertState } from '../core/alert.js';
import { badRequest } from '../errors.js';
import { sqlOf } from './connection.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { hostCondition } from './log-filter.js';
import type { Store } from './store.js';

export interface AlertRecordPage {
  items: AlertRecord[];
  next_cursor: string | null;
}

const LIMITS = { page: 1000, listItems: 100 };

/** A row of the alerts table: the record with its lists and objects as JSON text, and its change sequence. */
type AlertRow = Omit<AlertRecord, 'sample_event_ids' | 'matched' | 'context'> & {
  sample_event_ids: string;
  matched: string;
  context: string | null;
  change_seq: number;
};

const COLUMNS = `id, rule_id, rule_name, severity, host, title, first_seen, last_seen, count, sample_event_ids, matched, context,
  dedup_key, state, acknowledged_by, acknowledged_at, resolved_by, resolved_at, state_changed_by, state_changed_at, comment,
  silenced_by, change_seq, created_at, updated_at`;

export function toAlertRecord(r: AlertRow): AlertRecord {
  return {
    id: r.id,
    rule_id: r.rule_id,
    rule_name: r.rule_name,
    severity: r.severity,
    host: r.host,
    title: r.title,
    first_seen: r.first_seen,
    last_seen: r.last_seen,
    count: r.count,
    sample_event_ids: JSON.parse(r.sample_event_ids) as number[],
    state: r.state,
    dedup_key: r.dedup_key,
    state_changed_by: r.state_changed_by,
    state_changed_at: r.state_changed_at,
    comment: r.comment,
    matched: JSON.parse(r.matched) as Record<string, unknown>,
    context: r.context === null ? null : (JSON.parse(r.context) as Record<string, unknown>),
    acknowledged_by: r.acknowledged_by,
    acknowledged_at: r.acknowledged_at,
    resolved_by: r.resolved_by,
    resolved_at: r.resolved_at,
    silenced_by: r.silenced_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** Every alert in id order: for small stores only (the private databases of `logagg rules test|backtest`). */
export function allAlertRecords(store: Store): AlertRecord[] {
  return (sqlOf(store).statement(`SELECT ${COLUMNS} FROM alerts ORDER BY id`).all() as AlertRow[]).map(toAlertRecord);
}

/** The API's subset of a record. */
export function toAlert(r: AlertRecord): Alert {
  return {
    id: r.id,
    rule_id: r.rule_id,
    severity: r.severity,
    host: r.host,
    title: r.title,
    first_seen: r.first_seen,
    last_seen: r.last_seen,
    count: r.count,
    sample_event_ids: r.sample_event_ids,
    state: r.state,
    dedup_key: r.dedup_key,
    state_changed_by: r.state_changed_by,
    state_changed_at: r.state_changed_at,
    comment: r.comment,
    silenced_by: r.silenced_by,
  };
}

function checkList(name: string, v: readonly string[]): void {
  if (v.length > LIMITS.listItems) throw badRequest(name, `at most ${LIMITS.listItems} values`);
}

function checkTime(name: string, v: number): void {
  if (!Number.isSafeInteger(v)) throw badRequest(name, 'must be epoch milliseconds (an integer)');
}

/** The filter as ANDed conditions; BAD_REQUEST naming the filter for values out of range. */
export function alertConditions(f: AlertFilter, params: unknown[]): string[] {
  const c: string[] = [];
  if (f.hostScope !== undefined) {
    checkList('hosts', f.hostScope);
    c.push(`(${hostCondition('host', f.hostScope, params)})`);
  }
  if (f.hosts !== undefined) {
    checkList('host', f.hosts);
    c.push(`(${hostCondition('host', f.hosts, params)})`);
  }
  if (f.states !== undefined) {
    checkList('state', f.states);
    c.push(f.states.length === 0 ? '0' : `state IN (${f.states.map(() => '?').join(', ')})`);
    params.push(...f.states);
  }
  if (f.severities !== undefined) {
    checkList('severity', f.severities);
    c.push(f.severities.length === 0 ? '0' : `severity IN (${f.severities.map(() => '?').join(', ')})`);
    params.push(...f.severities);
  }
  if (f.minSeverity !== undefined) {
    const rank = SEVERITIES.indexOf(f.minSeverity) + 1;
    if (rank === 0) throw badRequest('min_severity', `must be one of ${SEVERITIES.join(', ')}`);
    c.push('severity_rank >= ?');
    params.push(rank);
  }
  if (f.rules !== undefined) {
    checkList('rule', f.rules);
    c.push(f.rules.length === 0 ? '0' : `rule_id IN (${f.rules.map(() => '?').join(', ')})`);
    params.push(...f.rules);
  }
  if (f.from !== undefined) {
    checkTime('from', f.from);
    c.push('last_seen >= ?');
    params.push(f.from);
  }
  if (f.to !== undefined) {
    checkTime('to', f.to);
    c.push('first_seen < ?');
    params.push(f.to);
  }
  if (f.eventId !== undefined) {
    checkTime('id', f.eventId);
    c.push('id IN (SELECT alert_id FROM alert_events WHERE log_id = ?)');
    params.push(f.eventId);
  }
  return c;
}

const where = (c: string[]): string => (c.length === 0 ? '' : ` WHERE ${c.join(' AND ')}`);

/**
 * Newest first by last_seen, then id. The cursor is the (last_seen, id) of the last row served.
 * An alert updated while a client pages moves to the front (its last_seen grows): the feed, not
 * the pages, is the way to follow changes.
 */
export function listAlerts(store: Store, filter: AlertFilter, page: { limit: number; cursor: string | null }): AlertRecordPage {
  if (!Number.isSafeInteger(page.limit) || page.limit < 1 || page.limit > LIMITS.page) throw badRequest('limit', `must be 1 to ${LIMITS.page}`);
  const params: unknown[] = [];
  const c = alertConditions(filter, params);
  if (page.cursor !== null) {
    const pos = decodeCursor(page.cursor, 'desc');
    c.push('(last_seen < ? OR (last_seen = ? AND id < ?))');
    params.push(pos.ts, pos.ts, pos.id);
  }
  params.push(page.limit + 1);
  const rows = sqlOf(store).statement(`SELECT ${COLUMNS} FROM alerts${where(c)} ORDER BY last_seen DESC, id DESC LIMIT ?`).all(...params) as AlertRow[];
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit).map(toAlertRecord);
  const last = items[items.length - 1];
  return { items, next_cursor: more && last ? encodeCursor({ ts: last.last_seen, id: last.id, order: 'desc' }) : null };
}

/** One alert, or null when absent or outside hostScope. */
export function getAlert(store: Store, id: number, hostScope?: readonly string[]): AlertRecord | null {
  if (!Number.isSafeInteger(id)) return null;
  const params: unknown[] = [id];
  const c = ['id = ?', ...alertConditions(hostScope === undefined ? {} : { hostScope }, params)];
  const row = sqlOf(store).statement(`SELECT ${COLUMNS} FROM alerts${where(c)}`).get(...params) as AlertRow | undefined;
  return row === undefined ? null : toAlertRecord(row);
}

/** State changes of an alert, oldest first. */
export function alertHistory(store: Store, id: number): AlertHistoryEntry[] {
  const rows = sqlOf(store).statement('SELECT at, by, from_state, to_state, comment FROM alert_changes WHERE alert_id = ? ORDER BY id').all(id) as {
    at: number;
    by: string;
    from_state: AlertState;
    to_state: AlertState;
    comment: string | null;
  }[];
  return rows.map((r) => ({ at: r.at, by: r.by, from: r.from_state, to: r.to_state, comment: r.comment }));
}

export function countAlerts(store: Store, filter: AlertFilter): { severity: Severity; state: AlertState; count: number }[] {
  const params: unknown[] = [];
  const c = alertConditions(filter, params);
  return sqlOf(store)
    .statement(`SELECT severity, state, count(*) AS count FROM alerts${where(c)} GROUP BY severity, state ORDER BY severity_rank DESC, state`)
    .all(...params) as { severity: Severity; state: AlertState; count: number }[];
}

/** Alert counts of a filter by state, severity, rule and host (the busiest `top` rules and hosts). */
export interface AlertStats {
  total: number;
  by_state: { state: AlertState; count: number }[];
  by_severity: { severity: Severity; count: number }[];
  by_rule: { rule_id: string; count: number }[];
  rules_total: number;
  /** host null: alerts about no host (internal alerts, rules without one). */
  by_host: { host: string | null; count: number }[];
  hosts_total: number;
}

export function alertStats(store: Store, filter: AlertFilter, top: number): AlertStats {
  if (!Number.isInteger(top) || top < 1 || top > 1000) throw badRequest('top', 'must be an integer 1 … 1000');
  const params: unknown[] = [];
  const c = alertConditions(filter, params);
  const groups = sqlOf(store)
    .statement(`SELECT state, severity, rule_id, host, count(*) AS n FROM alerts${where(c)} GROUP BY state, severity, rule_id, host`)
    .all(...params) as { state: AlertState; severity: Severity; rule_id: string; host: string | null; n: number }[];
  const add = <K>(m: Map<K, number>, k: K, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  const states = new Map<AlertState, number>();
  const sevs = new Map<Severity, number>();
  const rules = new Map<string, number>();
  const hosts = new Map<string | null, number>();
  let total = 0;
  for (const g of groups) {
    total += g.n;
    add(states, g.state, g.n);
    add(sevs, g.severity, g.n);
    add(rules, g.rule_id, g.n);
    add(hosts, g.host, g.n);
  }
  const busiest = <K>(m: Map<K, number>) => [...m].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0]))).slice(0, top);
  return {
    total,
    by_state: ALERT_STATES.filter((st) => states.has(st)).map((state) => ({ state, count: states.get(state)! })),
    by_severity: [...SEVERITIES].reverse().filter((sv) => sevs.has(sv)).map((severity) => ({ severity, count: sevs.get(severity)! })),
    by_rule: busiest(rules).map(([rule_id, count]) => ({ rule_id, count })),
    rules_total: rules.size,
    by_host: busiest(hosts).map(([host, count]) => ({ host, count })),
    hosts_total: hosts.size,
  };
}

export interface AlertFeedPage {
  items: AlertRecord[];
  position: string;
}

/** The feed position, as a string of digits: the change_seq of the last change seen. */
function parsePosition(position: string): number {
  if (!/^\d{1,15}$/.test(position)) throw badRequest('Last-Event-ID', 'not a position of this stream');
  return Number(position);
}

/**
 * Alerts inserted or changed after `position` (matching the filter), oldest change first, at
 * most `limit`; `position` null means "from now". The head is read before the rows and bounds
 * them, so a change committed between the two reads is left for the next call, never skipped.
 */
export function alertFeed(store: Store, position: string | null, filter: AlertFilter, limit: number): AlertFeedPage {
  const head = Number(sqlOf(store).statement('SELECT coalesce(max(change_seq), 0) FROM alerts').pluck().get());
  if (position === null) return { items: [], position: String(head) };
  const from = parsePosition(position);
  const params: unknown[] = [from, head];
  const c = ['change_seq > ?', 'change_seq <= ?', ...alertConditions(filter, params)];
  params.push(Math.max(1, Math.trunc(limit)));
  const rows = sqlOf(store).statement(`SELECT ${COLUMNS} FROM alerts${where(c)} ORDER BY change_seq LIMIT ?`).all(...params) as AlertRow[];
  const full = rows.length >= limit;
  const last = rows[rows.length - 1];
  // A full page stops at its last row; a short one has seen everything up to the head.
  const next = full && last ? last.change_seq : Math.max(from, head);
  return { items: rows.map(toAlertRecord), position: String(next) };
}

/** An alert as one of its changes left it, with the change's sequence number. */
export interface AlertChangeRecord {
  seq: number;
  alert: AlertRecord;
}

/** The change_seq of the newest alert change; 0 when there is none. */
export function alertChangeHead(store: Store): number {
  return Number(sqlOf(store).statement('SELECT coalesce(max(change_seq), 0) FROM alerts').pluck().get());
}

/**
 * Alerts changed after `afterSeq` and at or before `head` (read first with alertChangeHead, so
 * a change committed meanwhile is left for the next call), oldest change first, each with its
 * change_seq: what forwarding publishes. An alert changed twice since shows once, as it is now.
 */
export function alertChangesAfter(store: Store, afterSeq: number, head: number, limit: number): AlertChangeRecord[] {
  const rows = sqlOf(store)
    .statement(`SELECT ${COLUMNS} FROM alerts WHERE change_seq > ? AND change_seq <= ? ORDER BY change_seq LIMIT ?`)
    .all(afterSeq, head, Math.max(1, Math.trunc(limit))) as AlertRow[];
  return rows.map((r) => ({ seq: r.change_seq, alert: toAlertRecord(r) }));
}
