// Silences and maintenance windows through the whole appliance: the built `logagg serve` (HTTP
// ingest into the real pipeline, detection, the SQLite store, the notification outbox and its
// sender) with a real webhook receiver on 127.0.0.1. A rule firing during a silence (made with
// `logagg silence add` on the database beside the running serve) is stored, marked, and not
// notified; the same alert after the silence has run out is notified. A maintenance window
// from the config whose cron starts at the current minute mutes the same rule on its hosts.
import path from 'node:path';
import { expect, test } from 'vitest';
import { countRows, startCli, waitFor, type CliProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { serveEnv, token } from '../api/harness.js';
import { cli } from '../cli/fixtures.js';
import { startEndpoint, type Received } from '../notify/endpoint.js';

async function apiUrl(serve: CliProcess): Promise<string> {
  await waitFor('API listening', () => serve.output().includes('"msg":"API listening"') || serve.proc.exitCode !== null, 30_000, 50);
  const url = /"msg":"API listening".*?"url":"([^"]+)"/.exec(serve.output())?.[1];
  if (url === undefined) throw new Error(`serve did not start:\n${serve.output().slice(-3000)}`);
  return url;
}

const triggeredHosts = (rs: Received[]) => rs.filter((r) => r.json?.kind === 'trigger').map((r) => r.json.alert.host as string);

test('an alert during a silence is stored marked and not notified; after the silence it is; a window from config mutes too', async () => {
  const hook = await startEndpoint();
  const db = path.join(tempDir('logagg-silence-e2e-'), 'logagg.db');
  const now = new Date();
  // A daily window opening at this very minute (UTC) for 10 minutes: it covers the whole test.
  const window = { name: 'patching', cron: `${now.getUTCMinutes()} ${now.getUTCHours()} * * *`, duration: '10m', time_zone: 'UTC', hosts: ['maint-*'], comment: 'monthly patching' };
  const serve = startCli(
    ['serve'],
    serveEnv(db, {
      LOGAGG_LISTENERS_HTTP_ENABLED: 'true',
      LOGAGG_NOTIFY_CHANNELS: JSON.stringify({ hook: { type: 'webhook', url: hook.url } }),
      LOGAGG_NOTIFY_ROUTES: JSON.stringify([{ channels: ['hook'] }]),
      LOGAGG_NOTIFY_SENDER_POLL_INTERVAL: '100ms',
      LOGAGG_DETECTION_MAINTENANCE_WINDOWS: JSON.stringify([window]),
    }),
  );
  const url = await apiUrl(serve);
  const ingest = async (hosts: string[]) => {
    const body = hosts.map((host) => JSON.stringify({ timestamp: new Date().toISOString(), host, cpu_usage: 97.5 })).join('\n') + '\n';
    const res = await fetch(`${url}/api/v1/ingest`, { method: 'POST', headers: { Authorization: `Bearer ${token({ roles: ['ingest'], sub: 'shipper' })}`, 'Content-Type': 'application/x-ndjson' }, body });
    // 200: committed, with the alerts and the outbox rows they queued.
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const alerts = async () => {
    const res = await fetch(`${url}/api/v1/alerts?rule=cpu-high`, { headers: { Authorization: `Bearer ${token({ roles: ['viewer'] })}` } });
    const items = ((await res.json()) as { items: { id: number; host: string; count: number; silenced_by: string | null }[] }).items;
    return Object.fromEntries(items.map((a) => [a.host, a]));
  };

  // A silence of 5 s, from the command line, on the database the running serve writes.
  const add = await cli(['silence', 'add', '--db', db, '--rule', 'cpu-high', '--host', 'web-1', '--for', '5s', '--comment', 'reboot', '--by', 'ops', '-o', 'json']);
  expect(add.code, add.stderr).toBe(0);
  const silence = JSON.parse(add.stdout) as { id: number; ends_at: string };

  // web-1 (silenced), maint-1 (in the window) and web-2 (neither) cross the threshold.
  await ingest(['web-1', 'maint-1', 'web-2']);
  await hook.waitFor(1, 10_000);
  // The sender polls every 100 ms: a muted alert's notification, were there one, would be out by now.
  await new Promise((r) => setTimeout(r, 1000));
  expect(triggeredHosts(hook.received)).toEqual(['web-2']);
  expect(countRows(db, 'SELECT count(*) FROM notify_outbox')).toBe(1);
  const during = await alerts();
  expect(Object.keys(during).sort()).toEqual(['maint-1', 'web-1', 'web-2']);
  expect(during['web-1']).toMatchObject({ count: 1, silenced_by: `silence:${silence.id}` });
  expect(during['maint-1']).toMatchObject({ count: 1, silenced_by: 'window:patching' });
  expect(during['web-2']).toMatchObject({ count: 1, silenced_by: null });

  // The silence runs out by itself; the same alert fires again: folded into the stored one, notified.
  const ends = Date.parse(silence.ends_at);
  await new Promise((r) => setTimeout(r, Math.max(0, ends - Date.now() + 100)));
  const listed = await cli(['silence', 'list', '--db', db, '--all', '-o', 'json']);
  expect(JSON.parse(listed.stdout)).toMatchObject([{ id: silence.id, state: 'expired', expired_by: null }]);
  await ingest(['web-1', 'maint-1']);
  await hook.waitFor(2, 10_000);
  await new Promise((r) => setTimeout(r, 1000));
  expect(triggeredHosts(hook.received)).toEqual(['web-2', 'web-1']);
  const after = await alerts();
  expect(after['web-1']).toMatchObject({ id: during['web-1']!.id, count: 2, silenced_by: null });
  // The window is still open: maint-1 stays quiet.
  expect(after['maint-1']).toMatchObject({ id: during['maint-1']!.id, count: 2, silenced_by: 'window:patching' });
  expect(countRows(db, 'SELECT count(*) FROM notify_outbox')).toBe(2);
  expect(hook.received.find((r) => r.json?.alert?.host === 'web-1')!.json).toMatchObject({ kind: 'trigger', alert: { rule_id: 'cpu-high', host: 'web-1', count: 2 } });

  serve.proc.kill('SIGTERM');
  expect((await serve.exited).code).toBe(0);
}, 60_000);
