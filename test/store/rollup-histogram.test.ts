import { describe, expect, test } from 'vitest';
import { addValue, encodeHistogram, HIST_FORMAT, newHistogram } from '../../src/core/histogram.js';
import { HIST_MERGE, histSumSql, percentileOf, sumEncoded } from '../../src/store/rollup-histogram.js';
import { openTemp } from './fixtures.js';

const enc = (...values: number[]): Buffer => {
  const h = newHistogram();
  for (const v of values) addValue(h, v);
  return Buffer.from(encodeHistogram(h)!);
};
const BAD = Buffer.from([HIST_FORMAT, 200, 1]);

describe(`${HIST_MERGE}() in SQL, on every connection`, () => {
  test.each<[string, Buffer | null, Buffer | string | null, Buffer | null]>([
    ['both', enc(1, 2), enc(2, 300), enc(1, 2, 2, 300)],
    ['NULL and a histogram', null, enc(5), enc(5)],
    ['a histogram and NULL', enc(5), null, enc(5)],
    ['NULL and NULL', null, null, null],
    ['a damaged one counts as empty', BAD, enc(5), enc(5)],
    ['text is not a histogram', enc(5), 'abc', enc(5)],
  ])('%s', (_n, a, b, expected) => {
    const s = openTemp();
    expect(s.db.prepare(`SELECT ${HIST_MERGE}(?, ?)`).pluck().get(a, b)).toEqual(expected);
  });

  test('read-only connections have it too', () => {
    const w = openTemp();
    const r = openTemp(w.path, { readonly: true });
    expect(r.db.prepare(`SELECT ${HIST_MERGE}(?, ?)`).pluck().get(enc(1), enc(1))).toEqual(enc(1, 1));
  });
});

describe('histSumSql: a group summed by native concatenation, bytes intact', () => {
  test('bin 0 (0x00 bytes), multi-byte counts (bytes >= 0x80) and NULLs survive group_concat', () => {
    const s = openTemp();
    s.db.exec('CREATE TEMP TABLE h (g INTEGER, b BLOB)');
    const parts = [enc(-1, 0, 0), enc(...Array(300).fill(99.5)), null, enc(150, 0.5)];
    const ins = s.db.prepare('INSERT INTO h VALUES (?, ?)');
    for (const p of parts) ins.run(1, p);
    ins.run(2, null);
    const rows = s.db.prepare(`SELECT g, ${histSumSql('b')} AS sum FROM h GROUP BY g ORDER BY g`).all() as { g: number; sum: Buffer | null }[];
    expect(rows[1]).toEqual({ g: 2, sum: null });
    expect(Buffer.isBuffer(rows[0]!.sum)).toBe(true);
    // Whatever the concatenation order, it decodes to the sum of the parts.
    expect(Buffer.from(sumEncoded([rows[0]!.sum]) as Uint8Array)).toEqual(enc(-1, 0, 0, ...Array(300).fill(99.5), 150, 0.5));
    expect(percentileOf(rows[0]!.sum, 305, 150)).toBe(100);
  });
});

describe('percentileOf', () => {
  test.each<[string, unknown, number, number | null, number | null]>([
    ['the histogram holds every sample', enc(10, 20, 30), 3, 30, 30],
    ['fewer in the histogram than samples (rows from before it)', enc(10, 20), 3, 30, null],
    ['no histogram', null, 3, 30, null],
    ['no samples', null, 0, null, null],
    ['damaged', BAD, 1, 5, null],
    ['not a blob', 'x', 1, 5, null],
  ])('%s', (_n, blob, samples, max, expected) => {
    expect(percentileOf(blob, samples, max)).toBe(expected);
  });
});
