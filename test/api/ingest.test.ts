// POST /api/v1/ingest on a real API server over a real SQLite file, through the real direct
// ingest queue and pipeline: formats, roles, limits, rate limits, the OpenAPI document, and
// "a 2xx means stored" (read back on another connection the moment the answer arrives).
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { buildOpenApi } from '../../src/api/openapi.js';
import { startApiServer } from '../../src/api/server.js';
import { loadConfig } from '../../src/config/load.js';
import { buildAssetInventory } from '../../src/core/enrich.js';
import { buildIntelIndex } from '../../src/core/intel.js';
import { IngestStats } from '../../src/ingest/ingest-stats.js';
import { inProcessCommitter, IngestPipeline } from '../../src/ingest/pipeline.js';
import { DirectIngest } from '../../src/listen/direct-ingest.js';
import { HttpIngest } from '../../src/listen/http-ingest.js';
import { LogReader } from '../../src/store/log-reader.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { openStore } from '../../src/store/store.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';
import { admin, apiConfig, captureLogger, token, viewer } from './harness.js';
import { OpenApiChecker } from './openapi-check.js';

const ingestToken = () => token({ roles: ['ingest'], sub: 'shipper-1' });

async function start(opts: { api?: Record<string, unknown>; listeners?: Record<string, unknown>; busyTimeoutMs?: number; withIngest?: boolean } = {}) {
  const file = path.join(tempDir('logagg-ingest-api-'), 'logagg.db');
  const writerStore = openStore(file, { busyTimeoutMs: opts.busyTimeoutMs ?? 5000 });
  deferCleanup(() => writerStore.close());
  const listeners = loadConfig({ defaultsFile: null, env: {}, overrides: { 'listeners.http.enabled': true, ...opts.listeners } }).listeners;
  const ctx = { assets: buildAssetInventory([]), intel: buildIntelIndex([]) };
  const pipeline = new IngestPipeline({ committer: inProcessCommitter(new LogWriter(writerStore), { retry: { initialMs: 10, maxMs: 50 }, onFailure: () => stats.storeFailures++ }), enrichContext: () => ctx, formats: {}, maxMessageBytes: 65536, clock: Date.now });
  const stats = new IngestStats();
  const { logger } = captureLogger();
  const direct = new DirectIngest({ pipeline, stats, logger, maxMessages: 1000, lingerMs: 5, queueMax: listeners.queue_max });
  deferCleanup(() => direct.close(0));
  const http = new HttpIngest(direct, stats.listener(listeners.http.name, 'http'), listeners.http);
  const readStore = openStore(file, { readonly: true });
  deferCleanup(() => readStore.close());
  const config = apiConfig(opts.api);
  const withIngest = opts.withIngest !== false;
  const server = await startApiServer({ config, store: readStore, logger, stats, ...(withIngest ? { ingest: http } : {}) });
  deferCleanup(() => server.close());
  const checker = new OpenApiChecker(buildOpenApi(config, withIngest ? { ingest: { maxBodyBytes: http.maxBodyBytes, maxLines: http.maxLines } } : {}));
  const reader = new LogReader(readStore);

  const post = async (body: string | Buffer, o: { type?: string | null; token?: string | null; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const tok = o.token === undefined ? ingestToken() : o.token;
    if (tok !== null) headers.Authorization = `Bearer ${tok}`;
    if (o.type !== null) headers['Content-Type'] = o.type ?? 'application/x-ndjson';
    const res = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers, body });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const parsed: any = /json/.test(type) && text !== '' ? JSON.parse(text) : text;
    checker.check('POST', '/api/v1/ingest', res.status, type, parsed);
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return { server, post, reader, file, stats, checker, config, count: () => reader.countLogs({}) };
}

describe('POST /api/v1/ingest', () => {
  test('NDJSON: stored, searchable, source = http listener and peer; the answer counts parse errors', async () => {
    const api = await start();
    const body = [
      JSON.stringify({ timestamp: '2025-01-15T12:00:00Z', host: 'WEB-01', cpu_usage: 95.5, message: 'ndjsonmarker one' }),
      '',
      JSON.stringify({ timestamp: '2025-01-15T12:00:01Z', host: 'web-02', message: 'ndjsonmarker two' }),
      '{"broken": ',
    ].join('\n');
    const r = await api.post(body);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ stored: 3, duplicates: 0, parse_errors: 1 });
    const events = api.reader.queryLogs({ q: 'ndjsonmarker' }, { limit: 10, order: 'asc' }).items;
    expect(events.map((e) => [e.host, e.format, e.source.kind, e.source.topic, e.source.partition, e.source.offset])).toEqual([
      ['web-01', 'json', 'http', 'http', -1, null],
      ['web-02', 'json', 'http', 'http', -1, null],
    ]);
    expect(events[0]!.metrics.cpu_pct).toBe(95.5);
    expect(events[0]!.source.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(api.count()).toBe(3);
    expect(api.stats.listeners.get('http')).toMatchObject({ received: 3, stored: 3 });
  });

  test('a JSON array: objects keep their exact text, strings are message lines (syslog too)', async () => {
    const api = await start();
    const body = `[{"host":"db-1","message":"arraymarker big","id":123456789012345678901}, "<34>1 2025-01-15T12:00:00Z fw-1 su - - - arraymarker syslog line", "plain arraymarker text"]`;
    const r = await api.post(body, { type: 'application/json; charset=utf-8' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ stored: 3, duplicates: 0, parse_errors: 0 });
    const events = api.reader.queryLogs({ q: 'arraymarker' }, { limit: 10, order: 'asc' }).items.sort((a, b) => a.id - b.id);
    expect(events.map((e) => [e.format, e.host])).toEqual([
      ['json', 'db-1'],
      ['syslog5424', 'fw-1'],
      ['text', null],
    ]);
    expect(events[0]!.raw).toBe('{"host":"db-1","message":"arraymarker big","id":123456789012345678901}');
    // A single object is one message.
    expect((await api.post('{"host":"one","message":"single"}', { type: 'application/json' })).body).toEqual({ stored: 1, duplicates: 0, parse_errors: 0 });
  });

  test('text/plain: one message a line', async () => {
    const api = await start();
    const r = await api.post('<13>Jan 15 12:00:00 h1 app: textmarker a\r\nlevel=error msg="textmarker b" host=h2\n', { type: 'text/plain' });
    expect(r.body).toEqual({ stored: 2, duplicates: 0, parse_errors: 0 });
    expect(api.reader.queryLogs({ q: 'textmarker' }, { limit: 10, order: 'asc' }).items.map((e) => e.format).sort()).toEqual(['logfmt', 'syslog3164']);
  });

  test('a 200 means stored: the events are readable on another connection the moment the answer arrives', async () => {
    const api = await start();
    for (let round = 0; round < 20; round++) {
      const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ host: 'h', message: `durable r${round} i${i}` }));
      const r = await api.post(lines.join('\n'));
      expect(r.status).toBe(200);
      const other = new Database(api.file, { readonly: true });
      try {
        expect(other.prepare('SELECT count(*) FROM logs').pluck().get()).toBe((round + 1) * 50);
      } finally {
        other.close();
      }
    }
  });

  test.each<[string, () => string | null, number]>([
    ['no token', () => null, 401],
    ['a viewer token', viewer, 403],
    ['an admin token (ingest stands apart)', admin, 403],
  ])('%s: refused, nothing stored', async (_n, tok, status) => {
    const api = await start();
    const r = await api.post('{"message":"x"}\n', { token: tok() });
    expect(r.status).toBe(status);
    expect(api.count()).toBe(0);
  });

  test('an ingest token cannot read', async () => {
    const api = await start();
    const res = await fetch(`${api.server.url}/api/v1/logs`, { headers: { Authorization: `Bearer ${ingestToken()}` } });
    expect(res.status).toBe(403);
  });

  test('size caps: body over max_body_bytes (declared or streamed) and too many lines get 413, nothing stored', async () => {
    const api = await start({ listeners: { 'listeners.http.max_body_bytes': 2048, 'listeners.http.max_lines': 10 } });
    const big = 'x'.repeat(3000);
    const declared = await api.post(big);
    expect(declared.status).toBe(413);
    expect(declared.body.detail).toMatch(/2048 bytes/);
    // Streamed without Content-Length (chunked).
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new TextEncoder().encode('y'.repeat(1000) + '\n'));
        c.close();
      },
    });
    const res = await fetch(`${api.server.url}/api/v1/ingest`, { method: 'POST', headers: { Authorization: `Bearer ${ingestToken()}`, 'Content-Type': 'text/plain' }, body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    const lines = await api.post(Array.from({ length: 11 }, (_, i) => `line ${i}`).join('\n'), { type: 'text/plain' });
    expect(lines.status).toBe(413);
    expect(lines.body.detail).toMatch(/11 messages.*at most 10/);
    expect((await api.post('[1,2,3,4,5,6,7,8,9,10,11]', { type: 'application/json' })).status).toBe(413);
    expect(api.count()).toBe(0);
    // At the limits: accepted.
    expect((await api.post(Array.from({ length: 10 }, (_, i) => `line ${i}`).join('\n'), { type: 'text/plain' })).status).toBe(200);
  });

  test.each<[string, string | Buffer, { type?: string | null; headers?: Record<string, string> }, number, RegExp]>([
    ['no Content-Type', Buffer.from('x'), { type: null }, 415, /application\/x-ndjson/],
    ['another media type', '<a/>', { type: 'application/xml' }, 415, /application\/json/],
    ['a compressed body', 'x', { headers: { 'Content-Encoding': 'gzip' } }, 415, /uncompressed/],
    ['invalid JSON', '[{"a":1},', { type: 'application/json' }, 400, /not valid JSON/],
    ['an empty body', '', {}, 400, /no message/],
    ['only blank lines', '\n\r\n\n', {}, 400, /no message/],
  ])('%s: refused with a problem', async (_n, body, o, status, detail) => {
    const api = await start();
    const r = await api.post(body, o);
    expect(r.status).toBe(status);
    expect(r.body.detail).toMatch(detail);
    expect(api.count()).toBe(0);
  });

  test('unknown query parameters are refused', async () => {
    const api = await start();
    const res = await fetch(`${api.server.url}/api/v1/ingest?topic=x`, { method: 'POST', headers: { Authorization: `Bearer ${ingestToken()}`, 'Content-Type': 'text/plain' }, body: 'a' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { param: string }).param).toBe('topic');
  });

  test('per-token rate limits apply', async () => {
    const api = await start({ api: { 'api.rate_limit.enabled': true, 'api.rate_limit.per_token.burst': 2, 'api.rate_limit.per_token.rate': 0.01 } });
    const tok = ingestToken();
    expect((await api.post('a\n', { type: 'text/plain', token: tok })).status).toBe(200);
    expect((await api.post('b\n', { type: 'text/plain', token: tok })).status).toBe(200);
    const limited = await api.post('c\n', { type: 'text/plain', token: tok });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(api.count()).toBe(2);
  });

  test('the store held by another writer: the request waits; a second one that does not fit in the queue gets 503 and stores nothing', async () => {
    const api = await start({ busyTimeoutMs: 0, listeners: { 'listeners.queue_max': 10, 'listeners.http.max_lines': 10 } });
    const locker = new Database(api.file);
    locker.exec('BEGIN IMMEDIATE');
    deferCleanup(() => locker.close());
    const first = api.post(Array.from({ length: 8 }, (_, i) => `held ${i}`).join('\n'), { type: 'text/plain' });
    await new Promise((r) => setTimeout(r, 100));
    const second = await api.post('a\nb\nc\n', { type: 'text/plain' });
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(second.body.detail).toMatch(/queue is full/);
    locker.exec('ROLLBACK');
    expect((await first).body).toEqual({ stored: 8, duplicates: 0, parse_errors: 0 });
    expect(api.count()).toBe(8);
  });

  test('the OpenAPI document lists the route when ingest runs in the process, and not otherwise', async () => {
    const on = await start();
    const doc: any = await (await fetch(`${on.server.url}/api/v1/openapi.json`, { headers: { Authorization: `Bearer ${viewer()}` } })).json();
    expect(doc).toEqual(on.checker.doc);
    expect(doc.paths['/api/v1/ingest'].post.operationId).toBe('ingest');
    expect(doc.paths['/ingest']).toBeUndefined();

    const off = await start({ withIngest: false });
    const doc2: any = await (await fetch(`${off.server.url}/api/v1/openapi.json`, { headers: { Authorization: `Bearer ${viewer()}` } })).json();
    expect(doc2.paths['/api/v1/ingest']).toBeUndefined();
    const res = await fetch(`${off.server.url}/api/v1/ingest`, { method: 'POST', headers: { Authorization: `Bearer ${ingestToken()}`, 'Content-Type': 'text/plain' }, body: 'a' });
    expect(res.status).toBe(404);
  });
});
