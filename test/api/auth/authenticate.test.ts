import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { beforeAll, describe, expect, test } from 'vitest';
import { startApiServer } from '../../../src/api/server.js';
import { ConfigError } from '../../../src/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { tempDir } from '../../helpers/temp.js';
import { apiConfig, captureLogger, SECRET, startApi, token, type TestApi } from '../harness.js';
import { AlertSeed } from '../alert-seed.js';
import { MemoryRules } from '../memory-rules.js';
import { seed, T0 } from '../seed.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function tamper(tok: string, change: (payload: Record<string, unknown>) => void): string {
  const [h, p, s] = tok.split('.');
  const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
  change(payload);
  return `${h}.${b64(payload)}.${s}`;
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaOther = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec2 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsaPublicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('HS256 (the default)', () => {
  let api: TestApi;
  beforeAll(async () => {
    const alerts = new AlertSeed();
    alerts.add({ rule_id: 'r1', severity: 'HIGH', host: 'web-1', first_seen: T0 });
    api = await startApi({
      seed: seed(10),
      config: { 'api.auth.audience': 'logagg-api', 'api.auth.issuer': 'https://idp.example' },
      alerts,
      rules: new MemoryRules([{ id: 'r1', name: 'r', kind: 'match', severity: 'HIGH', enabled: true, description: '', tags: [] }]),
    });
  });
  const good = (claims: Record<string, unknown> = {}) => token({ aud: 'logagg-api', iss: 'https://idp.example', ...claims });

  test('a valid token is accepted', async () => {
    expect((await api.call('/api/v1/logs?limit=1', { token: good() })).status).toBe(200);
  });

  test('/healthz needs no token', async () => {
    const r = await api.call('/healthz', { token: null });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok' });
  });

  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', roles: ['admin'], aud: 'logagg-api', iss: 'https://idp.example', exp: Math.floor(Date.now() / 1000) + 600 })}.`;
  test.each<[string, () => string | null, RegExp]>([
    ['missing', () => null, /needs a token/],
    ['expired', () => good({ expiresIn: -120 }), /expired at/],
    ['not yet valid', () => good({ notBefore: 120 }), /not valid before/],
    ['wrong signature', () => token({ aud: 'logagg-api', iss: 'https://idp.example' }, 'another-secret-of-enough-length-0123456789'), /invalid signature/],
    ['wrong alg (HS512, same secret)', () => token({ aud: 'logagg-api', iss: 'https://idp.example' }, SECRET, { algorithm: 'HS512' }), /invalid algorithm/],
    ['wrong alg (RS256)', () => jwt.sign({ sub: 'x', roles: ['admin'], aud: 'logagg-api', iss: 'https://idp.example' }, rsa.privateKey, { algorithm: 'RS256', expiresIn: 600 }), /invalid algorithm/],
    ['alg none', () => none, /signature is required|invalid algorithm/],
    ['alg none without the trailing dot', () => none.slice(0, -1), /malformed/],
    ['wrong audience', () => good({ aud: 'someone-else' }), /audience invalid/],
    ['wrong issuer', () => good({ iss: 'https://evil.example' }), /issuer invalid/],
    ['tampered claims (viewer -> admin)', () => tamper(good(), (p) => (p.roles = ['admin'])), /invalid signature/],
    ['tampered expiry', () => tamper(good({ expiresIn: -3600 }), (p) => (p.exp = Math.floor(Date.now() / 1000) + 3600)), /invalid signature/],
    ['garbage', () => 'not.a.jwt', /refused/],
    ['no exp claim', () => jwt.sign({ sub: 'x', roles: ['viewer'], aud: 'logagg-api', iss: 'https://idp.example' }, SECRET, { algorithm: 'HS256' }), /no exp/],
    ['roles claim of the wrong type', () => good({ roles: 7 }), /roles claim/],
    ['hosts claim of the wrong type', () => good({ hosts: { a: 1 } }), /hosts claim/],
  ])('%s -> 401', async (_name, make, detail) => {
    const r = await api.call('/api/v1/logs', { token: make() });
    expect(r.status).toBe(401);
    expect(r.body.detail).toMatch(detail);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm="logagg"/);
    expect(r.body.detail).not.toContain('logagg-api'); // the expected audience is not revealed
  });

  test.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'token abc'])('Authorization %j -> 401', async (header) => {
    const r = await api.call('/api/v1/logs', { token: null, headers: { Authorization: header } });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  test('exp and nbf within the 30 s clock skew are accepted', async () => {
    expect((await api.call('/api/v1/logs?limit=1', { token: good({ expiresIn: -10 }) })).status).toBe(200);
    expect((await api.call('/api/v1/logs?limit=1', { token: good({ notBefore: 10 }) })).status).toBe(200);
  });

  test('a token in the query string is ignored outside the stream', async () => {
    const r = await api.call(`/api/v1/logs?access_token=${good()}`, { token: null });
    expect(r.status).toBe(401);
  });

  test.each<[string, string, string, unknown, string | null]>([
    ['viewer cannot acknowledge', 'PATCH', '/api/v1/alerts/1', { roles: ['viewer'] }, 'analyst'],
    ['viewer cannot read rules', 'GET', '/api/v1/rules', { roles: ['viewer'] }, 'analyst'],
    ['analyst cannot change rules', 'PATCH', '/api/v1/rules/r1', { roles: ['analyst'] }, 'admin'],
    ['ingest role reads nothing', 'GET', '/api/v1/logs', { roles: ['ingest'] }, 'viewer'],
    ['unknown role names grant nothing', 'GET', '/api/v1/logs', { roles: ['superuser', 'root'] }, 'viewer'],
    ['no roles claim', 'GET', '/api/v1/logs', { roles: undefined }, 'viewer'],
    ['host-scoped token cannot read /metrics', 'GET', '/metrics', { roles: ['admin'], hosts: ['web-*'] }, null],
  ])('%s -> 403', async (_name, method, url, claims, needed) => {
    const body = method === 'PATCH' ? (url.includes('rules') ? { enabled: false } : { state: 'acknowledged' }) : undefined;
    const r = await api.call(url, { method, token: good(claims as Record<string, unknown>), body });
    expect(r.status).toBe(403);
    expect(r.body.type).toBe('urn:logagg:problem:forbidden');
    if (needed) expect(r.body.detail).toContain(`needs the ${needed} role`);
  });

  test('higher roles include lower ones; a role list takes the highest', async () => {
    expect((await api.call('/api/v1/logs?limit=1', { token: good({ roles: ['admin'] }) })).status).toBe(200);
    expect((await api.call('/api/v1/rules', { token: good({ roles: ['viewer', 'analyst'] }) })).status).toBe(200);
    expect((await api.call('/api/v1/rules/r1', { method: 'PATCH', token: good({ roles: 'ADMIN' }), body: { enabled: false } })).status).toBe(200);
  });
});

describe('custom claim names', () => {
  test('roles_claim and hosts_claim are read from the configured claims', async () => {
    const api = await startApi({ seed: seed(6), config: { 'api.auth.roles_claim': 'logagg_roles', 'api.auth.hosts_claim': 'logagg_hosts' } });
    const tok = token({ roles: undefined, logagg_roles: ['viewer'], logagg_hosts: ['db-*'] });
    const r = await api.call('/api/v1/logs', { token: tok });
    expect(r.status).toBe(200);
    expect(new Set(r.body.items.map((e: { host: string }) => e.host))).toEqual(new Set(['db-1']));
    expect((await api.call('/api/v1/logs', { token: token({ roles: ['viewer'] }) })).status).toBe(403);
  });
});

describe('RS256 with a public key file', () => {
  let api: TestApi;
  beforeAll(async () => {
    const dir = tempDir();
    const file = path.join(dir, 'pub.pem');
    writeFileSync(file, rsaPublicPem);
    api = await startApi({ seed: seed(3), config: { 'api.auth.algorithm': 'RS256', 'api.auth.secret': '', 'api.auth.public_key_file': file } });
  });
  const sign = (key = rsa.privateKey, alg: jwt.Algorithm = 'RS256') => jwt.sign({ sub: 'r', roles: ['viewer'] }, key, { algorithm: alg, expiresIn: 600 });

  test('a token signed by the private key is accepted', async () => {
    expect((await api.call('/api/v1/logs?limit=1', { token: sign() })).status).toBe(200);
  });

  test('sign-in is not available (it mints HS256 tokens): 503 saying why', async () => {
    const r = await api.call('/api/v1/auth/login', { method: 'POST', token: null, body: { username: 'alice', password: 'correct horse battery' } });
    expect(r.status).toBe(503);
    expect(r.body.detail).toMatch(/api.auth.algorithm is RS256/);
  });

  test.each<[string, () => string]>([
    ['signed by another key', () => sign(rsaOther.privateKey)],
    ['HS256 signed with the public key as secret (alg confusion)', () => jwt.sign({ sub: 'r', roles: ['admin'] }, rsaPublicPem, { algorithm: 'HS256', expiresIn: 600 })],
    ['HS256 with the shared test secret', () => token({ roles: ['admin'] })],
    ['PS256 with the right key', () => sign(rsa.privateKey, 'PS256')],
  ])('%s -> 401', async (_n, make) => {
    expect((await api.call('/api/v1/logs', { token: make() })).status).toBe(401);
  });
});

describe('ES256 with a JWKS file', () => {
  let api: TestApi;
  beforeAll(async () => {
    const dir = tempDir();
    const file = path.join(dir, 'jwks.json');
    const jwk = (k: typeof ec.publicKey, kid: string) => ({ ...k.export({ format: 'jwk' }), kid, use: 'sig', alg: 'ES256' });
    writeFileSync(file, JSON.stringify({ keys: [jwk(ec.publicKey, 'k1'), jwk(ec2.publicKey, 'k2'), { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa', alg: 'RS256' }] }));
    api = await startApi({ seed: seed(3), config: { 'api.auth.algorithm': 'ES256', 'api.auth.secret': '', 'api.auth.jwks_file': file } });
  });
  const sign = (key: typeof ec.privateKey, kid?: string) =>
    jwt.sign({ sub: 'e', roles: ['viewer'] }, key, { algorithm: 'ES256', expiresIn: 600, ...(kid ? { keyid: kid } : {}) });

  test('the key is chosen by kid', async () => {
    expect((await api.call('/api/v1/logs?limit=1', { token: sign(ec.privateKey, 'k1') })).status).toBe(200);
    expect((await api.call('/api/v1/logs?limit=1', { token: sign(ec2.privateKey, 'k2') })).status).toBe(200);
  });

  test.each<[string, () => string, RegExp]>([
    ['a kid naming the other key', () => sign(ec.privateKey, 'k2'), /invalid signature/],
    ['an unknown kid', () => sign(ec.privateKey, 'k9'), /no key with kid/],
    ['no kid with several keys', () => sign(ec.privateKey), /names no kid/],
    ['the RSA key of the set, RS256', () => jwt.sign({ sub: 'e', roles: ['viewer'] }, rsa.privateKey, { algorithm: 'RS256', keyid: 'rsa', expiresIn: 600 }), /refused/],
  ])('%s -> 401', async (_n, make, detail) => {
    const r = await api.call('/api/v1/logs', { token: make() });
    expect(r.status).toBe(401);
    expect(r.body.detail).toMatch(detail);
  });
});

describe('unsafe or incomplete auth config is refused at start', () => {
  const { logger } = captureLogger();
  const keyFile = (text: string) => {
    const f = path.join(tempDir(), 'k');
    writeFileSync(f, text);
    return f;
  };
  test.each<[string, () => Record<string, unknown>, string]>([
    ['HS256 without a secret', () => ({ 'api.auth.secret': '' }), 'api.auth.secret'],
    ['a short secret', () => ({ 'api.auth.secret': 'short' }), 'api.auth.secret'],
    ['a short secret file', () => ({ 'api.auth.secret': '', 'api.auth.secret_file': keyFile('short\n') }), 'api.auth.secret_file'],
    ['secret and secret_file', () => ({ 'api.auth.secret_file': keyFile(SECRET) }), 'api.auth.secret'],
    ['a missing secret file', () => ({ 'api.auth.secret': '', 'api.auth.secret_file': '/nonexistent/secret' }), 'api.auth.secret_file'],
    ['RS256 with a shared secret', () => ({ 'api.auth.algorithm': 'RS256' }), 'api.auth.algorithm'],
    ['RS256 without a key', () => ({ 'api.auth.algorithm': 'RS256', 'api.auth.secret': '' }), 'api.auth.public_key_file'],
    ['ES256 with an RSA key', () => ({ 'api.auth.algorithm': 'ES256', 'api.auth.secret': '', 'api.auth.public_key_file': keyFile(rsaPublicPem) }), 'api.auth.public_key_file'],
    ['a key file that is not PEM', () => ({ 'api.auth.algorithm': 'RS256', 'api.auth.secret': '', 'api.auth.public_key_file': keyFile('hello') }), 'api.auth.public_key_file'],
    ['a JWKS without usable keys', () => ({ 'api.auth.algorithm': 'ES256', 'api.auth.secret': '', 'api.auth.jwks_file': keyFile('{"keys":[]}') }), 'api.auth.jwks_file'],
    ['TLS cert without key', () => ({ 'api.tls.cert_file': '/x.pem' }), 'api.tls.key_file'],
  ])('%s', async (_n, over, key) => {
    let err: unknown;
    try {
      const config = apiConfig(over());
      const store = (await import('../../../src/store/store.js')).openStore(':memory:');
      try {
        await startApiServer({ config, store, logger });
      } finally {
        store.close();
      }
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.key)).toContain(key);
  });

  test('CORS "*" with credentials is refused by config validation', () => {
    expect(() => loadConfig({ defaultsFile: null, env: {}, overrides: { 'api.cors.origins': ['*'], 'api.cors.credentials': true } })).toThrow(/cannot be used with credentials/);
  });
});
