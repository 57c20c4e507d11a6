import { describe, expect, test } from 'vitest';
import { levelStyle, paint, severityStyle, useColor, type ColorMode } from '../../src/client/colors.js';

describe('useColor', () => {
  test.each<[string, ColorMode, boolean | undefined, Record<string, string | undefined>, boolean]>([
    ['auto, a terminal', 'auto', true, {}, true],
    ['auto, a pipe', 'auto', false, {}, false],
    ['auto, isTTY unknown', 'auto', undefined, {}, false],
    ['auto, a terminal with NO_COLOR', 'auto', true, { NO_COLOR: '1' }, false],
    ['auto, a terminal with NO_COLOR empty (ignored, per no-color.org)', 'auto', true, { NO_COLOR: '' }, true],
    ['always, a pipe', 'always', false, { NO_COLOR: '1' }, true],
    ['never, a terminal', 'never', true, {}, false],
  ])('%s', (_name, mode, isTTY, env, out) => {
    expect(useColor(mode, { isTTY }, env)).toBe(out);
  });
});

describe('paint', () => {
  test.each<[string, string, string | null, boolean, string]>([
    ['disabled', 'x', '31', false, 'x'],
    ['no style', 'x', null, true, 'x'],
    ['empty text stays empty', '', '31', true, ''],
    ['styled', 'x', '1;31', true, '\x1b[1;31mx\x1b[0m'],
  ])('%s', (_name, text, style, on, out) => {
    expect(paint(text, style, on)).toBe(out);
  });
});

test('severities and levels: the worse, the louder; info and unknown uncolored', () => {
  expect(levelStyle(null)).toBeNull();
  expect(levelStyle(6)).toBeNull();
  expect([0, 1, 2].map(levelStyle)).toEqual(['1;31', '1;31', '1;31']);
  expect(levelStyle(3)).toBe('31');
  expect(levelStyle(4)).toBe('33');
  expect(levelStyle(7)).toBe('2');
  expect(severityStyle(null)).toBeNull();
  expect(new Set(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].map((s) => severityStyle(s as 'LOW')))).toHaveProperty('size', 4);
});
