/**
 * Totals over a whole window from the rollup tables: counts, sample-weighted CPU and memory
 * averages, extremes — overall or per host. Complements readRollups (a series per bucket),
 * whose per-bucket averages cannot be combined exactly without the sample counts kept here.
 * The window is read from the same table and with the same alignment as readRollups.
 */
import { badRequest } from '../errors.js';
import { hostCondition } from './log-filter.js';
import { HOUR_MS, MINUTE_MS } from './rollup-writer.js';
import { toStoreError } from './sqlite.js';
import type { Store } from './store.js';

export interface TotalsQuery {
  from: number;
  to: number;
  /** Chooses the table (rollup_1m below an hour) and the alignment of `from`. */
  bucketMs: number;
  hosts?: readonly string[];
  hostScope?: readonly string[];
  perHost?: boolean;
}

export interface RollupTotals {
  /** null for the all-hosts row; '' for events that named no host. */
  host: string | null;
  count: number;
  errors: number;
  threats: number;
  cpu_samples: number;
  cpu_avg: number | null;
  cpu_min: number | null;
  cpu_max: number | null;
  mem_samples: number;
  mem_avg: number | null;
  mem_min: number | null;
  mem_max: number | null;
}

export function readRollupTotals(store: Store, q: TotalsQuery): RollupTotals[] {
  for (const k of ['from', 'to'] as const) {
    if (!Number.isSafeInteger(q[k]) || q[k] < 0) throw badRequest(k, 'must be epoch milliseconds (a non-negative integer)');
  }
  if (q.from > q.to) throw badRequest('from', 'must not be after `to`');
  if (!Number.isSafeInteger(q.bucketMs) || q.bucketMs < MINUTE_MS || q.bucketMs % MINUTE_MS !== 0) {
    throw badRequest('bucketMs', 'must be a whole number of minutes');
  }
  const table = q.bucketMs < HOUR_MS ? 'rollup_1m' : 'rollup_1h';
  const from = Math.floor(q.from / q.bucketMs) * q.bucketMs;
  const params: unknown[] = [from, q.to];
  const where = ['bucket_start >= ?', 'bucket_start < ?'];
  if (q.hostScope !== undefined) where.push(`(${hostCondition('host', q.hostScope, params)})`);
  if (q.hosts !== undefined) where.push(`(${hostCondition('host', q.hosts, params)})`);
  const sql = `SELECT ${q.perHost ? 'host' : 'NULL'} AS h,
      coalesce(sum(count), 0) AS count, coalesce(sum(errors), 0) AS errors, coalesce(sum(threats), 0) AS threats,
      coalesce(sum(cpu_n), 0) AS cpu_n, sum(cpu_sum) AS cpu_sum, min(cpu_min) AS cpu_min, max(cpu_max) AS cpu_max,
      coalesce(sum(mem_n), 0) AS mem_n, sum(mem_sum) AS mem_sum, min(mem_min) AS mem_min, max(mem_max) AS mem_max
    FROM ${table} WHERE ${where.join(' AND ')}${q.perHost ? ' GROUP BY host ORDER BY host' : ''}`;
  type Row = { h: string | null; count: number; errors: number; threats: number; cpu_n: number; cpu_sum: number | null; cpu_min: number | null; cpu_max: number | null; mem_n: number; mem_sum: number | null; mem_min: number | null; mem_max: number | null };
  let rows: Row[];
  try {
    rows = store.statement(sql).all(...params) as Row[];
  } catch (e) {
    throw toStoreError(e, 'reading rollup totals');
  }
  const avg = (sum: number | null, n: number) => (n === 0 || sum === null ? null : sum / n);
  return rows.map((r) => ({
    host: r.h,
    count: r.count,
    errors: r.errors,
    threats: r.threats,
    cpu_samples: r.cpu_n,
    cpu_avg: avg(r.cpu_sum, r.cpu_n),
    cpu_min: r.cpu_min,
    cpu_max: r.cpu_max,
    mem_samples: r.mem_n,
    mem_avg: avg(r.mem_sum, r.mem_n),
    mem_min: r.mem_min,
    mem_max: r.mem_max,
  }));
}
