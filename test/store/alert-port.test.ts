// The SQLite AlertsPort behind the real HTTP API: a real server on loopback over a real SQLite
// file, the API reading through its read-only connection and changing states through the
// writer, answers checked against the OpenAPI document the server serves.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildOpenApi } from '../../src/api/openapi.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { createLogger } from '../../src/logger.js';
import { SqliteAlertsPort } from '../../src/store/alert-port.js';
import { openStore, type Store } from '../../src/store/store.js';
import { analyst, apiConfig, token, viewer } from '../api/harness.js';
import { OpenApiChecker } from '../api/openapi-check.js';
import { tempDir } from '../helpers/temp.js';
import { finding, MIN, writeBatch } from './alert-fixtures.js';
import { T0 } from './fixtures.js';

let server: ApiServer;
let writer: Store;
let reader: Store;
let checker: OpenApiChecker;
const logIds: number[] = [];

beforeAll(async () => {
  const file = path.join(tempDir('logagg-alert-port-'), 'logagg.db');
  writer = openStore(file);
  // 1 port-scan HIGH web-2 · 2 cpu-high MEDIUM db-1 (grown to 3) · 3 orphan LOW, no host
  logIds.push(writeBatch(writer, { times: [T0 + MIN], findings: [finding({ rule_id: 'port-scan', host: 'web-2' })] }).ids[0]!);
  logIds.push(writeBatch(writer, { times: [T0 + 2 * MIN], findings: [finding({ rule_id: 'cpu-high', severity: 'MEDIUM', host: 'db-1' })] }).ids[0]!);
  writeBatch(writer, { times: [T0 + 3 * MIN], findings: [finding({ rule_id: 'orphan', severity: 'LOW', host: null, dedup_key: 'orphan' })] });
  writeBatch(writer, { times: [T0 + 4 * MIN, T0 + 5 * MIN], findings: [finding({ rule_id: 'cpu-high', host: 'db-1', event_indexes: [0, 1], count: 2 })] });
  reader = openStore(file, { readonly: true });
  const config = apiConfig();
  server = await startApiServer({
    config,
    store: reader,
    alerts: new SqliteAlertsPort(reader, writer),
    logger: createLogger({ level: 'silent', format: 'json' }),
    clock: () => T0 + 60 * MIN,
  });
  checker = new OpenApiChecker(buildOpenApi(config));
});

afterAll(async () => {
  await server.close();
  reader.close();
  writer.close();
});

async function call(p: string, opts: { method?: string; body?: unknown; token?: string } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { Authorization: `Bearer ${opts.token ?? viewer()}` };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(server.url + p, { method: opts.method ?? 'GET', headers, ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }) });
  const body = await res.json();
  checker.check(opts.method ?? 'GET', new URL(server.url + p).pathname, res.status, res.headers.get('content-type') ?? '', body);
  return { status: res.status, body };
}

const ids = (b: { items: { id: number }[] }) => b.items.map((a) => a.id);

describe('GET /alerts over SQLite', () => {
  test('newest first, with what folding made of a repeat', async () => {
    const r = await call('/api/v1/alerts');
    expect(r.status).toBe(200);
    expect(ids(r.body)).toEqual([2, 3, 1]);
    expect(r.body.items[0]).toMatchObject({
      rule_id: 'cpu-high',
      severity: 'HIGH',
      host: 'db-1',
      count: 3,
      first_seen: new Date(T0 + 2 * MIN).toISOString(),
      last_seen: new Date(T0 + 5 * MIN).toISOString(),
      state: 'open',
    });
  });

  test.each<[string, number[]]>([
    ['state=open', [2, 3, 1]],
    ['severity=low', [3]],
    ['min_severity=high', [2, 1]],
    ['rule=port-scan', [1]],
    ['host=db-*', [2]],
    [`from=${new Date(T0 + 4 * MIN).toISOString()}`, [2]],
  ])('%s', async (q, want) => {
    expect(ids((await call(`/api/v1/alerts?${q}`)).body)).toEqual(want);
  });

  test('cursor pages, and a forged cursor is a 400 naming it', async () => {
    const a = await call('/api/v1/alerts?limit=2');
    expect(ids(a.body)).toEqual([2, 3]);
    const b = await call(`/api/v1/alerts?limit=2&cursor=${a.body.next_cursor}`);
    expect(ids(b.body)).toEqual([1]);
    expect(b.body.next_cursor).toBeNull();
    const bad = await call('/api/v1/alerts?cursor=abc');
    expect(bad.status).toBe(400);
    expect(bad.body.param).toBe('cursor');
  });

  test('a host-scoped token sees only its hosts, everywhere', async () => {
    const t = token({ roles: ['viewer'], hosts: ['web-*'] });
    expect(ids((await call('/api/v1/alerts', { token: t })).body)).toEqual([1]);
    expect((await call('/api/v1/alerts/2', { token: t })).status).toBe(404);
  });

  test('GET /logs/:id lists the alerts the log is a sample of', async () => {
    const r = await call(`/api/v1/logs/${logIds[1]}`);
    expect(r.status).toBe(200);
    expect(r.body.alerts.map((a: { id: number }) => a.id)).toEqual([2]);
  });

  test('/metrics/summary counts alerts by severity from the table', async () => {
    const r = await call(`/api/v1/metrics/summary?from=${new Date(T0).toISOString()}&to=${new Date(T0 + 60 * MIN).toISOString()}`);
    expect(r.status).toBe(200);
    expect(r.body.alerts).toMatchObject({ total: 3, by_severity: { LOW: 1, MEDIUM: 0, HIGH: 2, CRITICAL: 0 } });
  });
});

describe('PATCH /alerts/:id over SQLite', () => {
  test('acknowledge then resolve, recorded with who and the comment; a resolved alert cannot be acknowledged (409)', async () => {
    const ack = await call('/api/v1/alerts/1', { method: 'PATCH', token: analyst(), body: { state: 'acknowledged', comment: 'on it' } });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ id: 1, state: 'acknowledged', state_changed_by: 'ana', comment: 'on it', state_changed_at: new Date(T0 + 60 * MIN).toISOString() });
    const res = await call('/api/v1/alerts/1', { method: 'PATCH', token: analyst(), body: { state: 'resolved' } });
    expect(res.body).toMatchObject({ state: 'resolved', comment: null });
    const again = await call('/api/v1/alerts/1', { method: 'PATCH', token: analyst(), body: { state: 'acknowledged' } });
    expect(again.status).toBe(409);
    // the API's read-only connection sees the writer's change
    expect((await call('/api/v1/alerts/1')).body.state).toBe('resolved');
    expect(ids((await call('/api/v1/alerts?state=resolved')).body)).toEqual([1]);
  });

  test('a viewer may not change states; an absent alert is 404', async () => {
    expect((await call('/api/v1/alerts/2', { method: 'PATCH', token: viewer(), body: { state: 'resolved' } })).status).toBe(403);
    expect((await call('/api/v1/alerts/99', { method: 'PATCH', token: analyst(), body: { state: 'resolved' } })).status).toBe(404);
  });
});

describe('SqliteAlertsPort without a writer', () => {
  test('reads work; a state change is refused as unavailable', async () => {
    const port = new SqliteAlertsPort(reader, null);
    expect(port.get(2)).toMatchObject({ id: 2 });
    await expect(port.transition(2, { state: 'resolved', by: 'x', at: 1, comment: null })).rejects.toThrow(/writer/);
  });
});
