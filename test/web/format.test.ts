import { describe, expect, test } from 'vitest';
import { visible } from '../../web/lib/format.js';

describe('log text made visible', () => {
  test.each([
    ['plain', 'plain'],
    ['<script>alert(1)</script>', '<script>alert(1)</script>'],
    ['\u001b[31mred\u001b[0m', '\u241b[31mred\u241b[0m'],
    ['tab\tand\nnewline stay', 'tab\tand\nnewline stay'],
    ['bell\u0007 del\u007f nul\u0000', 'bell\u2407 del\u2421 nul\u2400'],
    ['abc\u202edcba', 'abc⟦U+202E⟧dcba'],
    ['\u2066isolate\u2069', '⟦U+2066⟧isolate⟦U+2069⟧'],
  ])('%j → %j', (input, out) => {
    expect(visible(input)).toBe(out);
  });

  test('a long line is cut for lists and says how long it was', () => {
    const line = 'x'.repeat(1_000_000);
    expect(visible(line, 500)).toBe(`${'x'.repeat(500)}… (1,000,000 characters)`);
    expect(visible(line)).toHaveLength(1_000_000);
  });
});
