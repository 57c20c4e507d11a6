import { describe, expect, test } from 'vitest';
import type { Severity, Threat } from '../../../src/core/event.js';
import { assetRaisedSeverity, DEFAULT_ASSET_RAISE, maxSeverity, parseSeverity, raiseSeverity, severityRank, threatsSeverity } from '../../../src/core/rules/severity.js';

describe('severities', () => {
  test.each([
    ['LOW', 0],
    ['MEDIUM', 1],
    ['HIGH', 2],
    ['CRITICAL', 3],
  ] as const)('rank of %s is %d', (s, r) => {
    expect(severityRank(s)).toBe(r);
  });

  test.each([
    ['LOW', 'LOW', 'LOW'],
    ['LOW', 'HIGH', 'HIGH'],
    ['CRITICAL', 'MEDIUM', 'CRITICAL'],
    ['HIGH', 'HIGH', 'HIGH'],
  ] as const)('max(%s, %s) = %s', (a, b, want) => {
    expect(maxSeverity(a, b)).toBe(want);
  });

  test.each([
    ['LOW', 1, 'MEDIUM'],
    ['HIGH', 1, 'CRITICAL'],
    ['CRITICAL', 1, 'CRITICAL'], // capped
    ['LOW', 5, 'CRITICAL'],
    ['MEDIUM', 0, 'MEDIUM'],
    ['MEDIUM', -1, 'LOW'],
    ['LOW', -3, 'LOW'], // floored
    ['LOW', 1.9, 'MEDIUM'], // whole steps
  ] as const)('raise(%s, %d) = %s', (s, steps, want) => {
    expect(raiseSeverity(s, steps)).toBe(want);
  });

  test('raise defaults to one step', () => {
    expect(raiseSeverity('MEDIUM')).toBe('HIGH');
  });

  test.each([
    ['high', 'HIGH'],
    [' Critical ', 'CRITICAL'],
    ['informational', null],
    ['', null],
    [3, null],
    [null, null],
  ])('parseSeverity(%j) = %j', (v, want) => {
    expect(parseSeverity(v)).toBe(want);
  });

  const t = (severity: Severity): Threat => ({ name: 'x', severity, tags: [], origin: 'message' });
  test.each([
    [[], null],
    [[t('LOW')], 'LOW'],
    [[t('MEDIUM'), t('CRITICAL'), t('HIGH')], 'CRITICAL'],
    [[{ ...t('LOW'), severity: 'bogus' as Severity }], null],
  ])('threatsSeverity %#', (threats, want) => {
    expect(threatsSeverity(threats)).toBe(want);
  });

  test.each([
    ['HIGH', null, DEFAULT_ASSET_RAISE, 'HIGH'],
    ['HIGH', {}, DEFAULT_ASSET_RAISE, 'HIGH'],
    ['HIGH', { criticality: 'low' }, DEFAULT_ASSET_RAISE, 'HIGH'],
    ['MEDIUM', { criticality: 'critical' }, DEFAULT_ASSET_RAISE, 'HIGH'],
    ['MEDIUM', { criticality: 'CRITICAL' }, DEFAULT_ASSET_RAISE, 'HIGH'],
    ['CRITICAL', { criticality: 'critical' }, DEFAULT_ASSET_RAISE, 'CRITICAL'],
    ['LOW', { criticality: 'high' }, { criticalities: ['high', 'critical'], steps: 2 }, 'HIGH'],
    ['LOW', { criticality: 'critical' }, { criticalities: ['critical'], steps: 0 }, 'LOW'],
  ] as const)('asset raise %# (%s)', (s, asset, policy, want) => {
    expect(assetRaisedSeverity(s, asset, policy)).toBe(want);
  });
});
