// POST /v1/logs (OTLP/HTTP) and POST /loki/api/v1/push on a real API server over a real SQLite
// file, through the real direct-ingest queue and pipeline, fed by the real clients: the
// OpenTelemetry JS SDK's OTLP log exporters (http/json and http/protobuf) and winston-loki, plus
// a snappy protobuf push built from logproto's field numbers (written below from push.proto).
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import snappy from 'snappyjs';
import { describe, expect, test } from 'vitest';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as OtlpJsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OtlpProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import winston from 'winston';
import LokiTransport from 'winston-loki';
import { buildOpenApi } from '../../../src/api/openapi.js';
import { startApiServer } from '../../../src/api/server.js';
import { loadConfig } from '../../../src/config/load.js';
import { buildAssetInventory } from '../../../src/core/enrich.js';
import { buildIntelIndex } from '../../../src/core/intel.js';
import { IngestStats } from '../../../src/ingest/ingest-stats.js';
import { inProcessCommitter, IngestPipeline } from '../../../src/ingest/pipeline.js';
import { DirectIngest } from '../../../src/listen/direct-ingest.js';
import { HttpIngest } from '../../../src/listen/http-ingest.js';
import { LogReader } from '../../../src/store/log-reader.js';
import { LogWriter } from '../../../src/store/log-writer.js';
import { openStore } from '../../../src/store/store.js';
import { deferCleanup, tempDir } from '../../helpers/temp.js';
import { apiConfig, captureLogger, token, viewer } from '../harness.js';
import { OpenApiChecker } from '../openapi-check.js';

const ingestToken = () => token({ roles: ['ingest'], sub: 'shipper-1' });

async function start(listenerOverrides: Record<string, unknown> = {}) {
  const file = path.join(tempDir('logagg-shipper-'), 'logagg.db');
  const writerStore = openStore(file, { busyTimeoutMs: 5000 });
  deferCleanup(() => writerStore.close());
  const listeners = loadConfig({ defaultsFile: null, env: {}, overrides: { 'listeners.http.enabled': true, ...listenerOverrides } }).listeners;
  const ctx = { assets: buildAssetInventory([]), intel: buildIntelIndex([]) };
  const stats = new IngestStats();
  const pipeline = new IngestPipeline({ committer: inProcessCommitter(new LogWriter(writerStore), { retry: { initialMs: 10, maxMs: 50 } }), enrichContext: () => ctx, formats: {}, maxMessageBytes: 65536, clock: Date.now });
  const { logger } = captureLogger();
  const direct = new DirectIngest({ pipeline, stats, logger, maxMessages: 1000, lingerMs: 5, queueMax: listeners.queue_max });
  deferCleanup(() => direct.close(0));
  const http = new HttpIngest(direct, stats.listener(listeners.http.name, 'http'), listeners.http, { store: writerStore, windowMs: listeners.http.idempotency_window });
  const readStore = openStore(file, { readonly: true });
  deferCleanup(() => readStore.close());
  const config = apiConfig();
  const server = await startApiServer({ config, store: readStore, logger, stats, ingest: http });
  deferCleanup(() => server.close());
  const checker = new OpenApiChecker(buildOpenApi(config, { ingest: { maxBodyBytes: http.maxBodyBytes, maxLines: http.maxLines } }));
  const reader = new LogReader(readStore);
  const post = async (p: string, body: Buffer | string, headers: Record<string, string>) => {
    const res = await fetch(`${server.url}${p}`, { method: 'POST', headers, body });
    const buf = Buffer.from(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    const parsed: unknown = /json/.test(type) && buf.length > 0 ? JSON.parse(buf.toString('utf8')) : buf;
    checker.check('POST', p, res.status, type, /json/.test(type) ? parsed : buf.toString('latin1'));
    return { status: res.status, type, body: parsed as any, raw: buf };
  };
  const find = (q: string) => reader.queryLogs({ q }, { limit: 100, order: 'asc' }).items;
  return { server, post, reader, find, count: () => reader.countLogs({}) };
}

const bearer = () => ({ Authorization: `Bearer ${ingestToken()}` });

function otelLogger(exporter: OtlpJsonExporter | OtlpProtoExporter) {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'host.name': 'Web-7', 'deployment.environment': 'prod' }),
    processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 60_000 })],
  });
  deferCleanup(() => provider.shutdown());
  return { provider, logger: provider.getLogger('shop.payments', '1.2.3') };
}

describe('POST /v1/logs with the OpenTelemetry SDK', () => {
  for (const [name, make] of [
    ['http/json', (url: string) => new OtlpJsonExporter({ url, headers: bearer() })],
    ['http/protobuf', (url: string) => new OtlpProtoExporter({ url, headers: bearer() })],
  ] as const) {
    test(`${name}: records stored with host, time, level, program, attributes, trace ids; a string body goes through the line recognizer`, async () => {
      const api = await start();
      const { provider, logger } = otelLogger(make(`${api.server.url}/v1/logs`));
      const when = Date.UTC(2025, 0, 15, 12, 0, 0, 123);
      logger.emit({
        timestamp: when,
        severityNumber: SeverityNumber.WARN,
        severityText: 'WARN',
        body: `payment otelmarker slow (${name})`,
        attributes: { 'user.name': 'alice', 'http.status_code': 502, order: { id: 'o-1' } },
      });
      logger.emit({ timestamp: when + 1000, severityNumber: SeverityNumber.ERROR2, body: `Jan 15 12:00:01 web-7 sshd[4242]: Failed password for root from 203.0.113.9 port 4242 ssh2 otelmarker`, attributes: {} });
      logger.emit({ timestamp: when + 2000, severityText: 'debug', body: { message: 'map body otelmarker', 'source.ip': '198.51.100.4', step: 3 } });
      await provider.forceFlush();
      const events = api.find('otelmarker');
      expect(events).toHaveLength(3);
      const [a, b, c] = events.sort((x, y) => x.ts - y.ts);
      expect([a!.ts, a!.host, a!.process, a!.level_name, a!.user, a!.message]).toEqual([when, 'web-7', 'checkout', 'warning', 'alice', `payment otelmarker slow (${name})`]);
      expect(a!.attributes).toMatchObject({ 'http.status_code': 502, order: { id: 'o-1' }, otel: { resource: { 'deployment.environment': 'prod' }, scope: { name: 'shop.payments', version: '1.2.3' }, severity_number: 13, severity_text: 'WARN' } });
      expect(a!.source).toMatchObject({ kind: 'http', partition: -1 });
      // ERROR2 → error; the syslog line in the body is recognized (program, pid, user and
      // source address extracted); the resource's service name is kept under _envelope.
      expect([b!.level_name, b!.process, b!.pid, b!.src_ip, b!.user, b!.ts]).toEqual(['error', 'sshd', 4242, '203.0.113.9', 'root', when + 1000]);
      expect(b!.attributes).toMatchObject({ _envelope: { process: 'checkout' } });
      // severity_text alone; a map body's keys map like any JSON message.
      expect([c!.level_name, c!.message, c!.src_ip, c!.attributes.step]).toEqual(['debug', 'map body otelmarker', '198.51.100.4', 3]);
      // Searchable by the mapped fields through the API's own filters.
      expect(api.reader.queryLogs({ hosts: ['web-7'], minLevel: 4, q: 'otelmarker' }, { limit: 10, order: 'asc' }).items.map((e) => e.level_name).sort()).toEqual(['error', 'warning']);
    });
  }

  test('trace and span ids are stored as hex (JSON and protobuf alike)', async () => {
    const api = await start();
    const traceId = '5b8efff798038103d269b633813fc60c';
    const spanId = 'eee19b7ec3c1b174';
    const json = { resourceLogs: [{ resource: { attributes: [{ key: 'host.name', value: { stringValue: 'db-1' } }] }, scopeLogs: [{ logRecords: [{ timeUnixNano: '1736942400000000000', severityNumber: 9, body: { stringValue: 'traced jsonmarker' }, traceId, spanId }] }] }] };
    const r = await api.post('/v1/logs', JSON.stringify(json), { ...bearer(), 'Content-Type': 'application/json' });
    expect([r.status, r.body]).toEqual([200, {}]);
    const [e] = api.find('jsonmarker');
    expect([e!.attributes.trace_id, e!.attributes.span_id, e!.ts, e!.level_name, e!.host]).toEqual([traceId, spanId, 1736942400000, 'info', 'db-1']);
  });

  test('gzip; records refused are counted in partial_success, the rest stored; 400, 413, 415', async () => {
    const api = await start({ 'listeners.http.max_lines': 10 });
    const rec = (extra: object) => ({ timeUnixNano: '1736942400000000000', body: { stringValue: 'gzmarker' }, ...extra });
    const body = { resourceLogs: [{ scopeLogs: [{ logRecords: [rec({}), rec({ traceId: 'abcd' }), {}] }] }] };
    const r = await api.post('/v1/logs', gzipSync(JSON.stringify(body)), { ...bearer(), 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ partialSuccess: { rejectedLogRecords: 2, errorMessage: 'trace_id must be 16 bytes' } });
    expect(api.find('gzmarker')).toHaveLength(1);
    expect((await api.post('/v1/logs', Buffer.from([0x0a, 0xff, 0xff]), { ...bearer(), 'Content-Type': 'application/x-protobuf' })).status).toBe(400);
    // Refusals carry a google.rpc.Status in the request's encoding, as the OTLP/HTTP spec asks.
    const bad = await api.post('/v1/logs', '{"resourceLogs": 3}', { ...bearer(), 'Content-Type': 'application/json' });
    expect([bad.status, bad.body]).toEqual([400, { code: 3, message: 'resourceLogs must be an array' }]);
    const wrongType = await api.post('/v1/logs', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":"WARN"}]}]}]}', { ...bearer(), 'Content-Type': 'application/json' });
    expect([wrongType.status, wrongType.body.message]).toEqual([400, 'severityNumber must be an integer (OTLP/JSON enums are numbers)']);
    expect((await api.post('/v1/logs', 'not gzip', { ...bearer(), 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })).status).toBe(400);
    expect((await api.post('/v1/logs', '{}', { ...bearer(), 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await api.post('/v1/logs', '{}', { ...bearer(), 'Content-Type': 'application/json', 'Content-Encoding': 'br' })).status).toBe(415);
    const many = { resourceLogs: [{ scopeLogs: [{ logRecords: Array.from({ length: 11 }, () => rec({})) }] }] };
    expect((await api.post('/v1/logs', JSON.stringify(many), { ...bearer(), 'Content-Type': 'application/json' })).status).toBe(413);
    // A gzip bomb: small on the wire, past max_body_bytes once inflated.
    const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20));
    expect((await api.post('/v1/logs', bomb, { ...bearer(), 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })).status).toBe(413);
    expect(api.count()).toBe(1);
  });

  test('the protobuf answer is an ExportLogsServiceResponse with partial_success', async () => {
    const api = await start();
    const root = protobuf.parse(OTLP_TEST_PROTO).root;
    const Req = root.lookupType('t.ExportLogsServiceRequest');
    const Res = root.lookupType('t.ExportLogsServiceResponse');
    const body = Req.encode(Req.fromObject({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'pbmarker' }, severityNumber: 21 }, { spanId: Buffer.from([1, 2]) }] }] }] })).finish();
    const r = await api.post('/v1/logs', Buffer.from(body), { ...bearer(), 'Content-Type': 'application/x-protobuf' });
    expect([r.status, r.type]).toEqual([200, 'application/x-protobuf']);
    expect(Res.toObject(Res.decode(r.raw), { longs: Number })).toEqual({ partialSuccess: { rejectedLogRecords: 1, errorMessage: 'span_id must be 8 bytes' } });
    const [e] = api.find('pbmarker');
    expect([e!.level_name, e!.ts_fallback]).toEqual(['critical', true]);
    const refused = await api.post('/v1/logs', Buffer.from([0x0a, 0xff, 0xff]), { ...bearer(), 'Content-Type': 'application/x-protobuf' });
    expect([refused.status, refused.type]).toEqual([400, 'application/x-protobuf']);
    const Status = root.lookupType('t.Status');
    expect(Status.toObject(Status.decode(refused.raw))).toMatchObject({ code: 3, message: expect.stringContaining('not an ExportLogsServiceRequest') });
  });

  test('a retried request (same content) is not stored twice; other content is', async () => {
    const api = await start();
    const body = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1736942400000000000', body: { stringValue: 'retrymarker' } }] }] }] });
    for (let i = 0; i < 3; i++) expect((await api.post('/v1/logs', body, { ...bearer(), 'Content-Type': 'application/json' })).status).toBe(200);
    // The same content gzipped is the same decoded body: a retry too.
    expect((await api.post('/v1/logs', gzipSync(body), { ...bearer(), 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })).status).toBe(200);
    expect(api.find('retrymarker')).toHaveLength(1);
    expect((await api.post('/v1/logs', body.replace('1736942400', '1736942401'), { ...bearer(), 'Content-Type': 'application/json' })).status).toBe(200);
    expect(api.find('retrymarker')).toHaveLength(2);
  });

  test('authentication: none or a bad token 401, a viewer token 403, Basic with the token as password accepted', async () => {
    const api = await start();
    const body = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'authmarker' } }] }] }] });
    const json = { 'Content-Type': 'application/json' };
    expect((await api.post('/v1/logs', body, json)).status).toBe(401);
    expect((await api.post('/v1/logs', body, { ...json, Authorization: 'Bearer nope.nope.nope' })).status).toBe(401);
    expect((await api.post('/v1/logs', body, { ...json, Authorization: `Basic ${Buffer.from('x:wrong').toString('base64')}` })).status).toBe(401);
    expect((await api.post('/loki/api/v1/push', '{"streams":[]}', { ...json, Authorization: `Basic ${Buffer.from(':').toString('base64')}` })).status).toBe(401);
    expect((await api.post('/v1/logs', body, { ...json, Authorization: `Bearer ${viewer()}` })).status).toBe(403);
    expect(api.count()).toBe(0);
    expect((await api.post('/v1/logs', body, { ...json, Authorization: `Basic ${Buffer.from(`fluent:${ingestToken()}`).toString('base64')}` })).status).toBe(200);
    expect(api.find('authmarker')).toHaveLength(1);
  });
});

describe('POST /loki/api/v1/push', () => {
  test('winston-loki (protobuf + snappy): labels → host, program, level; the line through the recognizer', async () => {
    const api = await start();
    const sent: string[] = [];
    const transport = new LokiTransport({
      host: api.server.url,
      basicAuth: `promtail:${ingestToken()}`,
      labels: { job: 'payments', host: 'App-3' },
      batching: false,
      onConnectionError: (e: unknown) => sent.push(String(e)),
    });
    const logger = winston.createLogger({ transports: [transport] });
    logger.warn('winstonmarker card declined');
    logger.error('Jan 15 12:00:00 app-3 sshd[77]: Accepted password for bob from 192.0.2.10 port 50022 ssh2 winstonmarker');
    await new Promise<void>((resolve) => transport.flush().then(() => resolve(), () => resolve()));
    for (let i = 0; i < 100 && api.find('winstonmarker').length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sent).toEqual([]);
    const events = api.find('winstonmarker').sort((x, y) => x.id - y.id);
    expect(events.map((e) => [e.host, e.level_name])).toEqual([
      ['app-3', 'warning'],
      ['app-3', 'error'],
    ]);
    expect(events[0]!.process).toBe('payments');
    expect(events[0]!.attributes).toMatchObject({ loki: { labels: { job: 'payments', level: 'warn' } } });
    // The line names its program and peer: the recognizer read them.
    expect([events[1]!.process, events[1]!.user, events[1]!.src_ip]).toEqual(['sshd', 'bob', '192.0.2.10']);
    expect(events[1]!.attributes).toMatchObject({ _envelope: { process: 'payments' } });
  });

  test('JSON push with structured metadata; gzip; a protobuf push built from logproto; retries not doubled; 400 and 415', async () => {
    const api = await start();
    const ns = '1736942400123456789';
    const json = { streams: [{ stream: { hostname: 'edge-2', app: 'nginx', detected_level: 'error' }, values: [[ns, 'lokijsonmarker upstream timed out', { trace_id: 'abc123', message: 'shadowed' }]] }] };
    const headers = { ...bearer(), 'Content-Type': 'application/json' };
    const r = await api.post('/loki/api/v1/push', gzipSync(JSON.stringify(json)), { ...headers, 'Content-Encoding': 'gzip' });
    expect(r.status).toBe(204);
    const [e] = api.find('lokijsonmarker');
    expect([e!.host, e!.process, e!.level_name, e!.ts, e!.attributes.trace_id]).toEqual(['edge-2', 'nginx', 'error', 1736942400123, 'abc123']);
    expect(e!.attributes).toMatchObject({ loki: { ts: ns, shadowed: { message: 'shadowed' } } });
    // The same push again: a retry, not stored twice.
    expect((await api.post('/loki/api/v1/push', JSON.stringify(json), headers)).status).toBe(204);
    expect(api.find('lokijsonmarker')).toHaveLength(1);

    const root = protobuf.parse(LOKI_TEST_PROTO).root;
    const Push = root.lookupType('logproto.PushRequest');
    const pb = Push.encode(
      Push.fromObject({
        streams: [
          {
            labels: '{instance="10.0.0.5:9100", job="varlogs", level="info", filename="/var/log/a \\"b\\".log"}',
            entries: [{ timestamp: { seconds: 1736942400, nanos: 5_000_000 }, line: 'lokipbmarker first', structuredMetadata: [{ name: 'pod', value: 'p-1' }] }],
          },
        ],
      }),
    ).finish();
    const p = await api.post('/loki/api/v1/push', Buffer.from(snappy.compress(pb)), { ...bearer(), 'Content-Type': 'application/x-protobuf' });
    expect(p.status).toBe(204);
    const [f] = api.find('lokipbmarker');
    expect([f!.host, f!.process, f!.level_name, f!.ts, f!.attributes.pod]).toEqual(['10.0.0.5:9100', 'varlogs', 'info', 1736942400005, 'p-1']);
    expect(f!.attributes).toMatchObject({ loki: { labels: { filename: '/var/log/a "b".log' } } });

    // Protobuf not snappy-compressed, broken labels, bad JSON, another media type.
    expect((await api.post('/loki/api/v1/push', Buffer.from(pb), { ...bearer(), 'Content-Type': 'application/x-protobuf' })).status).toBe(400);
    const badLabels = Push.encode(Push.fromObject({ streams: [{ labels: '{job=x}', entries: [{ line: 'l' }] }] })).finish();
    expect((await api.post('/loki/api/v1/push', Buffer.from(snappy.compress(badLabels)), { ...bearer(), 'Content-Type': 'application/x-protobuf' })).status).toBe(400);
    expect((await api.post('/loki/api/v1/push', '{"streams":[{"stream":{},"values":[[1,"x"]]}]}', headers)).status).toBe(400);
    expect((await api.post('/loki/api/v1/push', 'x', { ...bearer(), 'Content-Type': 'text/plain' })).status).toBe(415);
    expect(api.count()).toBe(2);
  });
});

/** The OTLP messages a test encodes itself, from opentelemetry-proto's field numbers. */
const OTLP_TEST_PROTO = `syntax = "proto3"; package t;
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; bytes bytes_value = 7; } }
message KeyValue { string key = 1; AnyValue value = 2; }
message LogRecord { fixed64 time_unix_nano = 1; int32 severity_number = 2; string severity_text = 3; AnyValue body = 5; repeated KeyValue attributes = 6; bytes trace_id = 9; bytes span_id = 10; fixed64 observed_time_unix_nano = 11; }
message ScopeLogs { repeated LogRecord log_records = 2; }
message ResourceLogs { repeated ScopeLogs scope_logs = 2; }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ExportLogsPartialSuccess { int64 rejected_log_records = 1; string error_message = 2; }
message ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }
message Status { int32 code = 1; string message = 2; }`;

/** Loki's push messages (pkg/push/push.proto field numbers) and google.protobuf.Timestamp. */
const LOKI_TEST_PROTO = `syntax = "proto3"; package logproto;
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message LabelPairAdapter { string name = 1; string value = 2; }
message EntryAdapter { Timestamp timestamp = 1; string line = 2; repeated LabelPairAdapter structuredMetadata = 3; }
message StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
message PushRequest { repeated StreamAdapter streams = 1; string format = 2; }`;
