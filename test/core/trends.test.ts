import { describe, expect, test } from 'vitest';
import { describeTrend, HOUR_MS, linearSlope, seriesMean, trendDirection, windowChange, type SeriesPoint } from '../../src/core/trends.js';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const pts = (...vs: (number | null)[]): SeriesPoint[] => vs.map((v, i) => ({ t: T0 + i * MIN, v }));

describe('linearSlope (units per ms)', () => {
  test.each<[string, SeriesPoint[], number | null]>([
    ['empty', [], null],
    ['one point', pts(5), null],
    ['only nulls', pts(null, null, null), null],
    ['one sample among nulls', pts(null, 3, null), null],
    ['all at the same time', [{ t: T0, v: 1 }, { t: T0, v: 9 }], null],
    ['non-finite values are skipped', [...pts(1, 2), { t: T0 + 2 * MIN, v: Number.NaN }], 1 / MIN],
    ['constant', pts(7, 7, 7, 7), 0],
    ['+1 per minute', pts(1, 2, 3, 4), 1 / MIN],
    ['-2 per minute', pts(10, 8, 6, 4), -2 / MIN],
    ['gaps do not bend the fit', pts(0, null, 2, null, 4), 1 / MIN],
    ['noisy but rising (least squares)', pts(1, 3, 2, 4), 0.8 / MIN],
  ])('%s', (_n, points, expected) => {
    const s = linearSlope(points);
    if (expected === null) expect(s).toBeNull();
    else expect(s).toBeCloseTo(expected, 12);
  });

  test('keeps precision at epoch-ms magnitudes over long series', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ t: T0 + i * MIN, v: 50 + i * 0.001 }));
    expect(linearSlope(many)! * MIN).toBeCloseTo(0.001, 9);
  });
});

describe('seriesMean', () => {
  test.each<[SeriesPoint[], number | null]>([
    [[], null],
    [pts(null), null],
    [pts(1, null, 3), 2],
    [pts(-4, 4), 0],
  ])('%j -> %s', (points, expected) => expect(seriesMean(points)).toBe(expected));
});

describe('trendDirection', () => {
  const tol = { absolute: 1, relative: 0.05 };
  test.each<[string, number | null, number, number | null, string | null]>([
    ['unknown slope', null, HOUR_MS, 50, null],
    ['infinite slope', Infinity, HOUR_MS, 50, null],
    ['zero', 0, HOUR_MS, 50, 'flat'],
    ['fitted change exactly at the relative bound is flat', 2.5 / HOUR_MS, HOUR_MS, 50, 'flat'],
    ['just over the relative bound rises', 2.6 / HOUR_MS, HOUR_MS, 50, 'rising'],
    ['absolute bound wins at a low level', 0.9 / HOUR_MS, HOUR_MS, 2, 'flat'],
    ['falls beyond the bound', -3 / HOUR_MS, HOUR_MS, 50, 'falling'],
    ['a zero-length window is flat', 100, 0, 50, 'flat'],
    ['negative span is treated as zero', 100, -5, 50, 'flat'],
    ['unknown mean uses the absolute bound', 1.5 / HOUR_MS, HOUR_MS, null, 'rising'],
  ])('%s', (_n, slope, span, mean, expected) => expect(trendDirection(slope, span, mean, tol)).toBe(expected));
});

describe('windowChange', () => {
  test.each<[number | null, number | null, number | null, number | null]>([
    [null, 1, null, null],
    [1, null, null, null],
    [Number.NaN, 1, null, null],
    [10, 0, 10, null],
    [15, 10, 5, 50],
    [5, 10, -5, -50],
    [-5, -10, 5, 50],
    [0, 0, 0, null],
  ])('%s vs %s', (cur, prev, change, pct) => {
    const r = windowChange(cur, prev);
    expect(r.change).toBe(change);
    if (pct === null) expect(r.change_pct).toBeNull();
    else expect(r.change_pct).toBeCloseTo(pct, 10);
  });
});

describe('describeTrend', () => {
  const tol = { absolute: 1, relative: 0.05 };
  test('rising CPU over an hour, compared with a lower previous window', () => {
    const series = Array.from({ length: 60 }, (_, i) => ({ t: T0 + i * MIN, v: 20 + i / 2 }));
    const t = describeTrend(series, { from: T0, to: T0 + HOUR_MS }, tol, { previousMean: 20 });
    expect(t.slope_per_hour).toBeCloseTo(30, 6);
    expect(t.direction).toBe('rising');
    expect(t.mean).toBeCloseTo(34.75, 9);
    expect(t.change).toBeCloseTo(14.75, 9);
    expect(t.change_pct).toBeCloseTo(73.75, 9);
  });

  test('a given weighted mean wins over the bucket mean', () => {
    const t = describeTrend(pts(10, 10), { from: T0, to: T0 + 2 * MIN }, tol, { mean: 12, previousMean: 6 });
    expect(t.mean).toBe(12);
    expect(t.change_pct).toBe(100);
    expect(t.direction).toBe('flat');
  });

  test('no data: everything null, nothing thrown', () => {
    expect(describeTrend([], { from: T0, to: T0 + HOUR_MS }, tol)).toEqual({
      slope_per_hour: null,
      direction: null,
      mean: null,
      previous_mean: null,
      change: null,
      change_pct: null,
    });
  });
});
