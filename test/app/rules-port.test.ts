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

async function call(p: string, token: string, opts: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + p, {
    method: opts.method ?? 'GET',
    headers: { Authorization: `Bearer ${token}`, ...(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const body = await res.json();
  checker.check(opts.method ?? 'GET', new URL(server.url + p).pathname, res.status, res.headers.get('content-type') ?? '', body);
  return { status: res.status, body };
}

describe('rules through the API', () => {
  test('GET /rules lists the rules in force', async () => {
    const r = await call('/api/v1/rules', analyst());
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([
      {
        id: 'cpu-high',
        name: 'CPU high',
        kind: 'threshold',
        severity: 'HIGH',
        enabled: true,
        description: 'cpu above 90',
        tags: ['system'],
        stats: { hits: 0, alerts_opened: 0, suppressed: 0, last_hit: null },
        failures: 0,
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
