// GET /api/v1/status against a real server and database: answers validated against the OpenAPI
// document by the harness.
import { statSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { fillers, SPECIAL, T0 } from '../seed.js';
import { admin, startApi, token, viewer, type TestApi } from '../harness.js';

let api: TestApi;

beforeAll(async () => {
  api = await startApi({ seed: [...SPECIAL, ...fillers(30)], retention: { days: 30, rollup_1m_days: 14, rollup_1h_days: 400 } });
});

describe('GET /api/v1/status', () => {
  test('the database size and time span, and the retention in force', async () => {
    const r = await api.call('/api/v1/status', { token: viewer() });
    expect(r.status).toBe(200);
    const d = r.body.database;
    expect(d).toMatchObject({ schema_version: api.readStore.schemaVersion, logs_estimate: SPECIAL.length + 30, oldest_log: new Date(T0).toISOString() });
    expect(Date.parse(d.newest_log)).toBeGreaterThan(T0);
    expect(d.file_bytes).toBeGreaterThanOrEqual(statSync(api.readStore.path).size);
    expect(d.file_bytes).toBeGreaterThanOrEqual(d.wal_bytes);
    expect(d.page_count * d.page_size).toBeGreaterThan(0);
    expect(r.body.retention).toEqual({ days: 30, rollup_1m_days: 14, rollup_1h_days: 400 });
  });

  test('an empty database, retention unknown to the process', async () => {
    const bare = await startApi();
    const r = await bare.call('/api/v1/status', { token: admin() });
    expect(r.status).toBe(200);
    expect(r.body.database).toMatchObject({ logs_estimate: 0, oldest_log: null, newest_log: null });
    expect(r.body.retention).toBeNull();
  });

  test.each([
    ['a host-scoped token', () => token({ roles: ['viewer'], hosts: ['web-*'] }), 403],
    ['a token without a read role', () => token({ roles: ['ingest'] }), 403],
    ['no token', () => null, 401],
  ])('%s is refused', async (_what, tok, status) => {
    expect((await api.call('/api/v1/status', { token: tok() })).status).toBe(status);
  });

  test('a parameter is a 400 naming it; another method is a 405', async () => {
    const bad = await api.call('/api/v1/status?x=1', { token: viewer() });
    expect(bad.status).toBe(400);
    expect(bad.body.param).toBe('x');
    const post = await api.call('/api/v1/status', { method: 'POST', token: viewer(), body: {} });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toMatch(/GET/);
  });
});
