// The delivery guarantee under kill -9: the sender runs in a child process (sender-child.mjs,
// over the built code) and is killed between the endpoint receiving a notification and the
// outbox recording it. Every notification arrives; at most one duplicate per kill, carrying the
// same idempotency key and the same body.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { deferCleanup } from '../helpers/temp.js';
import { openTemp } from '../store/fixtures.js';
import { startEndpoint, type Received } from './endpoint.js';
import { batch, finding, SETTINGS } from './store-fixtures.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sender-child.mjs');

function startChild(db: string, url: string): { proc: ChildProcess; exited: Promise<unknown>; output: () => string } {
  const proc = spawn(process.execPath, [CHILD, db, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  deferCleanup(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return { proc, exited, output: () => out };
}

async function until(what: string, fn: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const byKey = (received: Received[]): Map<string, Received[]> => {
  const m = new Map<string, Received[]>();
  for (const r of received) m.set(r.headers['idempotency-key']!, [...(m.get(r.headers['idempotency-key']!) ?? []), r]);
  return m;
};

test('killed after the endpoint got the notification, before the 2xx: sent exactly once more after the restart', async () => {
  const s = openTemp();
  const ep = await startEndpoint();
  batch(s, [finding()], Date.now(), { ...SETTINGS, channels: ['hook'] });
  let child = startChild(s.path, ep.url);
  ep.respond(async (_r, n) => {
    if (n === 0) {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    return { status: 200 };
  });
  await ep.waitFor(1, 20_000);
  expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
  expect(s.db.prepare('SELECT state FROM notify_outbox').pluck().get()).toBe('pending');

  child = startChild(s.path, ep.url);
  await until('sent', () => s.db.prepare('SELECT state FROM notify_outbox').pluck().get() === 'sent');
  await new Promise((r) => setTimeout(r, 300)); // a wrong sender would send again by now
  expect(ep.received).toHaveLength(2);
  expect(ep.received[1]!.headers['idempotency-key']).toBe(ep.received[0]!.headers['idempotency-key']);
  expect(ep.received[1]!.body).toBe(ep.received[0]!.body);
  expect(ep.received[1]!.json.outbox_id).toBe(1);
  child.proc.kill('SIGTERM');
  expect(await child.exited).toEqual({ code: 0, signal: null });
}, 60_000);

test('twenty notifications, killed twice mid-delivery (once before the 2xx, once right after it): all arrive, at most one duplicate per kill', async () => {
  const s = openTemp();
  const ep = await startEndpoint();
  const N = 20;
  batch(
    s,
    Array.from({ length: N }, (_, i) => finding({ dedup_key: `k${i}`, host: `h${i}` })),
    Date.now(),
    { ...SETTINGS, channels: ['hook'] },
  );
  let child = startChild(s.path, ep.url);
  let kills = 0;
  ep.respond(async (_r, n, res) => {
    if (n === 4) {
      // before the answer: the endpoint has it, the sender never learns
      kills++;
      child.proc.kill('SIGKILL');
      await child.exited;
    } else if (n === 12) {
      // right after the 2xx left: the sender may or may not have recorded it
      kills++;
      res.once('finish', () => child.proc.kill('SIGKILL'));
    }
    return { status: 200 };
  });
  const pending = () => Number(s.db.prepare("SELECT count(*) FROM notify_outbox WHERE state = 'pending'").pluck().get());
  for (let restart = 0; restart < 2; restart++) {
    const signal = await child.exited;
    expect(signal).toEqual({ code: null, signal: 'SIGKILL' });
    child = startChild(s.path, ep.url);
  }
  await until('all sent', () => pending() === 0);
  await new Promise((r) => setTimeout(r, 300));
  child.proc.kill('SIGTERM');
  await child.exited;

  expect(kills).toBe(2);
  const keys = byKey(ep.received);
  expect([...keys.keys()].map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
  const duplicated = [...keys.values()].filter((v) => v.length > 1);
  for (const d of duplicated) {
    expect(d).toHaveLength(2);
    expect(d[1]!.body).toBe(d[0]!.body);
  }
  // The kill before the answer always duplicates; the one after may or may not.
  expect(duplicated.length).toBeGreaterThanOrEqual(1);
  expect(duplicated.length).toBeLessThanOrEqual(kills);
  expect(ep.received.length).toBe(N + duplicated.length);
  expect(s.db.prepare("SELECT count(*) FROM notify_outbox WHERE state = 'sent'").pluck().get()).toBe(N);
}, 90_000);
