/**
 * Rollups kept current as batches land: the batch is aggregated in JS first (one row per
 * host and bucket, CPU and memory histograms included), then merged into rollup_1m and
 * rollup_1h with one upsert per row, inside the batch's transaction.
 */
import type { NormalizedEvent } from '../core/event.js';
import { binOf, encodeBins } from '../core/histogram.js';
import { COL_HOST, COL_LEVEL, LOG_COLUMNS, NUMS_PER_EVENT, toBatchRows, type BatchRows } from './batch-rows.js';
import { HIST_MERGE } from './rollup-histogram.js';
import type { SqlDb, SqlStatement } from './sqlite.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Sums and extremes of one metric; min/max are null while n is 0. */
export interface MetricAgg {
  n: number;
  sum: number;
  min: number | null;
  max: number | null;
}

export interface RollupDelta {
  bucket_start: number;
  /** '' when the events named no host. */
  host: string;
  count: number;
  /** Events with level <= 3 (error, critical, alert, emergency). */
  errors: number;
  /** Events carrying at least one threat. */
  threats: number;
  cpu: MetricAgg;
  mem: MetricAgg;
  net_in: MetricAgg;
  net_out: MetricAgg;
  /**
   * The histogram bin (src/core/histogram.ts binOf) of each cpu_pct and mem_pct sample, in
   * arrival order: the row's histograms, counted and encoded once when the row is written.
   */
  cpu_bins: number[];
  mem_bins: number[];
}

const emptyAgg = (): MetricAgg => ({ n: 0, sum: 0, min: null, max: null });

function addMetric(a: MetricAgg, v: number | undefined): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) return;
  a.n += 1;
  a.sum += v;
  a.min = a.min === null ? v : Math.min(a.min, v);
  a.max = a.max === null ? v : Math.max(a.max, v);
}

/** Floor to the bucket, also for times before 1970 (negative ms). */
export function bucketStart(ts: number, bucketMs: number): number {
  return Math.floor(ts / bucketMs) * bucketMs;
}

/**
 * Pure: the batch's contribution per (bucket, host). The same as the writer computes from the
 * batch's flat rows (aggregateRollupRows), of which this is the event-shaped entry point.
 */
export function aggregateRollups(events: readonly NormalizedEvent[], bucketMs: number): RollupDelta[] {
  return aggregateRollupRows(toBatchRows(events), events.map((_, i) => i), bucketMs);
}

/** The contribution per (bucket, host) of the events at `indexes` of flat rows (batch-rows.ts). */
export function aggregateRollupRows(rows: BatchRows, indexes: readonly number[], bucketMs: number): RollupDelta[] {
  const byKey = new Map<string, RollupDelta>();
  const { params, nums } = rows;
  for (const i of indexes) {
    const at = i * LOG_COLUMNS;
    const k = i * NUMS_PER_EVENT;
    const bucket = bucketStart(nums[k]!, bucketMs);
    const host = (params[at + COL_HOST] as string | null) ?? '';
    const key = `${bucket}\u0000${host}`;
    let d = byKey.get(key);
    if (!d) {
      d = {
        bucket_start: bucket, host, count: 0, errors: 0, threats: 0,
        cpu: emptyAgg(), mem: emptyAgg(), net_in: emptyAgg(), net_out: emptyAgg(), cpu_bins: [], mem_bins: [],
      };
      byKey.set(key, d);
    }
    d.count += 1;
    const level = params[at + COL_LEVEL] as number | null;
    if (level !== null && level <= 3) d.errors += 1;
    if (nums[k + 5] === 1) d.threats += 1;
    // NaN marks a missing metric (batch-rows.ts). Exactly the samples addMetric counts go into
    // the histograms, so a histogram's total equals its row's *_n.
    const cpu = nums[k + 1]!;
    const mem = nums[k + 2]!;
    if (!Number.isNaN(cpu)) d.cpu_bins.push(binOf(cpu));
    if (!Number.isNaN(mem)) d.mem_bins.push(binOf(mem));
    addMetric(d.cpu, cpu);
    addMetric(d.mem, mem);
    addMetric(d.net_in, nums[k + 3]!);
    addMetric(d.net_out, nums[k + 4]!);
  }
  return [...byKey.values()];
}

// min(a, NULL) and a + NULL are NULL in SQLite, so coalesce falls back to whichever side is known.
const mergeMin = (c: string): string => `${c} = coalesce(min(${c}, excluded.${c}), ${c}, excluded.${c})`;
const mergeMax = (c: string): string => `${c} = coalesce(max(${c}, excluded.${c}), ${c}, excluded.${c})`;
const mergeSum = (c: string): string => `${c} = coalesce(${c} + excluded.${c}, ${c}, excluded.${c})`;
const mergeCount = (c: string): string => `${c} = ${c} + excluded.${c}`;
// A call into JS costs microseconds (two blobs copied each way): only when both sides have data.
const mergeHist = (c: string): string =>
  `${c} = CASE WHEN excluded.${c} IS NULL THEN ${c} WHEN ${c} IS NULL THEN excluded.${c} ELSE ${HIST_MERGE}(${c}, excluded.${c}) END`;

function upsertSql(table: 'rollup_1m' | 'rollup_1h'): string {
  return `INSERT INTO ${table} (bucket_start, host, count, errors, threats,
      cpu_n, cpu_sum, cpu_min, cpu_max, mem_n, mem_sum, mem_min, mem_max,
      net_in_n, net_in_sum, net_in_max, net_out_n, net_out_sum, net_out_max, cpu_hist, mem_hist)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (bucket_start, host) DO UPDATE SET
      ${['count', 'errors', 'threats', 'cpu_n', 'mem_n', 'net_in_n', 'net_out_n'].map(mergeCount).join(', ')},
      ${['cpu_sum', 'mem_sum', 'net_in_sum', 'net_out_sum'].map(mergeSum).join(', ')},
      ${['cpu_min', 'mem_min'].map(mergeMin).join(', ')},
      ${['cpu_max', 'mem_max', 'net_in_max', 'net_out_max'].map(mergeMax).join(', ')},
      ${['cpu_hist', 'mem_hist'].map(mergeHist).join(', ')}`;
}

function deltaParams(d: RollupDelta): unknown[] {
  const sum = (a: MetricAgg): number | null => (a.n === 0 ? null : a.sum);
  return [
    d.bucket_start, d.host, d.count, d.errors, d.threats,
    d.cpu.n, sum(d.cpu), d.cpu.min, d.cpu.max,
    d.mem.n, sum(d.mem), d.mem.min, d.mem.max,
    d.net_in.n, sum(d.net_in), d.net_in.max,
    d.net_out.n, sum(d.net_out), d.net_out.max,
    encodeBins(d.cpu_bins), encodeBins(d.mem_bins),
  ];
}

export class RollupWriter {
  private readonly upsert1m: SqlStatement;
  private readonly upsert1h: SqlStatement;

  constructor(db: SqlDb) {
    this.upsert1m = db.prepare(upsertSql('rollup_1m'));
    this.upsert1h = db.prepare(upsertSql('rollup_1h'));
  }

  /** Merges the events at `indexes` of the rows (those stored) into both tables; call inside the batch's transaction. */
  applyRows(rows: BatchRows, indexes: readonly number[]): void {
    if (indexes.length === 0) return;
    for (const d of aggregateRollupRows(rows, indexes, MINUTE_MS)) this.upsert1m.run(...deltaParams(d));
    for (const d of aggregateRollupRows(rows, indexes, HOUR_MS)) this.upsert1h.run(...deltaParams(d));
  }
}
