import { describe, expect, test } from 'vitest';
import type { LoadResult } from '../../src/bench/api-load.js';
import type { BenchQuery } from '../../src/bench/api-queries.js';
import { ms, renderReport, verdict, type ModeFigures, type ReportInput } from '../../src/bench/api-report.js';

const load = (p99: number, extra: Partial<LoadResult> = {}): LoadResult => ({ count: 100, p50: 1.25, p90: 3, p99, max: p99, rps: 812.4, failed: 0, failedStatus: null, ...extra });
const query = (target: number | null): BenchQuery => ({ name: 'q', label: 'GET /logs first page', path: '/api/v1/logs', targetP99Ms: target });

describe('ms', () => {
  test.each([
    { n: undefined, want: '—' },
    { n: NaN, want: '—' },
    { n: Infinity, want: '—' },
    { n: 0, want: '0.0' },
    { n: 0.04, want: '0.0' },
    { n: 12.345, want: '12.3' },
    { n: 99.94, want: '99.9' },
    { n: 100, want: '100' },
    { n: 1234.5, want: '1235' },
  ])('$n → $want', ({ n, want }) => {
    expect(ms(n)).toBe(want);
  });
});

describe('verdict', () => {
  test.each([
    { name: 'no target', target: null, idle: load(500), want: 'report only' },
    { name: 'not measured idle', target: 50, idle: undefined, want: '< 50 ms' },
    { name: 'under the target', target: 50, idle: load(49.9), want: '< 50 ms: met' },
    { name: 'exactly the target is a miss', target: 50, idle: load(50), want: '< 50 ms: **missed**' },
    { name: 'over the target', target: 20, idle: load(27), want: '< 20 ms: **missed**' },
  ])('$name', ({ target, idle, want }) => {
    expect(verdict({ query: query(target), ...(idle ? { idle } : {}) })).toBe(want);
  });
});

describe('renderReport', () => {
  const base: Omit<ReportInput, 'modes'> = {
    events: 10_000_000,
    dbMiB: 8123.4,
    generatedSeconds: null,
    cachedSeconds: 731.2,
    connections: 1,
    durationS: 10,
    node: '20.20.2',
    cpus: 2,
    load: [1.5, 2.25],
    command: 'npm run bench -- --suite api',
  };
  const serve: ModeFigures = {
    title: 'serve',
    queries: [
      { query: query(50), pageRows: 100, matches: 40_000, idle: load(12), ingest: load(900, { failed: 3, failedStatus: 503 }), ingestRate: 9876.5 },
      { query: { ...query(20), label: 'GET /metrics/summary' }, pageRows: null, matches: null, idle: load(25) },
    ],
    walks: [{ phase: 'idle', pages: 300, rows: 30_000, firstMs: 2.5, lastMs: 2.75, sample: 10 }],
    ingest: { rate: 10_000, produced: 1_000_000, seconds: 95, batchMs: 412.3 },
  };

  test('a header with the dataset, the machine and the command', () => {
    const text = renderReport({ ...base, modes: [] });
    expect(text).toContain('events: 10,000,000 over 24 h, 50 hosts (database 8,123 MiB, cached; generating it took 731 s)');
    expect(text).toContain('load average 1.5 → 2.3');
    expect(text).toContain('1 connection (closed loop), 10 s per request');
    expect(text).toContain('`npm run bench -- --suite api`');
  });

  test('one row per request with idle and ingest figures, failures and the verdict', () => {
    const lines = renderReport({ ...base, modes: [serve] }).split('\n');
    expect(lines).toContain('| GET /logs first page | 100 of 40,000 | 1.3 | 3.0 | 12.0 | 812 | 1.3 | 3.0 | 900 | 812 (3 failed, 503) | 9,877 | < 50 ms: met |');
    expect(lines).toContain('| GET /metrics/summary | — | 1.3 | 3.0 | 25.0 | 812 | — | — | — | — | — | < 20 ms: **missed** |');
    expect(lines).toContain('under ingest: 10,000 events/s stored on average over 95 s, 412 ms per ingest batch on average');
    expect(lines).toContain('| idle | 300 | 30,000 | 2.5 (first 10) | 2.8 (last 10) |');
  });

  test('a mode measured under ingest only has no idle columns and no verdict', () => {
    const split: ModeFigures = { title: 'split', queries: [{ query: query(50), pageRows: 100, matches: null, ingest: load(30), ingestRate: 5000 }], walks: [], ingest: { rate: 5000, produced: 10, seconds: 1, batchMs: null } };
    const lines = renderReport({ ...base, modes: [split] }).split('\n');
    expect(lines).toContain('| request | rows | under ingest p50 | p90 | p99 | req/s | ingest events/s |');
    expect(lines).toContain('| GET /logs first page | 100 | 1.3 | 3.0 | 30.0 | 812 | 5,000 |');
    expect(lines).toContain('under ingest: 5,000 events/s stored on average over 1 s');
  });
});
