// The RulesPort over the running detection, behind the real HTTP API: listing, and
// enabling/disabling that reaches the engine at once and is kept in the database.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DetectionService } from '../../src/app/detection.js';
import { DetectionRulesPort } from '../../src/app/rules-port.js';
import { buildOpenApi } from '../../src/api/openapi.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/logger.js';
import { readRuleOverrides } from '../../src/store/rule-state.js';
import { openStore, type Store } from '../../src/store/store.js';
import { admin, analyst, apiConfig, viewer } from '../api/harness.js';
import { OpenApiChecker } from '../api/openapi-check.js';
import { tempDir } from '../helpers/temp.js';

const T = Date.UTC(2025, 0, 15, 12);
let server: ApiServer;
let writer: Store;
let reader: Store;
let detection: DetectionService;
let checker: OpenApiChecker;

beforeAll(async () => {
  const dir = tempDir('logagg-rules-port-');
  writeFileSync(
    path.join(dir, 'r.yaml'),
    'id: cpu-high\nname: CPU high\nkind: threshold\nseverity: HIGH\ndescription: cpu above 90\ntags: [system]\nfield: cpu_pct\nop: ">"\nvalue: 90\n',
  );
  const file = path.join(dir, 'logagg.db');
  writer = openStore(file);
  reader = openStore(file, { readonly: true });
  const logger = createLogger({ level: 'silent', format: 'json' });
  const cfg = loadConfig({ defaultsFile: null, env: {}, overrides: { 'detection.rules_dir': dir } }).detection;
  detection = (await DetectionService.load(cfg, { logger })).attach(writer);
  const config = apiConfig();
  server = await startApiServer({ config, store: reader, rules: new DetectionRulesPort(detection, () => T), logger });
  checker = new OpenApiChecker(buildOpenApi(config));
});

afterAll(async () => {
  await server.close();
  detection.close();
  reader.close();
  writer.close();
});

async function call(p: string, token: string, opts: { method?: string; body?: unknown; on?: ApiServer } = {}): Promise<{ status: number; body: any }> {
  const url = (opts.on ?? server).url;
  const res = await fetch(url + p, {
    method: opts.method ?? 'GET',
    headers: { Authorization: `Bearer ${token}`, ...(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const type = res.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await res.json() : await res.text();
  checker.check(opts.method ?? 'GET', new URL(url + p).pathname, res.status, type, body);
  return { status: res.status, body };
}

describe('rules through the API', () => {
  test('GET /rules lists the rules in force', async () => {
    const r = await call('/api/v1/rules', analyst());
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([
      {
        state: 'active',
        id: 'cpu-high',
        name: 'CPU high',
        kind: 'threshold',
        severity: 'HIGH',
        enabled: true,
        description: 'cpu above 90',
        tags: ['system'],
        stats: { hits: 0, alerts_opened: 0, suppressed: 0, last_hit: null },
        failures: 0,
        // Not a Sigma rule: no logsource.
        logsource: null,
      },
    ]);
  });

  test('PATCH /rules/:id disables the rule in the engine and records who did it', async () => {
    const r = await call('/api/v1/rules/cpu-high', admin(), { method: 'PATCH', body: { enabled: false } });
    expect(r.status).toBe(200);
    expect(r.body.enabled).toBe(false);
    expect(detection.rules()[0]!.enabled).toBe(false);
    expect(readRuleOverrides(writer).get('cpu-high')).toEqual({ enabled: false, by: 'adam', at: T });
    expect((await call('/api/v1/rules', analyst())).body.items[0].enabled).toBe(false);
    await call('/api/v1/rules/cpu-high', admin(), { method: 'PATCH', body: { enabled: true } });
    expect(detection.rules()[0]!.enabled).toBe(true);
  });

  test('an unknown rule is 404; only admins may change rules; viewers may not list them', async () => {
    expect((await call('/api/v1/rules/nope', admin(), { method: 'PATCH', body: { enabled: false } })).status).toBe(404);
    expect((await call('/api/v1/rules/cpu-high', analyst(), { method: 'PATCH', body: { enabled: false } })).status).toBe(403);
    expect((await call('/api/v1/rules', viewer())).status).toBe(403);
    expect(readRuleOverrides(writer).has('nope')).toBe(false);
  });

  test('the port also gives the counters (for logagg rules list)', async () => {
    const port = new DetectionRulesPort(detection);
    expect((await port.list())[0]).toMatchObject({ id: 'cpu-high', stats: { hits: 0, alerts_opened: 0, suppressed: 0, last_hit: null }, failures: 0 });
  });
});

describe('rules refused at start (detection.strict off), on every surface of the API', () => {
  let refusedServer: ApiServer;
  let dir: string;
  let store: Store;
  let d: DetectionService;

  beforeAll(async () => {
    dir = tempDir('logagg-rules-refused-');
    writeFileSync(path.join(dir, 'good.yaml'), 'id: cpu-high\nname: CPU high\nkind: threshold\nseverity: HIGH\nfield: cpu_pct\nop: ">"\nvalue: 90\n');
    writeFileSync(path.join(dir, 'broken.yaml'), 'id: [unclosed\n');
    writeFileSync(
      path.join(dir, 'expand.yml'),
      "title: Admin logon\nid: 0f6c1d52-4f0b-4a50-9a1e-5b2a8f3c9e11\nlogsource: { product: windows, service: security }\ndetection:\n  sel:\n    TargetUserName|expand: '%admins%'\n  condition: sel\nlevel: high\n",
    );
    store = openStore(path.join(dir, 'logagg.db'));
    const logger = createLogger({ level: 'silent', format: 'json' });
    d = (await DetectionService.load(loadConfig({ defaultsFile: null, env: {}, overrides: { 'detection.rules_dir': dir } }).detection, { logger })).attach(store);
    refusedServer = await startApiServer({ config: apiConfig(), store, rules: new DetectionRulesPort(d), logger });
  });

  afterAll(async () => {
    await refusedServer.close();
    d.close();
    store.close();
  });

  test('GET /rules: the rule in force, then each refused rule with its file and reason', async () => {
    const r = await call('/api/v1/rules', analyst(), { on: refusedServer });
    expect(r.status).toBe(200);
    expect(r.body.items.map((x: { state: string; id: string | null }) => [x.state, x.id])).toEqual([
      ['active', 'cpu-high'],
      ['refused', null],
      ['refused', 'Admin logon'],
    ]);
    expect(r.body.items[1]).toEqual({ state: 'refused', id: null, file: path.join(dir, 'broken.yaml'), reason: expect.stringMatching(/not valid YAML/) });
    expect(r.body.items[2].reason).toMatch(/placeholder %admins% has no list/);
  });

  test('/readyz: degraded, still 200, saying how many; /metrics: the gauge', async () => {
    const ready = await call('/readyz', viewer(), { on: refusedServer });
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'degraded', rules_refused: 2 });
    const metrics = await call('/metrics', viewer(), { on: refusedServer });
    expect(metrics.body).toMatch(/^logagg_rules_refused 2$/m);
    // the server of the first block: nothing refused
    expect((await call('/readyz', viewer())).body).toMatchObject({ status: 'ready', rules_refused: 0 });
  });
});
