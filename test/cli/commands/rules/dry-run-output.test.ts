import { describe, expect, test } from 'vitest';
import { numberRanges } from '../../../../src/cli/commands/rules/dry-run-output.js';

describe('numberRanges', () => {
  test.each<[number[], string]>([
    [[], ''],
    [[7], '7'],
    [[1, 2], '1-2'],
    [[1, 3], '1, 3'],
    [[3, 4, 5, 9], '3-5, 9'],
    [[1, 2, 3, 5, 6, 8, 10, 11, 12], '1-3, 5-6, 8, 10-12'],
    [Array.from({ length: 100_000 }, (_, i) => i + 1), '1-100000'],
  ])('%j -> %s', (ns, out) => {
    expect(numberRanges(ns)).toBe(out);
  });
});
