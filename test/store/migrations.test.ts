import { describe, expect, test } from 'vitest';
import { latestVersion, MIGRATIONS } from '../../src/store/migrations.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { readRollups } from '../../src/store/rollup-reader.js';
import { readRollupTotals } from '../../src/store/rollup-totals.js';
import { HOUR_MS, MINUTE_MS } from '../../src/store/rollup-writer.js';
import { openStore } from '../../src/store/store.js';
import { makeEvent, openTemp, T0, tempDbPath } from './fixtures.js';

describe('migration 4: CPU and memory histograms in the rollups', () => {
  /** A database at schema 3 holding rollup rows written before the histograms existed. */
  function v3Database(): string {
    const file = tempDbPath();
    const old = openStore(file, { migrations: MIGRATIONS.slice(0, 3) });
    expect(old.schemaVersion).toBe(3);
    const insert = (table: string, bucket: number, host: string, cpu: number[]) =>
      old.db
        .prepare(
          `INSERT INTO ${table} (bucket_start, host, count, errors, threats, cpu_n, cpu_sum, cpu_min, cpu_max, mem_n, mem_sum, mem_min, mem_max,
             net_in_n, net_in_sum, net_in_max, net_out_n, net_out_sum, net_out_max)
           VALUES (?, ?, ?, 0, 0, ?, ?, ?, ?, 0, NULL, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL)`,
        )
        .run(bucket, host, cpu.length + 1, cpu.length, cpu.reduce((a, b) => a + b, 0), Math.min(...cpu), Math.max(...cpu));
    insert('rollup_1m', T0, 'web-1', [10, 20]);
    insert('rollup_1m', T0 + MINUTE_MS, 'web-1', [30]);
    insert('rollup_1h', T0, 'web-1', [10, 20, 30]);
    old.close();
    return file;
  }

  test('a schema-3 database upgrades in place and keeps its rollup rows, without histograms', () => {
    const file = v3Database();
    const s = openTemp(file);
    expect(s.schemaVersion).toBe(latestVersion());
    const cols = (table: string) => (s.db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]).slice(-2);
    expect(cols('rollup_1m')).toEqual(['cpu_hist', 'mem_hist']);
    expect(cols('rollup_1h')).toEqual(['cpu_hist', 'mem_hist']);
    expect(s.db.prepare('SELECT bucket_start - ? AS b, count, cpu_n, cpu_max, cpu_hist, mem_hist FROM rollup_1m ORDER BY bucket_start').all(T0)).toEqual([
      { b: 0, count: 3, cpu_n: 2, cpu_max: 20, cpu_hist: null, mem_hist: null },
      { b: MINUTE_MS, count: 2, cpu_n: 1, cpu_max: 30, cpu_hist: null, mem_hist: null },
    ]);
    // Old rows read as before; they have no histogram, so no p95.
    const rows = readRollups(s, { from: T0, to: T0 + HOUR_MS, bucketMs: MINUTE_MS });
    expect(rows.map((r) => [r.count, r.cpu_avg, r.cpu_max, r.cpu_p95])).toEqual([
      [3, 15, 20, null],
      [2, 30, 30, null],
    ]);
  });

  test('after the upgrade: new buckets get p95; a bucket holding rows from before does not', () => {
    const s = openTemp(v3Database());
    new LogWriter(s).writeBatch({
      events: [
        // Into an old minute (merged into a row without histogram) and into a new one.
        makeEvent({ host: 'web-1', ts: T0 + 5_000, metrics: { cpu_pct: 40 } }),
        makeEvent({ host: 'web-1', ts: T0 + 2 * MINUTE_MS, metrics: { cpu_pct: 50, mem_pct: 60 } }),
        makeEvent({ host: 'web-1', ts: T0 + 2 * MINUTE_MS + 1, metrics: { cpu_pct: 70 } }),
      ],
      offsets: [],
    });
    const minutes = readRollups(s, { from: T0, to: T0 + HOUR_MS, bucketMs: MINUTE_MS });
    expect(minutes.map((r) => [r.bucket_start - T0, r.cpu_max, r.cpu_p95, r.mem_p95])).toEqual([
      [0, 40, null, null], // 3 samples, only 1 in the histogram: no p95 of part of them
      [MINUTE_MS, 30, null, null],
      [2 * MINUTE_MS, 70, 70, 60],
    ]);
    // Wider buckets holding old rows have none either, in both tables.
    expect(readRollups(s, { from: T0, to: T0 + HOUR_MS, bucketMs: 5 * MINUTE_MS }).map((r) => r.cpu_p95)).toEqual([null]);
    expect(readRollups(s, { from: T0, to: T0 + HOUR_MS, bucketMs: HOUR_MS }).map((r) => r.cpu_p95)).toEqual([null]);
    expect(readRollupTotals(s, { from: T0, to: T0 + HOUR_MS, bucketMs: MINUTE_MS })[0]).toMatchObject({ cpu_samples: 6, cpu_max: 70, cpu_p95: null, mem_p95: 60 });
  });
});
