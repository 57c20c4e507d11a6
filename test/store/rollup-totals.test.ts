import { beforeAll, describe, expect, test } from 'vitest';
import { LogWriter } from '../../src/store/log-writer.js';
import { readHostTotals, readRollupTotals, type TotalsQuery } from '../../src/store/rollup-totals.js';
import { HOUR_MS, MINUTE_MS } from '../../src/store/rollup-writer.js';
import type { Store } from '../../src/store/store.js';
import { expectedP95 } from '../helpers/percentile.js';
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
      {
        host: null, count: 5, errors: 1, threats: 1,
        cpu_samples: 4, cpu_avg: 40, cpu_min: 10, cpu_max: 100, cpu_p95: 100,
        mem_samples: 2, mem_avg: 60, mem_min: 50, mem_max: 70, mem_p95: 70,
      },
    ]);
  });

  test('per host, sorted; events without a host are host ""', () => {
    const rows = q({ perHost: true });
    expect(rows.map((r) => [r.host, r.count, r.cpu_avg, r.cpu_p95])).toEqual([
      ['', 1, null, null],
      ['web-1', 3, 20, 30],
      ['web-2', 1, 100, 100],
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

describe('window totals: p95 from the histograms, per host and overall', () => {
  const cpu: Record<string, number[]> = { a: [], b: [], '': [] };
  let s: Store;
  beforeAll(() => {
    s = openTemp();
    const w = new LogWriter(s);
    // Three hours, three hosts, one sample a minute each, in batches of ten minutes.
    for (let m = 0; m < 180; m += 10) {
      const events = [];
      for (let k = m; k < m + 10; k++) {
        for (const [host, v] of [['a', (k * 37) % 101], ['b', 20 + (k % 7) * 0.3], ['', k % 2 ? 150 : -1]] as const) {
          cpu[host]!.push(v);
          events.push(makeEvent({ host: host || null, ts: T0 + k * MINUTE_MS, metrics: { cpu_pct: v } }));
        }
      }
      w.writeBatch({ events, offsets: [] });
    }
  });

  test.each([MINUTE_MS, 5 * MINUTE_MS, HOUR_MS])('bucket %d: per host, and overall as one histogram of all hosts', (bucketMs) => {
    const query = { from: T0, to: T0 + 3 * HOUR_MS, bucketMs };
    const hosts = readRollupTotals(s, { ...query, perHost: true });
    expect(hosts.map((t) => [t.host, t.cpu_p95, t.cpu_samples])).toEqual([
      ['', expectedP95(cpu['']!), 180],
      ['a', expectedP95(cpu.a!), 180],
      ['b', expectedP95(cpu.b!), 180],
    ]);
    const all = [...cpu.a!, ...cpu.b!, ...cpu['']!];
    const [overall] = readRollupTotals(s, query);
    expect(overall).toMatchObject({ host: null, cpu_samples: 540, cpu_p95: expectedP95(all), cpu_max: 150, cpu_min: -1 });
    expect(readHostTotals(s, query)).toEqual({ overall, hosts });
  });

  test('p95: false leaves the histograms unread: null percentiles, same everything else', () => {
    const query = { from: T0, to: T0 + 3 * HOUR_MS, bucketMs: HOUR_MS, perHost: true };
    const without = readRollupTotals(s, { ...query, p95: false });
    expect(without.every((t) => t.cpu_p95 === null && t.mem_p95 === null)).toBe(true);
    expect(without).toEqual(readRollupTotals(s, query).map((t) => ({ ...t, cpu_p95: null, mem_p95: null })));
  });

  test('an empty window: zeros and nulls, no hosts', () => {
    const query = { from: T0 + 10 * HOUR_MS, to: T0 + 11 * HOUR_MS, bucketMs: HOUR_MS };
    expect(readHostTotals(s, query)).toEqual({
      overall: {
        host: null, count: 0, errors: 0, threats: 0,
        cpu_samples: 0, cpu_avg: null, cpu_min: null, cpu_max: null, cpu_p95: null,
        mem_samples: 0, mem_avg: null, mem_min: null, mem_max: null, mem_p95: null,
      },
      hosts: [],
    });
  });
});
