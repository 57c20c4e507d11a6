import { expect, test } from 'vitest';
import { parseSeverity, severityFromScore, severityToLevel } from '../../../src/core/decode/severity.js';

test.each([
  ['', null],
  ['bad', null],
  [11, null],
  [-1, null],
  [2.5, null],
  ['123', null],
  [null, null],
  ['low', 'LOW'], ['INFO', 'LOW'],
  ['Medium', 'MEDIUM'], ['med', 'MEDIUM'], ['moderate', 'MEDIUM'],
  ['HIGH', 'HIGH'], ['high', 'HIGH'],
  ['critical', 'CRITICAL'], ['Very-High', 'CRITICAL'], ['very high', 'CRITICAL'],
  [0, 'LOW'], [3, 'LOW'], [4, 'MEDIUM'], [6, 'MEDIUM'], [7, 'HIGH'], [8, 'HIGH'], [9, 'CRITICAL'], [10, 'CRITICAL'],
  ['10', 'CRITICAL'], ['7', 'HIGH'],
])('parseSeverity(%j) = %s', (v, s) => {
  expect(parseSeverity(v)).toBe(s);
});

test('severityFromScore boundaries', () => {
  expect([0, 3, 4, 6, 7, 8, 9, 10, 11].map(severityFromScore)).toEqual(['LOW', 'LOW', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH', 'CRITICAL', 'CRITICAL', null]);
});

test('severityToLevel', () => {
  expect((['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const).map(severityToLevel)).toEqual([5, 4, 3, 2]);
});
