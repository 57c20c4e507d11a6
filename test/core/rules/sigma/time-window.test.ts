import { describe, expect, test } from 'vitest';
import { TimeWindow } from '../../../../src/core/rules/sigma/time-window.js';

describe('TimeWindow', () => {
  test('empty', () => {
    const w = new TimeWindow();
    expect(w.size).toBe(0);
    w.dropUpTo(100);
    w.keepNewest(0);
    expect(w.size).toBe(0);
  });

  test('drops times at or before the limit, keeps order with late inserts', () => {
    const w = new TimeWindow();
    for (const t of [10, 20, 30, 15, 5]) w.add(t);
    w.dropUpTo(10);
    expect(w.size).toBe(3); // 15, 20, 30
    w.dropUpTo(19);
    expect(w.size).toBe(2);
    w.add(16); // before the head: still counted until dropped
    w.dropUpTo(16);
    expect(w.size).toBe(2);
  });

  test('keepNewest caps the count', () => {
    const w = new TimeWindow();
    for (let t = 0; t < 100; t++) w.add(t);
    w.keepNewest(3);
    expect(w.size).toBe(3);
    w.dropUpTo(97);
    expect(w.size).toBe(2);
  });

  test('a long run stays correct across compactions', () => {
    const w = new TimeWindow();
    for (let t = 0; t < 10_000; t++) {
      w.add(t);
      w.dropUpTo(t - 50);
      w.keepNewest(40);
      expect(w.size).toBe(Math.min(40, t + 1));
    }
  });
});
