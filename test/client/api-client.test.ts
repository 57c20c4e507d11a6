// The --url client against real HTTP servers: a scripted one for the failure answers (429 with
// Retry-After, 503, 404, not JSON) and paging; the real API is in commands/query.test.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { apiBase, queryString, RemoteClient } from '../../src/client/api-client.js';
import { deferCleanup } from '../helpers/temp.js';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

async function server(handler: Handler): Promise<{ url: string; requests: URL[]; auth: (string | undefined)[] }> {
  const requests: URL[] = [];
  const auth: (string | undefined)[] = [];
  const s = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url);
    auth.push(req.headers.authorization);
    handler(req, res, url);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  deferCleanup(() => new Promise<void>((r) => s.close(() => r())));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, requests, auth };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': status < 400 ? 'application/json' : 'application/problem+json', ...headers });
  res.end(JSON.stringify(body));
};

describe('apiBase', () => {
  test.each<[string, string]>([
    ['http://h:8080', 'http://h:8080/api/v1'],
    ['http://h:8080/', 'http://h:8080/api/v1'],
    ['http://h:8080/api/v1', 'http://h:8080/api/v1'],
    ['https://h/api/v1/', 'https://h/api/v1'],
    ['https://h/logagg', 'https://h/logagg/api/v1'],
  ])('%s', (input, out) => {
    expect(apiBase(input)).toBe(out);
  });

  test.each([['not a url'], ['ftp://h'], ['http://h/?a=1'], ['']])('refused: %j (usage error)', (input) => {
    expect(() => apiBase(input)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

test('queryString: lists repeat the key, values are encoded, undefined left out', () => {
  expect(queryString({})).toBe('');
  expect(queryString({ host: ['a', 'b,c'], q: 'x y&z', from: undefined })).toBe('?host=a&host=b%2Cc&q=x+y%26z');
});

describe('RemoteClient', () => {
  test('429 is retried after Retry-After; the token is sent as a bearer token', async () => {
    let calls = 0;
    const s = await server((_req, res) => {
      calls++;
      if (calls < 3) json(res, 429, { type: 'urn:logagg:problem:rate-limited', detail: 'slow down' }, { 'retry-after': '0' });
      else json(res, 200, { items: [], next_cursor: null });
    });
    const c = new RemoteClient({ url: s.url, token: 'T0K' });
    expect(await c.get('/logs')).toEqual({ items: [], next_cursor: null });
    expect(calls).toBe(3);
    expect(s.auth).toEqual(['Bearer T0K', 'Bearer T0K', 'Bearer T0K']);
  });

  test('429 retried at most maxRetries times, then RATE_LIMITED', async () => {
    const s = await server((_req, res) => json(res, 429, { detail: 'no' }, { 'retry-after': '0' }));
    const c = new RemoteClient({ url: s.url, maxRetries: 2 });
    await expect(c.get('/logs')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(s.requests).toHaveLength(3);
  });

  test.each<[string, number, Record<string, unknown>, string, RegExp]>([
    ['a bad parameter keeps its name (exit 2)', 400, { detail: 'level: must be a level name', param: 'level' }, 'BAD_REQUEST', /^level: must be a level name$/],
    ['401', 401, { detail: 'token expired' }, 'UNAUTHORIZED', /refused the token: token expired; pass one with --token/],
    ['403', 403, { detail: 'needs analyst' }, 'FORBIDDEN', /may not do this: needs analyst/],
    ['404 hints at the address', 404, { detail: 'no route' }, 'NOT_FOUND', /\/api\/v1\/logs: not found .*--url should be/],
    ['503 query timeout, not retried', 503, { type: 'urn:logagg:problem:query-timeout', detail: 'took too long' }, 'QUERY_TIMEOUT', /narrow the search/],
    ['500', 500, { detail: 'boom' }, 'INTERNAL', /HTTP 500: boom/],
  ])('%s', async (_n, status, body, code, message) => {
    const s = await server((_req, res) => json(res, status, body));
    const c = new RemoteClient({ url: s.url, maxRetries: 3 });
    const err = await c.get('/logs').catch((e: unknown) => e);
    expect(err).toMatchObject({ code });
    expect((err as Error).message).toMatch(message);
    expect(s.requests).toHaveLength(1);
  });

  test('503 unavailable is retried, then STORE_UNAVAILABLE', async () => {
    const s = await server((_req, res) => json(res, 503, { type: 'urn:logagg:problem:unavailable', detail: 'db busy' }, { 'retry-after': '0' }));
    const c = new RemoteClient({ url: s.url, maxRetries: 1 });
    await expect(c.get('/logs')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(s.requests).toHaveLength(2);
  });

  test('an answer that is not JSON, and a server that does not answer in time', async () => {
    const s = await server((req, res) => {
      if (req.url?.startsWith('/api/v1/slow')) return; // never answers
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>');
    });
    const c = new RemoteClient({ url: s.url, timeoutMs: 300 });
    await expect(c.get('/logs')).rejects.toThrow(/not JSON; is --url the address of a logagg appliance/);
    await expect(c.get('/slow')).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
  });

  test('pages: follows next_cursor with the same parameters, stops at the limit, asks for no more than needed', async () => {
    const all = Array.from({ length: 25 }, (_, i) => ({ id: i + 1 }));
    const s = await server((_req, res, url) => {
      const limit = Number(url.searchParams.get('limit') ?? 10);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const items = all.slice(start, start + Math.min(limit, 10));
      const next = start + items.length < all.length ? String(start + items.length) : null;
      json(res, 200, { items, next_cursor: next });
    });
    const c = new RemoteClient({ url: s.url });
    const got: number[][] = [];
    for await (const p of c.pages<{ id: number }>('/logs', { host: ['a', 'b'] }, 0)) got.push(p.map((x) => x.id));
    expect(got.flat()).toEqual(all.map((x) => x.id));
    expect(got.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(s.requests.every((u) => u.searchParams.getAll('host').join() === 'a,b')).toBe(true);

    s.requests.length = 0;
    const limited: number[] = [];
    for await (const p of c.pages<{ id: number }>('/logs', {}, 13)) limited.push(...p.map((x) => x.id));
    expect(limited).toEqual(all.slice(0, 13).map((x) => x.id));
    expect(s.requests.map((u) => u.searchParams.get('limit'))).toEqual(['13', '3']);
  });

  test('pages: a server refusing the page size is asked again with its own default', async () => {
    const s = await server((_req, res, url) => {
      if (url.searchParams.has('limit')) return json(res, 400, { detail: 'limit: must be an integer from 1 to 50', param: 'limit' });
      const start = Number(url.searchParams.get('cursor') ?? 0);
      json(res, 200, { items: start < 40 ? [{ id: start }, { id: start + 1 }] : [], next_cursor: start < 40 ? String(start + 2) : null });
    });
    const c = new RemoteClient({ url: s.url });
    const ids: number[] = [];
    for await (const p of c.pages<{ id: number }>('/logs', {}, 5)) ids.push(...p.map((x) => x.id));
    expect(ids).toEqual([0, 1, 2, 3, 4]);
    expect(s.requests.filter((u) => u.searchParams.has('limit'))).toHaveLength(1);
  });
});
