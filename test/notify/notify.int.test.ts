// The done criterion of notifications, end to end: a HIGH alert raised from a Kafka message by
// the built `logagg serve` reaches a webhook, a Slack-shaped and a PagerDuty-shaped endpoint (real
// HTTP servers on 127.0.0.1) exactly as docs/notify.md documents; serve is killed (SIGKILL)
// while PagerDuty holds the request and restarted: every endpoint ends with the trigger, at
// most one duplicate, none lost; resolving the alert through the API (PATCH /alerts/:id)
// resolves it at every endpoint.
import path from 'node:path';
import { expect, test } from 'vitest';
import { SECRET, token } from '../api/harness.js';
import { countRows, startCli, waitFor, type CliProcess } from '../helpers/cli.js';
import { createTopic, describeKafka, produce, requireKafka, uniqueTopic } from '../helpers/kafka.js';
import { tempDir } from '../helpers/temp.js';
import { startEndpoint, type Received } from './endpoint.js';

const ROUTING_KEY = 'R0UTINGKEY0E2E0SECRET0123456789ab';

interface LogLine {
  msg: string;
  url?: string;
  [k: string]: unknown;
}

function logLines(cli: CliProcess): LogLine[] {
  return cli
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

async function apiUrl(cli: CliProcess): Promise<string> {
  await waitFor('API listening', () => logLines(cli).some((l) => l.msg === 'API listening') || cli.proc.exitCode !== null, 60_000, 50);
  const url = logLines(cli).find((l) => l.msg === 'API listening')?.url;
  if (!url) throw new Error(`serve did not start:\n${cli.output().slice(-3000)}`);
  return url;
}

const triggers = (rs: Received[]) => rs.filter((r) => r.json?.kind === 'trigger' || r.json?.event_action === 'trigger' || /^:rotating_light:/.test(r.json?.text ?? ''));
const resolves = (rs: Received[]) => rs.filter((r) => r.json?.kind === 'resolve' || r.json?.event_action === 'resolve' || /^:white_check_mark:/.test(r.json?.text ?? ''));

describeKafka('alert notifications from the appliance (real broker, real SQLite, real HTTP endpoints)', () => {
  test('HIGH alert from Kafka -> webhook, Slack, PagerDuty; survives kill -9 mid-delivery; resolved through the API', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('notify-e2e');
    await createTopic(brokers, topic, 1);
    const [hook, chat, pager] = [await startEndpoint(), await startEndpoint(), await startEndpoint()];
    const db = path.join(tempDir(), 'logagg.db');
    const env = {
      LOGAGG_KAFKA_BROKERS: brokers,
      LOGAGG_KAFKA_TOPICS: topic,
      LOGAGG_KAFKA_GROUP_ID: `g-${topic}`,
      LOGAGG_KAFKA_BATCH_LINGER: '50ms',
      // A killed member stays in the group until its session times out: keep that short.
      LOGAGG_KAFKA_SESSION_TIMEOUT: '6s',
      LOGAGG_KAFKA_HEARTBEAT_INTERVAL: '1s',
      LOGAGG_STORAGE_PATH: db,
      LOGAGG_RETENTION_DAYS: '0',
      LOGAGG_LOG_FORMAT: 'json',
      LOGAGG_API_PORT: '0',
      LOGAGG_API_AUTH_SECRET: SECRET,
      LOGAGG_NOTIFY_DASHBOARD_URL: 'https://logagg.example.com',
      LOGAGG_NOTIFY_CHANNELS: JSON.stringify({
        hook: { type: 'webhook', url_env: 'E2E_HOOK_URL', headers_env: { Authorization: 'E2E_HOOK_AUTH' } },
        chat: { type: 'slack', url_env: 'E2E_SLACK_URL' },
        pager: { type: 'pagerduty', url: pager.url, routing_key_env: 'E2E_PD_KEY' },
      }),
      LOGAGG_NOTIFY_ROUTES: JSON.stringify([{ channels: ['hook', 'chat', 'pager'], min_severity: 'HIGH', rules: ['cpu-high'] }]),
      LOGAGG_NOTIFY_SENDER_POLL_INTERVAL: '100ms',
      LOGAGG_NOTIFY_SENDER_BACKOFF_INITIAL: '200ms',
      E2E_HOOK_URL: hook.url,
      E2E_HOOK_AUTH: 'Bearer E2EHOOKSECRET',
      E2E_SLACK_URL: chat.url,
      E2E_PD_KEY: ROUTING_KEY,
    };

    // PagerDuty's first request: kill the appliance before it hears the answer.
    let cli = startCli(['serve'], env);
    let killedMidDelivery = false;
    pager.respond(async (_r, n) => {
      if (n === 0) {
        killedMidDelivery = true;
        cli.proc.kill('SIGKILL');
        await cli.exited;
      }
      return { status: 202, headers: { 'Content-Type': 'application/json' }, body: '{"status":"success","message":"Event processed"}' };
    });
    await apiUrl(cli);
    await produce(brokers, topic, [JSON.stringify({ timestamp: '2025-01-15T12:00:00Z', host: 'WEB-01', cpu_usage: 97.5, memory_usage: { used: 1, total: 2, percentage: 50 } })]);

    await pager.waitFor(1, 60_000);
    expect((await cli.exited).signal).toBe('SIGKILL');
    expect(killedMidDelivery).toBe(true);
    expect(countRows(db, "SELECT count(*) FROM notify_outbox WHERE channel = 'pager' AND state = 'pending'")).toBe(1);

    cli = startCli(['serve'], env);
    const url = await apiUrl(cli);
    await waitFor('every trigger delivered', () => countRows(db, "SELECT count(*) FROM notify_outbox WHERE state = 'sent'") === 3, 60_000).catch((e: Error) => {
      throw new Error(`${e.message}; the appliance said:\n${cli.output().slice(-3000)}`);
    });
    expect(countRows(db, 'SELECT count(*) FROM alerts')).toBe(1); // the message was not read twice
    expect(countRows(db)).toBe(1);

    // Exactly as documented (docs/notify.md).
    expect(triggers(pager.received)).toHaveLength(2); // killed between send and record: one duplicate
    const [pd1, pd2] = pager.received;
    expect(pd2!.body).toBe(pd1!.body);
    expect(pd1!.json).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'cpu-high|web-01',
      payload: { summary: '[HIGH] CPU 97.5% on web-01', source: 'web-01', severity: 'error', class: 'cpu-high', custom_details: { alert_id: 1, count: 1, notification: 'trigger' } },
      client: 'logagg',
      client_url: 'https://logagg.example.com/alerts/1',
    });
    for (const ep of [hook, chat]) {
      expect(triggers(ep.received).length).toBeGreaterThanOrEqual(1);
      expect(triggers(ep.received).length).toBeLessThanOrEqual(2);
    }
    const wh = hook.received[0]!;
    expect(wh.headers.authorization).toBe('Bearer E2EHOOKSECRET');
    expect(wh.json).toMatchObject({
      kind: 'trigger',
      link: 'https://logagg.example.com/alerts/1',
      alert: { id: 1, rule_id: 'cpu-high', severity: 'HIGH', host: 'web-01', count: 1, state: 'open', dedup_key: 'cpu-high|web-01', first_seen: '2025-01-15T12:00:00.000Z' },
    });
    expect(wh.headers['idempotency-key']).toBe(String(wh.json.outbox_id));
    expect(new Set(hook.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(chat.received[0]!.json.text).toBe(':rotating_light: Alert: [HIGH] CPU 97.5% on web-01 (rule cpu-high, count 1)');

    // Resolved in logagg, through the API: each endpoint hears it.
    const patch = await fetch(`${url}/api/v1/alerts/1`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token({ roles: ['analyst'], sub: 'ana' })}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ state: 'resolved', comment: 'load shed' }),
    });
    expect(patch.status).toBe(200);
    await waitFor('every resolve delivered', () => resolves(hook.received).length + resolves(chat.received).length + resolves(pager.received).length === 3, 30_000);
    expect(resolves(pager.received)[0]!.json).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'cpu-high|web-01' });
    expect(resolves(hook.received)[0]!.json).toMatchObject({ kind: 'resolve', alert: { state: 'resolved', state_changed_by: 'ana', comment: 'load shed' } });
    expect(resolves(chat.received)[0]!.json.text).toMatch(/^:white_check_mark: Resolved: \[HIGH\] CPU 97\.5% on web-01 by ana/);

    // The API shows the deliveries; /metrics counts them; no secret reached the log.
    const admin = token({ roles: ['admin'] });
    const list = (await (await fetch(`${url}/api/v1/notifications`, { headers: { Authorization: `Bearer ${admin}` } })).json()) as { items: { state: string; kind: string }[]; channels: { channel: string; sent: number; failed: number; pending: number }[] };
    expect(list.items.map((d) => `${d.kind}:${d.state}`).sort()).toEqual(['resolve:sent', 'resolve:sent', 'resolve:sent', 'trigger:sent', 'trigger:sent', 'trigger:sent']);
    expect(list.channels.map((c) => [c.channel, c.sent, c.failed, c.pending])).toEqual([
      ['chat', 2, 0, 0],
      ['hook', 2, 0, 0],
      ['pager', 2, 0, 0],
    ]);
    const metrics = await (await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${admin}` } })).text();
    expect(metrics).toMatch(/^logagg_notifications_sent_total\{channel="pager"\} 2$/m);
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    for (const secret of [hook.url, chat.url, pager.url, ROUTING_KEY, 'E2EHOOKSECRET', '/services/T0SECRET']) expect(cli.output()).not.toContain(secret);
  }, 180_000);
});
