import { describe, expect, test } from 'vitest';
import { aggregateRollups, bucketStart, HOUR_MS, MINUTE_MS } from '../../src/store/rollup-writer.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { makeEvent, openTemp, T0 } from './fixtures.js';

describe('bucketStart', () => {
  test.each([
    [0, MINUTE_MS, 0],
    [59_999, MINUTE_MS, 0],
    [60_000, MINUTE_MS, 60_000],
    [-1, MINUTE_MS, -60_000],
    [T0 + HOUR_MS - 1, HOUR_MS, T0],
    [T0 + HOUR_MS, HOUR_MS, T0 + HOUR_MS],
  ])('bucketStart(%d, %d) = %d', (ts, b, expected) => {
    expect(bucketStart(ts, b)).toBe(expected);
  });
});

describe('aggregateRollups (pure)', () => {
  test('empty batch gives no rows', () => {
    expect(aggregateRollups([], MINUTE_MS)).toEqual([]);
  });

  test('one row per host and bucket, with counts, errors, threats and metric extremes', () => {
    const rows = aggregateRollups(
      [
        makeEvent({ host: 'a', ts: T0, level: 3, metrics: { cpu_pct: 10, mem_pct: 50 } }),
        makeEvent({ host: 'a', ts: T0 + 59_999, level: 4, metrics: { cpu_pct: 30, net_in: 100, net_out: 5 } }),
        makeEvent({ host: 'a', ts: T0 + 60_000, level: 0, threats: [{ name: 't', severity: 'LOW', tags: [], origin: 'message' }] }),
        makeEvent({ host: 'b', ts: T0, level: null, metrics: { cpu_pct: Number.NaN, mem_pct: 20 } }),
        makeEvent({ host: null, ts: T0, level: 7 }),
      ],
      MINUTE_MS,
    );
    const byKey = Object.fromEntries(rows.map((r) => [`${r.host}@${r.bucket_start - T0}`, r]));
    expect(Object.keys(byKey).sort()).toEqual(['@0', 'a@0', 'a@60000', 'b@0']);
    expect(byKey['a@0']).toEqual({
      bucket_start: T0, host: 'a', count: 2, errors: 1, threats: 0,
      cpu: { n: 2, sum: 40, min: 10, max: 30 },
      mem: { n: 1, sum: 50, min: 50, max: 50 },
      net_in: { n: 1, sum: 100, min: 100, max: 100 },
      net_out: { n: 1, sum: 5, min: 5, max: 5 },
    });
    expect(byKey['a@60000']).toMatchObject({ count: 1, errors: 1, threats: 1, cpu: { n: 0, sum: 0, min: null, max: null } });
    // NaN is not a measurement.
    expect(byKey['b@0']).toMatchObject({ count: 1, errors: 0, cpu: { n: 0 }, mem: { n: 1, sum: 20 } });
    expect(byKey['@0']).toMatchObject({ host: '', count: 1 });
  });
});

describe('rollup tables', () => {
  const row = (s: ReturnType<typeof openTemp>, table: string, host: string, bucket: number) =>
    s.db.prepare(`SELECT * FROM ${table} WHERE host = ? AND bucket_start = ?`).get(host, bucket) as Record<string, number | null>;

  test('two batches merge: counts and sums add, min and max combine, missing metrics stay null', () => {
    const s = openTemp();
    const w = new LogWriter(s);
    w.writeBatch({
      events: [
        makeEvent({ host: 'a', ts: T0 + 1000, metrics: { cpu_pct: 20 } }),
        makeEvent({ host: 'a', ts: T0 + 2000, metrics: { cpu_pct: 40 }, level: 2 }),
      ],
      offsets: [],
    });
    w.writeBatch({
      events: [
        makeEvent({ host: 'a', ts: T0 + 3000, metrics: { cpu_pct: 5, mem_pct: 70 } }),
        makeEvent({ host: 'a', ts: T0 + 4000 }),
      ],
      offsets: [],
    });
    expect(row(s, 'rollup_1m', 'a', T0)).toEqual({
      bucket_start: T0, host: 'a', count: 4, errors: 1, threats: 0,
      cpu_n: 3, cpu_sum: 65, cpu_min: 5, cpu_max: 40,
      mem_n: 1, mem_sum: 70, mem_min: 70, mem_max: 70,
      net_in_n: 0, net_in_sum: null, net_in_max: null,
      net_out_n: 0, net_out_sum: null, net_out_max: null,
    });
    expect(row(s, 'rollup_1h', 'a', T0)).toMatchObject({ count: 4, cpu_n: 3, cpu_sum: 65, cpu_min: 5, cpu_max: 40 });
  });

  test('a later batch with the only measurement fills a bucket that had none', () => {
    const s = openTemp();
    const w = new LogWriter(s);
    w.writeBatch({ events: [makeEvent({ host: 'a', ts: T0 })], offsets: [] });
    w.writeBatch({ events: [makeEvent({ host: 'a', ts: T0, metrics: { mem_pct: 33 } })], offsets: [] });
    expect(row(s, 'rollup_1m', 'a', T0)).toMatchObject({ count: 2, mem_n: 1, mem_sum: 33, mem_min: 33, mem_max: 33, cpu_n: 0, cpu_min: null });
  });

  test('minute and hour tables bucket the same events differently', () => {
    const s = openTemp();
    new LogWriter(s).writeBatch({
      events: [T0 - 1, T0, T0 + 59_999, T0 + 60_000, T0 + HOUR_MS].map((ts) => makeEvent({ host: 'h', ts })),
      offsets: [],
    });
    const m = s.db.prepare("SELECT bucket_start - ? AS b, count FROM rollup_1m WHERE host = 'h' ORDER BY bucket_start").all(T0);
    expect(m).toEqual([
      { b: -60_000, count: 1 },
      { b: 0, count: 2 },
      { b: 60_000, count: 1 },
      { b: HOUR_MS, count: 1 },
    ]);
    const h = s.db.prepare("SELECT bucket_start - ? AS b, count FROM rollup_1h WHERE host = 'h' ORDER BY bucket_start").all(T0);
    expect(h).toEqual([
      { b: -HOUR_MS, count: 1 },
      { b: 0, count: 3 },
      { b: HOUR_MS, count: 1 },
    ]);
  });
});
