// The patterns the OpenAPI document states are what the server reads: every string a pattern
// matches is accepted (Schemathesis generates from these patterns and expects a 2xx), and the
// edges the patterns leave out on purpose are the ones the server refuses.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LEVEL_PATTERN, parseLevel, parseTime, TIME_PATTERN } from '../../src/query/params.js';
import { RULE_ID_PATTERN } from '../../src/api/routes/rules.js';

const NOW = Date.UTC(2025, 0, 15, 12);
const time = new RegExp(TIME_PATTERN);
const level = new RegExp(LEVEL_PATTERN);

describe('TIME_PATTERN', () => {
  test.each(['now', '15m', '999999999m', '99999999d', '9999999w', '0', '-1', '1714564800', '1714564800123', '99999999999999999999', '1.5', '2024-05-01', '2024-05-01T12:00', '2024-05-01 12:00:00', '2024-05-01T12:00:00.123456789Z', '2024-05-01T12:00:00+02:00', '0000-01-28'])(
    '%s matches and is a time',
    (s) => {
      expect(time.test(s)).toBe(true);
      expect(Number.isSafeInteger(parseTime(s, NOW))).toBe(true);
    },
  );

  test.each(['', ' now', 'soon', '2024-02-30', '2024-13-01', '2024-05-01T24:00', '1e3', '15 m', '999999999999999999999', '99999999w', '999999999d'])('%j is left out', (s) => {
    expect(time.test(s)).toBe(false);
  });

  test('every string it matches is a time the server reads', () => {
    fc.assert(
      fc.property(fc.stringMatching(time), (s) => Number.isSafeInteger(parseTime(s, NOW))),
      { numRuns: 2000 },
    );
  });
});

describe('LEVEL_PATTERN', () => {
  test('every string it matches is a level; names and aliases in any case match', () => {
    fc.assert(fc.property(fc.stringMatching(level), (s) => parseLevel(s) !== null), { numRuns: 1000 });
    for (const s of ['0', '7', 'WARNING', 'warn', 'Err', 'informational', 'trace', 'PANIC']) expect(level.test(s), s).toBe(true);
    for (const s of ['', '8', 'warnings', ' warn']) expect(level.test(s), s).toBe(false);
  });
});

describe('RULE_ID_PATTERN', () => {
  test.each([['r1', true], ['sigma.ssh-brute:v2', true], ['x'.repeat(200), true], ['x'.repeat(201), false], ['', false], ['-r', false], ['a b', false]])('%s -> %s', (id, ok) => {
    expect(new RegExp(RULE_ID_PATTERN).test(id)).toBe(ok);
  });
});
