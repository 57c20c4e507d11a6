/**
 * The requests the API benchmark measures, built from the dataset's time window and a cursor
 * positioned 90% of the way back in time. Targets are the issue's: p99 under 50 ms for the
 * filtered, deep-page and full-text reads, under 20 ms for one event and the summary, with the
 * server idle.
 * Not part of the appliance.
 */
import { sqlOf } from '../store/connection.js';
import { decodeCursor, encodeCursor } from '../store/cursor.js';
import type { Store } from '../store/store.js';
import { LogReader } from '../store/log-reader.js';

export interface BenchQuery {
  /** Short stable name, e.g. `logs.filtered.deep`. */
  name: string;
  /** What it is, for the report. */
  label: string;
  /** Path and query string under the server's URL. */
  path: string;
  /** p99 target with the server idle, ms; null = no target (report only). */
  targetP99Ms: number | null;
}

export interface QueryInputs {
  /** Dataset window: event time of the first and last event, epoch ms. */
  start: number;
  end: number;
  /** A desc-order cursor at the position the deep-page queries start from. */
  deepCursor: string;
  /** The host and level of the filtered page. */
  host: string;
  level: string;
  /** A mid-frequency word and a phrase for the full-text queries. */
  word: string;
  phrase: string;
}

export const DEFAULT_QUERY_INPUTS = { host: 'web-01', level: 'warning', word: 'carol', phrase: 'upstream timeout' } as const;
/** How far back in time the deep page starts, as a share of the dataset's span. */
export const DEEP_FRACTION = 0.9;
const PAGE = 100;

export function benchQueries(q: QueryInputs): BenchQuery[] {
  const p = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const filtered = { host: q.host, level: q.level, limit: String(PAGE) };
  // The summary window: the 24 hours ending just after the newest event (to is exclusive).
  const to = q.end + 60_000;
  const summary = { from: new Date(to - 86_400_000).toISOString(), to: new Date(to).toISOString(), bucket: '1h' };
  return [
    { name: 'logs.filtered.first', label: `GET /logs ${q.host}, level ≥ ${q.level}, first page`, path: `/api/v1/logs?${p(filtered)}`, targetP99Ms: 50 },
    { name: 'logs.filtered.deep', label: `GET /logs ${q.host}, level ≥ ${q.level}, page ${DEEP_FRACTION * 100}% back`, path: `/api/v1/logs?${p({ ...filtered, cursor: q.deepCursor })}`, targetP99Ms: 50 },
    { name: 'logs.first', label: 'GET /logs unfiltered, first page', path: `/api/v1/logs?${p({ limit: String(PAGE) })}`, targetP99Ms: 50 },
    { name: 'logs.deep', label: `GET /logs unfiltered, page ${DEEP_FRACTION * 100}% back`, path: `/api/v1/logs?${p({ limit: String(PAGE), cursor: q.deepCursor })}`, targetP99Ms: 50 },
    { name: 'logs.one', label: `GET /logs/:id, an event ${DEEP_FRACTION * 100}% back`, path: `/api/v1/logs/${decodeCursor(q.deepCursor, 'desc').id}`, targetP99Ms: 20 },
    { name: 'logs.fts.word', label: `GET /logs q=${q.word}`, path: `/api/v1/logs?${p({ q: q.word, limit: String(PAGE) })}`, targetP99Ms: 50 },
    { name: 'logs.fts.phrase', label: `GET /logs q="${q.phrase}"`, path: `/api/v1/logs?${p({ q: `"${q.phrase}"`, limit: String(PAGE) })}`, targetP99Ms: 50 },
    { name: 'summary.24h', label: 'GET /metrics/summary 24 h, bucket 1h', path: `/api/v1/metrics/summary?${p(summary)}`, targetP99Ms: 20 },
    { name: 'summary.24h.host', label: `GET /metrics/summary 24 h, bucket 1h, host ${q.host}`, path: `/api/v1/metrics/summary?${p({ ...summary, host: q.host })}`, targetP99Ms: 20 },
  ];
}

/**
 * A desc-order cursor at the newest row at or before `fraction` of the span back from
 * the end, read from the database (a real (ts, id) pair, as a client paging there would hold).
 */
export function deepCursorAt(store: Store, start: number, end: number, fraction: number): string {
  const ts = Math.round(end - (end - start) * fraction);
  const row = sqlOf(store).statement('SELECT ts, id FROM logs WHERE ts <= ? ORDER BY ts DESC, id DESC LIMIT 1').get(ts) as { ts: number; id: number } | undefined;
  if (!row) throw new Error(`no event at or before ${new Date(ts).toISOString()}`);
  // As if that row ended the previous page: the deep page starts with the row after it.
  return encodeCursor({ ts: row.ts, id: row.id, order: 'desc' });
}

/** How many events a full-text query (`GET /logs?q=`) matches, for the report. */
export function ftsMatches(store: Store, q: string): number {
  return new LogReader(store).countLogs({ q });
}
