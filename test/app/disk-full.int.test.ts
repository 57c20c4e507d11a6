// A full disk under ingest, on a real small file system (a 24 MiB tmpfs mounted for the test;
// it needs root, as CI has): `logagg serve` takes HTTP ingest into a database on it, the disk is
// filled by another file while batches keep coming, ingest pauses without acknowledging
// anything, /readyz says why (503), the internal alert is written, the API keeps answering;
// the filler is removed and ingest resumes by itself. Every batch the client sent (each with
// an Idempotency-Key, retried on 503 as a client does) is stored exactly once.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiUrl, countRows, startCli, waitFor, type CliProcess } from '../helpers/cli.js';
import { serveEnv, token } from '../api/harness.js';

const shipper = token({ roles: ['ingest'], sub: 'shipper' });
const viewer = token({ roles: ['viewer'], sub: 'viewer' });
const LINES = 300;

let mnt: string;
let cli: CliProcess;
let url: string;
let db: string;

beforeAll(async () => {
  mnt = mkdtempSync(path.join(tmpdir(), 'logagg-diskfull-'));
  // Fails (does not skip) where the file system cannot be made: the test is about a real one.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mnt]);
  db = path.join(mnt, 'logagg.db');
  cli = startCli(
    ['serve'],
    serveEnv(db, {
      LOGAGG_LISTENERS_HTTP_ENABLED: 'true',
      LOGAGG_STORAGE_BALLAST_BYTES: '1MiB',
      LOGAGG_RETENTION_BUDGET_INTERVAL: '300ms',
      LOGAGG_STORAGE_CACHE_MB: '4',
    }),
  );
  url = await apiUrl(cli);
});

afterAll(async () => {
  cli?.proc.kill('SIGTERM');
  await cli?.exited;
  try {
    execFileSync('umount', [mnt]);
  } finally {
    rmSync(mnt, { recursive: true, force: true });
  }
});

function batch(n: number): string {
  return Array.from({ length: LINES }, (_, i) =>
    JSON.stringify({ host: 'edge-1', level: 'info', message: `batch ${n} line ${i} ` + 'x'.repeat(150) + ` ${randomUUID()}` }),
  ).join('\n');
}

/** Sends one batch until it is acknowledged: 503 (paused, timed out) is retried with the same key. */
async function sendUntilStored(n: number): Promise<number> {
  const key = randomUUID();
  const body = batch(n);
  for (;;) {
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${shipper}`, 'Content-Type': 'application/x-ndjson', 'Idempotency-Key': key },
      body,
    });
    const json = (await res.json()) as { stored?: number };
    if (res.status === 200) return json.stored ?? 0;
    expect(res.status).toBe(503);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function readyz(): Promise<{ status: number; body: { status: string; ingest_paused: { code: string; reason: string } | null } }> {
  const res = await fetch(`${url}/readyz`, { headers: { Authorization: `Bearer ${viewer}` } });
  return { status: res.status, body: (await res.json()) as never };
}

/** Every stored event's message, through the API (keyset pages). */
async function allMessages(): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ limit: '1000', ...(cursor === null ? {} : { cursor }) });
    const res = await fetch(`${url}/api/v1/logs?${q}`, { headers: { Authorization: `Bearer ${viewer}` } });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: { message: string }[]; next_cursor: string | null };
    for (const e of page.items) out.push(e.message);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return out;
}

/** Writes 1 MiB blocks into a file until the file system refuses (ENOSPC). */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(1024 * 1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

test('a full disk pauses ingest (readyz says why, alert written, API answers), and ingest resumes by itself with nothing lost or doubled', async () => {
  let acknowledged = await sendUntilStored(0);
  expect(acknowledged).toBe(LINES);
  expect((await readyz()).status).toBe(200);

  const filler = path.join(mnt, 'filler');
  fillDisk(filler);

  // Batches keep coming while the disk is full; the sender is not awaited here.
  let sent = 1;
  let stop = false;
  const sender = (async () => {
    while (!stop) acknowledged += await sendUntilStored(sent++);
  })();

  let paused: Awaited<ReturnType<typeof readyz>> | null = null;
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const r = await readyz();
    if (r.body.ingest_paused !== null) {
      paused = r;
      break;
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  expect(paused, 'readyz never reported the pause').not.toBeNull();
  expect(paused!.status).toBe(503);
  expect(paused!.body.status).toBe('not ready');
  expect(paused!.body.ingest_paused!.code).toMatch(/^SQLITE_(FULL|IOERR)/);
  // It holds while the disk stays full: the ballast's room is not spent on the next batches.
  const storedWhilePaused = countRows(db);
  await new Promise((r) => setTimeout(r, 1500));
  expect((await readyz()).status).toBe(503);
  expect(countRows(db)).toBe(storedWhilePaused);

  // The internal alert was written (with the ballast's room).
  await waitFor('the disk-full alert', () => countRows(db, "SELECT count(*) FROM alerts WHERE rule_id = 'logagg.disk-full'") === 1, 30_000);
  // The API keeps answering reads.
  const logs = await fetch(`${url}/api/v1/logs?limit=5`, { headers: { Authorization: `Bearer ${viewer}` } });
  expect(logs.status).toBe(200);
  // Nothing acknowledged beyond what is stored.
  expect(countRows(db)).toBeGreaterThanOrEqual(acknowledged);

  // Space returns: ingest resumes by itself.
  rmSync(filler);
  await waitFor('ingest to resume', () => acknowledged >= LINES * 3, 90_000);
  stop = true;
  await sender;
  let ready = await readyz();
  for (let i = 0; i < 100 && ready.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    ready = await readyz();
  }
  expect(ready.status).toBe(200);
  expect(ready.body.ingest_paused).toBeNull();

  // Exactly once: every acknowledged line stored, none twice.
  expect(countRows(db)).toBe(acknowledged);
  const messages = await allMessages();
  expect(messages.length).toBe(acknowledged);
  expect(new Set(messages).size).toBe(acknowledged);
}, 180_000);
