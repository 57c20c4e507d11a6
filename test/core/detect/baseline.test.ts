import { describe, expect, test } from 'vitest';
import { Ewma, MAD_TO_SIGMA, medianOfSorted, RollingMad } from '../../../src/core/detect/baseline.js';

/** Deterministic PRNG (mulberry32) for noise. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bruteMad(values: number[]): { median: number; mad: number } {
  const s = [...values].sort((a, b) => a - b);
  const m = medianOfSorted(s);
  const d = s.map((v) => Math.abs(v - m)).sort((a, b) => a - b);
  return { median: m, mad: medianOfSorted(d) };
}

describe('Ewma', () => {
  test('no score before the first sample; the first sample is the mean', () => {
    const e = new Ewma({ alpha: 0.1 });
    expect(Number.isNaN(e.score(5, 1))).toBe(true);
    e.add(10, 0);
    expect(e.describe()).toEqual({ baseline_mean: 10, stddev: 0 });
    expect(e.score(13, 1)).toBe(3); // flat so far: the floor is the spread
  });

  test('a constant series has the constant as mean and zero variance', () => {
    const e = new Ewma({ alpha: 0.2 });
    for (let i = 0; i < 50; i++) e.add(7, i);
    expect(e.describe().baseline_mean).toBeCloseTo(7, 12);
    expect(e.describe().stddev).toBe(0);
    expect(e.samples).toBe(50);
  });

  test('tracks mean and spread of a noisy series', () => {
    const rnd = prng(1);
    const e = new Ewma({ alpha: 0.02 });
    for (let i = 0; i < 5000; i++) e.add(50 + (rnd() - 0.5) * 20, i); // uniform ±10: sd 5.77
    expect(e.describe().baseline_mean).toBeGreaterThan(47);
    expect(e.describe().baseline_mean).toBeLessThan(53);
    expect(e.describe().stddev).toBeGreaterThan(4.5);
    expect(e.describe().stddev).toBeLessThan(7);
  });

  test('early variance is corrected for its zero start (small alpha, few samples)', () => {
    const rnd = prng(3);
    const e = new Ewma({ alpha: 0.001 });
    for (let i = 0; i < 60; i++) e.add(50 + (rnd() - 0.5) * 20, i); // sd 5.77
    expect(e.describe().stddev).toBeGreaterThan(4);
    expect(e.describe().stddev).toBeLessThan(7.5);
  });

  test('with a half-life, the weight follows event time', () => {
    const e = new Ewma({ halfLifeMs: 1000 });
    e.add(0, 0);
    e.add(100, 1000); // one half-life later: weight 0.5
    expect(e.describe().baseline_mean).toBeCloseTo(50, 9);
    e.add(1000, 1000); // same time: scored, but it does not move the baseline
    expect(e.describe().baseline_mean).toBeCloseTo(50, 9);
    e.add(50, 500); // older: no move either
    expect(e.describe().baseline_mean).toBeCloseTo(50, 9);
    e.add(0, 3000); // two half-lives: weight 0.75
    expect(e.describe().baseline_mean).toBeCloseTo(12.5, 9);
  });
});

describe('RollingMad', () => {
  test('median and MAD agree with a brute-force computation over the window', () => {
    const rnd = prng(7);
    const size = 15;
    const m = new RollingMad(size);
    const all: number[] = [];
    for (let i = 0; i < 400; i++) {
      const v = Math.round(rnd() * 100) / (rnd() < 0.1 ? 0.1 : 1); // with duplicates and outliers
      m.add(v);
      all.push(v);
      const want = bruteMad(all.slice(-size));
      expect(m.median()).toBe(want.median);
      expect(m.mad()).toBeCloseTo(want.mad, 9);
    }
  });

  test.each<[number[], number, number]>([
    [[5], 5, 0],
    [[1, 2], 1.5, 0.5],
    [[1, 2, 3, 4, 100], 3, 1],
    [[1, 1, 1, 1], 1, 0],
  ])('%j → median %d, MAD %d', (values, median, mad) => {
    const m = new RollingMad(10);
    for (const v of values) m.add(v);
    expect(m.median()).toBe(median);
    expect(m.mad()).toBe(mad);
  });

  test('scores against the median with the MAD scaled to a standard deviation, floored', () => {
    const m = new RollingMad(5);
    for (const v of [10, 11, 12, 13, 14]) m.add(v);
    expect(m.score(22, 0)).toBeCloseTo(10 / (1 * MAD_TO_SIGMA), 9);
    expect(m.score(22, 5)).toBe(2);
    expect(Number.isNaN(new RollingMad(3).score(1, 1))).toBe(true);
    expect(m.describe()).toEqual({ baseline_median: 12, mad: 1 });
  });
});
