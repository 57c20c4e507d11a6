import { describe, expect, test } from 'vitest';
import { RateWindow } from '../../src/tui/rate.js';

describe('RateWindow', () => {
  test.each<[string, [number, number][], number | null]>([
    ['no sample', [], null],
    ['one sample', [[0, 100]], null],
    ['two samples at the same time', [[0, 0], [0, 10]], null],
    ['steady 100/s', [[0, 0], [1000, 100], [2000, 200]], 100],
    ['idle', [[0, 50], [1000, 50], [2000, 50]], 0],
    ['counts only the last 5 s (one sample kept at the edge)', [[0, 0], [1000, 1000], [6000, 1000], [7000, 1100]], 100 / 6],
    ['a total going down restarts', [[0, 500], [1000, 600], [2000, 10], [3000, 30]], 20],
    ['time going back restarts', [[5000, 0], [1000, 10], [2000, 30]], 20],
    ['fractional rates', [[0, 0], [4000, 1]], 0.25],
  ])('%s', (_n, samples, rate) => {
    const w = new RateWindow(5000);
    for (const [t, total] of samples) w.sample(t, total);
    if (rate === null) expect(w.rate()).toBeNull();
    else expect(w.rate()).toBeCloseTo(rate, 6);
  });

  test('a long run keeps a bounded number of samples and the window rate', () => {
    const w = new RateWindow(5000);
    for (let t = 0; t <= 1_000_000; t += 250) w.sample(t, t / 10); // 100/s
    expect(w.rate()).toBeCloseTo(100, 6);
    expect((w as unknown as { samples: unknown[] }).samples.length).toBeLessThanOrEqual(22);
  });

  test('reset forgets', () => {
    const w = new RateWindow();
    w.sample(0, 0);
    w.sample(1000, 10);
    w.reset();
    expect(w.rate()).toBeNull();
  });
});
