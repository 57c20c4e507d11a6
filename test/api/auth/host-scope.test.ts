// A host-scoped token must never see a row of another host: list, search, get, counts,
// summary, alerts, alert changes (the stream is covered in routes/stream.test.ts).
import { beforeAll, describe, expect, test } from 'vitest';
import type { NormalizedEvent } from '../../../src/core/event.js';
import { startApi, token, type TestApi } from '../harness.js';
import { AlertSeed } from '../alert-seed.js';
import { seed, T0 } from '../seed.js';

let api: TestApi;
let events: NormalizedEvent[];
let ids: number[];
const web = () => token({ roles: ['analyst'], hosts: ['web-*'], sub: 'webops' });
const nothing = () => token({ roles: ['admin'], hosts: [] });

beforeAll(async () => {
  const alerts = new AlertSeed();
  events = seed(60);
  api = await startApi({ alerts, clock: () => T0 + 86_400_000 });
  ids = api.insert(events);
  alerts.add({ rule_id: 'r', severity: 'HIGH', host: 'web-2', first_seen: T0, sample_event_ids: [ids[2]!] });
  alerts.add({ rule_id: 'r', severity: 'CRITICAL', host: 'db-1', first_seen: T0, sample_event_ids: [ids[3]!] });
  alerts.add({ rule_id: 'r', severity: 'LOW', host: null, first_seen: T0 });
});

const hostsOf = (items: { host: string | null }[]) => new Set(items.map((e) => e.host));

describe('a token scoped to web-*', () => {
  test('lists and pages only web hosts', async () => {
    const r = await api.call('/api/v1/logs?limit=1000', { token: web() });
    expect(hostsOf(r.body.items)).toEqual(new Set(['web-1', 'web-2']));
    expect(r.body.items).toHaveLength(events.filter((e) => e.host?.startsWith('web-')).length);
  });

  test.each([
    ['asking for another host', 'host=db-1'],
    ['searching another host’s words', 'q=database'],
    ['searching the other host by name', 'q=db'],
    ['attributes of another host’s event', 'attr.query_ms=5000'],
    ['events without a host', 'format=text'],
  ])('%s finds nothing', async (_n, query) => {
    const r = await api.call(`/api/v1/logs?${query}`, { token: web() });
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([]);
  });

  test('a host pattern wider than the scope is narrowed to it', async () => {
    const r = await api.call('/api/v1/logs?host=*&limit=1000', { token: web() });
    expect(hostsOf(r.body.items)).toEqual(new Set(['web-1', 'web-2']));
  });

  test('another host’s event and a host-less event read as absent (404)', async () => {
    for (const i of [3, 4]) {
      const r = await api.call(`/api/v1/logs/${ids[i]}`, { token: web() });
      expect(r.status).toBe(404);
      expect(r.body.detail).toBe(`no log with id ${ids[i]}`);
    }
    expect((await api.call(`/api/v1/logs/${ids[2]}`, { token: web() })).status).toBe(200);
  });

  test('counts only cover web hosts', async () => {
    const r = await api.call('/api/v1/logs/stats', { token: web() });
    expect(r.body.total).toBe(events.filter((e) => e.host?.startsWith('web-')).length);
    expect(hostsOf(r.body.by_host)).toEqual(new Set(['web-1', 'web-2']));
  });

  test('the summary covers web hosts only', async () => {
    const r = await api.call(`/api/v1/metrics/summary?from=${T0 - 3_600_000}`, { token: web() });
    expect(r.status).toBe(200);
    expect(hostsOf(r.body.hosts)).toEqual(new Set(['web-1', 'web-2']));
    expect(r.body.overall.events).toBe(events.filter((e) => e.host?.startsWith('web-')).length);
    expect(r.body.alerts.total).toBe(1);
  });

  test('alerts: list, get and change only web alerts', async () => {
    const list = await api.call('/api/v1/alerts', { token: web() });
    expect(list.body.items.map((a: { id: number }) => a.id)).toEqual([1]);
    expect((await api.call('/api/v1/alerts/2', { token: web() })).status).toBe(404);
    expect((await api.call('/api/v1/alerts/3', { token: web() })).status).toBe(404);
    const patch = await api.call('/api/v1/alerts/2', { method: 'PATCH', token: web(), body: { state: 'resolved' } });
    expect(patch.status).toBe(404);
    const own = await api.call('/api/v1/alerts/1', { method: 'PATCH', token: web(), body: { state: 'acknowledged' } });
    expect(own.body.state_changed_by).toBe('webops');
  });

  test('a log’s alert list is scoped too', async () => {
    const r = await api.call(`/api/v1/logs/${ids[2]}`, { token: web() });
    expect(r.body.alerts.map((a: { host: string }) => a.host)).toEqual(['web-2']);
  });
});

describe('an empty scope', () => {
  test.each(['/api/v1/logs', '/api/v1/alerts', '/api/v1/logs/stats'])('%s shows nothing', async (path) => {
    const r = await api.call(path, { token: nothing() });
    expect(r.status).toBe(200);
    if ('items' in r.body) expect(r.body.items).toEqual([]);
    else expect(r.body.total).toBe(0);
  });

  test('the summary is empty', async () => {
    const r = await api.call(`/api/v1/metrics/summary?from=${T0 - 3_600_000}`, { token: nothing() });
    expect(r.body.overall.events).toBe(0);
    expect(r.body.hosts).toEqual([]);
  });
});
