// The appliance as a syslog server: the built CLI (`logagg serve`, Kafka disabled) with UDP and
// TCP listeners, util-linux `logger` as the sender. Events are stored and searchable through
// the API, a detection rule raises an alert, /metrics shows the listener counters.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';
import { SECRET, token } from '../api/harness.js';
import { startCli, waitFor } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const hasLogger = spawnSync('logger', ['--version']).status === 0;

interface LogLine {
  msg: string;
  url?: string;
  address?: string;
  [k: string]: unknown;
}

test.skipIf(!hasLogger)('logger to the syslog ports of `logagg serve`: stored, searchable, alerting, counted', async () => {
  const db = path.join(tempDir('logagg-serve-syslog-'), 'logagg.db');
  const cli = startCli(['serve'], {
    LOGAGG_KAFKA_ENABLED: 'false',
    LOGAGG_STORAGE_PATH: db,
    LOGAGG_API_PORT: '0',
    LOGAGG_API_AUTH_SECRET: SECRET,
    LOGAGG_LISTENERS_UDP_ENABLED: 'true',
    LOGAGG_LISTENERS_UDP_PORT: '0',
    LOGAGG_LISTENERS_TCP_ENABLED: 'true',
    LOGAGG_LISTENERS_TCP_PORT: '0',
    LOGAGG_LISTENERS_BATCH_LINGER: '20ms',
    LOGAGG_LOG_FORMAT: 'json',
    LOGAGG_RETENTION_DAYS: '0',
  });
  const logs = (): LogLine[] =>
    cli
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  await waitFor('API listening', () => logs().some((l) => l.msg === 'API listening') || cli.proc.exitCode !== null, 30_000, 50);
  const url = logs().find((l) => l.msg === 'API listening')?.url;
  if (!url) throw new Error(`serve did not start:\n${cli.output().slice(-3000)}`);
  const udp = logs().find((l) => l.msg === 'syslog UDP listening')!.address!.split(':')[1]!;
  const tcp = logs().find((l) => l.msg === 'syslog TCP listening')!.address!.split(':')[1]!;

  const send = (...args: string[]) => execFileSync('logger', ['--server', '127.0.0.1', ...args]);
  send('--port', udp, '--udp', '--rfc5424', '--tag', 'e2eapp', 'servemarker over udp 5424');
  send('--port', udp, '--udp', '--rfc3164', '--tag', 'e2eapp', 'servemarker over udp 3164');
  send('--port', tcp, '--tcp', '--octet-count', '--rfc5424', '--tag', 'e2eapp', 'servemarker over tcp octets');
  // 12 failed logins on one host within a minute: config/rules/auth.yaml failed-logins-host (MEDIUM).
  for (let i = 0; i < 12; i++) {
    send('--port', tcp, '--tcp', '--rfc3164', '--tag', 'sshd', '--id=4242', `Failed password for invalid user guest${i} from 198.51.100.${i} port 2222 ssh2`);
  }

  const viewer = token({ roles: ['viewer'] });
  const get = async (p: string) => {
    const r = await fetch(url + p, { headers: { Authorization: `Bearer ${viewer}` } });
    expect(r.status, p).toBe(200);
    return r.headers.get('content-type')?.includes('json') ? r.json() : r.text();
  };
  let found: { items: { format: string; source: { kind: string; topic: string }; process: string }[] } = { items: [] };
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    found = (await get('/api/v1/logs?q=servemarker&sort=asc')) as typeof found;
    if (found.items.length === 3) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(found.items.map((e) => [e.format, e.source.kind, e.source.topic, e.process]).sort()).toEqual([
    ['syslog3164', 'syslog-udp', 'syslog-udp', 'e2eapp'],
    ['syslog5424', 'syslog-tcp', 'syslog-tcp', 'e2eapp'],
    ['syslog5424', 'syslog-udp', 'syslog-udp', 'e2eapp'],
  ]);

  let alerts: { items: { rule_id: string; severity: string; count: number }[] } = { items: [] };
  const alertsUntil = Date.now() + 20_000;
  while (Date.now() < alertsUntil) {
    alerts = (await get('/api/v1/alerts')) as typeof alerts;
    if (alerts.items.some((a) => a.rule_id === 'failed-logins-host')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(alerts.items.find((a) => a.rule_id === 'failed-logins-host')).toMatchObject({ severity: 'MEDIUM' });

  const metrics = (await get('/metrics')) as string;
  expect(metrics).toMatch(/logagg_listener_received_total\{listener="syslog-udp",kind="syslog-udp"\} 2/);
  expect(metrics).toMatch(/logagg_listener_stored_total\{listener="syslog-tcp",kind="syslog-tcp"\} 13/);
  expect(metrics).toMatch(/logagg_listener_dropped_total\{listener="syslog-udp",kind="syslog-udp",reason="queue_full"\} 0/);

  cli.proc.kill('SIGTERM');
  expect((await cli.exited).code).toBe(0);
  expect(logs().find((l) => l.msg === 'listeners stopped')).toMatchObject({ stored: 15, not_stored: 0 });
});
