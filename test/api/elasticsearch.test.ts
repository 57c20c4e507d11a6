// The Elasticsearch endpoint (POST /_bulk and the connect probes) driven by the official
// Elasticsearch JS client (@elastic/elasticsearch 9) against a real API server over a real
// SQLite file, through the real direct-ingest queue and pipeline. Documents are ECS events as
// Filebeat and Winlogbeat 8 write them; what the client is told and what is stored are checked.
import { Client, errors } from '@elastic/elasticsearch';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { buildOpenApi } from '../../src/api/openapi.js';
import { startApiServer } from '../../src/api/server.js';
import { loadConfig } from '../../src/config/load.js';
import type { NormalizedEvent } from '../../src/core/event.js';
import { buildAssetInventory, enrich } from '../../src/core/enrich.js';
import { buildIntelIndex } from '../../src/core/intel.js';
import { normalizeMessage } from '../../src/core/normalize.js';
import { IngestStats } from '../../src/ingest/ingest-stats.js';
import { inProcessCommitter, IngestPipeline } from '../../src/ingest/pipeline.js';
import { DirectIngest } from '../../src/listen/direct-ingest.js';
import { HttpIngest } from '../../src/listen/http-ingest.js';
import { LogReader } from '../../src/store/log-reader.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { openStore } from '../../src/store/store.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';
import { apiConfig, captureLogger, token, viewer } from './harness.js';
import { OpenApiChecker } from './openapi-check.js';

const ingestToken = () => token({ roles: ['ingest'], sub: 'shipper-1' });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function start(opts: { listeners?: Record<string, unknown> } = {}) {
  const file = path.join(tempDir('logagg-es-bulk-'), 'logagg.db');
  const writerStore = openStore(file, { busyTimeoutMs: 5000 });
  deferCleanup(() => writerStore.close());
  const listeners = loadConfig({ defaultsFile: null, env: {}, overrides: { 'listeners.http.enabled': true, ...opts.listeners } }).listeners;
  const ctx = { assets: buildAssetInventory([]), intel: buildIntelIndex([]) };
  const stats = new IngestStats();
  const pipeline = new IngestPipeline({ committer: inProcessCommitter(new LogWriter(writerStore), { retry: { initialMs: 10, maxMs: 50 } }), enrichContext: () => ctx, formats: {}, maxMessageBytes: 65536, clock: Date.now });
  const { logger } = captureLogger();
  const direct = new DirectIngest({ pipeline, stats, logger, maxMessages: 1000, lingerMs: 5, queueMax: listeners.queue_max });
  deferCleanup(() => direct.close(0));
  const idempotency = { store: writerStore, windowMs: listeners.http.idempotency_window };
  const http = new HttpIngest(direct, stats.listener(listeners.http.name, 'http'), listeners.http, idempotency);
  const readStore = openStore(file, { readonly: true });
  deferCleanup(() => readStore.close());
  const config = apiConfig();
  const server = await startApiServer({ config, store: readStore, logger, stats, ingest: http });
  deferCleanup(() => server.close());
  const checker = new OpenApiChecker(buildOpenApi(config, { ingest: { maxBodyBytes: http.maxBodyBytes, maxLines: http.maxLines } }));
  const reader = new LogReader(readStore);
  const client = (auth: ConstructorParameters<typeof Client>[0]['auth'] = { bearer: ingestToken() }, extra: Partial<ConstructorParameters<typeof Client>[0]> = {}) => {
    const c = new Client({ node: server.url, auth, maxRetries: 0, ...extra });
    deferCleanup(() => c.close());
    return c;
  };
  /** A raw request, its answer checked against the OpenAPI document under `template`. */
  const raw = async (method: string, p: string, o: { body?: string | Buffer; headers?: Record<string, string>; template?: string } = {}) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${ingestToken()}`, ...(o.body !== undefined ? { 'Content-Type': 'application/x-ndjson' } : {}), ...o.headers };
    const res = await fetch(`${server.url}${p}`, { method, headers, ...(o.body !== undefined ? { body: o.body } : {}) });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const body: any = /json/.test(type) && text !== '' ? JSON.parse(text) : text;
    checker.check(method, o.template ?? p, res.status, type, method === 'HEAD' ? undefined : body);
    return { status: res.status, body, headers: res.headers };
  };
  const events = (q: string): NormalizedEvent[] => reader.queryLogs({ q }, { limit: 100, order: 'asc' }).items;
  return { server, client, raw, reader, events, count: () => reader.countLogs({}) };
}

/** What the same document gives through the Kafka path (the normalizer and enrichment alone). */
function viaKafka(doc: object): NormalizedEvent {
  const ctx = { assets: buildAssetInventory([]), intel: buildIntelIndex([]) };
  return enrich(normalizeMessage(Buffer.from(JSON.stringify(doc)), { source: { kind: 'kafka', topic: 't', partition: 0, offset: '1' }, receivedAt: Date.now(), maxBytes: 65536 }), ctx);
}

/** The fields a user sees, without where and when it was received. */
function seen(e: NormalizedEvent) {
  return { ts: e.ts, host: e.host, level: e.level, message: e.message, process: e.process, pid: e.pid, user: e.user, src_ip: e.src_ip, dst_ip: e.dst_ip, attributes: e.attributes, raw: e.raw, parse_error: e.parse_error };
}

// Filebeat 8 (system module / filestream) lines from a Linux host: ECS around a syslog file line.
const linuxEcs = (n: number, line: string) => ({
  '@timestamp': `2026-12-07T10:15:${String(40 + n).padStart(2, '0')}.123Z`,
  agent: { type: 'filebeat', version: '8.19.0', name: 'web-01', id: 'a1f6c2de-3b4a-4f5e-8d9c-0e1f2a3b4c5d' },
  ecs: { version: '8.0.0' },
  host: { name: 'web-01', hostname: 'web-01', os: { family: 'debian', name: 'Debian GNU/Linux', version: '12 (bookworm)' } },
  input: { type: 'filestream' },
  log: { file: { path: '/var/log/auth.log' }, offset: 1024 * n },
  message: line,
});

// Winlogbeat 8: a failed network logon (Security 4625) with the ECS fields Winlogbeat adds.
const winlogbeat4625 = {
  '@timestamp': '2026-12-07T10:16:03.512Z',
  agent: { type: 'winlogbeat', version: '8.19.0', name: 'DC01', id: '4c1b1a4e-6f6d-4b8e-9d0e-1b2d3c4e5f60' },
  ecs: { version: '8.0.0' },
  host: { name: 'dc01.corp.example', hostname: 'DC01', os: { family: 'windows', name: 'Windows Server 2022 Standard', kernel: '10.0.20348.2227' } },
  log: { level: 'information' },
  message: 'An account failed to log on.',
  event: { code: '4625', kind: 'event', provider: 'Microsoft-Windows-Security-Auditing', action: 'logon-failed', category: ['authentication'], type: ['start'], outcome: 'failure', created: '2026-12-07T10:16:04.001Z' },
  winlog: {
    api: 'wineventlog',
    channel: 'Security',
    event_id: '4625',
    provider_name: 'Microsoft-Windows-Security-Auditing',
    provider_guid: '{54849625-5478-4994-a5ba-3e3b0328c30d}',
    computer_name: 'DC01.corp.example',
    record_id: 912345,
    task: 'Logon',
    opcode: 'Info',
    keywords: ['Audit Failure'],
    process: { pid: 664, thread: { id: 4388 } },
    event_data: {
      SubjectUserSid: 'S-1-0-0',
      TargetUserName: 'administrator',
      TargetDomainName: 'CORP',
      Status: '0xc000006d',
      SubStatus: '0xc000006a',
      LogonType: '3',
      LogonProcessName: 'NtLmSsp ',
      AuthenticationPackageName: 'NTLM',
      WorkstationName: 'KALI',
      IpAddress: '203.0.113.50',
      IpPort: '0',
    },
    logon: { type: 'Network', failure: { reason: 'Unknown user name or bad password.' } },
  },
  user: { name: 'administrator', domain: 'CORP' },
  source: { ip: '203.0.113.50', port: 0, domain: 'KALI' },
};

// Winlogbeat 8: Sysmon process creation (event 1).
const winlogbeatSysmon1 = {
  '@timestamp': '2026-12-07T10:17:11.004Z',
  agent: { type: 'winlogbeat', version: '8.19.0', name: 'WS-17' },
  ecs: { version: '8.0.0' },
  host: { name: 'ws-17.corp.example' },
  log: { level: 'information' },
  message: 'Process Create:',
  event: { code: '1', kind: 'event', provider: 'Microsoft-Windows-Sysmon', category: ['process'], type: ['start'] },
  winlog: {
    channel: 'Microsoft-Windows-Sysmon/Operational',
    event_id: '1',
    provider_name: 'Microsoft-Windows-Sysmon',
    computer_name: 'WS-17.corp.example',
    record_id: 77120,
    user: { identifier: 'S-1-5-18', domain: 'NT AUTHORITY', name: 'SYSTEM', type: 'User' },
    event_data: {
      RuleName: '-',
      UtcTime: '2026-12-07 10:17:11.003',
      ProcessGuid: '{a1b2c3d4-0001-6570-2c01-000000000d00}',
      ProcessId: '5120',
      Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      CommandLine: 'powershell.exe -nop -w hidden -enc SQBFAFgA',
      CurrentDirectory: 'C:\\Users\\bob\\',
      User: 'CORP\\bob',
      IntegrityLevel: 'Medium',
      Hashes: 'SHA256=DE96A6E69944335375DC1AC238336066889D9FFC7D73628EF4FE1B1B160AB32C',
      ParentImage: 'C:\\Windows\\explorer.exe',
      ParentCommandLine: 'C:\\Windows\\Explorer.EXE',
    },
  },
  process: { pid: 5120, executable: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', name: 'powershell.exe' },
};

describe('connect: what shippers and clients ask first', () => {
  test('client.info() and ping(): Elasticsearch 8.19.0, default flavor, the product header', async () => {
    const api = await start();
    const info = await api.client().info();
    expect(info.version.number).toBe('8.19.0');
    expect(info.version.build_flavor).toBe('default');
    expect(info.tagline).toBe('You Know, for Search');
    expect(await api.client().ping()).toBe(true);
    const head = await api.raw('HEAD', '/');
    expect(head.status).toBe(200);
    expect(head.headers.get('x-elastic-product')).toBe('Elasticsearch');
  });

  test('license, xpack, nodes, cluster health answer as a basic-licensed single cluster', async () => {
    const api = await start();
    const lic = await api.raw('GET', '/_license?human=false', { template: '/_license' });
    expect([lic.status, lic.body.license.type, lic.body.license.status]).toEqual([200, 'basic', 'active']);
    const xpack = await api.raw('GET', '/_xpack', {});
    expect(xpack.body.features.ilm).toEqual({ available: true, enabled: true });
    const nodes = await api.raw('GET', '/_nodes/_local/http', { template: '/_nodes/{a}/{b}' });
    expect(nodes.body.nodes).toEqual({});
    const health = await api.raw('GET', '/_cluster/health');
    expect(health.body.status).toBe('green');
  });

  test.each([
    ['/_index_template/filebeat-8.19.0', '/_index_template/{name}'],
    ['/_template/logstash', '/_template/{name}'],
    ['/_ilm/policy/filebeat', '/_ilm/policy/{name}'],
    ['/_ingest/pipeline/filebeat-8.19.0-system-auth-pipeline', '/_ingest/pipeline/{name}'],
  ])('%s: HEAD and GET say it exists, PUT is acknowledged (nothing installed)', async (p, template) => {
    const api = await start();
    expect((await api.raw('HEAD', p, { template })).status).toBe(200);
    expect((await api.raw('GET', p, { template })).status).toBe(200);
    const put = await api.raw('PUT', p, { template, body: JSON.stringify({ index_patterns: ['x-*'] }), headers: { 'Content-Type': 'application/json' } });
    expect([put.status, put.body]).toEqual([200, { acknowledged: true }]);
    expect((await api.raw('DELETE', p, { template })).status).toBe(405);
  });
});

describe('POST /_bulk with the client', () => {
  test('helpers.bulk: Linux ECS and Winlogbeat documents stored, searchable, the same events as from Kafka', async () => {
    const api = await start();
    const docs = [
      linuxEcs(1, 'Dec  7 10:15:41 web-01 sshd[812]: Failed password for invalid user oracle from 198.51.100.7 port 40022 ssh2'),
      linuxEcs(2, 'Dec  7 10:15:42 web-01 sudo:      bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx'),
      winlogbeat4625,
      winlogbeatSysmon1,
    ];
    const result = await api.client().helpers.bulk({ datasource: docs, onDocument: () => ({ create: { _index: 'logs-generic-default' } }), flushBytes: 1 << 20 });
    expect([result.total, result.successful, result.failed]).toEqual([4, 4, 0]);
    expect(api.count()).toBe(4);

    const [ssh] = api.events('oracle');
    expect([ssh!.host, ssh!.process, ssh!.pid, ssh!.user, ssh!.src_ip, ssh!.source.kind, ssh!.source.topic]).toEqual(['web-01', 'sshd', 812, 'oracle', '198.51.100.7', 'es-bulk', 'logs-generic-default']);
    expect(ssh!.source.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    const [logon] = api.reader.queryLogs({ attr: [{ path: 'EventID', value: '4625' }] }, { limit: 10, order: 'asc' }).items;
    expect([logon!.host, logon!.user, logon!.src_ip, logon!.ts]).toEqual(['dc01.corp.example', 'administrator', '203.0.113.50', Date.parse('2026-12-07T10:16:03.512Z')]);
    expect(logon!.attributes).toMatchObject({ EventID: 4625, Channel: 'Security', TargetUserName: 'administrator', LogonType: '3' });
    const [proc] = api.reader.queryLogs({ attr: [{ path: 'EventID', value: '1' }] }, { limit: 10, order: 'asc' }).items;
    expect(proc!.attributes).toMatchObject({ Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', CommandLine: 'powershell.exe -nop -w hidden -enc SQBFAFgA' });

    // The same document from Kafka: the same event, but for where it came from.
    for (const [doc, stored] of [[docs[0]!, ssh!], [winlogbeat4625, logon!], [winlogbeatSysmon1, proc!]] as const) {
      expect(seen(stored)).toEqual(seen(viaKafka(doc)));
    }
  });

  test('plain JSON documents: the message is a line, read by the line recognizers', async () => {
    const api = await start();
    const res = await api.client().bulk({
      index: 'app',
      operations: [{ index: {} }, { message: '<38>Dec  7 10:20:01 edge-2 sshd[99]: Accepted publickey for deploy from 10.1.2.3 port 51000 ssh2' }, { index: {} }, { log: '2026-12-07T10:20:02Z ERROR payment failed plainmarker' }],
    });
    expect(res.errors).toBe(false);
    const [ssh] = api.events('deploy');
    expect([ssh!.host, ssh!.process, ssh!.user, ssh!.src_ip, ssh!.source.topic]).toEqual(['edge-2', 'sshd', 'deploy', '10.1.2.3', 'app']);
    const [app] = api.events('plainmarker');
    expect(app!.level_name).toBe('error');
  });

  test('client.bulk: every item gets its own status; the good ones are stored, update and delete are refused per item', async () => {
    const api = await start();
    const res = await api.client().bulk({
      operations: [
        { index: { _index: 'mixed' } },
        { message: 'mixedmarker good one', host: { name: 'h1' } },
        { create: { _index: 'mixed' } },
        'a document that is a string' as unknown as object,
        { index: {} },
        { message: 'mixedmarker no index' },
        { update: { _index: 'mixed', _id: 'x' } },
        { doc: { a: 1 } },
        { delete: { _index: 'mixed', _id: 'y' } },
        { index: { _index: 'Bad*Index' } },
        { message: 'mixedmarker bad index' },
        { create: { _index: 'mixed' } },
        { message: 'mixedmarker good two' },
      ],
    });
    expect(res.errors).toBe(true);
    const statuses = res.items.map((it) => {
      const [action, r] = Object.entries(it)[0]!;
      return [action, r.status, r.error?.type ?? r.result];
    });
    expect(statuses).toEqual([
      ['index', 201, 'created'],
      ['create', 400, 'document_parsing_exception'],
      ['index', 400, 'action_request_validation_exception'],
      ['update', 400, 'action_request_validation_exception'],
      ['delete', 400, 'action_request_validation_exception'],
      ['index', 400, 'invalid_index_name_exception'],
      ['create', 201, 'created'],
    ]);
    expect(api.events('mixedmarker').map((e) => e.message)).toEqual(['mixedmarker good one', 'mixedmarker good two']);
    // Ids: the client's (update x, delete y), else 20 characters, different per item.
    const ids = res.items.map((it) => Object.values(it)[0]!._id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([ids[3], ids[4]]).toEqual(['x', 'y']);
    for (const id of [...ids.slice(0, 3), ...ids.slice(5)]) expect(id).toMatch(/^[A-Za-z0-9_-]{20}$/);
  });

  test('gzip (compression: true) is read; a retried request stores nothing and gets the same answer', async () => {
    const api = await start();
    const c = api.client({ bearer: ingestToken() }, { compression: true });
    const operations = [{ create: { _index: 'gz' } }, linuxEcs(3, 'Dec  7 10:15:43 web-01 CRON[4411]: (root) CMD (gzmarker run-parts /etc/cron.hourly)')];
    const first = await c.bulk({ operations });
    expect(first.errors).toBe(false);
    const again = await c.bulk({ operations });
    expect(again.items).toEqual(first.items);
    expect(api.events('gzmarker')).toHaveLength(1);
    // The same body uncompressed, by hand: still the same request.
    const body = operations.map((o) => JSON.stringify(o)).join('\n') + '\n';
    const raw = await api.raw('POST', '/_bulk', { body, template: '/_bulk' });
    expect([raw.status, raw.headers.get('idempotent-replayed'), raw.body.items]).toEqual([200, 'true', first.items]);
    expect(api.events('gzmarker')).toHaveLength(1);
    // Another index is another request.
    const other = await api.raw('POST', '/other/_bulk?pipeline=filebeat-8.19.0-system-auth&refresh=wait_for', { body: '{"create":{}}\n{"message":"gzmarker other"}\n', template: '/{index}/_bulk' });
    expect([other.status, other.body.items[0].create._index]).toEqual([200, 'other']);
    expect(api.events('gzmarker')).toHaveLength(2);
  });

  test('a client _id already stored: create 409, index 200 noop, nothing stored again', async () => {
    const api = await start();
    const c = api.client();
    const first = await c.bulk({ operations: [{ create: { _index: 'ids', _id: 'evt-1' } }, { message: 'idmarker first' }] });
    expect(first.items[0]!.create).toMatchObject({ status: 201, _id: 'evt-1', result: 'created' });
    const second = await c.bulk({
      operations: [{ create: { _index: 'ids', _id: 'evt-1' } }, { message: 'idmarker second' }, { index: { _index: 'ids', _id: 'evt-1' } }, { message: 'idmarker third' }, { create: { _index: 'other-ids', _id: 'evt-1' } }, { message: 'idmarker other index' }],
    });
    expect(second.items.map((it) => Object.values(it)[0]!.status)).toEqual([409, 200, 201]);
    expect(second.items[0]!.create!.error!.type).toBe('version_conflict_engine_exception');
    expect(second.items[1]!.index!.result).toBe('noop');
    expect(api.events('idmarker').map((e) => e.message)).toEqual(['idmarker first', 'idmarker other index']);
  });
});

describe('credentials the shippers send', () => {
  test.each([
    ['Bearer', (t: string) => `Bearer ${t}`],
    ['Basic, the token as password (Beats, Logstash, Fluent Bit, Vector)', (t: string) => basic('filebeat', t)],
    ['ApiKey base64(id:key), the token as key', (t: string) => `ApiKey ${Buffer.from(`logagg:${t}`).toString('base64')}`],
  ])('%s', async (_name, header) => {
    const api = await start();
    const r = await api.raw('POST', '/_bulk', { body: '{"index":{"_index":"auth"}}\n{"message":"authmarker"}\n', headers: { Authorization: header(ingestToken()) }, template: '/_bulk' });
    expect([r.status, r.body.errors]).toEqual([200, false]);
    expect(api.events('authmarker')).toHaveLength(1);
  });

  test('the client with username/password and apiKey', async () => {
    const api = await start();
    expect((await api.client({ username: 'elastic', password: ingestToken() }).info()).version.number).toBe('8.19.0');
    expect((await api.client({ apiKey: Buffer.from(`id:${ingestToken()}`).toString('base64') }).info()).version.number).toBe('8.19.0');
  });

  test('refused: no credentials, a wrong password, a token without the ingest role; nothing stored', async () => {
    const api = await start();
    const body = '{"index":{"_index":"auth"}}\n{"message":"refusedmarker"}\n';
    const none = await api.raw('POST', '/_bulk', { body, headers: { Authorization: '' }, template: '/_bulk' });
    expect(none.status).toBe(401);
    expect(none.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect((await api.raw('POST', '/_bulk', { body, headers: { Authorization: basic('elastic', 'changeme') }, template: '/_bulk' })).status).toBe(401);
    expect((await api.raw('POST', '/_bulk', { body, headers: { Authorization: basic('elastic', viewer()) }, template: '/_bulk' })).status).toBe(403);
    await expect(api.client({ username: 'elastic', password: 'changeme' }).bulk({ operations: [{ index: { _index: 'a' } }, { message: 'refusedmarker' }] })).rejects.toBeInstanceOf(errors.ResponseError);
    expect(api.count()).toBe(0);
  });
});

describe('limits and refusals of the whole request', () => {
  test('more documents than listeners.http.max_lines: 413, nothing stored', async () => {
    const api = await start({ listeners: { 'listeners.http.max_lines': 2 } });
    const body = Array.from({ length: 3 }, (_, i) => `{"index":{"_index":"cap"}}\n{"message":"capmarker ${i}"}`).join('\n');
    const r = await api.raw('POST', '/_bulk', { body, template: '/_bulk' });
    expect(r.status).toBe(413);
    expect(api.count()).toBe(0);
  });

  test('a gzip body that inflates past listeners.http.max_body_bytes: 413', async () => {
    const api = await start({ listeners: { 'listeners.http.max_body_bytes': 4096 } });
    const doc = JSON.stringify({ message: 'x'.repeat(10_000) });
    const r = await api.raw('POST', '/_bulk', { body: gzipSync(`{"index":{"_index":"big"}}\n${doc}\n`), headers: { 'Content-Encoding': 'gzip' }, template: '/_bulk' });
    expect(r.status).toBe(413);
  });

  test.each([
    ['an empty body', '', {}, 400],
    ['not gzip', 'plain text', { 'Content-Encoding': 'gzip' }, 400],
    ['another encoding', '{"index":{}}\n{}\n', { 'Content-Encoding': 'br' }, 415],
    ['another media type', '{"index":{}}\n{}\n', { 'Content-Type': 'text/html' }, 415],
  ])('%s: %s', async (_name, body, headers, status) => {
    const api = await start();
    expect((await api.raw('POST', '/_bulk', { body, headers, template: '/_bulk' })).status).toBe(status);
  });

  test('an invalid index in the path: 400', async () => {
    const api = await start();
    expect((await api.raw('POST', '/Logs/_bulk', { body: '{"index":{}}\n{}\n', template: '/{index}/_bulk' })).status).toBe(400);
  });
});
