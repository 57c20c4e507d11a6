import { beforeAll, describe, expect, test } from 'vitest';
import { admin, analyst, startApi, token, type TestApi } from '../harness.js';
import { AlertSeed } from '../alert-seed.js';
import { MemoryRules } from '../memory-rules.js';
import { MIN, SPECIAL, T0 } from '../seed.js';

const NOW = T0 + 3_600_000;
let api: TestApi;
let alerts: AlertSeed;
let rules: MemoryRules;
let logIds: number[];

beforeAll(async () => {
  alerts = new AlertSeed();
  rules = new MemoryRules([
    {
      id: 'port-scan',
      name: 'Port scan',
      kind: 'match',
      severity: 'HIGH',
      enabled: true,
      description: 'nc seen',
      tags: ['recon'],
      stats: { hits: 12, alerts_opened: 2, suppressed: 1, last_hit: T0 + 5 * MIN },
      failures: 1,
    },
    { id: 'cpu-high', name: 'CPU high', kind: 'threshold', severity: 'MEDIUM', enabled: true, description: 'cpu > 80', tags: [] },
    {
      id: 'sigma-zeek',
      name: 'Zeek notice',
      kind: 'sigma',
      severity: 'LOW',
      enabled: true,
      description: '',
      tags: [],
      logsource: { logsource: 'product:windows,category:foo', coverage: 'partial', applied: ['product:windows'] },
    },
  ]);
  api = await startApi({ alerts, rules, clock: () => NOW });
  logIds = api.insert(SPECIAL);
  alerts.add({ rule_id: 'port-scan', severity: 'HIGH', host: 'web-2', first_seen: T0 + 2 * MIN, sample_event_ids: [logIds[2]!] });
  alerts.add({ rule_id: 'cpu-high', severity: 'MEDIUM', host: 'db-1', first_seen: T0 + 3 * MIN, sample_event_ids: [logIds[3]!] });
  alerts.add({ rule_id: 'cpu-high', severity: 'CRITICAL', host: 'db-1', first_seen: T0 + 4 * MIN, state: 'acknowledged' });
  alerts.add({ rule_id: 'port-scan', severity: 'LOW', host: 'web-1', first_seen: T0 + 5 * MIN, state: 'resolved' });
  alerts.add({ rule_id: 'orphan', severity: 'LOW', host: null, first_seen: T0 + 6 * MIN });
});

const idsOf = (body: { items: { id: number }[] }) => body.items.map((a) => a.id);

describe('GET /alerts', () => {
  test('most recently seen first, times as ISO 8601, on both paths', async () => {
    const r = await api.call('/api/v1/alerts');
    expect(r.status).toBe(200);
    expect(idsOf(r.body)).toEqual([5, 4, 3, 2, 1]);
    expect(r.body.items[4]).toMatchObject({ rule_id: 'port-scan', state: 'open', first_seen: new Date(T0 + 2 * MIN).toISOString() });
    expect((await api.call('/alerts')).body).toEqual(r.body);
  });

  test.each<[string, number[]]>([
    ['state=open', [5, 2, 1]],
    ['state=acknowledged,resolved', [4, 3]],
    ['severity=low', [5, 4]],
    ['severity=HIGH&severity=critical', [3, 1]],
    ['min_severity=high', [3, 1]],
    ['rule=cpu-high', [3, 2]],
    ['host=web-*', [4, 1]],
    [`from=${new Date(T0 + 4 * MIN).toISOString()}`, [5, 4, 3]],
    [`to=${new Date(T0 + 3 * MIN).toISOString()}`, [1]],
    ['state=open&min_severity=medium', [2, 1]],
  ])('%s', async (query, want) => {
    const r = await api.call(`/api/v1/alerts?${query}`);
    expect(r.status).toBe(200);
    expect(idsOf(r.body)).toEqual(want);
  });

  test('cursor pagination', async () => {
    const a = await api.call('/api/v1/alerts?limit=2');
    expect(idsOf(a.body)).toEqual([5, 4]);
    const b = await api.call(`/api/v1/alerts?limit=2&cursor=${a.body.next_cursor}`);
    expect(idsOf(b.body)).toEqual([3, 2]);
    const c = await api.call(`/api/v1/alerts?limit=2&cursor=${b.body.next_cursor}`);
    expect(idsOf(c.body)).toEqual([1]);
    expect(c.body.next_cursor).toBeNull();
  });

  test.each([
    ['state=closed', 'state'],
    ['severity=urgent', 'severity'],
    ['min_severity=HIGH&min_severity=LOW', 'min_severity'],
    ['cursor=%27%20OR%201', 'cursor'],
    ['limit=0', 'limit'],
    ['page=2', 'page'],
  ])('%s -> 400 naming %s', async (query, param) => {
    const r = await api.call(`/api/v1/alerts?${query}`);
    expect(r.status).toBe(400);
    expect(r.body.param).toBe(param);
  });
});

describe('GET /alert-stats', () => {
  test('counts by state, severity (most severe first), rule and host (busiest first)', async () => {
    const r = await api.call('/api/v1/alert-stats');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      total: 5,
      by_state: [{ state: 'open', count: 3 }, { state: 'acknowledged', count: 1 }, { state: 'resolved', count: 1 }],
      by_severity: [{ severity: 'CRITICAL', count: 1 }, { severity: 'HIGH', count: 1 }, { severity: 'MEDIUM', count: 1 }, { severity: 'LOW', count: 2 }],
      by_rule: [{ rule_id: 'cpu-high', count: 2 }, { rule_id: 'port-scan', count: 2 }, { rule_id: 'orphan', count: 1 }],
      rules_total: 3,
      by_host: [{ host: 'db-1', count: 2 }, { host: null, count: 1 }, { host: 'web-1', count: 1 }, { host: 'web-2', count: 1 }],
      hosts_total: 4,
    });
  });

  test('the filters of /alerts apply, and top cuts the lists (not the totals)', async () => {
    const open = await api.call('/api/v1/alert-stats?state=open&top=1');
    expect(open.body).toMatchObject({ total: 3, by_state: [{ state: 'open', count: 3 }], by_rule: [{ rule_id: 'cpu-high', count: 1 }], rules_total: 3, hosts_total: 3 });
    expect(open.body.by_host).toHaveLength(1);
  });

  test('a host-scoped token counts only its hosts', async () => {
    const r = await api.call('/api/v1/alert-stats', { token: token({ roles: ['viewer'], hosts: ['web-*'] }) });
    expect(r.body).toMatchObject({ total: 2, by_host: [{ host: 'web-1', count: 1 }, { host: 'web-2', count: 1 }], hosts_total: 2 });
  });

  test('PATCH /alert-stats is 405 with Allow GET and HEAD only', async () => {
    const r = await api.call('/api/v1/alert-stats', { method: 'PATCH', token: analyst(), body: { state: 'resolved' } });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('HEAD, GET');
  });

  test.each([['top=0', 'top'], ['top=1001', 'top'], ['limit=5', 'limit'], ['state=bogus', 'state']])('%s is a 400 naming %s', async (query, param) => {
    const r = await api.call(`/api/v1/alert-stats?${query}`);
    expect(r.status).toBe(400);
    expect(r.body.param).toBe(param);
  });
});

describe('GET /alerts/:id and /logs/:id with its alerts', () => {
  test('one alert; 404 when absent', async () => {
    expect((await api.call('/api/v1/alerts/2')).body).toMatchObject({ id: 2, rule_id: 'cpu-high', host: 'db-1' });
    const r = await api.call('/api/v1/alerts/999');
    expect(r.status).toBe(404);
    expect(r.body.detail).toBe('no alert with id 999');
  });

  test('a log lists the alerts it raised', async () => {
    const r = await api.call(`/api/v1/logs/${logIds[2]}`);
    expect(r.body.alerts.map((a: { id: number }) => a.id)).toEqual([1]);
  });
});

describe('PATCH /alerts/:id', () => {
  test('an analyst acknowledges, then resolves, with comments; who and when are recorded', async () => {
    const ack = await api.call('/api/v1/alerts/1', { method: 'PATCH', token: analyst(), body: { state: 'acknowledged', comment: 'looking into it' } });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ id: 1, state: 'acknowledged', state_changed_by: 'ana', state_changed_at: new Date(NOW).toISOString(), comment: 'looking into it' });
    const res = await api.call('/alerts/1', { method: 'PATCH', token: admin(), body: { state: 'resolved' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'resolved', state_changed_by: 'adam', comment: null });
    expect(api.log.some((l) => l.msg === 'alert state changed' && l.fields.by === 'adam')).toBe(true);

    // Every change stays in the history, oldest first, on both paths.
    const at = new Date(NOW).toISOString();
    for (const p of ['/api/v1/alerts/1/history', '/alerts/1/history']) {
      const h = await api.call(p);
      expect(h.status).toBe(200);
      expect(h.body).toEqual({
        items: [
          { at, by: 'ana', from: 'open', to: 'acknowledged', comment: 'looking into it' },
          { at, by: 'adam', from: 'acknowledged', to: 'resolved', comment: null },
        ],
      });
    }
  });

  test.each([
    ['an alert never changed', '/api/v1/alerts/2/history', () => analyst(), 200, { items: [] }],
    ['an absent alert', '/api/v1/alerts/77/history', () => analyst(), 404, { param: 'id' }],
    ['an alert outside the host scope (reads as absent)', '/api/v1/alerts/2/history', () => token({ roles: ['viewer'], hosts: ['web-*'] }), 404, { param: 'id' }],
    ['a bad id', '/api/v1/alerts/0/history', () => analyst(), 400, { param: 'id' }],
  ])('history of %s', async (_what, p, tok, status, body) => {
    const r = await api.call(p, { token: tok() });
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject(body);
  });

  test('a resolved alert must be reopened before it is acknowledged: 409', async () => {
    const r = await api.call('/api/v1/alerts/4', { method: 'PATCH', token: analyst(), body: { state: 'acknowledged' } });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ type: 'urn:logagg:problem:conflict', param: 'state' });
    const reopen = await api.call('/api/v1/alerts/4', { method: 'PATCH', token: analyst(), body: { state: 'open', comment: 'came back' } });
    expect(reopen.body.state).toBe('open');
  });

  test.each<[string, Record<string, unknown>, number, string]>([
    ['no state', { body: { comment: 'x' } }, 400, 'state'],
    ['a bad state', { body: { state: 'closed' } }, 400, 'state'],
    ['an unknown field', { body: { state: 'open', severity: 'LOW' } }, 400, 'severity'],
    ['a comment that is not text', { body: { state: 'open', comment: 5 } }, 400, 'comment'],
    ['a comment too long', { body: { state: 'open', comment: 'x'.repeat(2001) } }, 400, 'comment'],
    ['a JSON array', { body: '[1,2]' }, 400, 'body'],
    ['broken JSON', { body: '{"state":' }, 400, 'body'],
    ['form encoding', { body: 'state=open', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, 415, ''],
    ['a body over the limit', { body: { state: 'open', comment: 'x'.repeat(20_000) } }, 413, 'body'],
    ['a bad id', { path: '/api/v1/alerts/x1', body: { state: 'open' } }, 400, 'id'],
    ['an absent alert', { path: '/api/v1/alerts/77', body: { state: 'open' } }, 404, 'id'],
  ])('%s -> %i', async (_n, o, status, param) => {
    const r = await api.call((o.path as string | undefined) ?? '/api/v1/alerts/2', {
      method: 'PATCH',
      token: analyst(),
      body: o.body,
      ...(o.headers ? { headers: o.headers as Record<string, string> } : {}),
    });
    expect(r.status).toBe(status);
    if (param) expect(r.body.param).toBe(param);
  });
});

describe('rules', () => {
  test('GET /rules lists them (analyst)', async () => {
    const r = await api.call('/api/v1/rules', { token: analyst() });
    expect(r.status).toBe(200);
    expect(r.body.items.map((x: { id: string }) => x.id)).toEqual(['port-scan', 'cpu-high', 'sigma-zeek']);
    // A Sigma rule's logsource: how well it is covered and what it applies; null for others.
    expect(r.body.items[2].logsource).toEqual({ logsource: 'product:windows,category:foo', coverage: 'partial', applied: ['product:windows'] });
    expect(r.body.items[0].logsource).toBeNull();
    // The counters the rules port returns are served, times as ISO 8601.
    expect(r.body.items[0]).toMatchObject({ stats: { hits: 12, alerts_opened: 2, suppressed: 1, last_hit: new Date(T0 + 5 * MIN).toISOString() }, failures: 1 });
    expect(r.body.items[1]).toMatchObject({ stats: { hits: 0, alerts_opened: 0, suppressed: 0, last_hit: null }, failures: 0 });
  });

  test('PATCH /rules/:id disables and enables (admin); who is recorded', async () => {
    const off = await api.call('/api/v1/rules/cpu-high', { method: 'PATCH', token: admin(), body: { enabled: false } });
    expect(off.status).toBe(200);
    expect(off.body.enabled).toBe(false);
    expect(rules.changes.at(-1)).toEqual({ id: 'cpu-high', enabled: false, by: 'adam' });
    const on = await api.call('/rules/cpu-high', { method: 'PATCH', token: admin(), body: { enabled: true } });
    expect(on.body.enabled).toBe(true);
  });

  test.each<[string, string, unknown, number, string]>([
    ['absent rule', 'nope', { enabled: true }, 404, 'id'],
    ['not a boolean', 'cpu-high', { enabled: 'yes' }, 400, 'enabled'],
    ['extra field', 'cpu-high', { enabled: true, severity: 'LOW' }, 400, 'severity'],
    ['bad id', '%27%3B--', { enabled: true }, 400, 'id'],
  ])('%s -> %i', async (_n, id, body, status, param) => {
    const r = await api.call(`/api/v1/rules/${id}`, { method: 'PATCH', token: admin(), body });
    expect(r.status).toBe(status);
    expect(r.body.param).toBe(param);
  });
});

describe('without the detection engine', () => {
  test('alerts and rules answer 503 with a reason; logs carry no alerts', async () => {
    const bare = await startApi({ seed: SPECIAL.slice(0, 1) });
    const r = await bare.call('/api/v1/alerts');
    expect(r.status).toBe(503);
    expect(r.body.detail).toMatch(/detection engine is not running/);
    expect((await bare.call('/api/v1/rules', { token: token({ roles: ['admin'] }) })).status).toBe(503);
    const log = await bare.call('/api/v1/logs/1');
    expect(log.body.alerts).toEqual([]);
  });
});
