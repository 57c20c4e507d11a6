/**
 * The SQL side of the rollup histograms (cpu_hist, mem_hist; src/core/histogram.ts holds the
 * format). Writes merge in SQL with `hist_merge(a, b)`, registered on every connection at open
 * (store.ts); reads sum a group's histograms natively by concatenating them (histSumSql) and
 * decode the result here. Nothing here throws on a malformed blob: it reads as no histogram,
 * so it can neither stop ingest nor fail a read, and the percentile is then null.
 */
import { addEncodedInto, decodeHistogram, encodeHistogram, histogramCount, mergeEncoded, newHistogram, percentile, type Histogram } from '../core/histogram.js';
import type { SqlDb } from './sqlite.js';

export const HIST_MERGE = 'hist_merge';

const asBlob = (v: unknown): Uint8Array | null => (v instanceof Uint8Array ? v : null);

export function registerHistogramFunctions(db: SqlDb): void {
  db.defineDeterministicFunction(HIST_MERGE, (a: unknown, b: unknown) => mergeEncoded(asBlob(a), asBlob(b)));
}

/**
 * SQL for the sum of a group's histograms in `column`: the encodings back to back, which the
 * format keeps readable (src/core/histogram.ts). A JS aggregate (better-sqlite3 `aggregate`)
 * was measured at ~1 µs per row and metric, nearly all of it copying each blob into a Buffer;
 * group_concat stays in SQLite and hands JS one blob per group, 4 to 5 times cheaper for the
 * summary. The group's bytes are held in memory at once: a few hundred bytes per row, so
 * callers group by host (or bucket), never over a whole table. NULL when every row is NULL.
 * group_concat returns TEXT, which holds the bytes unchanged in a UTF-8 database (logagg's);
 * the CAST gives them back as a BLOB.
 */
export const histSumSql = (column: string): string => `CAST(group_concat(${column}, '') AS BLOB)`;

/** The sum of encoded histograms or concatenations of them (NULLs and malformed ones count as empty); null when empty. */
export function sumEncoded(blobs: readonly unknown[]): Uint8Array | null {
  let h: Histogram | null = null;
  for (const blob of blobs) {
    const b = asBlob(blob);
    if (b !== null) addEncodedInto((h ??= newHistogram()), b);
  }
  return h === null ? null : encodeHistogram(h);
}

/**
 * The p-th percentile of a rollup group from its summed histograms (histSumSql), its sample
 * count (sum of *_n) and its exact max. Null unless the histograms hold every sample: rows
 * written before schema version 4 have none, and malformed bytes make the whole group's sum
 * unreadable, so a group with either has no percentile rather than one of part of its samples.
 */
export function percentileOf(blob: unknown, samples: number, max: number | null, p = 95): number | null {
  const b = asBlob(blob);
  if (b === null || samples <= 0) return null;
  const h = decodeHistogram(b);
  if (h === null || histogramCount(h) !== samples) return null;
  return percentile(h, p, max);
}
