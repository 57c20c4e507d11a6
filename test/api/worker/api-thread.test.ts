// The API on its worker thread (the adapter `serve` uses), against a real SQLite file: the
// worker runs the built lib/ (npm test builds it first). Rules, alert state changes, direct
// ingest and the ingest counters come from this (main) thread; errors thrown here reach the
// client as the same problem the in-process app gives.
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { IngestPort } from '../../../src/api/env.js';
import type { RulesPort } from '../../../src/api/ports.js';
import type { RuleInfo } from '../../../src/core/rules/rule-info.js';
import { startApiThread, type ApiThread, type ApiThreadOptions } from '../../../src/api/worker/api-thread.js';
import { loadConfig } from '../../../src/config/load.js';
import { LogaggError } from '../../../src/errors.js';
import { IngestStats } from '../../../src/ingest/ingest-stats.js';
import { openStore } from '../../../src/store/store.js';
import { hashPassword } from '../../../src/auth/password-hash.js';
import { addUser, recentLoginAttempts } from '../../../src/store/user-store.js';
import { deferCleanup, tempDir } from '../../helpers/temp.js';
import { alertRows, finding, writeBatch } from '../../store/alert-fixtures.js';
import { T0 } from '../../store/fixtures.js';
import { MemoryRules } from '../memory-rules.js';
import { SECRET, admin, analyst, captureLogger, startApi, token, viewer } from '../harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ENTRY = pathToFileURL(path.join(ROOT, 'lib/api/worker/worker-main.js'));

function config(overrides: Record<string, unknown> = {}) {
  const file = path.join(tempDir('logagg-api-thread-'), 'logagg.db');
  return loadConfig({
    defaultsFile: null,
    env: {},
    overrides: { 'storage.path': file, 'api.port': 0, 'api.auth.secret': SECRET, 'api.rate_limit.enabled': false, 'log.format': 'json', 'log.level': 'warn', ...overrides },
  });
}

const RULES: RuleInfo[] = [
  { id: 'cpu-high', name: 'CPU high', kind: 'threshold', severity: 'HIGH', enabled: true, description: 'cpu', tags: ['perf'], stats: { hits: 3, alerts_opened: 1, suppressed: 0, last_hit: T0 }, failures: 0 },
];

async function thread(opts: Partial<ApiThreadOptions> & { overrides?: Record<string, unknown> } = {}) {
  const cfg = config(opts.overrides);
  const writer = openStore(cfg.storage.path);
  deferCleanup(() => writer.close());
  const { logger, lines } = captureLogger();
  const stats = opts.stats ?? new IngestStats();
  const api = await startApiThread({ config: cfg, writer, stats, logger, entry: ENTRY, ...opts });
  deferCleanup(() => api.close());
  const call = async (p: string, o: { method?: string; token?: string; body?: unknown; type?: string } = {}) => {
    const r = await fetch(api.url + p, {
      method: o.method ?? 'GET',
      headers: { Authorization: `Bearer ${o.token ?? viewer()}`, ...(o.body === undefined ? {} : { 'Content-Type': o.type ?? 'application/json' }) },
      ...(o.body === undefined ? {} : { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) }),
    });
    const text = await r.text();
    return { status: r.status, headers: r.headers, text, body: r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };
  return { api, writer, stats, lines, call };
}

/** The problem without what differs per request. */
const problem = (b: Record<string, unknown>) => {
  const { request_id: _r, ...rest } = b;
  return rest;
};

describe('the API on its worker thread', () => {
  test('sign-in reads the account on this thread and records the attempt on the main thread\'s writer', async () => {
    const { api, writer } = await thread();
    addUser(writer, { name: 'alice', role: 'analyst', hosts: ['web-*'], pw_hash: await hashPassword('correct horse battery', { ln: 4, r: 8, p: 1 }) }, Date.now());
    const post = (password: string) =>
      fetch(api.url + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'alice', password }) });
    const ok = await post('correct horse battery');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ role: 'analyst', hosts: ['web-*'] });
    const cookie = /^logagg_session=[^;]+/.exec(ok.headers.get('set-cookie') ?? '')![0];
    const me = await fetch(api.url + '/api/v1/auth/me', { headers: { Cookie: cookie } });
    expect(await me.json()).toMatchObject({ sub: 'alice', role: 'analyst', via: 'cookie' });
    expect((await post('not the password')).status).toBe(401);
    expect(recentLoginAttempts(writer, 10).map((a) => [a.name, a.outcome, a.reason])).toEqual([
      ['alice', 'failure', 'wrong password'],
      ['alice', 'success', null],
    ]);
  });

  test('GET and PATCH /rules act on the rules of this thread', async () => {
    const rules = new MemoryRules(RULES);
    const { call } = await thread({ rules });
    expect((await call('/api/v1/rules', { token: analyst() })).body.items).toMatchObject([{ id: 'cpu-high', enabled: true, stats: { hits: 3, last_hit: new Date(T0).toISOString() } }]);
    const off = await call('/api/v1/rules/cpu-high', { method: 'PATCH', token: admin(), body: { enabled: false } });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ id: 'cpu-high', enabled: false });
    expect(rules.changes).toEqual([{ id: 'cpu-high', enabled: false, by: 'adam' }]);
    expect((await (await rules.list())[0]!).enabled).toBe(false);
    expect((await call('/api/v1/rules/nope', { method: 'PATCH', token: admin(), body: { enabled: true } })).status).toBe(404);
  });

  test('rules refused at start reach this thread: GET /rules lists them (by RPC), /readyz and /metrics count them (pushed state)', async () => {
    const rules = new MemoryRules(RULES, [{ file: '/rules/bad.yml', id: 'bad', reason: 'modifier "expand" is not supported' }]);
    const { call } = await thread({ rules });
    expect((await call('/api/v1/rules', { token: analyst() })).body.items).toEqual([
      expect.objectContaining({ state: 'active', id: 'cpu-high' }),
      { state: 'refused', id: 'bad', file: '/rules/bad.yml', reason: 'modifier "expand" is not supported' },
    ]);
    const ready = await call('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'degraded', rules_refused: 1 });
    expect((await call('/metrics')).text).toMatch(/^logagg_rules_refused 1$/m);
  });

  test('an error thrown on this thread is answered with the same problem as by the in-process app', async () => {
    const failing: RulesPort = {
      list: async () => {
        throw new LogaggError('STORE_UNAVAILABLE', 'the rule set is reloading; try again', { canRetry: true });
      },
      setEnabled: async (id) => {
        throw new LogaggError('CONFLICT', `rule ${id} is locked by the config`, { details: { param: 'enabled' } });
      },
      refused: async () => [],
      refusedCount: () => 0,
    };
    const { call } = await thread({ rules: failing });
    const local = await startApi({ rules: failing });
    for (const [p, o] of [
      ['/api/v1/rules', { token: analyst() }],
      ['/api/v1/rules/cpu-high', { method: 'PATCH', token: admin(), body: { enabled: false } }],
    ] as const) {
      const remote = await call(p, o);
      const here = await local.call(p, { ...o, validate: false });
      expect(remote.status).toBe(here.status);
      expect(remote.headers.get('retry-after')).toBe(here.headers.get('retry-after'));
      expect(problem(remote.body)).toEqual(problem(here.body));
    }
    expect((await call('/api/v1/rules', { token: analyst() })).status).toBe(503);
  });

  test('PATCH /alerts/:id changes the alert on the writer of this thread; the thread reads it back', async () => {
    const { call, writer } = await thread();
    writeBatch(writer, { times: [T0], findings: [finding({ event_indexes: [0] })] });
    const id = alertRows(writer)[0]!.id;
    const res = await call(`/api/v1/alerts/${id}`, { method: 'PATCH', token: analyst(), body: { state: 'acknowledged', comment: 'on it' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, state: 'acknowledged', state_changed_by: 'ana', comment: 'on it' });
    expect(writer.statement('SELECT state, acknowledged_by FROM alerts WHERE id = ?').get(id)).toEqual({ state: 'acknowledged', acknowledged_by: 'ana' });
    expect((await call(`/api/v1/alerts/${id}`)).body.state).toBe('acknowledged');
  });

  test('POST /api/v1/silences and …/expire write on the writer of this thread; the thread reads them back', async () => {
    const { call, writer } = await thread();
    const made = await call('/api/v1/silences', { method: 'POST', token: analyst(), body: { matchers: { hosts: ['web-01'] }, duration: '1h', comment: 'patching' } });
    expect(made.status).toBe(201);
    expect(writer.statement('SELECT created_by, comment FROM silences WHERE id = ?').get(made.body.id)).toEqual({ created_by: 'ana', comment: 'patching' });
    expect((await call(`/api/v1/silences/${made.body.id}`, { token: analyst() })).body.state).toBe('active');
    const gone = await call(`/api/v1/silences/${made.body.id}/expire`, { method: 'POST', token: analyst() });
    expect(gone.body).toMatchObject({ state: 'expired', expired_by: 'ana' });
    expect(writer.statement('SELECT expired_by FROM silences WHERE id = ?').pluck().get(made.body.id)).toBe('ana');
  });

  test('POST /api/v1/ingest hands the lines to the ingest port here, as Buffers; its 503 comes back as 503', async () => {
    const got: { lines: string[]; peer: string }[] = [];
    let full = false;
    const ingest: IngestPort = {
      maxBodyBytes: 1024,
      maxLines: 10,
      submit: async (lines, peer) => {
        if (full) throw new LogaggError('STORE_UNAVAILABLE', 'the ingest queue is full (9 messages waiting to be stored); send again later', { canRetry: true });
        expect(lines.every((l) => Buffer.isBuffer(l))).toBe(true);
        got.push({ lines: lines.map((l) => l.toString()), peer });
        return { stored: lines.length, duplicates: 0, parse_errors: 0 };
      },
    };
    const { call } = await thread({ ingest });
    const shipper = token({ roles: ['ingest'], sub: 'shipper' });
    const ok = await call('/api/v1/ingest', { method: 'POST', token: shipper, type: 'application/x-ndjson', body: '{"message":"a"}\n{"message":"b"}' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toEqual({ stored: 2, duplicates: 0, parse_errors: 0 });
    expect(got).toEqual([{ lines: ['{"message":"a"}', '{"message":"b"}'], peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }]);
    // limits are the port's (checked on the API thread)
    expect((await call('/api/v1/ingest', { method: 'POST', token: shipper, type: 'text/plain', body: Array.from({ length: 11 }, () => 'x').join('\n') })).status).toBe(413);
    full = true;
    const busy = await call('/api/v1/ingest', { method: 'POST', token: shipper, type: 'text/plain', body: 'x' });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).not.toBeNull();
    expect(busy.body.detail).toMatch(/ingest queue is full/);
  });

  test('POST /_bulk (Elasticsearch) parses on the API thread and hands the documents to the ingest port here, as Buffers', async () => {
    const got: { docs: { value: string; index: string; id: string | null }[]; key: string | undefined }[] = [];
    const ingest: IngestPort = {
      maxBodyBytes: 4096,
      maxLines: 10,
      submit: async () => ({ stored: 0, duplicates: 0, parse_errors: 0 }),
      esBulk: async (docs, _peer, request) => {
        expect(docs.every((d) => Buffer.isBuffer(d.value))).toBe(true);
        got.push({ docs: docs.map((d) => ({ ...d, value: d.value.toString() })), key: request?.key });
        return { created: docs.map((d) => d.id === null), replayed: false };
      },
    };
    const { call } = await thread({ ingest });
    const shipper = token({ roles: ['ingest'], sub: 'shipper' });
    const body = '{"index":{"_index":"a"}}\n{"message":"one"}\n{"create":{"_index":"a","_id":"k"}}\n{"message":"two"}\n{"delete":{"_index":"a","_id":"z"}}\n';
    const res = await call('/_bulk', { method: 'POST', token: shipper, type: 'application/x-ndjson', body });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.map((it: Record<string, { status: number }>) => Object.values(it)[0]!.status)).toEqual([201, 409, 400]);
    expect(got).toEqual([
      {
        docs: [
          { value: '{"message":"one"}', index: 'a', id: null },
          { value: '{"message":"two"}', index: 'a', id: 'k' },
        ],
        key: expect.stringMatching(/^es-bulk \/_bulk [0-9a-f]{64}$/),
      },
    ]);
  });

  test('/metrics shows the counters of this thread as they are at the scrape; /readyz the consumer state', async () => {
    const stats = new IngestStats();
    const consumer = { isConnected: false };
    const { call } = await thread({ stats, consumer });
    stats.recordBatch(42, 1, 12);
    stats.listener('syslog-udp', 'syslog-udp').received = 7;
    stats.setLag('t', 0, 5);
    const metrics = (await call('/metrics')).text;
    expect(metrics).toMatch(/^logagg_ingest_events_total 42$/m);
    expect(metrics).toMatch(/^logagg_ingest_consumer_connected 0$/m);
    consumer.isConnected = true;
    await new Promise((r) => setTimeout(r, 600)); // two pushes (STATS_PUSH_MS)
    const ready = await call('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', consumer: 'connected', lag: 5 });
  });
});

describe('start-up and failure of the API thread', () => {
  test('a port in use: start fails with the error listen() gave', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    deferCleanup(() => new Promise<void>((r) => blocker.close(() => r())));
    const port = (blocker.address() as { port: number }).port;
    const cfg = config({ 'api.port': port });
    const writer = openStore(cfg.storage.path);
    deferCleanup(() => writer.close());
    const err = await startApiThread({ config: cfg, writer, stats: new IngestStats(), logger: captureLogger().logger, entry: ENTRY }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(LogaggError);
    expect(err).toMatchObject({ code: 'EADDRINUSE', message: `listen EADDRINUSE: address already in use 127.0.0.1:${port}` });
  });

  test('an unreadable TLS file: the same ConfigError (exit code 2) as in-process', async () => {
    const missing = path.join(tempDir(), 'missing.pem');
    const cfg = config({ 'api.tls.cert_file': missing, 'api.tls.key_file': missing });
    const writer = openStore(cfg.storage.path);
    deferCleanup(() => writer.close());
    const err = await startApiThread({ config: cfg, writer, stats: new IngestStats(), logger: captureLogger().logger, entry: ENTRY }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogaggError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2, message: `invalid configuration:\n  api.tls.cert_file: cannot read ${missing}: ENOENT` });
  });

  test('a thread that dies is logged and fails `crashed`; close() afterwards returns', async () => {
    const cfg = config();
    const writer = openStore(cfg.storage.path);
    deferCleanup(() => writer.close());
    const { logger, lines } = captureLogger();
    const entry = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/crash-after-listening.mjs'));
    const api: ApiThread = await startApiThread({ config: cfg, writer, stats: new IngestStats(), logger, entry });
    await expect(api.crashed).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/the API thread failed \(injected failure of the API thread\)/) });
    expect(lines.find((l) => l.level === 'error')).toMatchObject({ msg: 'the API thread failed; stopping', fields: { exit_code: 1, err: 'injected failure of the API thread' } });
    await api.close();
  });

  test('after close() the thread has ended and `crashed` never settles', async () => {
    const { api } = await thread();
    let settled = false;
    api.crashed.then(
      () => (settled = true),
      () => (settled = true),
    );
    await api.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    await expect(fetch(api.url + '/healthz')).rejects.toThrow();
  });
});
