// The sender against real HTTP endpoints on 127.0.0.1 and a real SQLite file: what each channel
// receives, retries (500, 429 + Retry-After), giving up, order per alert, shutdown, a store
// that refuses to record, and secrets kept out of logs and errors.
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { NotifySender, type SenderSettings } from '../../src/notify/sender.js';
import type { Channel } from '../../src/notify/transports.js';
import type { Store } from '../../src/store/store.js';
import { deferCleanup } from '../helpers/temp.js';
import { openTemp } from '../store/fixtures.js';
import { startEndpoint, SECRET_PATH, type Endpoint } from './endpoint.js';
import { batch, finding, outbox, SETTINGS, transitionAlert } from './store-fixtures.js';

const ROUTING_KEY = 'R0UTINGKEY0SECRET0123456789abcdef';
const FAST: SenderSettings = { pollIntervalMs: 20, batch: 50, timeoutMs: 2000, retry: { initialMs: 40, maxMs: 200, giveUpAfterMs: 60_000 }, keepMs: 86_400_000 };

function start(store: Store, channels: Channel[], settings: Partial<SenderSettings> = {}, dashboardUrl: string | null = 'https://dash.example.com') {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(l) });
  const sender = new NotifySender({ store, channels, settings: { ...FAST, ...settings }, dashboardUrl, logger });
  sender.start();
  deferCleanup(() => sender.stop());
  return { sender, lines };
}

const hook = (ep: Endpoint): Channel => ({ type: 'webhook', name: 'hook', url: ep.url, method: 'POST', headers: { Authorization: 'Bearer HEADERSECRET123' }, template: null, contentType: 'application/json' });
const chat = (ep: Endpoint): Channel => ({ type: 'slack', name: 'chat', url: ep.url });
const pager = (ep: Endpoint): Channel => ({ type: 'pagerduty', name: 'pager', url: ep.url, routingKey: ROUTING_KEY });

async function until(what: string, fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const states = (s: Store) => s.db.prepare('SELECT channel, kind, state, attempts, last_status, last_error FROM notify_outbox ORDER BY id').all() as Record<string, unknown>[];
const allSent = (s: Store) => () => states(s).every((r) => r.state === 'sent');

describe('delivery to each channel', () => {
  test('one HIGH alert reaches webhook, Slack and PagerDuty as documented, and each row is marked sent', async () => {
    const s = openTemp();
    const [h, c, p] = [await startEndpoint(), await startEndpoint(), await startEndpoint()];
    p.respond(() => ({ status: 202, body: '{"status":"success"}' }));
    batch(s, [finding()], Date.now());
    start(s, [hook(h), chat(c), pager(p)]);
    await until('all sent', allSent(s));
    const [wh] = h.received;
    expect(wh!.path).toBe(SECRET_PATH);
    expect(wh!.headers['idempotency-key']).toBe('1');
    expect(wh!.headers.authorization).toBe('Bearer HEADERSECRET123');
    expect(wh!.json).toMatchObject({ outbox_id: 1, kind: 'trigger', link: 'https://dash.example.com/alerts/1', alert: { id: 1, severity: 'HIGH', host: 'web-01', rule_id: 'cpu-high' } });
    expect(c.received[0]!.json.text).toMatch(/^:rotating_light: Alert: \[HIGH\] cpu-high on web-01/);
    expect(c.received[0]!.json.blocks[2].elements[0].text).toBe('<https://dash.example.com/alerts/1|Open alert #1 in logagg>');
    expect(p.received[0]!.json).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger', dedup_key: 'cpu-high|web-01', payload: { severity: 'error', source: 'web-01' } });
    expect(states(s).map((r) => [r.channel, r.state, r.attempts, r.last_status])).toEqual([
      ['hook', 'sent', 1, 200],
      ['chat', 'sent', 1, 200],
      ['pager', 'sent', 1, 202],
    ]);
    expect(s.db.prepare('SELECT channel, sent, failed, retries FROM notify_stats ORDER BY channel').all()).toEqual([
      { channel: 'chat', sent: 1, failed: 0, retries: 0 },
      { channel: 'hook', sent: 1, failed: 0, retries: 0 },
      { channel: 'pager', sent: 1, failed: 0, retries: 0 },
    ]);
  });

  test('resolved in logagg: a resolve follows, after the trigger, on every channel', async () => {
    const s = openTemp();
    const [h, c, p] = [await startEndpoint(), await startEndpoint(), await startEndpoint()];
    batch(s, [finding()], Date.now());
    transitionAlert(s, 1, { state: 'resolved', by: 'ana', at: Date.now(), comment: 'rebooted' });
    start(s, [hook(h), chat(c), pager(p)]);
    await until('all sent', allSent(s));
    expect(h.received.map((r) => r.json.kind)).toEqual(['trigger', 'resolve']);
    expect(h.received[1]!.json.alert).toMatchObject({ state: 'resolved', state_changed_by: 'ana', comment: 'rebooted' });
    expect(c.received[1]!.json.text).toMatch(/^:white_check_mark: Resolved: .* by ana/);
    expect(p.received.map((r) => r.json)).toEqual([expect.objectContaining({ event_action: 'trigger' }), { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'cpu-high|web-01' }]);
  });
});

describe('retries', () => {
  test('500 then 200: retried after the backoff with the same idempotency key; recorded as one retry', async () => {
    const s = openTemp();
    const h = await startEndpoint();
    h.respond((_r, n) => (n === 0 ? { status: 500, body: 'boom' } : { status: 200 }));
    batch(s, [finding()], Date.now(), { ...SETTINGS, channels: ['hook'] });
    start(s, [hook(h)]);
    await until('sent', allSent(s));
    expect(h.received).toHaveLength(2);
    expect(h.received.map((r) => r.headers['idempotency-key'])).toEqual(['1', '1']);
    expect(h.received[1]!.body).toBe(h.received[0]!.body);
    expect(h.received[1]!.at - h.received[0]!.at).toBeGreaterThanOrEqual(20); // half of the 40 ms first delay, at least
    expect(states(s)).toEqual([{ channel: 'hook', kind: 'trigger', state: 'sent', attempts: 2, last_status: 200, last_error: 'HTTP 500: boom' }]);
    expect(s.db.prepare('SELECT retries FROM notify_stats').pluck().get()).toBe(1);
  });

  test.each([
    ['seconds', () => '1'],
    ['an HTTP date', () => new Date(Date.now() + 2000).toUTCString()],
  ])('429 with Retry-After as %s: not retried before it says', async (_n, retryAfter) => {
    const s = openTemp();
    const p = await startEndpoint();
    p.respond((_r, n) => (n === 0 ? { status: 429, headers: { 'Retry-After': retryAfter() } } : { status: 202 }));
    batch(s, [finding()], Date.now(), { ...SETTINGS, channels: ['pager'] });
    start(s, [pager(p)]);
    await until('sent', allSent(s));
    expect(p.received).toHaveLength(2);
    // An HTTP date has one-second resolution: "in 2 s" may be as little as 1.001 s away.
    expect(p.received[1]!.at - p.received[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  test('503 with Retry-After beyond the give-up time: given up at once rather than retried early', async () => {
    const s = openTemp();
    const h = await startEndpoint();
    h.respond(() => ({ status: 503, headers: { 'Retry-After': '3600' } }));
    batch(s, [finding()], Date.now(), { ...SETTINGS, channels: ['hook'] });
    start(s, [hook(h)], { retry: { initialMs: 40, maxMs: 200, giveUpAfterMs: 60_000 } });
    await until('failed', () => states(s)[0]!.state === 'failed');
    expect(h.received).toHaveLength(1);
    expect(states(s)[0]!.last_error).toMatch(/^HTTP 503; gave up after 1 attempt/);
  });

  test('an endpoint that keeps failing is given up after give_up_after, recorded, and left alone', async () => {
    const s = openTemp();
    const h = await startEndpoint();
    h.respond(() => ({ status: 502, body: 'bad gateway' }));
    const created = Date.now();
    batch(s, [finding()], created, { ...SETTINGS, channels: ['hook'] });
    const { lines } = start(s, [hook(h)], { retry: { initialMs: 30, maxMs: 60, giveUpAfterMs: 400 } });
    await until('failed', () => states(s)[0]!.state === 'failed');
    const row = s.db.prepare('SELECT attempts, finished_at, last_error, last_status FROM notify_outbox').get() as Record<string, number | string>;
    expect(row.last_status).toBe(502);
    expect(row.last_error).toMatch(/^HTTP 502: bad gateway; gave up after \d+ attempts over \d+ ms \(notify.sender.give_up_after\)$/);
    expect(row.attempts).toBe(h.received.length);
    expect(h.received.length).toBeGreaterThanOrEqual(4);
    expect(Number(row.finished_at) - created).toBeGreaterThanOrEqual(400);
    expect(Number(row.finished_at) - created).toBeLessThan(2000);
    const n = h.received.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(h.received.length).toBe(n);
    expect(s.db.prepare('SELECT failed, retries FROM notify_stats').get()).toEqual({ failed: 1, retries: n - 1 });
    expect(lines.filter((l) => JSON.parse(l).msg === 'notification given up')).toHaveLength(1);
  });

  test('a 4xx refusal is final: one request, failed', async () => {
    const s = openTemp();
    const p = await startEndpoint();
    p.respond(() => ({ status: 400, body: '{"status":"invalid event","message":"Event object is invalid"}' }));
    batch(s, [finding()], Date.now(), { ...SETTINGS, channels: ['pager'] });
    start(s, [pager(p)]);
    await until('failed', () => states(s)[0]!.state === 'failed');
    expect(p.received).toHaveLength(1);
    expect(states(s)[0]!.last_error).toBe('HTTP 400: {"status":"invalid event","message":"Event object is invalid"}; the endpoint refused it (not retried)');
  });

  test('a resolve is not sent while its trigger backs off; one channel down does not hold the others', async () => {
    const s = openTemp();
    const [h, c] = [await startEndpoint(), await startEndpoint()];
    let down = true;
    h.respond(() => (down ? { status: 500 } : { status: 200 }));
    batch(s, [finding()], Date.now(), { ...SETTINGS, channels: ['hook', 'chat'] });
    transitionAlert(s, 1, { state: 'resolved', by: 'ana', at: Date.now(), comment: null });
    start(s, [hook(h), chat(c)]);
    await c.waitFor(2);
    expect(c.received.map((r) => r.json.text.split(' ')[1])).toEqual(['Alert:', 'Resolved:']);
    expect(h.received.every((r) => r.json.kind === 'trigger')).toBe(true);
    down = false;
    await until('all sent', allSent(s));
    expect(h.received.map((r) => r.json.kind).filter((k, i, a) => a.indexOf(k) === i)).toEqual(['trigger', 'resolve']);
    expect(h.received.at(-1)!.json.kind).toBe('resolve');
  });
});

describe('failures of the sender itself', () => {
  test('stop() cancels a request the endpoint does not answer; the row stays pending, no attempt counted', async () => {
    const s = openTemp();
    const h = await startEndpoint();
    h.respond(() => new Promise(() => undefined));
    batch(s, [finding()], Date.now(), { ...SETTINGS, channels: ['hook'] });
    const { sender, lines } = start(s, [hook(h)], { timeoutMs: 60_000 });
    await h.waitFor(1);
    const t = Date.now();
    await sender.stop();
    expect(Date.now() - t).toBeLessThan(4000);
    expect(states(s)[0]).toMatchObject({ state: 'pending', attempts: 0 });
    expect(lines.some((l) => /cancelled by shutdown/.test(l))).toBe(true);
  });

  test('the store refuses to record a 2xx (locked): the outcome is recorded later and nothing is sent twice', async () => {
    const s = openTemp(undefined, { busyTimeoutMs: 20 });
    const h = await startEndpoint();
    const locker = new Database(s.path);
    deferCleanup(() => locker.close());
    h.respond(() => {
      locker.exec('BEGIN EXCLUSIVE');
      setTimeout(() => locker.exec('COMMIT'), 300);
      return { status: 200 };
    });
    batch(s, [finding()], Date.now(), { ...SETTINGS, channels: ['hook'] });
    const { lines } = start(s, [hook(h)]);
    await until('sent', allSent(s));
    await new Promise((r) => setTimeout(r, 100));
    expect(h.received).toHaveLength(1);
    expect(lines.some((l) => /could not record a notification outcome/.test(l))).toBe(true);
  });

  test('rows for channels no longer configured are recorded as failed at start', async () => {
    const s = openTemp();
    const h = await startEndpoint();
    batch(s, [finding()], Date.now(), { ...SETTINGS, channels: ['hook', 'gone'] });
    start(s, [hook(h)]);
    await until('settled', () => states(s).every((r) => r.state !== 'pending'));
    expect(states(s).map((r) => [r.channel, r.state])).toEqual([
      ['hook', 'sent'],
      ['gone', 'failed'],
    ]);
  });
});

test('secrets (URLs, routing key, header values) appear in no log line and no recorded error', async () => {
  const s = openTemp();
  const [h, c, p] = [await startEndpoint(), await startEndpoint(), await startEndpoint()];
  // Endpoints that fail and echo what they were sent, and one that is not there at all.
  h.respond((r) => ({ status: 500, body: `you sent ${r.headers.authorization} to ${r.path}` }));
  p.respond((r) => ({ status: 400, body: `bad key ${r.json.routing_key} at ${p.url}` }));
  await c.close();
  batch(s, [finding()], Date.now());
  const { lines, sender } = start(s, [hook(h), chat(c), pager(p)], { retry: { initialMs: 20, maxMs: 40, giveUpAfterMs: 300 } });
  await until('all given up', () => states(s).every((r) => r.state === 'failed'));
  await sender.stop();
  const logged = lines.join('\n');
  const recorded = JSON.stringify(states(s));
  for (const secret of [h.url, c.url, p.url, SECRET_PATH, 'T0SECRET', ROUTING_KEY, 'HEADERSECRET123', String(new URL(h.url).port)]) {
    expect(logged, `log shows ${secret}`).not.toContain(secret);
    expect(recorded, `last_error shows ${secret}`).not.toContain(secret);
  }
  // …while still saying what went wrong.
  expect(recorded).toContain('HTTP 500: you sent *** to ***');
  expect(recorded).toContain('connection refused (ECONNREFUSED)');
  expect(recorded).toContain('HTTP 400: bad key *** at ***');
  expect(logged).toMatch(/"channel":"hook".*"outbox_id":1.*"alert_id":1/);
});

test('several alerts and kinds: the outbox drains in order and outcomes match what endpoints saw', async () => {
  const s = openTemp();
  const h = await startEndpoint();
  batch(s, [finding({ dedup_key: 'a', host: 'a' }), finding({ dedup_key: 'b', host: 'b' })], Date.now(), { ...SETTINGS, channels: ['hook'] });
  batch(s, [finding({ dedup_key: 'a', host: 'a', severity: 'CRITICAL' })], Date.now(), { ...SETTINGS, channels: ['hook'] });
  transitionAlert(s, 1, { state: 'resolved', by: 'x', at: Date.now(), comment: null });
  start(s, [hook(h)]);
  await until('all sent', allSent(s));
  expect(h.received.map((r) => [r.json.alert.id, r.json.kind])).toEqual([
    [1, 'trigger'],
    [2, 'trigger'],
    [1, 'escalate'],
    [1, 'resolve'],
  ]);
  expect(outbox(s).map((r) => r.id)).toEqual(h.received.map((r) => Number(r.headers['idempotency-key'])));
});
