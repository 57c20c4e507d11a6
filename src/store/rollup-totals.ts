/**
 * Totals over a whole window from the rollup tables: counts, sample-weighted CPU and memory
 * averages, extremes, 95th percentiles — overall or per host. Complements readRollups (a series per bucket),
 * whose per-bucket averages cannot be combined exactly without the sample counts kept here.
 * The window is read from the same table and with the same alignment as readRollups.
 */
import { badRequest } from '../errors.js';
import { sqlOf } from './connection.js';
import { hostCondition } from './log-filter.js';
import { histSumSql, percentileOf, sumEncoded } from './rollup-histogram.js';
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
  /** Also the 95th percentiles (cpu_p95, mem_p95; null otherwise): one histogram sum per row read. Default true. */
  p95?: boolean;
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
  /** As RollupPoint.cpu_p95, over the whole window; null when not asked for (TotalsQuery.p95). */
  cpu_p95: number | null;
  mem_samples: number;
  mem_avg: number | null;
  mem_min: number | null;
  mem_max: number | null;
  mem_p95: number | null;
}

type Agg = number | null;
type Blob = Uint8Array | null;
interface Row {
  h: string | null; count: number; errors: number; threats: number;
  cpu_n: number; cpu_sum: Agg; cpu_min: Agg; cpu_max: Agg; cpu_hist: Blob;
  mem_n: number; mem_sum: Agg; mem_min: Agg; mem_max: Agg; mem_hist: Blob;
}

/** One row per host, sorted: grouping by host also bounds the histogram bytes held at once. */
function readHostRows(store: Store, q: TotalsQuery): Row[] {
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
  const hists = q.p95 ?? true ? `${histSumSql('cpu_hist')} AS cpu_hist, ${histSumSql('mem_hist')} AS mem_hist` : 'NULL AS cpu_hist, NULL AS mem_hist';
  const sql = `SELECT host AS h,
      coalesce(sum(count), 0) AS count, coalesce(sum(errors), 0) AS errors, coalesce(sum(threats), 0) AS threats,
      coalesce(sum(cpu_n), 0) AS cpu_n, sum(cpu_sum) AS cpu_sum, min(cpu_min) AS cpu_min, max(cpu_max) AS cpu_max,
      coalesce(sum(mem_n), 0) AS mem_n, sum(mem_sum) AS mem_sum, min(mem_min) AS mem_min, max(mem_max) AS mem_max, ${hists}
    FROM ${table} WHERE ${where.join(' AND ')} GROUP BY host ORDER BY host`;
  try {
    return sqlOf(store).statement(sql).all(...params) as Row[];
  } catch (e) {
    throw toStoreError(e, 'reading rollup totals');
  }
}

const avg = (sum: number | null, n: number) => (n === 0 || sum === null ? null : sum / n);

function toTotals(r: Row): RollupTotals {
  return {
    host: r.h,
    count: r.count,
    errors: r.errors,
    threats: r.threats,
    cpu_samples: r.cpu_n,
    cpu_avg: avg(r.cpu_sum, r.cpu_n),
    cpu_min: r.cpu_min,
    cpu_max: r.cpu_max,
    cpu_p95: percentileOf(r.cpu_hist, r.cpu_n, r.cpu_max),
    mem_samples: r.mem_n,
    mem_avg: avg(r.mem_sum, r.mem_n),
    mem_min: r.mem_min,
    mem_max: r.mem_max,
    mem_p95: percentileOf(r.mem_hist, r.mem_n, r.mem_max),
  };
}

/** One row over all hosts (host null, zeros and nulls for an empty window), or (perHost) one per host sorted by host. */
export function readRollupTotals(store: Store, q: TotalsQuery): RollupTotals[] {
  const t = readHostTotals(store, q);
  return q.perHost ? t.hosts : [t.overall];
}

/**
 * The totals per host and over all of them from one read of the window (perHost is ignored):
 * the overall row is combined from the host rows (sums added, extremes and histograms merged),
 * which partition exactly the same rows, so the window is not read twice.
 */
export function readHostTotals(store: Store, q: TotalsQuery): { overall: RollupTotals; hosts: RollupTotals[] } {
  const rows = readHostRows(store, q);
  const all: Row = { h: null, count: 0, errors: 0, threats: 0, cpu_n: 0, cpu_sum: null, cpu_min: null, cpu_max: null, cpu_hist: null, mem_n: 0, mem_sum: null, mem_min: null, mem_max: null, mem_hist: null };
  const addSum = (a: Agg, b: Agg): Agg => (a === null ? b : b === null ? a : a + b);
  const pick = (a: Agg, b: Agg, f: (x: number, y: number) => number): Agg => (a === null ? b : b === null ? a : f(a, b));
  const cpuHists: Blob[] = [];
  const memHists: Blob[] = [];
  for (const r of rows) {
    all.count += r.count;
    all.errors += r.errors;
    all.threats += r.threats;
    all.cpu_n += r.cpu_n;
    all.cpu_sum = addSum(all.cpu_sum, r.cpu_sum);
    all.cpu_min = pick(all.cpu_min, r.cpu_min, Math.min);
    all.cpu_max = pick(all.cpu_max, r.cpu_max, Math.max);
    all.mem_n += r.mem_n;
    all.mem_sum = addSum(all.mem_sum, r.mem_sum);
    all.mem_min = pick(all.mem_min, r.mem_min, Math.min);
    all.mem_max = pick(all.mem_max, r.mem_max, Math.max);
    cpuHists.push(r.cpu_hist);
    memHists.push(r.mem_hist);
  }
  all.cpu_hist = sumEncoded(cpuHists);
  all.mem_hist = sumEncoded(memHists);
  return { overall: toTotals(all), hosts: rows.map(toTotals) };
}
