import { beforeAll, describe, expect, test } from 'vitest';
import { LogWriter } from '../../src/store/log-writer.js';
import { readRollupAverages, readRollups, type RollupQuery } from '../../src/store/rollup-reader.js';
import { HOUR_MS, MINUTE_MS } from '../../src/store/rollup-writer.js';
import type { Store } from '../../src/store/store.js';
import { expectedP95 } from '../helpers/percentile.js';
import { caught, makeEvent, openTemp, T0 } from './fixtures.js';

let store: Store;
beforeAll(() => {
  store = openTemp();
  const w = new LogWriter(store);
  // Two batches, two hosts, across minute, 5-minute and hour boundaries.
  w.writeBatch({
    events: [
      makeEvent({ host: 'web-1', ts: T0, metrics: { cpu_pct: 10, mem_pct: 40 } }),
      makeEvent({ host: 'web-1', ts: T0 + 30_000, metrics: { cpu_pct: 30 }, level: 3 }),
      makeEvent({ host: 'web-2', ts: T0 + 30_000, metrics: { cpu_pct: 90, mem_pct: 80 } }),
      makeEvent({ host: 'web-1', ts: T0 + 4 * MINUTE_MS + 59_999, metrics: { cpu_pct: 50 } }),
    ],
    offsets: [],
  });
  w.writeBatch({
    events: [
      makeEvent({ host: 'web-1', ts: T0 + 5 * MINUTE_MS, metrics: { cpu_pct: 70 }, threats: [{ name: 'x', severity: 'LOW', tags: [], origin: 'message' }] }),
      makeEvent({ host: 'web-2', ts: T0 + 59_000, metrics: { cpu_pct: 60 } }),
      makeEvent({ host: 'db-1', ts: T0 + HOUR_MS + 1, metrics: { mem_pct: 10 } }),
      makeEvent({ host: null, ts: T0 + 1 }),
    ],
    offsets: [],
  });
});

const q = (over: Partial<RollupQuery>) => readRollups(store, { from: T0, to: T0 + 2 * HOUR_MS, bucketMs: MINUTE_MS, ...over });

describe('readRollups', () => {
  test('1-minute buckets over all hosts: min, avg, max across both batches and hosts', () => {
    const rows = q({ to: T0 + MINUTE_MS });
    expect(rows).toEqual([
      {
        bucket_start: T0, host: null, count: 5, errors: 1, threats: 0,
        cpu_avg: (10 + 30 + 90 + 60) / 4, cpu_min: 10, cpu_max: 90, cpu_p95: 90,
        mem_avg: 60, mem_min: 40, mem_max: 80, mem_p95: 80,
        net_in_avg: null, net_in_max: null, net_out_avg: null, net_out_max: null,
      },
    ]);
  });

  test('per host, one row per host and bucket; events without host are host ""', () => {
    const rows = q({ to: T0 + MINUTE_MS, perHost: true });
    expect(rows.map((r) => [r.host, r.count, r.cpu_avg, r.cpu_max])).toEqual([
      ['', 1, null, null],
      ['web-1', 2, 20, 30],
      ['web-2', 2, 75, 90],
    ]);
  });

  test('5-minute buckets re-bucket minute rows: the boundary event goes to the next bucket', () => {
    const rows = q({ bucketMs: 5 * MINUTE_MS, to: T0 + HOUR_MS, hosts: ['web-1'], perHost: true });
    expect(rows.map((r) => [r.bucket_start - T0, r.count, r.cpu_min, r.cpu_max, r.threats])).toEqual([
      [0, 3, 10, 50, 0],
      [5 * MINUTE_MS, 1, 70, 70, 1],
    ]);
  });

  test('sub-hour buckets come from rollup_1m, hour buckets from rollup_1h, never from logs', () => {
    const s = openTemp();
    new LogWriter(s).writeBatch({ events: [makeEvent({ host: 'h', ts: T0, metrics: { cpu_pct: 5 } })], offsets: [] });
    s.db.exec('DELETE FROM logs');
    const read = (bucketMs: number) => readRollups(s, { from: T0, to: T0 + HOUR_MS, bucketMs }).map((r) => r.count);
    expect(read(MINUTE_MS)).toEqual([1]);
    expect(read(HOUR_MS)).toEqual([1]);
    s.db.exec('DELETE FROM rollup_1m');
    expect(read(MINUTE_MS)).toEqual([]);
    expect(read(30 * MINUTE_MS)).toEqual([]);
    expect(read(HOUR_MS)).toEqual([1]);
  });

  test('hour and day buckets', () => {
    const rows = q({ bucketMs: HOUR_MS });
    expect(rows.map((r) => [r.bucket_start - T0, r.count, r.mem_min, r.mem_max])).toEqual([
      [0, 7, 40, 80],
      [HOUR_MS, 1, 10, 10],
    ]);
    const day = q({ bucketMs: 24 * HOUR_MS, from: T0 - 12 * HOUR_MS, to: T0 + 12 * HOUR_MS });
    expect(day).toHaveLength(1);
    expect(day[0]!.bucket_start).toBe(Date.UTC(2025, 0, 15));
    expect(day[0]!.count).toBe(8);
  });

  test('from is aligned down to the bucket; to is exclusive', () => {
    expect(q({ from: T0 + 10_000, to: T0 + MINUTE_MS }).map((r) => r.count)).toEqual([5]);
    expect(q({ from: T0, to: T0 })).toEqual([]);
    expect(q({ from: T0 + MINUTE_MS, to: T0 + 4 * MINUTE_MS })).toEqual([]);
  });

  test('hosts and hostScope filter (globs allowed), scope narrows, never widens', () => {
    const hostsOf = (rows: { host: string | null }[]) => [...new Set(rows.map((r) => r.host))].sort();
    expect(hostsOf(q({ perHost: true, hosts: ['web-*'] }))).toEqual(['web-1', 'web-2']);
    expect(hostsOf(q({ perHost: true, hostScope: ['db-*'] }))).toEqual(['db-1']);
    expect(q({ perHost: true, hostScope: ['db-*'], hosts: ['web-*'] })).toEqual([]);
    expect(q({ hostScope: [] })).toEqual([]);
    const overall = q({ bucketMs: HOUR_MS, hostScope: ['web-2'] });
    expect(overall.map((r) => [r.host, r.count, r.cpu_avg])).toEqual([[null, 2, 75]]);
  });

  test.each<[string, Partial<RollupQuery>, string]>([
    ['bucket not whole minutes', { bucketMs: 90_000 }, 'bucketMs'],
    ['bucket under a minute', { bucketMs: 1000 }, 'bucketMs'],
    ['bucket 90 minutes', { bucketMs: 90 * MINUTE_MS }, 'bucketMs'],
    ['too many buckets', { from: 0, to: T0 }, 'bucketMs'],
    ['from after to', { from: T0 + 1, to: T0 }, 'from'],
    ['negative from', { from: -1 }, 'from'],
    ['to not integer', { to: 1.5 }, 'to'],
    ['hosts empty string', { hosts: [''] }, 'hosts'],
  ])('%s is a BAD_REQUEST naming %s', (_n, over, param) => {
    const err = caught(() => q(over));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.details).toEqual({ param });
  });
});

describe('readRollupAverages', () => {
  const avgOnly = (over: Partial<RollupQuery>) => readRollupAverages(store, { from: T0, to: T0 + 2 * HOUR_MS, bucketMs: MINUTE_MS, ...over });

  test.each<[string, Partial<RollupQuery>]>([
    ['1-minute buckets over all hosts', {}],
    ['per host', { perHost: true }],
    ['5-minute buckets per host', { perHost: true, bucketMs: 5 * MINUTE_MS }],
    ['hour buckets per host (rollup_1h)', { perHost: true, bucketMs: HOUR_MS }],
    ['hosts and scope', { perHost: true, hosts: ['web-*'], hostScope: ['web-2'] }],
    ['an empty scope', { perHost: true, hostScope: [] }],
  ])('%s: the same buckets, hosts and averages as readRollups', (_n, over) => {
    const full = q(over).map((r) => ({ bucket_start: r.bucket_start, host: r.host, cpu_avg: r.cpu_avg, mem_avg: r.mem_avg }));
    expect(avgOnly(over)).toEqual(full);
  });

  test('a bucket whose events carried no memory figure has mem_avg null', () => {
    const rows = avgOnly({ perHost: true, to: T0 + MINUTE_MS, hosts: ['web-1'] });
    expect(rows).toEqual([{ bucket_start: T0, host: 'web-1', cpu_avg: 20, mem_avg: 40 }]);
    expect(avgOnly({ perHost: true, from: T0 + 4 * MINUTE_MS, to: T0 + 5 * MINUTE_MS, hosts: ['web-1'] })).toEqual([
      { bucket_start: T0 + 4 * MINUTE_MS, host: 'web-1', cpu_avg: 50, mem_avg: null },
    ]);
  });

  test('bad queries are refused like readRollups refuses them', () => {
    expect(caught(() => avgOnly({ bucketMs: 90_000 })).details).toEqual({ param: 'bucketMs' });
  });
});

describe('readRollups: p95 of CPU and memory from the rollup histograms', () => {
  // Two hosts over two days, written in batches of mixed minutes as ingest does, so rows are
  // merged on upsert; values include negatives, fractions and over 100.
  const DAY = 24 * HOUR_MS;
  const samples: { host: string; ts: number; cpu: number; mem: number }[] = [];
  let p95Store: Store;
  beforeAll(() => {
    let x = 7;
    const rnd = () => ((x = (x * 48271) % 2147483647) / 2147483647);
    for (let i = 0; i < 3000; i++) {
      const host = i % 3 === 0 ? 'db-1' : 'web-1';
      const ts = T0 - 6 * HOUR_MS + Math.floor(rnd() * 2 * DAY);
      const cpu = host === 'db-1' ? Math.round(rnd() * 40) : rnd() < 0.1 ? 100 + rnd() * 50 : rnd() * 90 - 2;
      samples.push({ host, ts, cpu, mem: Math.round(rnd() * 1000) / 10 });
    }
    p95Store = openTemp();
    const w = new LogWriter(p95Store);
    for (let i = 0; i < samples.length; i += 250) {
      w.writeBatch({
        events: samples.slice(i, i + 250).map((e) => makeEvent({ host: e.host, ts: e.ts, metrics: { cpu_pct: e.cpu, mem_pct: e.mem } })),
        offsets: [],
      });
    }
  });

  /** The expected series, from the raw samples: the bucket of each, the p95 of each group. */
  function expected(from: number, to: number, bucketMs: number, perHost: boolean) {
    const groups = new Map<string, { cpu: number[]; mem: number[] }>();
    for (const e of samples) {
      if (e.ts < from || e.ts >= to) continue;
      const key = `${Math.floor(e.ts / bucketMs) * bucketMs}|${perHost ? e.host : ''}`;
      const g = groups.get(key) ?? { cpu: [], mem: [] };
      g.cpu.push(e.cpu);
      g.mem.push(e.mem);
      groups.set(key, g);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, g]) => ({ key, cpu_p95: expectedP95(g.cpu), mem_p95: expectedP95(g.mem) }));
  }

  test.each<[string, number, boolean]>([
    ['1m', MINUTE_MS, false],
    ['1m per host', MINUTE_MS, true],
    ['5m (re-bucketed from rollup_1m)', 5 * MINUTE_MS, false],
    ['15m per host', 15 * MINUTE_MS, true],
    ['1h', HOUR_MS, false],
    ['1h per host', HOUR_MS, true],
    ['1d (re-bucketed from rollup_1h)', DAY, false],
    ['1d per host', DAY, true],
  ])('%s buckets', (_n, bucketMs, perHost) => {
    const from = Math.floor((T0 - 6 * HOUR_MS) / DAY) * DAY;
    const to = from + 3 * DAY;
    const rows = readRollups(p95Store, { from, to, bucketMs, perHost });
    const got = rows.map((r) => ({ key: `${r.bucket_start}|${perHost ? r.host : ''}`, cpu_p95: r.cpu_p95, mem_p95: r.mem_p95 }));
    expect(got).toEqual(expected(from, to, bucketMs, perHost));
    for (const r of rows) {
      expect(r.cpu_p95!).toBeLessThanOrEqual(r.cpu_max!);
      expect(r.mem_p95!).toBeLessThanOrEqual(r.mem_max!);
    }
  });

  test('host filters narrow the histograms too', () => {
    const from = T0;
    const to = T0 + 6 * HOUR_MS;
    const rows = readRollups(p95Store, { from, to, bucketMs: HOUR_MS, hosts: ['db-*'] });
    const want = expected(from, to, HOUR_MS, true).filter((e) => e.key.endsWith('|db-1'));
    expect(rows.map((r) => [r.cpu_p95, r.mem_p95])).toEqual(want.map((e) => [e.cpu_p95, e.mem_p95]));
  });

  test('buckets without samples of a metric have p95 null', () => {
    const s = openTemp();
    new LogWriter(s).writeBatch({ events: [makeEvent({ host: 'h', ts: T0, metrics: { cpu_pct: 5 } }), makeEvent({ host: 'h', ts: T0 + MINUTE_MS })], offsets: [] });
    const rows = readRollups(s, { from: T0, to: T0 + HOUR_MS, bucketMs: MINUTE_MS });
    expect(rows.map((r) => [r.cpu_p95, r.mem_p95])).toEqual([
      [5, null],
      [null, null],
    ]);
  });

  test('a bucket holding a damaged histogram reports p95 null, the others are unaffected', () => {
    const s = openTemp();
    const w = new LogWriter(s);
    w.writeBatch({ events: [0, 1, 2].map((m) => makeEvent({ host: 'h', ts: T0 + m * MINUTE_MS, metrics: { cpu_pct: 10 + m } })), offsets: [] });
    s.db.prepare("UPDATE rollup_1m SET cpu_hist = x'f1050000' WHERE bucket_start = ?").run(T0 + MINUTE_MS);
    const read = (bucketMs: number) => readRollups(s, { from: T0, to: T0 + HOUR_MS, bucketMs }).map((r) => r.cpu_p95);
    expect(read(MINUTE_MS)).toEqual([10, null, 12]);
    expect(read(5 * MINUTE_MS)).toEqual([null]);
    expect(read(HOUR_MS)).toEqual([12]);
  });
});
