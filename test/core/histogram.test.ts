import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  addEncodedInto,
  addValue,
  binOf,
  decodeHistogram,
  encodeBins,
  encodeHistogram,
  HIST_BINS,
  HIST_FORMAT,
  histogramCount,
  isValidEncoding,
  mergeEncoded,
  newHistogram,
  OVERFLOW_BIN,
  percentile,
  type Histogram,
} from '../../src/core/histogram.js';
import { exactP95, expectedP95 } from '../helpers/percentile.js';

const F = HIST_FORMAT;
const histOf = (values: readonly number[]): Histogram => {
  const h = newHistogram();
  for (const v of values) addValue(h, v);
  return h;
};
const enc = (values: readonly number[]): Uint8Array | null => encodeHistogram(histOf(values));
const bytes = (...b: number[]) => new Uint8Array(b);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const p95 = (values: readonly number[]) => percentile(histOf(values), 95, values.length ? Math.max(...values) : null);

describe('binOf: one bin per whole point, each holding the values up to its number', () => {
  test.each<[number, number]>([
    [-1e9, 0],
    [-5, 0],
    [-0, 0],
    [0, 0],
    [1e-9, 1],
    [0.5, 1],
    [1, 1],
    [1.000001, 2],
    [42, 42],
    [42.3, 43],
    [99.99, 100],
    [100, 100],
    [100.000001, OVERFLOW_BIN],
    [250, OVERFLOW_BIN],
    [1e300, OVERFLOW_BIN],
  ])('%d -> bin %d', (v, bin) => expect(binOf(v)).toBe(bin));

  test('non-finite values are not counted', () => {
    const h = histOf([Number.NaN, Infinity, -Infinity]);
    expect(histogramCount(h)).toBe(0);
  });
});

describe('encodeHistogram / decodeHistogram', () => {
  test.each<[string, number[], number[] | null]>([
    ['empty: no encoding (NULL)', [], null],
    ['one value', [42.3], [F, 43, 1]],
    ['all in one bin', [10.1, 10.5, 10.9, 11], [F, 11, 4]],
    ['negative values go to bin 0 (a 0x00 byte)', [-3, 0, -0.5], [F, 0, 3]],
    ['overflow bin', [100, 101, 5000], [F, 100, 1, OVERFLOW_BIN, 2]],
    ['bins ascending whatever the input order', [90, 5, 50, 5], [F, 5, 2, 50, 1, 90, 1]],
  ])('%s', (_n, values, expected) => {
    const b = enc(values);
    expect(b === null ? null : [...b]).toEqual(expected);
    if (b !== null) expect(decodeHistogram(b)).toEqual(histOf(values));
  });

  test.each<[number, number[]]>([
    [1, [1]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [2 ** 31 - 1, [0xff, 0xff, 0xff, 0xff, 0x07]],
    [2 ** 31, [0x80, 0x80, 0x80, 0x80, 0x08]],
    [2 ** 53 - 1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('count %d is the varint %j, and reads back', (count, varint) => {
    const h = newHistogram();
    h[7] = count;
    const b = encodeHistogram(h)!;
    expect([...b]).toEqual([F, 7, ...varint]);
    expect(decodeHistogram(b)![7]).toBe(count);
  });

  test('the format byte is above every bin', () => {
    expect(HIST_FORMAT).toBeGreaterThan(OVERFLOW_BIN);
    expect(HIST_BINS).toBe(OVERFLOW_BIN + 1);
  });

  test('a dense histogram: every bin, the largest counts', () => {
    const h = newHistogram().map((_, i) => (i + 1) * 1_000_003);
    const b = encodeHistogram(h)!;
    expect(decodeHistogram(b)).toEqual(h);
  });

  test('encodeBins counts bin numbers as encodeHistogram counts values, and leaves no trace', () => {
    const values = [3, 3.5, 99, 250, -1, 3];
    const bins = values.map(binOf);
    expect(encodeBins(bins)).toEqual(enc(values));
    expect(encodeBins(bins)).toEqual(enc(values));
    expect(encodeBins([])).toBeNull();
    expect(encodeBins([binOf(7)])).toEqual(enc([7]));
  });
});

describe('malformed bytes read as no histogram, never throw', () => {
  const good = enc([5, 6])!;
  test.each<[string, Uint8Array]>([
    ['empty', bytes()],
    ['the format byte alone', bytes(F)],
    ['another format byte', bytes(1, 5, 1)],
    ['bin out of range', bytes(F, 102, 1)],
    ['bins descending', bytes(F, 6, 1, 5, 1)],
    ['a bin twice', bytes(F, 5, 1, 5, 1)],
    ['truncated varint', bytes(F, 5, 0x80)],
    ['no count after the bin', bytes(F, 5)],
    ['zero count', bytes(F, 5, 0)],
    ['varint over 8 bytes', bytes(F, 5, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)],
    ['count over 2^53', bytes(F, 5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10)],
    ['total over 2^53', bytes(F, 5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 6, 1)],
    ['trailing garbage after a good one', concat(good, bytes(7))],
    ['a good one after garbage', concat(bytes(0, 1), good)],
    ['two format bytes in a row', bytes(F, F, 5, 1)],
  ])('%s', (_n, b) => {
    expect(decodeHistogram(b)).toBeNull();
    expect(isValidEncoding(b)).toBe(false);
    const target = histOf([1, 2]);
    expect(addEncodedInto(target, b)).toBe(false);
    expect(target).toEqual(histOf([1, 2]));
    expect(mergeEncoded(b, good)).toEqual(good);
    expect(mergeEncoded(good, b)).toEqual(good);
    expect(mergeEncoded(b, null)).toBeNull();
    expect(mergeEncoded(null, b)).toBeNull();
    expect(mergeEncoded(b, b)).toBeNull();
  });
});

describe('encodings back to back (SQL group_concat) decode as their sum', () => {
  test.each<[string, number[][]]>([
    ['two', [[1, 2], [2, 3]]],
    ['bins restarting lower in the next one', [[90, 95], [0, 1]]],
    ['with bin 0 and the overflow bin', [[-1], [200], [0, 100.5]]],
    ['large counts (multi-byte varints)', [Array(300).fill(50), Array(200).fill(50)]],
  ])('%s', (_n, parts) => {
    const joined = concat(...parts.map((p) => enc(p)!));
    expect(decodeHistogram(joined)).toEqual(histOf(parts.flat()));
    // …but a stored value must be exactly one.
    expect(isValidEncoding(joined)).toBe(false);
  });

  test('one malformed part makes the whole sum unreadable', () => {
    expect(decodeHistogram(concat(enc([1])!, bytes(F, 9, 0), enc([2])!))).toBeNull();
  });
});

describe('mergeEncoded', () => {
  test.each<[string, number[] | null, number[] | null]>([
    ['null and null', null, null],
    ['null and one', null, [5]],
    ['one and null', [5], null],
    ['disjoint bins', [1, 3], [2, 4]],
    ['same bins add', [5, 5], [5, 200]],
    ['counts carrying into a longer varint', Array(127).fill(9), [9]],
  ])('%s', (_n, a, b) => {
    const ea = a && enc(a);
    const eb = b && enc(b);
    expect(mergeEncoded(ea, eb)).toEqual(enc([...(a ?? []), ...(b ?? [])]));
  });

  test('associative and commutative, byte for byte', () => {
    const [a, b, c] = [enc([1, 50, 50]), enc([50, 101, 0]), enc([2, 99.5])];
    expect(mergeEncoded(mergeEncoded(a, b), c)).toEqual(mergeEncoded(a, mergeEncoded(b, c)));
    expect(mergeEncoded(a, b)).toEqual(mergeEncoded(b, a));
  });
});

describe('percentile (p95: the upper edge of the bin holding it, capped by max)', () => {
  test.each<[string, number[], number | null]>([
    ['empty', [], null],
    ['one value: capped by max', [42.3], 42.3],
    ['one whole value: exact', [42], 42],
    ['all in one bin: max, below the bin edge', [10.1, 10.5, 10.9], 10.9],
    ['1 … 100: exact on whole values', Array.from({ length: 100 }, (_, i) => i + 1), 95],
    ['the bin edge above the 95th value', [...Array(95).fill(10.2), ...Array(5).fill(60)], 11],
    ['95 of 100 below the overflow: not the overflow', [...Array(95).fill(10), ...Array(5).fill(150)], 10],
    ['the 95th value in the overflow bin: max', [...Array(94).fill(10), ...Array(6).fill(150), 120], 150],
    ['negative values: bin 0, capped by max', [-5, -3], -3],
    ['negative and zero', [-5, 0], 0],
    ['rank rounds up: 20 values, the 19th', Array.from({ length: 20 }, (_, i) => i + 0.5), 19],
    ['60 values: the 57th', Array.from({ length: 60 }, (_, i) => i + 1), 57],
  ])('%s -> %s', (_n, values, expected) => {
    expect(p95(values)).toBe(expected);
    expect(expectedP95(values)).toBe(expected);
  });

  test('without a known max: the bin edge, or null in the overflow bin', () => {
    expect(percentile(histOf([10.5]), 95, null)).toBe(11);
    expect(percentile(histOf([150]), 95, null)).toBeNull();
  });

  test.each([0, -1, 101, Number.NaN])('p = %d is refused', (p) => {
    expect(() => percentile(histOf([1]), p, 1)).toThrow(RangeError);
  });

  test('the rank is exact where p / 100 × n would round up past it (99.9 % of 1000 is the 999th)', () => {
    const values = [...Array(999).fill(10), 50];
    expect(percentile(histOf(values), 99.9, 50)).toBe(10);
  });

  test('p = 100 is the max bin, p = 50 the median bin', () => {
    const h = histOf([1, 2, 3, 4, 80]);
    expect(percentile(h, 100, 80)).toBe(80);
    expect(percentile(h, 50, 80)).toBe(3);
  });
});

describe('properties', () => {
  // Values as metrics come: whole and fractional, negative, over 100.
  const value = fc.oneof(
    fc.integer({ min: 0, max: 100 }),
    fc.double({ min: -20, max: 130, noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, 100, 100.5, -0.5, 0.5),
  );
  // A list of values and a random split of it into parts (possibly empty ones).
  const split = fc.array(value, { minLength: 1, maxLength: 300 }).chain((values) =>
    fc.tuple(fc.constant(values), fc.array(fc.nat(values.length), { maxLength: 6 })),
  );
  const parts = (values: number[], cuts: number[]) => {
    const at = [0, ...[...cuts].sort((a, b) => a - b), values.length];
    return at.slice(1).map((end, i) => values.slice(at[i], end));
  };

  test('merging the histograms of any split equals the histogram of all values, whatever the order', () => {
    fc.assert(
      fc.property(split, fc.boolean(), ([values, cuts], reverse) => {
        const encoded = parts(values, cuts).map(enc);
        if (reverse) encoded.reverse();
        const whole = enc(values);
        expect(encoded.reduce((acc, e) => mergeEncoded(acc, e), null)).toEqual(whole);
        const joined = concat(...encoded.filter((e): e is Uint8Array => e !== null));
        expect(encodeHistogram(decodeHistogram(joined)!)).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });

  test('p95 from merged parts equals p95 of all values, and is within a point above the exact one (or max)', () => {
    fc.assert(
      fc.property(split, ([values, cuts]) => {
        const max = Math.max(...values);
        const merged = parts(values, cuts).reduce<Uint8Array | null>((acc, p) => mergeEncoded(acc, enc(p)), null)!;
        const got = percentile(decodeHistogram(merged)!, 95, max)!;
        expect(got).toBe(p95(values));
        expect(got).toBe(expectedP95(values));
        const exact = exactP95([...values].sort((a, b) => a - b));
        expect(got).toBeGreaterThanOrEqual(exact);
        expect(got).toBeLessThanOrEqual(max);
        if (exact > 100) expect(got).toBe(max);
        else if (exact > 0) expect(got - exact).toBeLessThan(1);
        else expect(got).toBeLessThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });

  test('arbitrary bytes never throw: they decode to null or to a histogram that re-encodes canonically', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        const prefixed = concat(bytes(F), a);
        for (const blob of [a, prefixed]) {
          const h = decodeHistogram(blob);
          if (h !== null) expect(decodeHistogram(encodeHistogram(h)!)).toEqual(h);
          const m = mergeEncoded(blob, enc([1]));
          expect(m === null || isValidEncoding(m)).toBe(true);
        }
        expect(() => mergeEncoded(a, b)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});
