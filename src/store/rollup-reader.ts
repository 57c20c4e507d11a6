/**
 * Metric series from the rollup tables, never from raw logs. Buckets under an hour come from
 * rollup_1m, an hour or more from rollup_1h; both are re-bucketed in SQL by integer division.
 */
import { badRequest } from '../errors.js';
import { sqlOf } from './connection.js';
import { hostCondition } from './log-filter.js';
import { histSumSql, percentileOf } from './rollup-histogram.js';
import { HOUR_MS, MINUTE_MS } from './rollup-writer.js';
import { toStoreError } from './sqlite.js';
import type { Store } from './store.js';

export interface RollupQuery {
  /** Start, epoch ms; aligned down to the bucket. */
  from: number;
  /** End, epoch ms (exclusive): buckets starting before it. */
  to: number;
  /** Bucket width: a multiple of a minute below an hour, of an hour from an hour up. */
  bucketMs: number;
  /** Only these hosts (`*` wildcards allowed). */
  hosts?: readonly string[];
  /** The caller's permitted hosts, ANDed (see LogFilter.hostScope). */
  hostScope?: readonly string[];
  /** One row per host and bucket instead of one per bucket over all hosts. */
  perHost?: boolean;
}

export interface RollupPoint {
  bucket_start: number;
  /** null for the all-hosts row; '' for events that named no host. */
  host: string | null;
  count: number;
  /** Events with level <= 3. */
  errors: number;
  /** Events carrying at least one threat. */
  threats: number;
  cpu_avg: number | null;
  cpu_min: number | null;
  cpu_max: number | null;
  /**
   * 95th percentile, from the rows' histograms: the upper edge of the whole percentage point
   * holding it, never above cpu_max (src/core/histogram.ts). null without samples, or when a
   * row of the bucket predates the histograms (schema version 4) or its histogram is damaged.
   */
  cpu_p95: number | null;
  mem_avg: number | null;
  mem_min: number | null;
  mem_max: number | null;
  /** As cpu_p95. */
  mem_p95: number | null;
  net_in_avg: number | null;
  net_in_max: number | null;
  net_out_avg: number | null;
  net_out_max: number | null;
}

/** Most buckets one request may span, so a typo in `from` cannot ask for millions of rows. */
export const MAX_BUCKETS = 20_000;

function checkQuery(q: RollupQuery): void {
  for (const k of ['from', 'to'] as const) {
    if (!Number.isSafeInteger(q[k]) || q[k] < 0) throw badRequest(k, 'must be epoch milliseconds (a non-negative integer)');
  }
  if (q.from > q.to) throw badRequest('from', 'must not be after `to`');
  const b = q.bucketMs;
  if (!Number.isSafeInteger(b) || b < MINUTE_MS || b % MINUTE_MS !== 0 || (b >= HOUR_MS && b % HOUR_MS !== 0)) {
    throw badRequest('bucketMs', 'must be a whole number of minutes below an hour, or of hours from an hour up');
  }
  if ((q.to - q.from) / b > MAX_BUCKETS) throw badRequest('bucketMs', `the range spans more than ${MAX_BUCKETS} buckets; use wider buckets`);
  for (const k of ['hosts', 'hostScope'] as const) {
    const v = q[k];
    if (v !== undefined && (!Array.isArray(v) || v.some((h) => typeof h !== 'string' || h.length === 0))) {
      throw badRequest(k, 'must be a list of host names or patterns');
    }
  }
}

const avg = (sum: number | null, n: number): number | null => (n === 0 || sum === null ? null : sum / n);

/** The grouped SELECT over the query's table and window, with `aggregates` after `b` (bucket) and `h` (host). */
function groupedSql(q: RollupQuery, aggregates: string): { sql: string; params: unknown[] } {
  checkQuery(q);
  const table = q.bucketMs < HOUR_MS ? 'rollup_1m' : 'rollup_1h';
  const fromAligned = Math.floor(q.from / q.bucketMs) * q.bucketMs;
  // Buckets of the table's own width are its rows' bucket_start: grouping by that column (the
  // primary key's first) reads in key order; a computed bucket would need a sort first.
  const own = q.bucketMs === (table === 'rollup_1m' ? MINUTE_MS : HOUR_MS);
  const params: unknown[] = own ? [fromAligned, q.to] : [q.bucketMs, q.bucketMs, fromAligned, q.to];
  const where = ['bucket_start >= ?', 'bucket_start < ?'];
  if (q.hostScope !== undefined) where.push(`(${hostCondition('host', q.hostScope, params)})`);
  if (q.hosts !== undefined) where.push(`(${hostCondition('host', q.hosts, params)})`);
  const hostCol = q.perHost ? 'host' : 'NULL';
  // Bound JS numbers are REAL: cast, or the division would not truncate.
  const bucket = own ? 'bucket_start' : '(bucket_start / CAST(? AS INTEGER)) * CAST(? AS INTEGER)';
  const key = own ? 'bucket_start' : 'b';
  const sql = `SELECT ${bucket} AS b, ${hostCol} AS h, ${aggregates}
    FROM ${table} WHERE ${where.join(' AND ')}
    GROUP BY ${key}${q.perHost ? ', host' : ''} ORDER BY ${key}${q.perHost ? ', host' : ''}`;
  return { sql, params };
}

export interface RollupAverages {
  bucket_start: number;
  /** As in RollupPoint. */
  host: string | null;
  cpu_avg: number | null;
  mem_avg: number | null;
}

/**
 * The CPU and memory averages per bucket (and host) alone: what a trend line needs. Rows cost
 * by the column, so for 50 hosts over 24 buckets this reads in a third of readRollups' time.
 */
export function readRollupAverages(store: Store, q: RollupQuery): RollupAverages[] {
  const { sql, params } = groupedSql(q, 'sum(cpu_n) AS cpu_n, sum(cpu_sum) AS cpu_sum, sum(mem_n) AS mem_n, sum(mem_sum) AS mem_sum');
  type Row = { b: number; h: string | null; cpu_n: number; cpu_sum: number | null; mem_n: number; mem_sum: number | null };
  let rows: Row[];
  try {
    rows = sqlOf(store).statement(sql).all(...params) as Row[];
  } catch (e) {
    throw toStoreError(e, 'reading rollups');
  }
  return rows.map((r) => ({ bucket_start: r.b, host: r.h, cpu_avg: avg(r.cpu_sum, r.cpu_n), mem_avg: avg(r.mem_sum, r.mem_n) }));
}

export function readRollups(store: Store, q: RollupQuery): RollupPoint[] {
  const { sql, params } = groupedSql(
    q,
    `sum(count) AS count, sum(errors) AS errors, sum(threats) AS threats,
      sum(cpu_n) AS cpu_n, sum(cpu_sum) AS cpu_sum, min(cpu_min) AS cpu_min, max(cpu_max) AS cpu_max, ${histSumSql('cpu_hist')} AS cpu_hist,
      sum(mem_n) AS mem_n, sum(mem_sum) AS mem_sum, min(mem_min) AS mem_min, max(mem_max) AS mem_max, ${histSumSql('mem_hist')} AS mem_hist,
      sum(net_in_n) AS net_in_n, sum(net_in_sum) AS net_in_sum, max(net_in_max) AS net_in_max,
      sum(net_out_n) AS net_out_n, sum(net_out_sum) AS net_out_sum, max(net_out_max) AS net_out_max`,
  );
  type Agg = number | null;
  interface Row {
    b: number; h: string | null; count: number; errors: number; threats: number;
    cpu_n: number; cpu_sum: Agg; cpu_min: Agg; cpu_max: Agg; cpu_hist: Uint8Array | null;
    mem_n: number; mem_sum: Agg; mem_min: Agg; mem_max: Agg; mem_hist: Uint8Array | null;
    net_in_n: number; net_in_sum: Agg; net_in_max: Agg;
    net_out_n: number; net_out_sum: Agg; net_out_max: Agg;
  }
  let rows: Row[];
  try {
    rows = sqlOf(store).statement(sql).all(...params) as Row[];
  } catch (e) {
    throw toStoreError(e, 'reading rollups');
  }
  return rows.map((r) => ({
    bucket_start: r.b,
    host: r.h,
    count: r.count,
    errors: r.errors,
    threats: r.threats,
    cpu_avg: avg(r.cpu_sum, r.cpu_n),
    cpu_min: r.cpu_min,
    cpu_max: r.cpu_max,
    cpu_p95: percentileOf(r.cpu_hist, r.cpu_n, r.cpu_max),
    mem_avg: avg(r.mem_sum, r.mem_n),
    mem_min: r.mem_min,
    mem_max: r.mem_max,
    mem_p95: percentileOf(r.mem_hist, r.mem_n, r.mem_max),
    net_in_avg: avg(r.net_in_sum, r.net_in_n),
    net_in_max: r.net_in_max,
    net_out_avg: avg(r.net_out_sum, r.net_out_n),
    net_out_max: r.net_out_max,
  }));
}
