import { describe, expect, test } from 'vitest';
import { bucketFor, durationMs, readRange } from '../../web/lib/time-range.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const H = 3_600_000;

describe('time range from the URL', () => {
  test.each([
    ['', { from: NOW - H, to: NOW, relative: '1h' }],
    ['range=15m', { from: NOW - 15 * 60_000, to: NOW, relative: '15m' }],
    ['range=7d', { from: NOW - 7 * 24 * H, to: NOW, relative: '7d' }],
    ['range=bogus', { from: NOW - H, to: NOW, relative: '1h' }],
    ['from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z', { from: Date.parse('2026-12-01T00:00:00Z'), to: Date.parse('2026-12-02T00:00:00Z'), relative: null }],
    ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z&range=6h', { from: NOW - 6 * H, to: NOW, relative: '6h' }],
    ['from=junk&to=2026-12-02T00:00:00Z', { from: NOW - H, to: NOW, relative: '1h' }],
  ])('%j', (q, range) => {
    expect(readRange(new URLSearchParams(q), NOW)).toEqual(range);
  });

  test.each([
    ['0m', 0],
    ['90m', 90 * 60_000],
    ['1y', null],
    ['-1h', null],
  ])('duration %s', (t, ms) => expect(durationMs(t)).toBe(ms));

  test.each([
    [H, '1m'],
    [6 * H, '1m'],
    [6 * H + 1, '5m'],
    [3 * 24 * H + 1, '1h'],
    [61 * 24 * H, '1d'],
  ])('bucket for %d ms is %s', (ms, b) => expect(bucketFor(ms)).toBe(b));
});
