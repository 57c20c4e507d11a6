/**
 * A small mergeable histogram of a percentage metric (cpu_pct, mem_pct), kept per rollup row so
 * percentiles of any bucket and host set come from the rollups alone. Pure: no I/O.
 *
 * Bins, one per whole percentage point, each holding the values up to its number:
 * - bin 0 holds v <= 0 (negative values are legal input and land here);
 * - bin k (1 … 100) holds k − 1 < v <= k, so whole-number samples sit on their bin's upper edge;
 * - bin 101, the overflow, holds v > 100 (nothing is clamped: over 100 % is legal).
 *
 * Encoding (a SQLite BLOB): one format byte (0xF1), then for each non-empty bin in ascending
 * order the bin number (one byte, 0 … 101) and its count as an unsigned LEB128 varint (>= 1). An
 * empty histogram has no encoding: it is stored as NULL. A minute row holding a few samples takes
 * a handful of bytes; the largest possible blob is 1 + 102 × 9 bytes.
 *
 * The format byte is above every bin number, so encodings written back to back stay readable:
 * where a bin is expected, 0xF1 starts the next one. The rollup reads sum a group's histograms
 * by concatenating them in SQL (group_concat, native) and decoding the result once here, which
 * costs a fraction of calling into JS for every row (src/store/rollup-histogram.ts).
 */

/** Bins 0 … 100 and the overflow bin. */
export const HIST_BINS = 102;
export const OVERFLOW_BIN = 101;
/** The first byte of every encoded histogram: the layout above, version 1. */
export const HIST_FORMAT = 0xf1;

/**
 * Counts per bin, HIST_BINS long. A plain array: V8 allocates it on the heap and keeps small
 * counts as small integers, several times cheaper than a Float64Array on the write path (one
 * per metric and rollup row of each batch); counts stay exact up to 2^53.
 */
export type Histogram = number[];

/** Longest varint accepted: 8 × 7 bits covers every safe integer count. */
const MAX_VARINT_BYTES = 8;

export function newHistogram(): Histogram {
  return new Array<number>(HIST_BINS).fill(0);
}

/** The bin of a finite value (see the file comment). */
export function binOf(v: number): number {
  if (v <= 0) return 0;
  if (v > 100) return OVERFLOW_BIN;
  return Math.ceil(v);
}

/** Counts one sample; non-finite values are not measurements and are ignored. */
export function addValue(h: Histogram, v: number): void {
  if (Number.isFinite(v)) h[binOf(v)]! += 1;
}

/** target += source, bin by bin. */
export function mergeInto(target: Histogram, source: Histogram): void {
  for (let i = 0; i < HIST_BINS; i++) target[i]! += source[i]!;
}

export function histogramCount(h: Histogram): number {
  let n = 0;
  for (let i = 0; i < HIST_BINS; i++) n += h[i]!;
  return n;
}

/** Output scratch, as long as the largest encoding; results are copies of its start. */
const scratch = new Uint8Array(1 + HIST_BINS * (1 + MAX_VARINT_BYTES));

/** Writes count (>= 1) as a varint at p; returns the position after it. */
function writeCount(out: Uint8Array, p: number, c: number): number {
  // Shifts while the count fits 31 bits; division beyond, where shifts would wrap.
  while (c > 0x7fffffff) {
    out[p++] = (c % 0x80) | 0x80;
    c = Math.floor(c / 0x80);
  }
  while (c >= 0x80) {
    out[p++] = (c & 0x7f) | 0x80;
    c >>>= 7;
  }
  out[p++] = c;
  return p;
}

/** The position after the last readCount: a second result without allocating a pair. */
let readEnd = 0;

/** The varint count at p (>= 1, a safe integer), or -1 when malformed; readEnd is after it. */
function readCount(blob: Uint8Array, p: number): number {
  let c = 0;
  let scale = 1;
  for (let len = 0; len < MAX_VARINT_BYTES && p < blob.length; len++) {
    const b = blob[p++]!;
    c += (b & 0x7f) * scale;
    if (b < 0x80) {
      readEnd = p;
      return c >= 1 && Number.isSafeInteger(c) ? c : -1;
    }
    scale *= 0x80;
  }
  return -1;
}

/** The compact form; null for an empty histogram (stored as NULL). */
export function encodeHistogram(h: Histogram): Uint8Array | null {
  const out = scratch;
  out[0] = HIST_FORMAT;
  let p = 1;
  for (let bin = 0; bin < HIST_BINS; bin++) {
    const c = h[bin]!;
    if (!(c >= 1)) continue;
    out[p++] = bin;
    p = writeCount(out, p, c);
  }
  return p === 1 ? null : out.slice(0, p);
}

/** Counting scratch of encodeBins, all zeros between calls. */
const binScratch = newHistogram();

/**
 * The encoding of the histogram of samples given by their bins (binOf), in any order: what a
 * rollup row of one batch holds, a few samples to a few thousand. Collecting bins in a list and
 * counting them once here costs less than a histogram per row while the batch is aggregated.
 */
export function encodeBins(bins: readonly number[]): Uint8Array | null {
  const h = binScratch;
  for (let i = 0; i < bins.length; i++) h[bins[i]!]! += 1;
  const out = encodeHistogram(h);
  for (let i = 0; i < bins.length; i++) h[bins[i]!] = 0;
  return out;
}

/**
 * Adds `count` encodings back to back from p (Infinity: as many as there are, at least one)
 * into h, checking as it goes: each the format byte and at least one bin, bins in range and
 * strictly ascending within it, each count a varint of at most 8 bytes worth 1 … 2^53 − 1, the
 * total a safe integer too. Returns the position after them, or -1 when malformed, having
 * then added part of them: callers decode into a histogram of their own.
 */
function decodeInto(h: Histogram, blob: Uint8Array, p: number, count: number): number {
  const end = blob.length;
  let total = 0;
  let seen = 0;
  while (seen < count && p < end) {
    if (blob[p] !== HIST_FORMAT) return -1;
    p++;
    seen++;
    let prevBin = -1;
    while (p < end) {
      const bin = blob[p]!;
      if (bin === HIST_FORMAT) break;
      if (bin > OVERFLOW_BIN || bin <= prevBin) return -1;
      prevBin = bin;
      p++;
      // The varint, inline: this loop is the whole cost of reading a rollup group's histograms.
      let c = 0;
      let scale = 1;
      for (let len = 0; ; len++) {
        if (len === MAX_VARINT_BYTES || p >= end) return -1;
        const b = blob[p++]!;
        c += (b & 0x7f) * scale;
        if (b < 0x80) break;
        scale *= 0x80;
      }
      if (c < 1 || !Number.isSafeInteger(c)) return -1;
      h[bin]! += c;
      total += c;
    }
    if (prevBin < 0 || !Number.isSafeInteger(total)) return -1;
  }
  return seen === 0 ? -1 : p;
}

/** Whether a blob is exactly one well-formed encoding. */
export function isValidEncoding(blob: Uint8Array): boolean {
  return decodeInto(newHistogram(), blob, 0, 1) === blob.length;
}

/**
 * The histogram of one encoding, or of several back to back (what SQL group_concat of a column
 * of them gives: their sum); null when the bytes are malformed anywhere.
 */
export function decodeHistogram(blob: Uint8Array): Histogram | null {
  const h = newHistogram();
  return decodeInto(h, blob, 0, Infinity) === blob.length ? h : null;
}

/**
 * Adds one encoding, or several back to back, into `target`. Malformed bytes add nothing
 * (target is never half-updated) and return false.
 */
export function addEncodedInto(target: Histogram, blob: Uint8Array): boolean {
  const h = decodeHistogram(blob);
  if (h === null) return false;
  mergeInto(target, h);
  return true;
}

/**
 * The merge of two encoded histograms, for the rollup upsert: one walk over both bin lists,
 * no decoding. A missing side (null) or a malformed one contributes nothing; null when nothing
 * is left. Never throws.
 */
export function mergeEncoded(a: Uint8Array | null, b: Uint8Array | null): Uint8Array | null {
  if (a === null || b === null) {
    const only = a ?? b;
    return only !== null && isValidEncoding(only) ? only : null;
  }
  if (a.length < 3 || b.length < 3 || a[0] !== HIST_FORMAT || b[0] !== HIST_FORMAT) return mergeMalformed(a, b);
  const out = scratch;
  out[0] = HIST_FORMAT;
  let p = 1;
  let pa = 1;
  let pb = 1;
  let lastBin = -1;
  let total = 0;
  while (pa < a.length || pb < b.length) {
    const binA = pa < a.length ? a[pa]! : 256;
    const binB = pb < b.length ? b[pb]! : 256;
    const bin = Math.min(binA, binB);
    if (bin > OVERFLOW_BIN || bin <= lastBin) return mergeMalformed(a, b);
    let c = 0;
    if (binA === bin) {
      const ca = readCount(a, pa + 1);
      if (ca < 0) return mergeMalformed(a, b);
      pa = readEnd;
      c += ca;
    }
    if (binB === bin) {
      const cb = readCount(b, pb + 1);
      if (cb < 0) return mergeMalformed(a, b);
      pb = readEnd;
      c += cb;
    }
    // Each side's own order is checked too: a repeated bin in one side would show as bin <= lastBin.
    lastBin = bin;
    total += c;
    if (!Number.isSafeInteger(total)) return mergeMalformed(a, b);
    out[p++] = bin;
    p = writeCount(out, p, c);
  }
  return out.slice(0, p);
}

/**
 * The merge when a side is malformed: the well-formed side alone, or null. (Also null when both
 * are well-formed but their total passes 2^53, which no count of samples reaches.)
 */
function mergeMalformed(a: Uint8Array, b: Uint8Array): Uint8Array | null {
  if (isValidEncoding(a)) return isValidEncoding(b) ? null : a;
  return isValidEncoding(b) ? b : null;
}

/**
 * The p-th percentile (nearest rank: the smallest sample with at least p % of the samples at or
 * below it), as the upper edge of the bin that holds it, capped by `max`, the exact largest
 * sample. So the answer is never below the exact percentile nor above max, less than one point
 * above the exact one when that is in 0 < v <= 100 (exact for whole numbers), at most 0 when it is
 * negative, and max when it is over 100 (the overflow bin). Null for an empty histogram, or when
 * the overflow bin holds it and max is unknown.
 */
export function percentile(h: Histogram, p: number, max: number | null): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const n = histogramCount(h);
  if (n === 0) return null;
  // p × n / 100 in that order: exact whenever p × n is a whole multiple of 100, where (p / 100) × n
  // may round up past it (99.9 / 100 × 1000 > 999).
  const rank = Math.max(1, Math.ceil((p * n) / 100));
  let seen = 0;
  for (let bin = 0; bin < HIST_BINS; bin++) {
    seen += h[bin]!;
    if (seen < rank) continue;
    if (bin === OVERFLOW_BIN) return max;
    return max === null ? bin : Math.min(bin, max);
  }
  return max; // unreachable: seen reaches n >= rank
}
