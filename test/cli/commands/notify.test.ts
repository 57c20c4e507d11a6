// `logagg notify test` and `logagg notify status`, run as the built CLI against real endpoints
// on 127.0.0.1 and a real database.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { dueRows, markFailed } from '../../../src/store/outbox-queue.js';
import { runCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import { startEndpoint } from '../../notify/endpoint.js';
import { batch, finding } from '../../notify/store-fixtures.js';
import { openTemp } from '../../store/fixtures.js';

const KEY = 'R0UTINGKEY0SECRET0123456789abcdef';

function channelsEnv(hookUrl: string, pagerUrl: string): Record<string, string> {
  return {
    LOGAGG_NOTIFY_CHANNELS: JSON.stringify({ hook: { type: 'webhook', url_env: 'HOOK_URL' }, pager: { type: 'pagerduty', url: pagerUrl, routing_key_env: 'PD_KEY' } }),
    HOOK_URL: hookUrl,
    PD_KEY: KEY,
    LOGAGG_LOG_LEVEL: 'warn',
  };
}

describe('logagg notify test', { timeout: 30_000 }, () => {
  test('sends a test message and says what the endpoint answered', async () => {
    const [h, p] = [await startEndpoint(), await startEndpoint()];
    const r = await runCli(['notify', 'test', 'hook'], channelsEnv(h.url, p.url));
    expect(r.output).toMatch(/^trigger sent to hook \(webhook\): HTTP 200 in \d+ ms\n$/);
    expect(r.code).toBe(0);
    const [got] = h.received;
    expect(got!.json).toMatchObject({ kind: 'trigger', alert: { rule_id: 'logagg.test', severity: 'LOW', title: 'Test notification from logagg' } });
    expect(got!.json.outbox_id).toBeLessThan(0);
    expect(got!.headers['idempotency-key']).toBe(String(got!.json.outbox_id));
  });

  test('--resolve follows the trigger with the matching resolve (PagerDuty: same dedup_key)', async () => {
    const [h, p] = [await startEndpoint(), await startEndpoint()];
    p.respond(() => ({ status: 202 }));
    const r = await runCli(['notify', 'test', 'pager', '--resolve'], channelsEnv(h.url, p.url));
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/trigger sent to pager \(pagerduty\): HTTP 202.*\nresolve sent to pager \(pagerduty\): HTTP 202/);
    expect(p.received.map((x) => x.json.event_action)).toEqual(['trigger', 'resolve']);
    expect(p.received[1]!.json.dedup_key).toBe(p.received[0]!.json.dedup_key);
    expect(p.received[0]!.json.routing_key).toBe(KEY);
  });

  test('a failing endpoint: exit 1 with the status, never the URL or the key', async () => {
    const [h, p] = [await startEndpoint(), await startEndpoint()];
    p.respond((req) => ({ status: 500, body: `cannot take key ${req.json.routing_key}` }));
    const r = await runCli(['notify', 'test', 'pager'], channelsEnv(h.url, p.url));
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/trigger to pager \(pagerduty\) failed: HTTP 500: cannot take key \*\*\*/);
    expect(r.output).not.toContain(KEY);
    expect(r.output).not.toContain(p.base);
  });

  test('an unknown channel is a usage error listing the configured ones', async () => {
    const r = await runCli(['notify', 'test', 'nope'], channelsEnv('http://127.0.0.1:1/x', 'http://127.0.0.1:1/y'));
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/no channel "nope" under notify.channels; configured: hook, pager/);
  });

  test('a missing secret stops it with the key named (exit 2)', async () => {
    const env = channelsEnv('http://127.0.0.1:1/x', 'http://127.0.0.1:1/y');
    delete (env as Record<string, string | undefined>).PD_KEY;
    const r = await runCli(['notify', 'test', 'hook'], env);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/notify\.channels\.pager\.routing_key_env: the environment variable PD_KEY is not set or empty/);
  });
});

describe('logagg notify status', { timeout: 30_000 }, () => {
  test('per channel counts from the database, configured channels included; table and JSON', async () => {
    const db = path.join(tempDir(), 'logagg.db');
    const s = openTemp(db);
    batch(s, [finding()], 1_700_000_000_000, { routes: [], channels: ['hook', 'chat'], policy: { renotifyAfterMs: null, escalate: true } });
    const [c] = dueRows(s, 'chat', 1_700_000_000_000, 1);
    markFailed(s, c!, 1_700_000_001_000, 'HTTP 404: gone', 404);
    const env = { ...channelsEnv('http://127.0.0.1:1/x', 'http://127.0.0.1:1/y') };
    const table = await runCli(['notify', 'status', '--db', db], env);
    expect(table.code).toBe(0);
    expect(table.output.split('\n').map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
      'CHANNEL PENDING SENT FAILED RETRIES OLDEST PENDING LAST FAILURE',
      'chat 0 0 1 0 - 2023-11-14T22:13:21.000Z HTTP 404: gone',
      'hook 1 0 0 0 2023-11-14T22:13:20.000Z -',
      'pager 0 0 0 0 - -',
      '',
    ]);
    const json = await runCli(['notify', 'status', '--db', db, '-o', 'json'], env);
    expect(JSON.parse(json.output).channels.map((x: { channel: string; pending: number }) => [x.channel, x.pending])).toEqual([
      ['chat', 0],
      ['hook', 1],
      ['pager', 0],
    ]);
  });
});
