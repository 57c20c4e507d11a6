import { describe, expect, test } from 'vitest';
import { DistinctWindow, TimestampWindow } from '../../../src/core/detect/time-windows.js';

const W = 60_000;

describe('TimestampWindow (half-open: newest - t < window)', () => {
  test.each<[string, number[], number[]]>([
    ['empty start', [0], [1]],
    ['in order', [0, 10_000, 20_000], [1, 2, 3]],
    ['just inside the edge', [0, W - 1], [1, 2]],
    ['exactly at the edge the oldest leaves', [0, W], [1, 1]],
    ['late but inside the window', [0, 30_000, 10_000], [1, 2, 3]],
    ['late and outside the window is refused', [0, 70_000, 5_000], [1, 1, -1]],
    ['late exactly at the edge is refused', [70_000, 10_000], [1, -1]],
    ['same times', [5, 5, 5], [1, 2, 3]],
    ['a jump forward empties it', [0, 1, 2, 10 * W], [1, 2, 3, 1]],
  ])('%s', (_name, times, counts) => {
    const w = new TimestampWindow(W, 1000);
    expect(times.map((t) => w.add(t))).toEqual(counts);
  });

  test('late events are kept in order so they expire in time', () => {
    const w = new TimestampWindow(W, 1000);
    w.add(50_000);
    w.add(1_000); // late, inside
    w.add(40_000);
    expect(w.add(61_500)).toBe(3); // 1_000 left the window (61_500 - 1_000 >= W)
  });

  test('the cap bounds memory; counts saturate at the cap', () => {
    const w = new TimestampWindow(W, 5);
    let n = 0;
    for (let i = 0; i < 100; i++) n = w.add(i);
    expect(n).toBe(5);
    expect(w.count).toBe(5);
  });
});

describe('DistinctWindow', () => {
  test.each<[string, [string, number][], number[]]>([
    ['distinct values', [['22', 0], ['23', 1], ['22', 2]], [1, 2, 2]],
    ['a value seen again stays in', [['a', 0], ['b', 1], ['a', 59_000], ['c', 61_000]], [1, 2, 2, 2]],
    ['values leave at the edge', [['a', 0], ['b', 10_000], ['c', W]], [1, 2, 2]],
    ['late value inside', [['a', 0], ['b', 30_000], ['c', 5_000]], [1, 2, 3]],
    ['late value outside is refused', [['a', 0], ['b', 70_000], ['c', 5_000]], [1, 1, -1]],
    ['an older sighting does not rejuvenate', [['a', 50_000], ['a', 10_000], ['b', 109_000]], [1, 1, 2]],
  ])('%s', (_name, seq, counts) => {
    const w = new DistinctWindow(W, 1000);
    expect(seq.map(([v, t]) => w.add(v, t))).toEqual(counts);
  });

  test('late entries expire even though they were appended last', () => {
    const w = new DistinctWindow(W, 1000);
    w.add('a', 30_000);
    w.add('b', 40_000);
    w.add('late', 1_000); // appended after b, but older
    expect(w.count).toBe(3);
    // At 61_000, "late" (1_000) has left the window; a and b are still in.
    expect(w.add('c', 61_000)).toBe(3);
    expect(w.recent(10).sort()).toEqual(['a', 'b', 'c']);
  });

  test('cap keeps the most recently seen values', () => {
    const w = new DistinctWindow(W, 3);
    for (let i = 0; i < 10; i++) w.add(`p${i}`, i);
    expect(w.count).toBe(3);
    expect(w.recent(10)).toEqual(['p9', 'p8', 'p7']);
    expect(w.recent(2)).toEqual(['p9', 'p8']);
  });
});
