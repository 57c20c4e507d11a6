// Idempotency-Key on POST /api/v1/ingest in the real appliance: the built CLI (`logagg serve`,
// Kafka disabled) on loopback with a real SQLite file. A retry after a lost answer stores
// nothing and gets the first answer; so do concurrent copies and a retry after kill -9 and a
// restart; the same key with another body is 422; without a key nothing is de-duplicated.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiUrl, countRows, startCli, type CliProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { serveEnv, token } from './harness.js';

function env(db: string, extra: Record<string, string> = {}): Record<string, string> {
  return serveEnv(db, { LOGAGG_LISTENERS_HTTP_ENABLED: 'true', ...extra });
}

const shipper = token({ roles: ['ingest'], sub: 'shipper' });

function lines(tag: string, n: number): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ host: 'edge-1', message: `${tag} n${i}`, seq: i })).join('\n');
}

async function post(url: string, body: string, key?: string, type = 'application/x-ndjson') {
  const res = await fetch(`${url}/api/v1/ingest`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${shipper}`, 'Content-Type': type, ...(key === undefined ? {} : { 'Idempotency-Key': key }) },
    body,
  });
  return { status: res.status, replayed: res.headers.get('idempotent-replayed'), body: (await res.json()) as Record<string, unknown> };
}

describe('one running appliance', () => {
  let db: string;
  let cli: CliProcess;
  let url: string;

  beforeAll(async () => {
    db = path.join(tempDir('logagg-idem-'), 'logagg.db');
    cli = startCli(['serve'], env(db));
    url = await apiUrl(cli);
  });
  afterAll(async () => {
    cli.proc.kill('SIGTERM');
    await cli.exited;
  });

  test('a retry after the first answer gets that answer again and stores nothing', async () => {
    const before = countRows(db);
    const key = randomUUID();
    const first = await post(url, lines('retry', 50), key);
    expect(first).toEqual({ status: 200, replayed: null, body: { stored: 50, duplicates: 0, parse_errors: 0 } });
    const again = await post(url, lines('retry', 50), key);
    expect(again).toEqual({ status: 200, replayed: 'true', body: { stored: 50, duplicates: 0, parse_errors: 0 } });
    expect(countRows(db)).toBe(before + 50);
  });

  test('concurrent copies of one request: stored once, every copy gets the same answer', async () => {
    const before = countRows(db);
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(url, lines('concurrent', 40), key)));
    for (const a of answers) expect(a).toMatchObject({ status: 200, body: { stored: 40, duplicates: 0, parse_errors: 0 } });
    expect(answers.filter((a) => a.replayed === null)).toHaveLength(1);
    expect(countRows(db)).toBe(before + 40);
  });

  test.each([
    ['another body', lines('other', 3), 'application/x-ndjson'],
    ['the same bytes as another media type', lines('first', 3), 'text/plain'],
  ])('the same key with %s is 422 naming the header; nothing stored', async (_, body, type) => {
    const key = randomUUID();
    expect((await post(url, lines('first', 3), key)).status).toBe(200);
    const before = countRows(db);
    const r = await post(url, body, key, type);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ type: 'urn:logagg:problem:idempotency-key-reused', status: 422, param: 'Idempotency-Key' });
    expect(r.body.detail).toMatch(/different request body/);
    expect(countRows(db)).toBe(before);
  });

  test('without a key, the same body twice is stored twice (identical lines can be real events)', async () => {
    const before = countRows(db);
    expect((await post(url, lines('nokey', 5))).body).toEqual({ stored: 5, duplicates: 0, parse_errors: 0 });
    expect((await post(url, lines('nokey', 5))).body).toEqual({ stored: 5, duplicates: 0, parse_errors: 0 });
    expect(countRows(db)).toBe(before + 10);
  });

  test.each([['a key with spaces'], ['x'.repeat(256)], ['caf\u00e9'], ['']])('a malformed key %j is 400 naming the header, nothing stored', async (key) => {
    const before = countRows(db);
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${shipper}`, 'Content-Type': 'text/plain', 'Idempotency-Key': key },
      body: 'one line',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { param: string }).param).toBe('Idempotency-Key');
    expect(countRows(db)).toBe(before);
  });
});

test('kill -9 right after the 2xx, restart, retry: the stored answer, nothing stored twice', async () => {
  const db = path.join(tempDir('logagg-idem-kill-'), 'logagg.db');
  const key = randomUUID();
  let cli = startCli(['serve'], env(db));
  let url = await apiUrl(cli);
  const first = await post(url, lines('crash', 120), key);
  cli.proc.kill('SIGKILL');
  expect(first.body).toEqual({ stored: 120, duplicates: 0, parse_errors: 0 });
  expect((await cli.exited).signal).toBe('SIGKILL');

  cli = startCli(['serve'], env(db));
  url = await apiUrl(cli);
  const retry = await post(url, lines('crash', 120), key);
  expect(retry).toEqual({ status: 200, replayed: 'true', body: { stored: 120, duplicates: 0, parse_errors: 0 } });
  expect((await post(url, lines('crash-changed', 120), key)).status).toBe(422);
  cli.proc.kill('SIGTERM');
  expect((await cli.exited).code).toBe(0);
  expect(countRows(db)).toBe(120);
});

test('a key is remembered for listeners.http.idempotency_window, then the request is new again', async () => {
  const db = path.join(tempDir('logagg-idem-window-'), 'logagg.db');
  const cli = startCli(['serve'], env(db, { LOGAGG_LISTENERS_HTTP_IDEMPOTENCY_WINDOW: '1s' }));
  const url = await apiUrl(cli);
  const key = randomUUID();
  expect((await post(url, lines('window', 4), key)).replayed).toBeNull();
  expect((await post(url, lines('window', 4), key)).replayed).toBe('true');
  await new Promise((r) => setTimeout(r, 1200));
  const later = await post(url, lines('window', 4), key);
  expect(later).toEqual({ status: 200, replayed: null, body: { stored: 4, duplicates: 0, parse_errors: 0 } });
  cli.proc.kill('SIGTERM');
  await cli.exited;
  expect(countRows(db)).toBe(8);
});
