import { describe, expect, test } from 'vitest';
import { paneWindow } from '../../src/tui/view-window.js';

describe('paneWindow', () => {
  test.each<[string, number, number, number, boolean, { start: number; end: number }]>([
    ['empty', 0, -1, 5, true, { start: 0, end: 0 }],
    ['zero height', 10, -1, 0, true, { start: 10, end: 10 }],
    ['fits', 3, -1, 5, true, { start: 0, end: 3 }],
    ['exactly fits', 5, 2, 5, true, { start: 0, end: 5 }],
    ['logs follow the end', 100, -1, 10, true, { start: 90, end: 100 }],
    ['logs: selection on the last page stays put', 100, 95, 10, true, { start: 90, end: 100 }],
    ['logs: first row of the last page', 100, 90, 10, true, { start: 90, end: 100 }],
    ['logs: above the last page the selection is the top row', 100, 89, 10, true, { start: 89, end: 99 }],
    ['logs: the very first row', 100, 0, 10, true, { start: 0, end: 10 }],
    ['alerts: no selection shows the top', 50, -1, 6, false, { start: 0, end: 6 }],
    ['alerts: selection on the first page', 50, 5, 6, false, { start: 0, end: 6 }],
    ['alerts: selection below scrolls it to the bottom row', 50, 6, 6, false, { start: 1, end: 7 }],
    ['alerts: the last one', 50, 49, 6, false, { start: 44, end: 50 }],
  ])('%s', (_n, total, selected, height, newestLast, expected) => {
    expect(paneWindow(total, selected, height, newestLast)).toEqual(expected);
  });

  test('the selected row is always inside the window', () => {
    for (const newestLast of [true, false]) {
      for (let total = 1; total < 30; total++) {
        for (let sel = 0; sel < total; sel++) {
          for (let h = 1; h < 8; h++) {
            const w = paneWindow(total, sel, h, newestLast);
            expect(sel >= w.start && sel < w.end).toBe(true);
            expect(w.end - w.start).toBe(Math.min(h, total));
          }
        }
      }
    }
  });
});
