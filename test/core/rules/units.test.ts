import { describe, expect, test } from 'vitest';
import { formatBytes, formatDuration, formatNumber, parseDuration, parseQuantity } from '../../../src/core/rules/units.js';

describe('parseQuantity', () => {
  test.each([
    ['', null],
    ['abc', null],
    ['5 parsecs', null],
    ['MB', null],
    ['1..2', null],
    [Number.NaN, null],
    [Number.POSITIVE_INFINITY, null],
    [null, null],
    [{}, null],
    ['1e999', null],
    [0, { value: 0, unit: 'none' }],
    [42, { value: 42, unit: 'none' }],
    ['42', { value: 42, unit: 'none' }],
    ['-3.5', { value: -3.5, unit: 'none' }],
    ['.5', { value: 0.5, unit: 'none' }],
    ['1e3', { value: 1000, unit: 'none' }],
    ['90%', { value: 90, unit: 'pct' }],
    [' 90 % ', { value: 90, unit: 'pct' }],
    ['512B', { value: 512, unit: 'bytes' }],
    ['1KB', { value: 1000, unit: 'bytes' }],
    ['1.5GB', { value: 1.5e9, unit: 'bytes' }],
    ['1.5gb', { value: 1.5e9, unit: 'bytes' }],
    ['2TB', { value: 2e12, unit: 'bytes' }],
    ['1KiB', { value: 1024, unit: 'bytes' }],
    ['4GiB', { value: 4 * 2 ** 30, unit: 'bytes' }],
    ['50MB/s', { value: 50e6, unit: 'bytes/s' }],
    ['50 MB/s', { value: 50e6, unit: 'bytes/s' }],
    ['1MiB/s', { value: 2 ** 20, unit: 'bytes/s' }],
    ['100Mbps', { value: 12.5e6, unit: 'bytes/s' }],
    ['8bps', { value: 1, unit: 'bytes/s' }],
    ['1Gbit/s', { value: 125e6, unit: 'bytes/s' }],
    ['5X/s', null],
    ['500ms', { value: 500, unit: 'ms' }],
    ['30s', { value: 30_000, unit: 'ms' }],
    ['5m', { value: 300_000, unit: 'ms' }],
    ['5min', { value: 300_000, unit: 'ms' }],
    ['1.5h', { value: 5_400_000, unit: 'ms' }],
    ['7d', { value: 604_800_000, unit: 'ms' }],
    ['1w', { value: 604_800_000, unit: 'ms' }],
  ])('%j', (input, want) => {
    expect(parseQuantity(input)).toEqual(want);
  });
});

describe('parseDuration', () => {
  test.each([
    [undefined, null],
    ['', null],
    [60, null], // a bare number is ambiguous
    ['60', null],
    ['5MB', null],
    ['-5m', null],
    [0, 0],
    ['0s', 0],
    ['1ms', 1],
    ['1.5s', 1500],
    ['10m', 600_000],
    ['24h', 86_400_000],
    ['5min', 300_000],
    ['5M', 300_000], // units in any case
    [' 2 h ', 7_200_000],
  ])('%j → %j', (input, want) => {
    expect(parseDuration(input)).toBe(want);
  });

  // Config and command-line flags: a bare number is milliseconds.
  test.each([
    [60, 60],
    ['60', 60],
    ['1.5', 2],
    [0, 0],
    ['0', 0],
    [-1, null],
    ['-1', null],
    [Number.POSITIVE_INFINITY, null],
    ['5MB', null],
    ['1s', 1000],
  ])('bare ms: %j → %j', (input, want) => {
    expect(parseDuration(input, { bare: 'ms' })).toBe(want);
  });
});

describe('formatting', () => {
  test.each([
    [0, '0ms'],
    [1, '1ms'],
    [1500, '1500ms'],
    [1000, '1s'],
    [90_000, '90s'],
    [60_000, '1m'],
    [3_600_000, '1h'],
    [86_400_000, '1d'],
    [604_800_000, '1w'],
  ])('formatDuration(%d) = %s', (ms, want) => {
    expect(formatDuration(ms)).toBe(want);
  });

  test.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1 KB'],
    [52_400_000, '52.4 MB'],
    [1_234_567_890, '1.23 GB'],
    [5e18, '5000 PB'],
  ])('formatBytes(%d) = %s', (n, want) => {
    expect(formatBytes(n)).toBe(want);
  });

  test.each([
    [90, '90'],
    [93.456, '93.46'],
    [-0.004, '0'],
    [1e21, '1e+21'],
  ])('formatNumber(%d) = %s', (n, want) => {
    expect(formatNumber(n)).toBe(want);
  });
});

describe('formatBytes, iec style (the tail status line)', () => {
  test.each<[number | null, string]>([
    [null, '-'],
    [-1, '-'],
    [Number.NaN, '-'],
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024, '10 KiB'],
    [5 * 1024 * 1024 * 1024, '5.0 GiB'],
    [2 ** 60, '1048576 TiB'],
  ])('%s', (n, text) => {
    expect(formatBytes(n, 'iec')).toBe(text);
  });
});

describe('formatBytes, iec-fixed style (the status report)', () => {
  test.each<[number, string]>([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024, '10.0 KiB'],
    [5 * 1024 * 1024 * 1024, '5.0 GiB'],
    [2 ** 60, '1048576.0 TiB'],
  ])('%s', (n, text) => {
    expect(formatBytes(n, 'iec-fixed')).toBe(text);
  });
});
