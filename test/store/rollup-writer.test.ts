import { describe, expect, test } from 'vitest';
import { addValue, decodeHistogram, encodeHistogram, newHistogram, type Histogram } from '../../src/core/histogram.js';
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
      // The histogram bin of each sample: a whole point each, rounded up.
      cpu_bins: [10, 30],
      mem_bins: [50],
    });
    expect(byKey['a@60000']).toMatchObject({ count: 1, errors: 1, threats: 1, cpu: { n: 0, sum: 0, min: null, max: null }, cpu_bins: [], mem_bins: [] });
    // NaN is not a measurement.
    expect(byKey['b@0']).toMatchObject({ count: 1, errors: 0, cpu: { n: 0 }, mem: { n: 1, sum: 20 }, cpu_bins: [], mem_bins: [20] });
    expect(byKey['@0']).toMatchObject({ host: '', count: 1 });
  });
});

const histOf = (values: readonly number[]): Histogram => {
  const h = newHistogram();
  for (const v of values) addValue(h, v);
  return h;
};

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
      cpu_hist: Buffer.from(encodeHistogram(histOf([20, 40, 5]))!),
      mem_hist: Buffer.from(encodeHistogram(histOf([70]))!),
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

  test('histograms merge across batches in both tables, each holding exactly its row\'s samples', () => {
    const s = openTemp();
    const w = new LogWriter(s);
    const cpu = [[12, 12.5, 99], [0, 250, 12], [-4]];
    const mem = [[40], [], [41.2, 41.9]];
    for (let b = 0; b < cpu.length; b++) {
      const events = [
        ...cpu[b]!.map((v, i) => makeEvent({ host: 'a', ts: T0 + b * 1000 + i, metrics: { cpu_pct: v } })),
        ...mem[b]!.map((v, i) => makeEvent({ host: 'a', ts: T0 + 30 * MINUTE_MS + i, metrics: { mem_pct: v } })),
        // Not a sample: counted nowhere.
        makeEvent({ host: 'a', ts: T0 + 5, metrics: { cpu_pct: Number.NaN } }),
      ];
      w.writeBatch({ events, offsets: [] });
    }
    const hist = (table: string, col: string, bucket: number) => {
      const v = s.db.prepare(`SELECT ${col} FROM ${table} WHERE host = 'a' AND bucket_start = ?`).pluck().get(bucket);
      return v === null || v === undefined ? null : decodeHistogram(v as Buffer);
    };
    expect(hist('rollup_1m', 'cpu_hist', T0)).toEqual(histOf(cpu.flat()));
    expect(hist('rollup_1m', 'mem_hist', T0)).toBeNull();
    expect(hist('rollup_1m', 'mem_hist', T0 + 30 * MINUTE_MS)).toEqual(histOf(mem.flat()));
    expect(hist('rollup_1m', 'cpu_hist', T0 + 30 * MINUTE_MS)).toBeNull();
    expect(hist('rollup_1h', 'cpu_hist', T0)).toEqual(histOf(cpu.flat()));
    expect(hist('rollup_1h', 'mem_hist', T0)).toEqual(histOf(mem.flat()));
  });

  test('a damaged histogram in the table does not stop ingest; that row then has no histogram of its own', () => {
    const s = openTemp();
    const w = new LogWriter(s);
    w.writeBatch({ events: [makeEvent({ host: 'a', ts: T0, metrics: { cpu_pct: 10, mem_pct: 20 } })], offsets: [] });
    s.db.exec("UPDATE rollup_1m SET cpu_hist = x'f1ff01', mem_hist = 'not a blob'");
    const r = w.writeBatch({ events: [makeEvent({ host: 'a', ts: T0 + 1, metrics: { cpu_pct: 30, mem_pct: 40 } })], offsets: [] });
    expect(r.inserted).toBe(1);
    const after = row(s, 'rollup_1m', 'a', T0);
    expect(after).toMatchObject({ count: 2, cpu_n: 2, cpu_max: 30 });
    // The damaged side counts as empty: the histogram holds only the new sample, short of cpu_n.
    expect(decodeHistogram(after.cpu_hist as unknown as Buffer)).toEqual(histOf([30]));
    expect(decodeHistogram(after.mem_hist as unknown as Buffer)).toEqual(histOf([40]));
    // The hour row was never damaged.
    expect(decodeHistogram(row(s, 'rollup_1h', 'a', T0).cpu_hist as unknown as Buffer)).toEqual(histOf([10, 30]));
  });
});
