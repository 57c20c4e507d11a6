import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { durationSchema, parseDuration } from '../../src/config/units.js';

// Config and command-line durations: the rule files' grammar (test/core/rules/units.test.ts),
// but a bare number is milliseconds.
describe('parseDuration (config, flags)', () => {
  test.each<[string, number | null]>([
    ['', null],
    ['   ', null],
    ['soon', null],
    ['5 parsecs', null],
    ['5MB', null],
    ['50%', null],
    ['-5m', null],
    ['-1', null],
    ['1..2s', null],
    ['5m5s', null],
    ['9'.repeat(400), null], // not finite
    ['0', 0],
    ['500', 500], // a bare number is milliseconds
    ['1.5', 2], // rounded
    ['500ms', 500],
    ['30s', 30_000],
    [' 30 s ', 30_000],
    ['5m', 300_000],
    ['5min', 300_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['1w', 604_800_000],
    ['1.5s', 1500],
    ['0.5s', 500],
    ['5S', 5000], // units in any case, as in rule files
    ['1e3ms', 1000],
  ])('%j → %j', (text, want) => {
    expect(parseDuration(text)).toBe(want);
  });
});

describe('durationSchema', () => {
  test.each<[unknown, number]>([
    [0, 0],
    [1500, 1500],
    ['1500', 1500],
    ['2s', 2000],
  ])('%j → %j ms', (v, want) => {
    expect(durationSchema().parse(v)).toBe(want);
  });

  test.each<[unknown, string | undefined, string]>([
    ['soon', undefined, '"soon" is not a duration; write e.g. 500ms, 30s, 5m, 24h or 7d'],
    ['soon', '100ms, 1s or 5m', '"soon" is not a duration; write e.g. 100ms, 1s or 5m'],
  ])('%j is refused with its examples', (v, examples, message) => {
    const r = durationSchema(examples).safeParse(v);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe(message);
  });

  test.each([[-1], [1.5], [true]])('%j is refused', (v) => {
    expect(z.object({ d: durationSchema() }).safeParse({ d: v }).success).toBe(false);
  });
});
