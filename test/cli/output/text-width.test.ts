import { describe, expect, test } from 'vitest';
import { displayWidth, fit, oneLine, truncate } from '../../../src/cli/output/text-width.js';

describe('displayWidth', () => {
  test.each<[string, string, number]>([
    ['empty', '', 0],
    ['ascii', 'abc', 3],
    ['wide CJK', '日本', 4],
    ['emoji (astral, wide)', '🔥x', 3],
    ['combining mark adds nothing', 'e\u0301', 1],
    ['accented precomposed', 'é', 1],
  ])('%s', (_name, s, w) => {
    expect(displayWidth(s)).toBe(w);
  });
});

describe('truncate', () => {
  test.each<[string, string, number, string]>([
    ['width 0', 'abc', 0, ''],
    ['negative width', 'abc', -3, ''],
    ['fits exactly', 'abc', 3, 'abc'],
    ['one too long', 'abcd', 3, 'ab…'],
    ['width 1', 'abcd', 1, '…'],
    ['empty', '', 5, ''],
    ['wide characters are not split', '日本語', 4, '日…'],
    ['surrogate pairs are not split', '🔥🔥🔥', 4, '🔥…'],
  ])('%s', (_name, s, w, out) => {
    const t = truncate(s, w);
    expect(t).toBe(out);
    expect(displayWidth(t)).toBeLessThanOrEqual(Math.max(0, w));
  });

  test('a huge string is cut to the width', () => {
    const t = truncate('x'.repeat(1_000_000), 80);
    expect(t).toHaveLength(80);
    expect(t.endsWith('…')).toBe(true);
  });
});

describe('fit', () => {
  test.each<[string, number, string]>([
    ['ab', 4, 'ab  '],
    ['abcdef', 4, 'abc…'],
    ['日', 3, '日 '],
    ['', 2, '  '],
  ])('fit(%j, %i)', (s, w, out) => {
    expect(fit(s, w)).toBe(out);
  });
});

describe('oneLine', () => {
  test.each<[string, string, string]>([
    ['newlines and tabs become spaces', 'a\nb\r\nc\td', 'a b  c d'],
    ['ANSI escape sequences are neutralized', '\x1b[31mred\x1b[0m', '\ufffd[31mred\ufffd[0m'],
    ['C1 controls and DEL', 'a\x9bb\x7fc', 'a\ufffdb\ufffdc'],
    ['NUL', 'a\0b', 'a\ufffdb'],
    ['printable text unchanged', 'héllo 日本 🔥', 'héllo 日本 🔥'],
  ])('%s', (_name, s, out) => {
    expect(oneLine(s)).toBe(out);
  });
});
