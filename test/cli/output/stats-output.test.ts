import { describe, expect, test } from 'vitest';
import { renderCount, renderStats } from '../../../src/cli/output/stats-output.js';
import type { LogStats } from '../../../src/store/log-reader.js';

const STATS: LogStats = {
  total: 10,
  by_host: [
    { host: 'web-1', count: 6 },
    { host: null, count: 3 },
  ],
  hosts_total: 3,
  by_level: [
    { level: 3, count: 4 },
    { level: null, count: 6 },
  ],
  by_threat_severity: [
    { severity: 'HIGH', count: 2 },
    { severity: null, count: 8 },
  ],
};

describe('renderCount', () => {
  test.each([
    ['table', '0\n'],
    ['json', '{"count":0}\n'],
    ['ndjson', '{"count":0}\n'],
    ['csv', 'count\r\n0\r\n'],
  ] as const)('%s, zero', (format, out) => {
    expect(renderCount(0, format)).toBe(out);
  });
  test('a large count is written exactly', () => {
    expect(renderCount(123_456_789_012, 'table')).toBe('123456789012\n');
  });
});

describe('renderStats', () => {
  test('json is the API shape of GET /logs/stats', () => {
    expect(JSON.parse(renderStats(STATS, 'json', false))).toEqual(STATS);
    expect(JSON.parse(renderStats(STATS, 'ndjson', false))).toEqual(STATS);
  });

  test('csv: one row per dimension value, level names, empty for none', () => {
    expect(renderStats(STATS, 'csv', false)).toBe(
      'dimension,value,count\r\ntotal,,10\r\nhost,web-1,6\r\nhost,,3\r\nlevel,error,4\r\nlevel,,6\r\nthreat_severity,HIGH,2\r\nthreat_severity,,8\r\n',
    );
  });

  test('table: sections, names for levels, "(none)" hosts, and how many hosts were left out', () => {
    const out = renderStats(STATS, 'table', false);
    expect(out).toContain('TOTAL  10\n');
    expect(out).toContain('web-1   6\n');
    expect(out).toContain('(none)  3\n');
    expect(out).toContain('(2 of 3 hosts shown)');
    expect(out).toContain('error  4\n');
    expect(out).toContain('none   6\n');
    expect(out).toContain('HIGH    2\n');
    expect(out).not.toContain('\x1b');
    expect(renderStats(STATS, 'table', true)).toContain('\x1b[1;31mHIGH\x1b[0m');
  });

  test('table of an empty result is the total alone', () => {
    expect(renderStats({ total: 0, by_host: [], hosts_total: 0, by_level: [], by_threat_severity: [] }, 'table', false)).toBe('TOTAL  0\n');
  });
});
