import { describe, expect, test } from 'vitest';
import { DeliveryError, httpSender, isRetryableStatus, parseRetryAfter, redact } from '../../src/notify/http-send.js';
import { startEndpoint, SECRET_PATH } from './endpoint.js';

const NOW = Date.parse('2025-01-15T12:00:00Z');

describe('parseRetryAfter', () => {
  test.each<[string | null, number | null]>([
    [null, null],
    ['', null],
    ['abc', null],
    ['-1', null],
    ['1.5', null],
    ['0', 0],
    ['7', 7000],
    [' 120 ', 120_000],
    ['Wed, 15 Jan 2025 12:00:30 GMT', 30_000],
    ['Wed, 15 Jan 2025 11:00:00 GMT', 0], // in the past: at once
    ['Wednesday, 15-Jan-25 12:01:00 GMT', 60_000], // RFC 850, obsolete but allowed
    ['Wed Jan 15 12:00:10 2025', 10_000], // asctime
    ['2025-01-15 junk', null],
  ])('%j -> %j', (v, want) => {
    expect(parseRetryAfter(v, NOW)).toBe(want);
  });
});

test.each<[number, boolean]>([
  [400, false],
  [401, false],
  [404, false],
  [408, true],
  [413, false],
  [425, true],
  [429, true],
  [500, true],
  [503, true],
  [301, false],
])('status %i retryable: %s', (status, want) => {
  expect(isRetryableStatus(status)).toBe(want);
});

describe('redact', () => {
  test.each<[string, string[], string]>([
    ['', ['secret'], ''],
    ['nothing to hide', ['secret'], 'nothing to hide'],
    ['key abcdef and abcdef again', ['abcdef'], 'key *** and *** again'],
    ['http://h/p/secret-path', ['http://h/p/secret-path', '/p/secret-path'], '***'],
    ['empty secrets are ignored', [''], 'empty secrets are ignored'],
  ])('%j', (text, secrets, want) => {
    expect(redact(text, secrets)).toBe(want);
  });
});

describe('httpSender against a real endpoint', () => {
  const req = { method: 'POST' as const, headers: { 'Content-Type': 'application/json', 'X-Test': 'yes' }, body: '{"a":1}' };

  test('2xx resolves with the status; the request arrives as sent', async () => {
    const ep = await startEndpoint();
    ep.respond(() => ({ status: 202 }));
    expect(await httpSender({ timeoutMs: 2000, secrets: [] }).send(ep.url, req)).toBe(202);
    expect(ep.received[0]).toMatchObject({ method: 'POST', path: SECRET_PATH, body: '{"a":1}', headers: { 'content-type': 'application/json', 'x-test': 'yes' } });
  });

  async function failure(reply: { status: number; headers?: Record<string, string>; body?: string }, secrets: string[] = []): Promise<DeliveryError> {
    const ep = await startEndpoint();
    ep.respond(() => reply);
    try {
      await httpSender({ timeoutMs: 2000, secrets: [ep.url, ...secrets], clock: () => NOW }).send(ep.url, req);
    } catch (e) {
      expect(e).toBeInstanceOf(DeliveryError);
      expect((e as Error).message).not.toContain(ep.base);
      return e as DeliveryError;
    }
    throw new Error('expected a DeliveryError');
  }

  test('500: retryable, with the status and the start of the body', async () => {
    const e = await failure({ status: 500, body: 'database   on\nfire' });
    expect(e).toMatchObject({ retryable: true, status: 500, retryAfterMs: null, message: 'HTTP 500: database on fire' });
  });

  test('429 with Retry-After seconds', async () => {
    expect(await failure({ status: 429, headers: { 'Retry-After': '3' } })).toMatchObject({ retryable: true, status: 429, retryAfterMs: 3000 });
  });

  test('503 with Retry-After as an HTTP date', async () => {
    expect(await failure({ status: 503, headers: { 'Retry-After': 'Wed, 15 Jan 2025 12:00:05 GMT' } })).toMatchObject({ retryable: true, retryAfterMs: 5000 });
  });

  test('400: final; an echoed secret is blanked out of the message', async () => {
    const e = await failure({ status: 400, body: 'invalid routing key R0UTINGKEY0123456789' }, ['R0UTINGKEY0123456789']);
    expect(e).toMatchObject({ retryable: false, status: 400, message: 'HTTP 400: invalid routing key ***' });
  });

  test('a redirect is not followed: final, and says so', async () => {
    const e = await failure({ status: 301, headers: { Location: 'http://127.0.0.1:1/elsewhere' } });
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/HTTP 301 \(redirects are not followed/);
  });

  test('a huge error body is cut', async () => {
    const e = await failure({ status: 502, body: 'x'.repeat(100_000) });
    expect(e.message.length).toBeLessThan(400);
  });

  test('connection refused: retryable, described by its code, no address', async () => {
    const ep = await startEndpoint();
    await ep.close();
    const err = await httpSender({ timeoutMs: 2000, secrets: [ep.url] })
      .send(ep.url, req)
      .catch((e: unknown) => e as DeliveryError);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ retryable: true, status: null, message: 'connection refused (ECONNREFUSED)' });
  });

  test('no answer within the timeout: retryable', async () => {
    const ep = await startEndpoint();
    ep.respond(() => new Promise(() => undefined));
    const err = await httpSender({ timeoutMs: 200, secrets: [] })
      .send(ep.url, req)
      .catch((e: unknown) => e as DeliveryError);
    expect(err).toMatchObject({ retryable: true, message: 'no answer within 200 ms' });
  });

  test('cancelled by the caller (shutdown)', async () => {
    const ep = await startEndpoint();
    ep.respond(() => new Promise(() => undefined));
    const ac = new AbortController();
    const p = httpSender({ timeoutMs: 5000, secrets: [], signal: ac.signal }).send(ep.url, req);
    await ep.waitFor(1);
    ac.abort();
    await expect(p).rejects.toMatchObject({ message: 'the request was cancelled (shutting down)' });
  });
});
