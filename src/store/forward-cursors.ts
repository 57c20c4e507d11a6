/**
 * The forwarding cursors (table forward_cursors, migration 9): per output, the newest log id
 * and alert change forwarded, written only after the broker acknowledged them, and the
 * counters `logagg status`, /metrics and /readyz show. Writes are short transactions on the
 * control connection (src/app/ingest-service.ts); reads work on a read-only connection.
 */
import { alertChangeHead } from './alert-reader.js';
import { sqlOf } from './connection.js';
import { maxLogId } from './log-follow.js';
import { toStoreError } from './sqlite.js';
import type { Store } from './store.js';

export interface ForwardCursor {
  lastLogId: number;
  lastAlertSeq: number;
}

export interface ForwardOutputStatus {
  output: string;
  /** The topics as configured at the output's last start; null = that stream is not forwarded. */
  events_topic: string | null;
  alerts_topic: string | null;
  last_log_id: number;
  last_alert_seq: number;
  /** Stored events after last_log_id (ids behind the newest stored); 0 when events are not forwarded. */
  events_behind: number;
  /** Alert changes after last_alert_seq; 0 when alerts are not forwarded. */
  alerts_behind: number;
  events_sent: number;
  alerts_sent: number;
  /** Failed produce requests (each retried) since the output was created. */
  errors: number;
  last_error: { at: number; error: string } | null;
  /** Epoch ms of the first failure since the last success; null while sending works. */
  failing_since: number | null;
  /** Failing for longer than forward.degraded_after (at `now`). */
  degraded: boolean;
  last_sent_at: number | null;
}

function write(store: Store, doing: string, fn: () => void): void {
  try {
    sqlOf(store).db.immediateTransaction(fn);
  } catch (e) {
    throw toStoreError(e, doing);
  }
}

/** What an output is configured to do, recorded at its start for readers on other connections. */
export interface CursorSettings {
  eventsTopic: string | null;
  alertsTopic: string | null;
  /** forward.degraded_after, for /readyz (the API's connection). */
  degradedAfterMs: number;
}

/** The output's cursor, created at `start` when it has none (a new output); its settings recorded. */
export function openCursor(store: Store, output: string, start: ForwardCursor, settings: CursorSettings, now: number): ForwardCursor {
  let cursor: ForwardCursor = start;
  write(store, `opening the forwarding cursor of ${output}`, () => {
    const sql = sqlOf(store);
    sql
      .statement(
        `INSERT INTO forward_cursors (output, events_topic, alerts_topic, last_log_id, last_alert_seq, degraded_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (output) DO UPDATE SET events_topic = excluded.events_topic, alerts_topic = excluded.alerts_topic, degraded_after = excluded.degraded_after`,
      )
      .run(output, settings.eventsTopic, settings.alertsTopic, start.lastLogId, start.lastAlertSeq, settings.degradedAfterMs, now);
    const row = sql.statement('SELECT last_log_id, last_alert_seq FROM forward_cursors WHERE output = ?').get(output) as { last_log_id: number; last_alert_seq: number };
    cursor = { lastLogId: row.last_log_id, lastAlertSeq: row.last_alert_seq };
  });
  return cursor;
}

/** The broker acknowledged events up to `lastLogId` (`sent` of them; the rest the filter passed over). */
export function advanceEvents(store: Store, output: string, lastLogId: number, sent: number, now: number): void {
  write(store, `advancing the forwarding cursor of ${output}`, () => {
    sqlOf(store)
      .statement(
        `UPDATE forward_cursors SET last_log_id = max(last_log_id, ?), events_sent = events_sent + ?, failing_since = NULL,
           last_sent_at = CASE WHEN ? > 0 THEN ? ELSE last_sent_at END WHERE output = ?`,
      )
      .run(lastLogId, sent, sent, now, output);
  });
}

/** The broker acknowledged alert changes up to `lastSeq`. */
export function advanceAlerts(store: Store, output: string, lastSeq: number, sent: number, now: number): void {
  write(store, `advancing the forwarding cursor of ${output}`, () => {
    sqlOf(store)
      .statement(
        `UPDATE forward_cursors SET last_alert_seq = max(last_alert_seq, ?), alerts_sent = alerts_sent + ?, failing_since = NULL,
           last_sent_at = CASE WHEN ? > 0 THEN ? ELSE last_sent_at END WHERE output = ?`,
      )
      .run(lastSeq, sent, sent, now, output);
  });
}

/** A produce request failed (it will be retried from the cursor). */
export function recordForwardError(store: Store, output: string, error: string, now: number): void {
  write(store, `recording a forwarding failure of ${output}`, () => {
    sqlOf(store)
      .statement('UPDATE forward_cursors SET errors = errors + 1, last_error = ?, last_error_at = ?, failing_since = coalesce(failing_since, ?) WHERE output = ?')
      .run(error.slice(0, 1000), now, now, output);
  });
}

interface CursorRow {
  output: string;
  events_topic: string | null;
  alerts_topic: string | null;
  last_log_id: number;
  last_alert_seq: number;
  events_sent: number;
  alerts_sent: number;
  errors: number;
  last_error: string | null;
  last_error_at: number | null;
  failing_since: number | null;
  degraded_after: number;
  last_sent_at: number | null;
}

/**
 * Every output with a cursor, by name. `heads` are the newest log id and alert change_seq
 * stored (maxLogId, alertChangeHead), read by the caller through the store's public readers.
 */
export function forwardStatus(store: Store, heads: { logId: number; alertSeq: number }, now: number): ForwardOutputStatus[] {
  let rows: CursorRow[];
  try {
    rows = sqlOf(store).statement('SELECT * FROM forward_cursors ORDER BY output').all() as CursorRow[];
  } catch (e) {
    throw toStoreError(e, 'reading the forwarding cursors');
  }
  return rows.map((r) => ({
    output: r.output,
    events_topic: r.events_topic,
    alerts_topic: r.alerts_topic,
    last_log_id: r.last_log_id,
    last_alert_seq: r.last_alert_seq,
    events_behind: r.events_topic === null ? 0 : Math.max(0, heads.logId - r.last_log_id),
    alerts_behind: r.alerts_topic === null ? 0 : Math.max(0, heads.alertSeq - r.last_alert_seq),
    events_sent: r.events_sent,
    alerts_sent: r.alerts_sent,
    errors: r.errors,
    last_error: r.last_error === null ? null : { at: r.last_error_at ?? 0, error: r.last_error },
    failing_since: r.failing_since,
    degraded: r.failing_since !== null && now - r.failing_since > r.degraded_after,
    last_sent_at: r.last_sent_at,
  }));
}

/** forwardStatus against the store's newest log id and alert change, now. */
export function readForwardStatus(store: Store, now: number): ForwardOutputStatus[] {
  return forwardStatus(store, { logId: maxLogId(store), alertSeq: alertChangeHead(store) }, now);
}
