// `logagg serve` with the API on its worker thread: the built CLI against a real broker and a
// real SQLite file. The API answers while ingest stores a backlog; rules go through the main
// thread; start-up failures end serve as before; a dead API thread ends serve with exit 1.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { countRows, runCli, startCli, waitFor, type CliProcess } from '../../helpers/cli.js';
import { createTopic, describeKafka, produce, requireKafka, uniqueTopic } from '../../helpers/kafka.js';
import { deferCleanup, tempDir } from '../../helpers/temp.js';
import { admin, analyst, serveEnv, token, viewer } from '../harness.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));


interface LogLine {
  msg: string;
  level: string;
  url?: string;
  [k: string]: unknown;
}

const logs = (cli: CliProcess): LogLine[] =>
  cli
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

async function apiUrl(cli: CliProcess): Promise<string> {
  await waitFor('API listening', () => logs(cli).some((l) => l.msg === 'API listening') || cli.proc.exitCode !== null, 30_000, 50);
  const url = logs(cli).find((l) => l.msg === 'API listening')?.url;
  if (!url) throw new Error(`serve did not start:\n${cli.output().slice(-3000)}`);
  return url;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

describeKafka('serve: the API on its thread beside ingest (real broker)', () => {
  test('the API answers while ingest stores a backlog; /rules enable and disable through the ingest side', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('api-thread');
    await createTopic(brokers, topic, 1);
    const N = 150_000;
    const now = Date.now();
    await produce(
      brokers,
      topic,
      Array.from({ length: N }, (_, i) => JSON.stringify({ timestamp: new Date(now - (N - i) * 10).toISOString(), host: `web-${i % 50}`, cpu_usage: 10 + (i % 50), message: `backlog request ${i} served in ${i % 997} ms` })),
    );
    const db = path.join(tempDir('logagg-api-thread-'), 'logagg.db');
    const cli = startCli(
      ['serve'],
      serveEnv(db, { LOGAGG_KAFKA_ENABLED: 'true', LOGAGG_KAFKA_BROKERS: brokers, LOGAGG_KAFKA_TOPICS: topic, LOGAGG_KAFKA_GROUP_ID: `g-${topic}` }),
    );
    const url = await apiUrl(cli);
    const headers = { Authorization: `Bearer ${viewer()}` };

    // While the backlog is stored (batches of up to 5,000 events on the main thread), the API
    // thread keeps answering: one request after another, timed.
    const ms: number[] = [];
    let during = 0;
    while (countRows(db) < N) {
      const stored = countRows(db);
      const t0 = performance.now();
      const r = await fetch(`${url}/api/v1/logs?limit=20`, { headers });
      await r.arrayBuffer();
      ms.push(performance.now() - t0);
      expect(r.status).toBe(200);
      if (stored > 0) during++;
      if (ms.length > 20_000) break;
    }
    expect(countRows(db)).toBe(N);
    const sorted = [...ms].sort((a, b) => a - b);
    console.info(`API under ingest: ${ms.length} requests (${during} while rows were being stored), p50 ${quantile(sorted, 0.5).toFixed(1)} ms, p99 ${quantile(sorted, 0.99).toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms`);
    expect(during).toBeGreaterThan(20);
    // In one event loop a request waited for a whole batch commit (~70 ms of 5,000 events): the
    // median request here must not.
    expect(quantile(sorted, 0.5)).toBeLessThan(50);

    const rules = await (await fetch(`${url}/api/v1/rules`, { headers: { Authorization: `Bearer ${analyst()}` } })).json();
    expect(rules.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'cpu-high', enabled: true })]));
    const patch = (enabled: boolean) =>
      fetch(`${url}/api/v1/rules/cpu-high`, { method: 'PATCH', headers: { Authorization: `Bearer ${admin()}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ enabled }) });
    const off = await patch(false);
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({ id: 'cpu-high', enabled: false });
    expect(countRows(db, "SELECT count(*) FROM rule_overrides WHERE rule_id = 'cpu-high' AND enabled = 0")).toBe(1);
    expect((await (await fetch(`${url}/api/v1/rules`, { headers: { Authorization: `Bearer ${analyst()}` } })).json()).items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'cpu-high', enabled: false })]),
    );
    expect((await patch(true)).status).toBe(200);

    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    const msgs = logs(cli).map((l) => l.msg);
    expect(msgs.indexOf('stopped')).toBeGreaterThan(msgs.indexOf('stopping (send the signal again to exit at once)'));
  }, 180_000);
});

describe('serve: start-up and failure of the API thread', () => {
  test('POST /api/v1/ingest through the API thread is stored by the writer', async () => {
    const db = path.join(tempDir(), 'logagg.db');
    const cli = startCli(['serve'], serveEnv(db, { LOGAGG_LISTENERS_HTTP_ENABLED: 'true' }));
    const url = await apiUrl(cli);
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token({ roles: ['ingest'], sub: 'shipper' })}`, 'Content-Type': 'application/x-ndjson' },
      body: ['{"host":"edge-1","message":"threadmarker one"}', '{"host":"edge-1","message":"threadmarker two"}'].join('\n'),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stored: 2, duplicates: 0, parse_errors: 0 });
    expect(countRows(db, "SELECT count(*) FROM logs WHERE message LIKE 'threadmarker%'")).toBe(2);
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  test('the API port in use: serve stops with exit code 1 and the error of listen()', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    deferCleanup(() => new Promise<void>((r) => blocker.close(() => r())));
    const port = (blocker.address() as { port: number }).port;
    const r = await runCli(['serve'], serveEnv(path.join(tempDir(), 'logagg.db'), { LOGAGG_API_PORT: String(port) }));
    expect(r.code, r.output).toBe(1);
    expect(r.output).toContain(`logagg: unexpected error: Error: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
  });

  test('an unreadable TLS certificate: serve stops with exit code 2 naming the key', async () => {
    const missing = path.join(tempDir(), 'cert.pem');
    const r = await runCli(['serve'], serveEnv(path.join(tempDir(), 'logagg.db'), { LOGAGG_API_TLS_CERT_FILE: missing, LOGAGG_API_TLS_KEY_FILE: missing }));
    expect(r.code, r.output).toBe(2);
    expect(r.output).toContain(`logagg: invalid configuration:\n  api.tls.cert_file: cannot read ${missing}: ENOENT`);
  });

  test('the API thread dies: serve logs it, stops ingest and exits 1', async () => {
    const dir = tempDir();
    const trigger = path.join(dir, 'crash-now');
    const cli = startCli(
      ['serve'],
      serveEnv(path.join(dir, 'logagg.db'), { NODE_OPTIONS: `--import ${path.join(HERE, 'fixtures/crash-api-thread.mjs')}`, TEST_CRASH_API_THREAD_FILE: trigger }),
    );
    const url = await apiUrl(cli);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    writeFileSync(trigger, '');
    const { code } = await cli.exited;
    expect(code, cli.output()).toBe(1);
    expect(logs(cli).find((l) => l.level === 'error')).toMatchObject({ msg: 'the API thread failed; stopping', err: 'injected failure of the API thread' });
    expect(logs(cli).some((l) => l.msg === 'stopped')).toBe(true);
    expect(cli.output()).toContain('logagg: the API thread failed (injected failure of the API thread); logagg serve stopped');
  });
});
