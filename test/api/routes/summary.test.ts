import { beforeAll, describe, expect, test } from 'vitest';
import type { NormalizedEvent } from '../../../src/core/event.js';
import { makeEvent } from '../../store/fixtures.js';
import { startApi, token, type TestApi } from '../harness.js';
import { AlertSeed } from '../alert-seed.js';
import { T0 } from '../seed.js';
import { expectedP95 } from '../../helpers/percentile.js';

const MIN = 60_000;
const HOUR = 3_600_000;
// Window under test: [T0, T0 + 2h); previous window: [T0 - 2h, T0).
const FROM = T0;
const TO = T0 + 2 * HOUR;

function metricsEvents(): NormalizedEvent[] {
  const out: NormalizedEvent[] = [];
  for (let m = -120; m < 120; m++) {
    const ts = T0 + m * MIN + 7_000;
    // web-1: CPU rising 0.5 per minute in the window, flat 10 before; db-1 flat at 50.
    out.push(makeEvent({ ts, host: 'web-1', metrics: { cpu_pct: m < 0 ? 10 : 20 + m * 0.5, mem_pct: 40 }, level: m % 30 === 0 ? 3 : 6 }));
    out.push(makeEvent({ ts, host: 'db-1', metrics: { cpu_pct: 50, mem_pct: 60 + (m % 2) } }));
  }
  // Events without metrics count as events, not as samples.
  out.push(makeEvent({ ts: T0 + 5 * MIN, host: 'web-1', message: 'no metrics here', threats: [{ name: 't', severity: 'HIGH', tags: [], origin: 'message' }] }));
  out.push(makeEvent({ ts: T0 + 6 * MIN, host: null, message: 'hostless' }));
  return out;
}

let api: TestApi;
beforeAll(async () => {
  const alerts = new AlertSeed();
  alerts.add({ rule_id: 'cpu', severity: 'HIGH', host: 'web-1', first_seen: T0 + 10 * MIN });
  alerts.add({ rule_id: 'cpu', severity: 'HIGH', host: 'web-1', first_seen: T0 + 20 * MIN, state: 'resolved' });
  alerts.add({ rule_id: 'db', severity: 'CRITICAL', host: 'db-1', first_seen: T0 + 30 * MIN });
  alerts.add({ rule_id: 'old', severity: 'LOW', host: 'db-1', first_seen: T0 - 3 * HOUR });
  api = await startApi({ seed: metricsEvents(), alerts, clock: () => TO });
});

const iso = (ms: number) => new Date(ms).toISOString();
/** web-1's CPU samples in the window, one a minute. */
const WEB_CPU = Array.from({ length: 120 }, (_, m) => 20 + m * 0.5);
const q = `from=${iso(FROM)}&to=${iso(TO)}`;

describe('GET /metrics/summary', () => {
  test('overall CPU and memory: sample-weighted average, min, max; event counts', async () => {
    const r = await api.call(`/api/v1/metrics/summary?${q}&bucket=5m`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ from: iso(FROM), to: iso(TO), bucket: '5m' });
    const cpuAvg = (WEB_CPU.reduce((a, b) => a + b, 0) + 120 * 50) / 240;
    expect(r.body.overall.cpu.avg).toBeCloseTo(cpuAvg, 9);
    expect(r.body.overall.cpu).toMatchObject({ min: 20, max: 79.5, samples: 240 });
    expect(r.body.overall.mem).toMatchObject({ min: 40, max: 61, samples: 240 });
    // p95 over both hosts: the 228th of 240 values is web-1's 73.5, in the point up to 74.
    expect(r.body.overall.cpu.p95).toBe(74);
    expect(r.body.overall.cpu.p95).toBe(expectedP95([...WEB_CPU, ...Array(120).fill(50)]));
    expect(r.body.overall.mem.p95).toBe(61);
    expect(r.body.overall.events).toBe(242);
    expect(r.body.overall.errors).toBe(4);
    expect(r.body.overall.threats).toBe(1);
  });

  test('per host, with per-host trends; events without a host appear as host null', async () => {
    const r = await api.call(`/metrics/summary?${q}&bucket=5m`);
    const hosts = Object.fromEntries(r.body.hosts.map((h: { host: string | null }) => [String(h.host), h]));
    expect(Object.keys(hosts).sort()).toEqual(['db-1', 'null', 'web-1']);
    expect(hosts['db-1'].cpu).toEqual({ avg: 50, min: 50, max: 50, p95: 50, samples: 120 });
    expect(hosts['db-1'].mem).toEqual({ avg: 60.5, min: 60, max: 61, p95: 61, samples: 120 });
    expect(hosts['web-1'].cpu.p95).toBe(expectedP95(WEB_CPU));
    expect(hosts['null'].cpu).toEqual({ avg: null, min: null, max: null, p95: null, samples: 0 });
    expect(hosts['db-1'].trends.cpu.direction).toBe('flat');
    expect(hosts['web-1'].trends.cpu.direction).toBe('rising');
    expect(hosts['web-1'].trends.cpu.slope_per_hour).toBeCloseTo(30, 6);
    expect(hosts['web-1'].trends.cpu.previous_mean).toBe(10);
    expect(hosts['null'].events).toBe(1);
  });

  test('trends per bucket, slope, and change against the previous window', async () => {
    const r = await api.call(`/api/v1/metrics/summary?${q}&bucket=5m`);
    expect(r.body.series).toHaveLength(24);
    expect(r.body.series[0].t).toBe(iso(FROM));
    expect(r.body.series[1].t).toBe(iso(FROM + 5 * MIN));
    // Bucket 0: web-1 at 20, 20.5 … 22; db-1 at 50.
    expect(r.body.series[0].cpu_avg).toBeCloseTo((20 + 20.5 + 21 + 21.5 + 22 + 5 * 50) / 10, 9);
    expect(r.body.series[0].cpu_max).toBe(50);
    // p95 per bucket from the rollup histograms: bucket 5 holds web-1's 32.5 … 34.5 and db-1's 50s.
    expect(r.body.series[0]).toMatchObject({ cpu_p95: 50, mem_p95: 61 });
    expect(r.body.series[5].cpu_p95).toBe(50);
    for (const [i, p] of r.body.series.entries()) {
      const web = WEB_CPU.slice(i * 5, i * 5 + 5);
      expect(p.cpu_p95).toBe(expectedP95([...web, ...Array(5).fill(50)]));
    }
    const cpu = r.body.trends.cpu;
    expect(cpu.direction).toBe('rising');
    expect(cpu.slope_per_hour).toBeCloseTo(15, 6); // half of web-1's 30/h in a two-host average
    expect(cpu.previous_mean).toBeCloseTo(30, 9); // (10 + 50) / 2 before the window
    expect(cpu.change).toBeCloseTo(cpu.mean - 30, 9);
    expect(cpu.change_pct).toBeCloseTo(((cpu.mean - 30) / 30) * 100, 9);
    expect(r.body.trends.mem.direction).toBe('flat');
    expect(r.body.trends.events.direction).toBe('flat');
  });

  test('alert counts by severity in the window', async () => {
    const r = await api.call(`/api/v1/metrics/summary?${q}`);
    expect(r.body.alerts).toEqual({
      total: 3,
      by_severity: { LOW: 0, MEDIUM: 0, HIGH: 2, CRITICAL: 1 },
      open_by_severity: { LOW: 0, MEDIUM: 0, HIGH: 1, CRITICAL: 1 },
    });
  });

  test.each<[string, string, number]>([
    ['1m', '1m', 120],
    ['1h', '1h', 2],
    ['1d', '1d', 1],
  ])('bucket=%s', async (bucket, want, n) => {
    const r = await api.call(`/api/v1/metrics/summary?${q}&bucket=${bucket}`);
    expect(r.status).toBe(200);
    expect(r.body.bucket).toBe(want);
    expect(r.body.series).toHaveLength(n);
  });

  test('defaults: the last 24 hours, a bucket suited to the window', async () => {
    const r = await api.call('/api/v1/metrics/summary');
    expect(r.status).toBe(200);
    expect(r.body.to).toBe(iso(TO));
    expect(Date.parse(r.body.from)).toBe(Math.floor((TO - 24 * HOUR) / (5 * MIN)) * 5 * MIN);
    expect(r.body.bucket).toBe('5m');
    const short = await api.call('/api/v1/metrics/summary?from=2h');
    expect(short.body.bucket).toBe('1m');
  });

  test('host filter and host scope narrow everything', async () => {
    const r = await api.call(`/api/v1/metrics/summary?${q}&host=db-1`);
    expect(r.body.hosts.map((h: { host: string }) => h.host)).toEqual(['db-1']);
    expect(r.body.overall.cpu.avg).toBe(50);
    expect(r.body.alerts.total).toBe(1);
    const scoped = await api.call(`/api/v1/metrics/summary?${q}`, { token: token({ roles: ['viewer'], hosts: ['web-*'] }) });
    expect(scoped.body.hosts.map((h: { host: string }) => h.host)).toEqual(['web-1']);
    expect(scoped.body.overall.events).toBe(121);
    expect(scoped.body.alerts.total).toBe(2);
  });

  test('an empty window answers with nulls, not errors', async () => {
    const r = await api.call(`/api/v1/metrics/summary?from=${iso(T0 + 100 * HOUR)}&to=${iso(T0 + 101 * HOUR)}`);
    expect(r.status).toBe(200);
    const none = { avg: null, min: null, max: null, p95: null, samples: 0 };
    expect(r.body.overall).toEqual({ events: 0, errors: 0, threats: 0, cpu: none, mem: none });
    expect(r.body.trends.cpu.direction).toBeNull();
    expect(r.body.hosts).toEqual([]);
  });

  // Parameters each valid alone are answered (the OpenAPI document can state no more); the
  // answer's from, to and bucket say which window was summarized.
  test.each([
    ['bucket=1m&from=30d', { bucket: '5m' }],
    [`from=${iso(TO)}&to=${iso(FROM)}`, { from: iso(FROM), to: iso(FROM) }],
    ['from=1900-01-01T00:00:00Z&to=1970-01-02T00:00:00Z&bucket=1d', { from: '1970-01-01T00:00:00.000Z', to: '1970-01-02T00:00:00.000Z', bucket: '1d' }],
    ['from=0&to=40000d', { from: '1970-01-01T00:00:00.000Z', to: '1970-01-01T00:00:00.000Z' }],
  ])('%s -> 200, the window adjusted: %o', async (query, expected) => {
    const r = await api.call(`/api/v1/metrics/summary?${query}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject(expected);
  });

  test('a window longer than 20,000 days is cut to its last 19,999 (from the start of a day)', async () => {
    const r = await api.call(`/api/v1/metrics/summary?from=0&to=${iso(TO)}`);
    expect(r.status).toBe(200);
    expect(r.body.bucket).toBe('1d');
    const days = (Date.parse(r.body.to) - Date.parse(r.body.from)) / 86_400_000;
    expect(days).toBeGreaterThan(19_998);
    expect(days).toBeLessThanOrEqual(20_000);
  });

  test.each([
    ['bucket=2m', 'bucket'],
    ['from=soon', 'from'],
    ['per_host=true', 'per_host'],
  ])('%s -> 400 naming %s', async (query, param) => {
    const r = await api.call(`/api/v1/metrics/summary?${query}`);
    expect(r.status).toBe(400);
    expect(r.body.param).toBe(param);
  });
});
