import { describe, expect, test } from 'vitest';
import { percentile, summarize } from '../../src/bench/api-load.js';

describe('percentile (nearest rank)', () => {
  test.each([
    { name: 'empty', values: [], p: 50, want: NaN },
    { name: 'one value, any p', values: [7], p: 99, want: 7 },
    { name: 'p0 is the smallest', values: [1, 2, 3], p: 0, want: 1 },
    { name: 'p100 is the largest', values: [1, 2, 3], p: 100, want: 3 },
    { name: 'p50 of 4 is the 2nd', values: [1, 2, 3, 4], p: 50, want: 2 },
    { name: 'p99 of 100 is the 99th', values: Array.from({ length: 100 }, (_, i) => i + 1), p: 99, want: 99 },
    { name: 'p99 of 1000 is the 990th', values: Array.from({ length: 1000 }, (_, i) => i + 1), p: 99, want: 990 },
    { name: 'p90 of 10 is the 9th', values: Array.from({ length: 10 }, (_, i) => (i + 1) * 1.5), p: 90, want: 13.5 },
  ])('$name', ({ values, p, want }) => {
    expect(percentile(values, p)).toEqual(want);
  });
});

describe('summarize', () => {
  test('no values: count 0 and NaN figures', () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    expect([s.p50, s.p90, s.p99, s.max].every(Number.isNaN)).toBe(true);
  });

  test('sorts numerically, not as text, and keeps fractions', () => {
    const s = summarize([10.5, 9.25, 100, 2, 1.125]);
    expect(s).toEqual({ count: 5, p50: 9.25, p90: 100, p99: 100, max: 100 });
  });

  test('one slow answer in a hundred shows at p99 only at 100+ samples', () => {
    const values = [...Array.from({ length: 99 }, () => 2), 500];
    expect(summarize(values).p99).toBe(2);
    expect(summarize([...values, 500]).p99).toBe(500);
  });
});
