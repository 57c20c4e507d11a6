import { beforeAll, describe, expect, test } from 'vitest';
import { LogWriter } from '../../src/store/log-writer.js';
import { readRollupTotals, type TotalsQuery } from '../../src/store/rollup-totals.js';
import { HOUR_MS, MINUTE_MS } from '../../src/store/rollup-writer.js';
import type { Store } from '../../src/store/store.js';
import { caught, makeEvent, openTemp, T0 } from './fixtures.js';

let store: Store;
beforeAll(() => {
  store = openTemp();
  const w = new LogWriter(store);
  w.writeBatch({
    events: [
      // Three CPU samples in one minute for web-1, one for web-2: the window average must
      // weigh samples, not buckets: (10 + 20 + 30 + 100) / 4 = 40, not (20 + 100) / 2.
      makeEvent({ host: 'web-1', ts: T0, metrics: { cpu_pct: 10, mem_pct: 50 } }),
      makeEvent({ host: 'web-1', ts: T0 + 1000, metrics: { cpu_pct: 20 }, level: 3 }),
      makeEvent({ host: 'web-1', ts: T0 + 2000, metrics: { cpu_pct: 30 } }),
      makeEvent({ host: 'web-2', ts: T0 + 5 * MINUTE_MS, metrics: { cpu_pct: 100, mem_pct: 70 }, threats: [{ name: 't', severity: 'LOW', tags: [], origin: 'message' }] }),
      makeEvent({ host: null, ts: T0 + 6 * MINUTE_MS }),
      makeEvent({ host: 'web-1', ts: T0 + HOUR_MS, metrics: { cpu_pct: 99 } }),
    ],
    offsets: [],
  });
});

const q = (over: Partial<TotalsQuery> = {}) => readRollupTotals(store, { from: T0, to: T0 + HOUR_MS, bucketMs: MINUTE_MS, ...over });

describe('readRollupTotals', () => {
  test('overall: sample-weighted averages, extremes, counts; [from, to) excludes the bucket at `to`', () => {
    expect(q()).toEqual([
      { host: null, count: 5, errors: 1, threats: 1, cpu_samples: 4, cpu_avg: 40, cpu_min: 10, cpu_max: 100, mem_samples: 2, mem_avg: 60, mem_min: 50, mem_max: 70 },
    ]);
  });

  test('per host, sorted; events without a host are host ""', () => {
    const rows = q({ perHost: true });
    expect(rows.map((r) => [r.host, r.count, r.cpu_avg])).toEqual([
      ['', 1, null],
      ['web-1', 3, 20],
      ['web-2', 1, 100],
    ]);
  });

  test('hour buckets read rollup_1h with `from` aligned down to the hour', () => {
    expect(q({ from: T0 + 30 * MINUTE_MS, to: T0 + 2 * HOUR_MS, bucketMs: HOUR_MS })[0]).toMatchObject({ count: 6, cpu_samples: 5, cpu_max: 100, cpu_min: 10 });
  });

  test('host filters and scope; an empty scope sees nothing; an empty window is zeros and nulls', () => {
    expect(q({ hosts: ['web-*'], hostScope: ['web-2'] })[0]).toMatchObject({ count: 1, cpu_avg: 100 });
    expect(q({ hostScope: [] })[0]).toMatchObject({ count: 0, cpu_samples: 0, cpu_avg: null, cpu_min: null });
    expect(q({ hostScope: [], perHost: true })).toEqual([]);
    expect(q({ from: T0 + 10 * HOUR_MS, to: T0 + 11 * HOUR_MS })[0]).toMatchObject({ count: 0, mem_avg: null });
  });

  test.each<[string, Partial<TotalsQuery>, string]>([
    ['from after to', { from: T0 + 1, to: T0 }, 'from'],
    ['negative from', { from: -1 }, 'from'],
    ['fractional to', { to: 1.5 }, 'to'],
    ['bucket below a minute', { bucketMs: 1000 }, 'bucketMs'],
    ['bucket not whole minutes', { bucketMs: 90_000 }, 'bucketMs'],
  ])('%s -> BAD_REQUEST naming %s', (_n, over, param) => {
    const e = caught(() => q(over));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.details.param).toBe(param);
  });
});
