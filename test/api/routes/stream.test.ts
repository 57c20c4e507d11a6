import { afterEach, describe, expect, test } from 'vitest';
import { makeEvent } from '../../store/fixtures.js';
import { startApi, token, viewer, type TestApi } from '../harness.js';
import { AlertSeed } from '../alert-seed.js';
import { T0 } from '../seed.js';
import { openSse, type SseConnection } from '../sse-client.js';

const FAST = { 'api.stream.poll_interval': 20, 'api.stream.heartbeat': 150 };
const open: SseConnection[] = [];
afterEach(() => open.splice(0).forEach((c) => c.close()));

async function sse(api: TestApi, query = '', headers: Record<string, string> = {}, tok: string | null = viewer()): Promise<SseConnection> {
  const c = await openSse(`${api.url}/api/v1/stream${query}`, { ...(tok ? { Authorization: `Bearer ${tok}` } : {}), ...headers });
  open.push(c);
  return c;
}

const parsed = (c: SseConnection, kind: string) => c.events.filter((e) => e.event === kind).map((e) => JSON.parse(e.data));

describe('GET /api/v1/stream', () => {
  test('sends logs stored after it opened, in id order, with the filters of /logs; heartbeats in between', async () => {
    const api = await startApi({ seed: [makeEvent({ message: 'old, before the stream' })], config: FAST });
    const c = await sse(api, '?host=web-*&level=warning');
    expect(c.status).toBe(200);
    expect(c.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(c.headers.get('cache-control')).toMatch(/no-cache/);
    const ids = api.insert([
      makeEvent({ host: 'web-1', level: 3, message: 'first match' }),
      makeEvent({ host: 'db-1', level: 3, message: 'other host' }),
      makeEvent({ host: 'web-2', level: 6, message: 'too low a level' }),
      makeEvent({ host: 'web-2', level: 4, message: 'second match' }),
    ]);
    const got = await c.waitFor(2, 'log');
    expect(got.map((e) => JSON.parse(e.data).message)).toEqual(['first match', 'second match']);
    expect(got.map((e) => e.id!.split('~')[0])).toEqual([String(ids[0]), String(ids[3])]);
    await new Promise((r) => setTimeout(r, 400));
    expect(c.comments.some((x) => x.startsWith('keep-alive'))).toBe(true);
    expect(parsed(c, 'log')).toHaveLength(2);
  });

  test('full-text and attribute filters apply to the stream too', async () => {
    const api = await startApi({ config: FAST });
    const c = await sse(api, '?q=refused&attr.port=22');
    api.insert([
      makeEvent({ message: 'connection refused', attributes: { port: 22 } }),
      makeEvent({ message: 'connection refused', attributes: { port: 80 } }),
      makeEvent({ message: 'accepted', attributes: { port: 22 } }),
    ]);
    await c.waitFor(1, 'log');
    await new Promise((r) => setTimeout(r, 150));
    expect(parsed(c, 'log').map((e) => e.attributes.port)).toEqual([22]);
  });

  test('Last-Event-ID resumes after the last event seen: nothing missed, nothing repeated', async () => {
    const api = await startApi({ config: FAST });
    const c1 = await sse(api);
    api.insert([makeEvent({ message: 'a' }), makeEvent({ message: 'b' })]);
    const first = await c1.waitFor(2, 'log');
    c1.close();
    api.insert([makeEvent({ message: 'c' }), makeEvent({ message: 'd' })]);
    const c2 = await sse(api, '', { 'Last-Event-ID': first[1]!.id! });
    const resumed = await c2.waitFor(2, 'log');
    expect(resumed.map((e) => JSON.parse(e.data).message)).toEqual(['c', 'd']);
  });

  test('new and changed alerts arrive as alert events, honoring the host scope', async () => {
    const alerts = new AlertSeed();
    alerts.add({ rule_id: 'before', severity: 'LOW', host: 'web-1', first_seen: T0 });
    const api = await startApi({ alerts, config: FAST });
    const c = await sse(api, '?types=alerts', {}, token({ roles: ['viewer'], hosts: ['web-*'] }));
    await new Promise((r) => setTimeout(r, 60));
    const a = alerts.add({ rule_id: 'r', severity: 'HIGH', host: 'web-2', first_seen: T0 });
    alerts.add({ rule_id: 'r', severity: 'HIGH', host: 'db-1', first_seen: T0 });
    api.insert([makeEvent({ host: 'web-1', message: 'a log, not asked for' })]);
    await c.waitFor(1, 'alert');
    alerts.repeat(a.id, T0 + 1000);
    const got = await c.waitFor(2, 'alert');
    expect(got.map((e) => JSON.parse(e.data))).toMatchObject([
      { id: a.id, host: 'web-2', count: 1 },
      { id: a.id, host: 'web-2', count: 2 },
    ]);
    expect(parsed(c, 'log')).toEqual([]);
  });

  test('a host-scoped token never sees another host’s logs', async () => {
    const api = await startApi({ config: FAST });
    const c = await sse(api, '', {}, token({ roles: ['viewer'], hosts: ['db-1'] }));
    api.insert([makeEvent({ host: 'web-1' }), makeEvent({ host: null }), makeEvent({ host: 'db-1', message: 'mine' })]);
    await c.waitFor(1, 'log');
    await new Promise((r) => setTimeout(r, 100));
    expect(parsed(c, 'log').map((e) => e.host)).toEqual(['db-1']);
  });

  test('a browser EventSource may pass the token as access_token (here only)', async () => {
    const api = await startApi({ config: FAST });
    const c = await sse(api, `?access_token=${viewer()}`, {}, null);
    expect(c.status).toBe(200);
    const bad = await sse(api, '?access_token=nope', {}, null);
    expect(bad.status).toBe(401);
  });

  test.each([
    ['?level=loud', 400, 'level'],
    ['?types=metrics', 400, 'types'],
    ['?q=NOT%20x', 400, 'q'],
    ['?limit=5', 400, 'limit'],
  ])('%s -> %i before the stream starts', async (query, status, param) => {
    const api = await startApi({ config: FAST });
    const c = await sse(api, query);
    expect(c.status).toBe(status);
    expect(JSON.parse(c.text!).param).toBe(param);
  });

  test('a bad Last-Event-ID is a 400', async () => {
    const api = await startApi({ config: FAST });
    const c = await sse(api, '', { 'Last-Event-ID': 'x; DROP' });
    expect(c.status).toBe(400);
  });

  test('more streams than api.limits.max_streams: 503; closing one frees a place', async () => {
    const api = await startApi({ config: { ...FAST, 'api.limits.max_streams': 2 } });
    const a = await sse(api);
    await sse(api);
    const third = await sse(api);
    expect(third.status).toBe(503);
    a.close();
    await new Promise((r) => setTimeout(r, 100));
    expect((await sse(api)).status).toBe(200);
  });

  test('closing the server ends open streams cleanly', async () => {
    const api = await startApi({ config: FAST });
    const c = await sse(api);
    const t = performance.now();
    await api.server.close();
    await c.ended;
    expect(performance.now() - t).toBeLessThan(2000);
  });
});
