// The batching flags of `rules test` and `rules backtest`.
import { describe, expect, test } from 'vitest';
import { batchSizeFlag, batchSpanFlag } from '../../../../src/cli/commands/rules/batch-flags.js';

describe('batchSizeFlag', () => {
  test.each<[string | undefined, number | string]>([
    [undefined, 5000],
    ['1', 1],
    ['100000', 100000],
    [' 42 ', 42],
    ['0', 'USAGE'],
    ['100001', 'USAGE'],
    ['-1', 'USAGE'],
    ['1.5', 'USAGE'],
    ['ten', 'USAGE'],
    ['', 'USAGE'],
  ])('%j -> %s', (v, want) => {
    if (typeof want === 'number') expect(batchSizeFlag(v, 5000)).toBe(want);
    else expect(() => batchSizeFlag(v, 5000)).toThrow(/--batch-size/);
  });
});

describe('batchSpanFlag', () => {
  test.each<[string, number | null]>([
    ['0', 0],
    ['1s', 1000],
    ['500ms', 500],
    ['1d', 86_400_000],
    ['2d', null],
    ['soon', null],
    ['-1s', null],
    ['', null],
  ])('%j -> %s', (v, want) => {
    if (want === null) expect(() => batchSpanFlag(v)).toThrow(/--batch-span/);
    else expect(batchSpanFlag(v)).toBe(want);
  });
});
