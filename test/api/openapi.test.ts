// The OpenAPI document matches the server: it is served, it compiles, every operation is
// exercised and its real answers validate (the harness checks every answer it fetches), every
// documented parameter is accepted, and undocumented ones are refused.
import { beforeAll, describe, expect, test } from 'vitest';
import { admin, analyst, startApi, type TestApi } from './harness.js';
import { AlertSeed } from './alert-seed.js';
import { MemoryRules } from './memory-rules.js';
import { OpenApiChecker } from './openapi-check.js';
import { seed, T0 } from './seed.js';
import { SqliteSilencesPort } from '../../src/store/silence-port.js';
import { openStore } from '../../src/store/store.js';
import { deferCleanup } from '../helpers/temp.js';
import { hashPassword } from '../../src/auth/password-hash.js';
import { addUser } from '../../src/store/user-store.js';

let api: TestApi;
let doc: Record<string, any>;

beforeAll(async () => {
  const alerts = new AlertSeed();
  const rules = new MemoryRules([
    { id: 'r1', name: 'R1', kind: 'sigma', severity: 'LOW', enabled: true, description: 'd', tags: ['t'], logsource: { logsource: 'product:windows,category:network_connection', coverage: 'mapped', applied: ['product:windows', 'product:windows,category:network_connection'] } },
    { id: 'r2', name: 'R2', kind: 'match', severity: 'LOW', enabled: true, description: 'd', tags: [] },
  ]);
  const reader = openStore(alerts.file, { readonly: true });
  deferCleanup(() => reader.close());
  api = await startApi({ seed: [], alerts, rules, silences: new SqliteSilencesPort(reader, alerts.store), clock: () => T0 + 7_200_000 });
  const ids = api.insert(seed(20));
  alerts.add({ rule_id: 'r1', severity: 'LOW', host: 'web-1', first_seen: T0, sample_event_ids: [ids[0]!] });
  doc = (await api.call('/api/v1/openapi.json')).body;
});

describe('the document', () => {
  test('is OpenAPI 3.1 and equals what the server was built with', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    expect(doc).toEqual(api.checker.doc);
  });

  test('every component schema compiles and every $ref resolves', () => {
    const checker = new OpenApiChecker(doc);
    for (const name of Object.keys(doc.components.schemas)) {
      const validate = checker.compileComponent(name);
      expect(validate(Symbol('not json')), name).toBe(false);
    }
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[A-Za-z]+"/g) ?? [];
    for (const r of refs) expect(doc.components.schemas[r.slice(22, -1)], r).toBeDefined();
  });

  test('the checker rejects an answer that drifts from the document', () => {
    const checker = new OpenApiChecker(doc);
    const problem = { type: 'urn:logagg:problem:not-found', title: 'Not found', status: 404, detail: 'x', instance: '/x', request_id: 'r' };
    expect(() => checker.check('GET', '/api/v1/logs/1', 404, 'application/problem+json', problem)).not.toThrow();
    expect(() => checker.check('GET', '/api/v1/logs/1', 404, 'application/problem+json', { ...problem, stack: 'at x' })).toThrow(/does not match/);
    expect(() => checker.check('GET', '/api/v1/logs', 200, 'application/json', { items: [], next_cursor: null })).toThrow(/limit/);
    expect(() => checker.check('GET', '/api/v1/logs', 200, 'text/html', '')).toThrow(/media type/);
  });
});

describe('every operation, exercised against the real server', () => {
  test('each documented operation answers 200 (or its documented success) and validates', async () => {
    const calls: [string, string, Parameters<TestApi['call']>[1]?][] = [
      ['GET', '/api/v1/logs?limit=5&sort=asc'],
      ['GET', '/api/v1/logs/stats'],
      ['GET', `/api/v1/logs/histogram?from=${T0}&buckets=10&q=error`],
      ['GET', '/api/v1/logs/1'],
      ['GET', '/api/v1/alerts'],
      ['GET', '/api/v1/alert-stats?state=open&top=5'],
      ['GET', '/api/v1/alerts/1'],
      ['GET', '/api/v1/alerts/1/history'],
      ['PATCH', '/api/v1/alerts/1', { method: 'PATCH', token: analyst(), body: { state: 'acknowledged', comment: 'ok' } }],
      ['GET', '/api/v1/rules', { token: analyst() }],
      ['PATCH', '/api/v1/rules/r1', { method: 'PATCH', token: admin(), body: { enabled: false } }],
      ['GET', `/api/v1/metrics/summary?from=${T0}`],
      ['GET', '/api/v1/notifications', { token: admin() }],
      ['GET', '/api/v1/status'],
      ['GET', '/api/v1/openapi.json'],
      ['GET', '/healthz', { token: null }],
      ['GET', '/readyz'],
      ['GET', '/metrics'],
    ];
    for (const [method, url, opts] of calls) {
      const r = await api.call(url, { method, ...(opts ?? {}) });
      expect(r.status, `${method} ${url}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(200);
      // The unversioned twin of each resource path.
      if (url.startsWith('/api/v1/') && !/openapi|stream|status/.test(url)) {
        const twin = await api.call(url.slice(7), { method, ...(opts ?? {}) });
        expect(twin.status, `${method} ${url.slice(7)}`).toBe(200);
      }
    }
    // The silences exist only under /api/v1; creating answers 201.
    const made = await api.call('/api/v1/silences', { method: 'POST', token: analyst(), body: { matchers: { hosts: ['web-1'] }, duration: '1h', comment: 'doc check' } });
    expect(made.status).toBe(201);
    for (const [method, url] of [['GET', '/api/v1/silences'], ['GET', `/api/v1/silences/${made.body.id}`], ['POST', `/api/v1/silences/${made.body.id}/expire`]] as const) {
      expect((await api.call(url, { method, token: analyst() })).status, `${method} ${url}`).toBe(200);
    }
    // Sign-in, who-am-I and sign-out (the server's clock is in the past: /auth/me with a Bearer token).
    addUser(api.writerStore, { name: 'doc', role: 'viewer', hosts: null, pw_hash: await hashPassword('doc check password', { ln: 4, r: 8, p: 1 }) }, T0);
    const signedIn = await api.call('/api/v1/auth/login', { method: 'POST', token: null, body: { username: 'doc', password: 'doc check password', token: true } });
    expect(signedIn.status).toBe(200);
    expect((await api.call('/api/v1/auth/me')).status).toBe(200);
    expect((await api.call('/api/v1/auth/logout', { method: 'POST', token: null })).status).toBe(204);
    const stream = await fetch(`${api.url}/api/v1/stream`, { headers: { Authorization: `Bearer ${(await import('./harness.js')).viewer()}` } });
    expect(stream.status).toBe(200);
    api.checker.check('GET', '/api/v1/stream', stream.status, stream.headers.get('content-type')!, '');
    await stream.body!.cancel();

    const documented: string[] = [];
    for (const [p, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const m of Object.keys(item)) documented.push(`${m} ${p}`);
    }
    const exercised = new Set([...api.checker.seen].filter((s) => / 20[014]$/.test(s)).map((s) => s.slice(0, -4)));
    expect(documented.filter((d) => !exercised.has(d))).toEqual([]);
  });

  test('every documented query parameter of GET /logs is accepted', async () => {
    const samples: Record<string, string> = {
      from: '24h',
      to: 'now',
      host: 'web-1',
      level: 'info',
      topic: 'system-metrics',
      format: 'json',
      tag: 'prod',
      has_threats: 'false',
      threat_severity: 'LOW',
      has_error: 'false',
      q: 'filler',
      attr: 'attr.seq=1',
      limit: '3',
      cursor: '',
      sort: 'asc',
    };
    const params = doc.paths['/api/v1/logs'].get.parameters.map((p: { name: string }) => p.name);
    expect(params.sort()).toEqual(Object.keys(samples).sort());
    for (const name of params) {
      if (name === 'cursor') continue;
      const query = name === 'attr' ? samples.attr : `${name}=${encodeURIComponent(samples[name]!)}`;
      const r = await api.call(`/api/v1/logs?${query}`);
      expect(r.status, `${name}: ${JSON.stringify(r.body)}`).toBe(200);
    }
  });

  test('each endpoint refuses parameters it does not document', async () => {
    for (const url of ['/api/v1/logs', '/api/v1/logs/1', '/api/v1/logs/stats', '/api/v1/alerts', '/api/v1/alerts/1', '/api/v1/metrics/summary', '/readyz', '/metrics', '/api/v1/openapi.json']) {
      const r = await api.call(`${url}?bogus=1`);
      expect(r.status, url).toBe(400);
      expect(r.body.param).toBe('bogus');
    }
  });
});
