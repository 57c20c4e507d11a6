import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { byteSizeSchema, durationSchema, parseByteSize, parseDuration } from '../../src/config/units.js';

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

describe('parseByteSize (config)', () => {
  test.each([
    ['0', 0],
    ['1024', 1024],
    ['500MB', 500_000_000],
    ['500 mb', 500_000_000],
    ['64MiB', 64 * 2 ** 20],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['2T', 2e12],
    ['8k', 8000],
    ['8KiB', 8192],
    [' 20GiB ', 20 * 2 ** 30],
    ['', null],
    ['MiB', null],
    ['-5MB', null],
    ['5 MiBs', null],
    ['5XB', null],
    ['1e3', null],
    ['99999999999TiB', null],
  ])('%j → %s', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });
});

describe('byteSizeSchema', () => {
  const schema = z.object({ max_bytes: byteSizeSchema() });
  test('numbers and sizes to bytes', () => {
    expect(schema.parse({ max_bytes: 123 })).toEqual({ max_bytes: 123 });
    expect(schema.parse({ max_bytes: '2GiB' })).toEqual({ max_bytes: 2 * 2 ** 30 });
  });
  test('a bad size names the value and shows how to write one', () => {
    const r = schema.safeParse({ max_bytes: 'lots' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe('"lots" is not a size; write e.g. 500MB, 64MiB, 20GiB or a number of bytes');
    expect(schema.safeParse({ max_bytes: -1 }).success).toBe(false);
    expect(schema.safeParse({ max_bytes: 1.5 }).success).toBe(false);
  });
});
