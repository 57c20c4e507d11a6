/**
 * A batch of events as the writer needs it, in flat arrays of primitives: what crosses from the
 * main thread to the writer thread (storage.writer_thread) for each chunk. Structured clone of
 * one flat array of numbers, strings, bigints and nulls is several times cheaper than of the
 * same events as objects, and a Float64Array is transferred without a copy.
 *  - params: the column values of every event (log-row.ts COLUMNS), LOG_COLUMNS per event, in
 *    input order (rows, blocks, full text and rollups read their columns from there);
 *  - nums: NUMS_PER_EVENT numbers per event: the exact event time (alerts' occurrence spans,
 *    rollup buckets), the four rollup metrics (NaN where the event has none) and a threat flag.
 */
import type { NormalizedEvent } from '../core/event.js';
import { COLUMNS, logRowParams } from './log-row.js';

export interface BatchRows {
  /** Events in the batch. */
  n: number;
  params: unknown[];
  nums: Float64Array;
}

export const LOG_COLUMNS = COLUMNS.length;
const col = (name: (typeof COLUMNS)[number]): number => COLUMNS.indexOf(name);
export const COL_TS = col('ts');
export const COL_HOST = col('host');
export const COL_LEVEL = col('level');
export const COL_MESSAGE = col('message');
export const COL_PROCESS = col('process');

/** ts, cpu_pct, mem_pct, net_in, net_out, threats (1 when the event has any, else 0). */
export const NUMS_PER_EVENT = 6;

const metric = (v: number | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);

export function toBatchRows(events: readonly NormalizedEvent[]): BatchRows {
  const n = events.length;
  const params: unknown[] = new Array(n * LOG_COLUMNS);
  const nums = new Float64Array(n * NUMS_PER_EVENT);
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    const row = logRowParams(e);
    const at = i * LOG_COLUMNS;
    for (let c = 0; c < LOG_COLUMNS; c++) params[at + c] = row[c];
    const k = i * NUMS_PER_EVENT;
    nums[k] = e.ts;
    nums[k + 1] = metric(e.metrics.cpu_pct);
    nums[k + 2] = metric(e.metrics.mem_pct);
    nums[k + 3] = metric(e.metrics.net_in);
    nums[k + 4] = metric(e.metrics.net_out);
    nums[k + 5] = e.threats.length > 0 ? 1 : 0;
  }
  return { n, params, nums };
}

/** The events' times as BatchTx.events offers them (alert occurrence spans read only ts). */
export function eventTimes(nums: Float64Array, n: number): ArrayLike<{ readonly ts: number }> {
  const out: { ts: number }[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { ts: nums[i * NUMS_PER_EVENT]! };
  return out;
}
