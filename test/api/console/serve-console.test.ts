// The console's files served by the API app from memory: which paths answer which file, with
// which cache policy and CSP, and that nothing else of the API changes.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadConsoleFiles } from '../../../src/api/console/console-files.js';
import { CONSOLE_CSP } from '../../../src/api/console/serve-console.js';
import { tempDir } from '../../helpers/temp.js';
import { startApi, viewer, type TestApi } from '../harness.js';

const INDEX = '<!doctype html><title>console</title><script type="module" src="/ui/assets/app-ABCD2345.js"></script>';
const JS = `console.log(${JSON.stringify('x'.repeat(4000))});`;

function builtConsole(): string {
  const dir = tempDir('logagg-console-');
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), INDEX);
  writeFileSync(path.join(dir, 'assets', 'app-ABCD2345.js'), JS);
  writeFileSync(path.join(dir, 'assets', 'app-ABCD2345.js.map'), '{}');
  return dir;
}

let api: TestApi;
beforeAll(async () => {
  api = await startApi({ console: loadConsoleFiles(builtConsole()) });
});

/** As a browser asks for a page (Accept: text/html, …), unless the test says otherwise. */
async function get(p: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await fetch(api.url + p, { method, headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8', ...headers } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

describe('paths', () => {
  test.each([
    ['/', 'index.html'],
    ['/ui', 'index.html'],
    ['/ui/', 'index.html'],
    ['/ui/alerts?state=open&alert=3', 'index.html (a client route)'],
    ['/ui/logs/deeper/still', 'index.html (a client route)'],
  ])('%s answers %s, revalidated every time, under the console CSP', async (p) => {
    const r = await get(p);
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe(INDEX);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect(r.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(r.headers.get('x-frame-options')).toBe('DENY');
  });

  test.each([
    ['application/json', 'a client of the Elasticsearch probe'],
    ['*/*', 'a tool that accepts anything'],
    ['', 'no Accept at all'],
  ])('GET / with Accept %j (%s) is not the page: it goes on to the API (here: 401 without a token)', async (accept) => {
    const r = await get('/', { Accept: accept });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  test.each([
    ['/ui/assets/app-ZZZZ2345.js', 'a stale hashed name'],
    ['/ui/favicon.png', 'a file name that is not there'],
    ['/ui/assets/app-ABCD2345.js.map', 'a source map (never shipped)'],
    ['/ui/assets/', 'the asset folder'],
  ])('%s (%s) is a 404 problem, not the page and not a demand for a token', async (p) => {
    const r = await get(p);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  test('a hashed asset is cached for a year, gzip when asked, plain otherwise', async () => {
    const gz = await get('/ui/assets/app-ABCD2345.js', { 'Accept-Encoding': 'gzip, br' });
    expect(gz.status).toBe(200);
    expect(gz.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(gz.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(gz.headers.get('vary')).toMatch(/Accept-Encoding/);
    // fetch inflates transparently: the header says what went over the wire.
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.body.toString()).toBe(JS);
    const plain = await get('/ui/assets/app-ABCD2345.js', { 'Accept-Encoding': 'identity' });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.body.toString()).toBe(JS);
    expect(gunzipSync(loadConsoleFiles(builtConsole()).get('/ui/assets/app-ABCD2345.js')!.gzip!).toString()).toBe(JS);
  });

  test('If-None-Match with the ETag is a 304 without a body; HEAD has the headers only', async () => {
    const first = await get('/');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    const again = await get('/', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
    const head = await get('/ui/', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(INDEX)));
    expect(head.body.byteLength).toBe(0);
  });
});

describe('the rest of the API is unchanged', () => {
  test('other methods on / are not the console (authentication answers)', async () => {
    expect((await get('/', {}, 'POST')).status).toBe(401);
  });

  test('API answers keep the JSON-only CSP and no-store', async () => {
    const r = await api.call('/api/v1/logs?limit=1', { token: viewer() });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  test('without built files nothing is served at / (no console, no error)', async () => {
    const bare = await startApi({ console: loadConsoleFiles(tempDir('logagg-console-empty-')) });
    expect((await fetch(bare.url + '/')).status).toBe(401);
  });
});
