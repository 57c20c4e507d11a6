// The assembled app: security headers, request ids, problem details for unknown routes and
// methods, internal errors, CORS, rate limits, HTTPS.
import { request as httpRequest } from 'node:http';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { beforeAll, describe, expect, test } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { startApi, token, viewer, type TestApi } from './harness.js';
import { seed } from './seed.js';

describe('headers, request ids, routing problems', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ seed: seed(5) });
  });

  test.each([
    ['an answer', '/api/v1/logs?limit=1', viewer()],
    ['a problem', '/api/v1/logs?limit=0', viewer()],
    ['a 401', '/api/v1/logs', null],
    ['/healthz', '/healthz', null],
  ])('security headers on %s', async (_n, url, tok) => {
    const r = await api.call(url, { token: tok });
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('content-security-policy')).toMatch(/^default-src 'none'; frame-ancestors 'none'/);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('strict-transport-security')).toBeNull(); // HTTP: no HSTS
  });

  test('a request id on every answer; a plain caller id is kept, anything else replaced', async () => {
    const a = await api.call('/api/v1/logs?limit=1');
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const b = await api.call('/api/v1/logs?limit=1', { headers: { 'X-Request-Id': 'trace-1234abcd' } });
    expect(b.headers.get('x-request-id')).toBe('trace-1234abcd');
    const c = await api.call('/api/v1/logs?limit=0', { headers: { 'X-Request-Id': 'bad id\twith stuff' } });
    expect(c.headers.get('x-request-id')).not.toContain('bad');
    expect(c.body.request_id).toBe(c.headers.get('x-request-id'));
  });

  test.each(['/api/v1/nope', '/nope', '/api/v2/logs', '/api/v1/logs/1/extra', '/%2e%2e/etc/passwd'])('unknown route %s -> 404 problem', async (url) => {
    const r = await api.call(url);
    expect(r.status).toBe(404);
    expect(r.body.type).toBe('urn:logagg:problem:not-found');
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  test.each([
    ['DELETE', '/api/v1/logs', 'GET'],
    ['POST', '/api/v1/alerts/1', 'PATCH'],
    ['PUT', '/logs/1', 'GET'],
  ])('%s %s -> 405 with Allow', async (method, url, allow) => {
    const r = await api.call(url, { method });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toContain(allow);
    expect(r.body.type).toBe('urn:logagg:problem:method-not-allowed');
  });

  // fetch refuses TRACE and CONNECT, so these go through node:http. Before, a method the
  // routers did not know was 501 Not Implemented (Schemathesis: "wrong response to undeclared method").
  test.each([
    ['TRACE', '/api/v1/logs', 'GET'],
    ['TRACE', '/readyz', 'GET'],
    ['PROPFIND', '/api/v1/rules/r1', 'PATCH'],
    ['TRACE', '/healthz', 'GET'],
  ])('%s %s -> 405 with Allow, not 501', async (method, url, allow) => {
    const r = await new Promise<{ status: number; allow: string | undefined; body: string }>((resolve, reject) => {
      const req = httpRequest(api.url + url, { method, headers: { Authorization: `Bearer ${viewer()}` } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, allow: res.headers.allow, body }));
      });
      req.on('error', reject).end();
    });
    expect(r.status).toBe(405);
    expect(r.allow).toContain(allow);
    expect(JSON.parse(r.body).type).toBe('urn:logagg:problem:method-not-allowed');
  });

  test('HEAD works where GET does', async () => {
    const r = await api.call('/api/v1/logs?limit=1', { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
  });

  test.each([
    '/api/v1/logs/%E0%A4%A',
    '/api/v1/logs?q=%E0%A4%A',
    '/api/v1/logs?host=%00',
    '/api/v1/logs?attr.%00=1',
    '/api/v1/logs?limit[]=1',
    '/api/v1/logs?__proto__=1',
    '/api/v1/logs?constructor=1',
    `/api/v1/logs?q=${'x'.repeat(3000)}`,
    '/api/v1/alerts/%00',
  ])('odd input %s is never a 500', async (url) => {
    const r = await fetch(api.url + url, { headers: { Authorization: `Bearer ${viewer()}` } });
    expect(r.status).toBeLessThan(500);
    expect(r.status === 200 || (r.headers.get('content-type') ?? '').startsWith('application/problem+json')).toBe(true);
  });
});

describe('internal errors', () => {
  test('are a 500 problem with the request id, logged with the request id; no internals leak', async () => {
    const api = await startApi({ seed: seed(3) });
    api.readStore.close(); // the database goes away under the API
    const r = await api.call('/api/v1/logs');
    expect(r.status).toBe(500);
    expect(r.body.type).toBe('urn:logagg:problem:internal');
    expect(r.body.detail).toContain(r.body.request_id);
    expect(r.text).not.toMatch(/sqlite|database connection|at \w+ \(/i);
    const line = api.log.find((l) => l.level === 'error' && l.fields.request_id === r.body.request_id);
    expect(line?.msg).toBe('request failed');
    expect(String(line?.fields.err)).toMatch(/not open/);
  });
});

describe('CORS', () => {
  const ORIGIN = 'https://dash.example.com';
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ seed: seed(3), config: { 'api.cors.origins': [ORIGIN], 'api.cors.credentials': true, 'api.cors.max_age': '5m' } });
  });
  const preflight = (origin: string, method = 'GET') =>
    fetch(`${api.url}/api/v1/logs`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'authorization' },
    });

  test('preflight from an allowed origin: explicit methods and headers, credentials, max age', async () => {
    const r = await preflight(ORIGIN, 'PATCH');
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(r.headers.get('access-control-allow-credentials')).toBe('true');
    expect(r.headers.get('access-control-allow-methods')).toBe('GET,HEAD,PATCH,OPTIONS');
    expect(r.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type,Last-Event-ID,X-Request-Id');
    expect(r.headers.get('access-control-max-age')).toBe('300');
    expect(r.headers.get('vary')).toMatch(/Origin/);
  });

  test('preflight from another origin: 403 problem, no CORS headers', async () => {
    const r = await preflight('https://evil.example.com');
    expect(r.status).toBe(403);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    expect(r.headers.get('access-control-allow-credentials')).toBeNull();
    expect((await r.json()).param).toBe('Origin');
  });

  test('requests from the allowed origin carry CORS headers, errors included', async () => {
    const ok = await api.call('/api/v1/logs?limit=1', { headers: { Origin: ORIGIN } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(ok.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    const denied = await api.call('/api/v1/logs', { token: null, headers: { Origin: ORIGIN } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });

  test('requests from other origins get no CORS headers at all', async () => {
    for (const origin of ['https://evil.example.com', 'https://dash.example.com.evil.com', 'null', 'http://dash.example.com']) {
      const r = await api.call('/api/v1/logs?limit=1', { headers: { Origin: origin } });
      expect(r.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(r.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  test('"*" without credentials answers "*"', async () => {
    const open = await startApi({ config: { 'api.cors.origins': ['*'] } });
    const r = await open.call('/api/v1/logs?limit=1', { headers: { Origin: 'https://any.example' } });
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('no origins configured: no CORS headers', async () => {
    const none = await startApi();
    const r = await none.call('/api/v1/logs?limit=1', { headers: { Origin: ORIGIN } });
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limits', () => {
  test('per address: 429 with Retry-After after the burst; /healthz is not limited', async () => {
    const api = await startApi({ config: { 'api.rate_limit.enabled': true, 'api.rate_limit.per_ip.burst': 5, 'api.rate_limit.per_ip.rate': 0.2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await api.call('/api/v1/logs?limit=1')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const r = await api.call('/api/v1/logs?limit=1');
    expect(r.body.type).toBe('urn:logagg:problem:rate-limited');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(5);
    // Unauthenticated guessing is limited too.
    expect((await api.call('/api/v1/logs', { token: 'guess' })).status).toBe(429);
    expect((await api.call('/healthz', { token: null })).status).toBe(200);
  });

  test('per token: one token’s burst does not limit another token', async () => {
    const api = await startApi({
      config: { 'api.rate_limit.enabled': true, 'api.rate_limit.per_token.burst': 3, 'api.rate_limit.per_token.rate': 0.1, 'api.rate_limit.per_ip.burst': 1000 },
    });
    const a = token({ sub: 'a' });
    const b = token({ sub: 'b' });
    const got: number[] = [];
    for (let i = 0; i < 4; i++) got.push((await api.call('/api/v1/logs?limit=1', { token: a })).status);
    expect(got).toEqual([200, 200, 200, 429]);
    expect((await api.call('/api/v1/logs?limit=1', { token: b })).status).toBe(200);
  });
});

describe('HTTPS', () => {
  let dir: string;
  let cert: string;
  beforeAll(() => {
    dir = tempDir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  });
  const tlsConfig = (over: Record<string, unknown> = {}) => ({ 'api.tls.cert_file': path.join(dir, 'cert.pem'), 'api.tls.key_file': path.join(dir, 'key.pem'), ...over });

  function get(url: string): Promise<{ status: number; headers: Record<string, unknown>; protocol: string | null }> {
    return new Promise((resolve, reject) => {
      const req = https.get(url, { ca: cert, headers: { Authorization: `Bearer ${viewer()}` } }, (res) => {
        const protocol = (res.socket as tls.TLSSocket).getProtocol();
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, protocol }));
      });
      req.on('error', reject);
    });
  }

  function handshake(port: number, maxVersion: tls.SecureVersion): Promise<string> {
    return new Promise((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port, ca: cert, maxVersion, minVersion: 'TLSv1.2' }, () => {
        resolve(s.getProtocol() ?? 'none');
        s.end();
      });
      s.on('error', (e) => resolve(`error: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
    });
  }

  test('serves HTTPS with HSTS when a certificate and key are configured', async () => {
    const api = await startApi({ config: tlsConfig() });
    expect(api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await get(`${api.url}/api/v1/logs?limit=1`);
    expect(r.status).toBe(200);
    expect(r.protocol).toBe('TLSv1.3');
    expect(r.headers['strict-transport-security']).toBe('max-age=15552000; includeSubDomains');
    expect(await handshake(Number(new URL(api.url).port), 'TLSv1.2')).toBe('TLSv1.2');
  });

  test('min_version TLSv1.3 refuses a TLS 1.2 client', async () => {
    const api = await startApi({ config: tlsConfig({ 'api.tls.min_version': 'TLSv1.3' }) });
    expect(await handshake(Number(new URL(api.url).port), 'TLSv1.2')).toMatch(/^error/);
    expect(await handshake(Number(new URL(api.url).port), 'TLSv1.3')).toBe('TLSv1.3');
  });
});
