// Sign-in on a real server over a real SQLite file: POST /api/v1/auth/login, the session cookie
// authenticating the API (with the CSRF header for unsafe methods), lockout, the audit table,
// logout and /auth/me. Every answer is checked against the OpenAPI document.
import jwt from 'jsonwebtoken';
import { describe, expect, test } from 'vitest';
import { hashPassword } from '../../../src/auth/password-hash.js';
import type { ReadRole } from '../../../src/auth/roles.js';
import { addUser, deleteUser, recentLoginAttempts, setUserPassword } from '../../../src/store/user-store.js';
import { makeEvent } from '../../store/fixtures.js';
import { analyst, SECRET, startApi, viewer, type TestApi } from '../harness.js';

const PW = 'correct horse battery';
const LOGIN = '/api/v1/auth/login';

async function withUsers(users: { name: string; role: ReadRole; hosts?: string[] }[], opts: Parameters<typeof startApi>[0] = {}): Promise<TestApi> {
  const api = await startApi({
    seed: [makeEvent({ host: 'web-1', message: 'from web one' }), makeEvent({ host: 'db-1', message: 'from db one' }), makeEvent({ host: 'web-2', message: 'from web two' })],
    ...opts,
  });
  // Cheap scrypt parameters: the cost is not what these tests are about (the hash records them).
  for (const u of users) addUser(api.writerStore, { name: u.name, role: u.role, hosts: u.hosts ?? null, pw_hash: await hashPassword(PW, { ln: 4, r: 8, p: 1 }) }, Date.now());
  return api;
}

const login = (api: TestApi, body: unknown, headers: Record<string, string> = {}) => api.call(LOGIN, { method: 'POST', token: null, body, headers });

/** `logagg_session=<jwt>` from a Set-Cookie header, as a browser would send it back. */
function cookieOf(setCookie: string | null): string {
  const m = /^logagg_session=([^;]*)/.exec(setCookie ?? '');
  if (!m) throw new Error(`no session cookie in ${setCookie}`);
  return `logagg_session=${m[1]}`;
}

async function signIn(api: TestApi, name: string): Promise<string> {
  const r = await login(api, { username: name, password: PW });
  expect(r.status).toBe(200);
  return cookieOf(r.headers.get('set-cookie'));
}

const withCookie = (api: TestApi, path: string, cookie: string, o: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) =>
  api.call(path, { ...o, token: null, headers: { Cookie: cookie, ...(o.headers ?? {}) } });

describe('POST /api/v1/auth/login', () => {
  test('sets the session cookie (HttpOnly, SameSite=Strict, Path=/, not Secure over plain HTTP, Max-Age = session_ttl) and answers role, hosts, expiry; no token in the body', async () => {
    const api = await withUsers([{ name: 'alice', role: 'analyst', hosts: ['web-*'] }]);
    const t0 = Date.now();
    const r = await login(api, { username: 'alice', password: PW });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ role: 'analyst', hosts: ['web-*'], expires_at: expect.any(String) });
    const expires = Date.parse(r.body.expires_at);
    expect(expires).toBeGreaterThan(t0 + 12 * 3_600_000 - 2_000);
    expect(expires).toBeLessThan(t0 + 12 * 3_600_000 + 2_000);
    const set = r.headers.get('set-cookie')!;
    expect(set).toMatch(/^logagg_session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; /);
    const attrs = set.split('; ').slice(1);
    expect(attrs).toEqual(expect.arrayContaining(['Max-Age=43200', 'HttpOnly', 'SameSite=Strict', 'Path=/']));
    expect(attrs).not.toContain('Secure');
    expect(r.headers.get('cache-control')).toBe('no-store');

    // The cookie's token is the API's kind: signed with api.auth's secret, sub, roles, hosts, exp.
    const claims = jwt.verify(cookieOf(set).slice('logagg_session='.length), SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: 'alice', roles: ['analyst'], hosts: ['web-*'] });
    expect(claims.exp! - claims.iat!).toBe(43_200);
  });

  test('the token is in the body only when asked ("token": true), and works as a Bearer token', async () => {
    const api = await withUsers([{ name: 'vera', role: 'viewer' }]);
    const asked = await login(api, { username: 'vera', password: PW, token: true });
    expect(asked.status).toBe(200);
    expect(asked.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(asked.body.hosts).toBeNull();
    const logs = await api.call('/api/v1/logs', { token: asked.body.token });
    expect(logs.status).toBe(200);
    expect(logs.body.items).toHaveLength(3);
    const me = await api.call('/api/v1/auth/me', { token: asked.body.token });
    expect(me.body).toMatchObject({ sub: 'vera', role: 'viewer', hosts: null, via: 'bearer' });
    expect((await login(api, { username: 'vera', password: PW, token: false })).body).not.toHaveProperty('token');
  });

  test('session_ttl sets the lifetime', async () => {
    const api = await withUsers([{ name: 'vera', role: 'viewer' }], { config: { 'api.auth.session_ttl': '30m' } });
    const r = await login(api, { username: 'vera', password: PW });
    expect(r.headers.get('set-cookie')).toContain('Max-Age=1800');
  });

  test('an unknown user and a wrong password get the same answer: 401, same type, detail and challenge', async () => {
    const api = await withUsers([{ name: 'alice', role: 'viewer' }]);
    const unknown = await login(api, { username: 'mallory', password: PW });
    const wrong = await login(api, { username: 'alice', password: 'not the password' });
    const bad = await login(api, { username: 'not a valid name!', password: PW });
    for (const r of [unknown, wrong, bad]) {
      expect(r.status).toBe(401);
      expect(r.headers.get('set-cookie')).toBeNull();
      expect(r.headers.get('www-authenticate')).toBe(unknown.headers.get('www-authenticate'));
      const { request_id: _r, ...rest } = r.body;
      const { request_id: _u, ...same } = unknown.body;
      expect(rest).toEqual(same);
    }
    expect(unknown.body).toMatchObject({ type: 'urn:logagg:problem:invalid-credentials', detail: 'wrong user name or password' });
  });

  test.each([
    ['no body fields', {}, 400, 'username'],
    ['a password that is not a string', { username: 'alice', password: 12 }, 400, 'password'],
    ['an empty password', { username: 'alice', password: '' }, 400, 'password'],
    ['token not a boolean', { username: 'alice', password: PW, token: 'yes' }, 400, 'token'],
    ['an unknown field', { username: 'alice', password: PW, remember: true }, 400, 'remember'],
  ])('%s: %i naming %s', async (_what, body, status, param) => {
    const api = await withUsers([{ name: 'alice', role: 'viewer' }]);
    const r = await login(api, body);
    expect(r.status).toBe(status);
    expect(r.body.param).toBe(param);
  });

  test('a body that is not JSON is 415 (a cross-site form cannot sign anyone in)', async () => {
    const api = await withUsers([{ name: 'alice', role: 'viewer' }]);
    const r = await login(api, `{"username":"alice","password":"${PW}"}`, { 'Content-Type': 'text/plain' });
    expect(r.status).toBe(415);
  });

  test('without an account store, 503', async () => {
    const api = await startApi({ noAccounts: true });
    expect((await login(api, { username: 'alice', password: PW })).status).toBe(503);
  });
});

describe('lockout and the audit table', () => {
  test('after 5 failures in 15 minutes: 429 with Retry-After, even with the right password, until the window passes; every attempt recorded, never the password', async () => {
    let now = Date.now();
    const api = await withUsers([{ name: 'alice', role: 'viewer' }], { clock: () => now });
    const start = now;
    for (let i = 0; i < 5; i++) {
      expect((await login(api, { username: 'alice', password: `wrong guess ${i}` })).status).toBe(401);
      now += 1000;
    }
    const locked = await login(api, { username: 'alice', password: PW });
    expect(locked.status).toBe(429);
    expect(locked.body.type).toBe('urn:logagg:problem:locked-out');
    expect(Number(locked.headers.get('retry-after'))).toBe(900 - 5);
    expect(locked.headers.get('set-cookie')).toBeNull();

    now = start + 15 * 60_000 + 1;
    const after = await login(api, { username: 'alice', password: PW });
    expect(after.status).toBe(200);

    const audit = recentLoginAttempts(api.writerStore, 100).reverse();
    expect(audit.map((a) => [a.name, a.outcome, a.reason])).toEqual([
      ...Array.from({ length: 5 }, () => ['alice', 'failure', 'wrong password']),
      ['alice', 'locked', 'too many failures for this user'],
      ['alice', 'success', null],
    ]);
    expect(new Set(audit.map((a) => a.peer))).toEqual(new Set(['127.0.0.1']));
    expect(audit[0]!.ts).toBe(start);
    const dump = JSON.stringify(audit);
    expect(dump).not.toContain('wrong guess');
    expect(dump).not.toContain(PW);
  });

  test('per address: failures against several names lock the address for every name', async () => {
    const api = await withUsers([{ name: 'alice', role: 'viewer' }]);
    for (let i = 0; i < 5; i++) expect((await login(api, { username: `guess${i}`, password: 'xxxxxxxxxxxxxxxx' })).status).toBe(401);
    const r = await login(api, { username: 'alice', password: PW });
    expect(r.status).toBe(429);
    expect(recentLoginAttempts(api.writerStore, 1)[0]).toMatchObject({ name: 'alice', outcome: 'locked', reason: 'too many failures from this address' });
    expect(recentLoginAttempts(api.writerStore, 6).filter((a) => a.reason === 'unknown user')).toHaveLength(5);
  });

  test('the lockout keys are configurable', async () => {
    const api = await withUsers([{ name: 'alice', role: 'viewer' }], { config: { 'api.auth.lockout.max_failures': 2, 'api.auth.lockout.window': '1m' } });
    for (let i = 0; i < 2; i++) await login(api, { username: 'alice', password: 'wrong password!' });
    const r = await login(api, { username: 'alice', password: PW });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });
});

describe('the session cookie on the API', () => {
  test('authenticates GET /api/v1/logs, with the host scope of the account', async () => {
    const api = await withUsers([{ name: 'wendy', role: 'viewer', hosts: ['web-*'] }, { name: 'vera', role: 'viewer' }]);
    const scoped = await withCookie(api, '/api/v1/logs', await signIn(api, 'wendy'));
    expect(scoped.status).toBe(200);
    expect(scoped.body.items.map((e: { host: string }) => e.host).sort()).toEqual(['web-1', 'web-2']);
    const all = await withCookie(api, '/api/v1/logs', await signIn(api, 'vera'));
    expect(all.body.items).toHaveLength(3);
  });

  test('a viewer is refused an analyst action; an analyst is not', async () => {
    const api = await withUsers([{ name: 'vera', role: 'viewer' }, { name: 'ana', role: 'analyst' }]);
    const refused = await withCookie(api, '/api/v1/silences', await signIn(api, 'vera'));
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/needs the analyst role; the token has only viewer/);
    const allowed = await withCookie(api, '/api/v1/silences', await signIn(api, 'ana'));
    expect(allowed.status).not.toBe(403);
  });

  test('CSRF: an unsafe method authenticated by the cookie needs X-Requested-With: logagg; a Bearer one does not', async () => {
    const api = await withUsers([{ name: 'ana', role: 'analyst' }]);
    const cookie = await signIn(api, 'ana');
    const body = { matchers: { hosts: ['web-1'] }, duration: '1h', comment: 'maintenance' };
    const refused = await withCookie(api, '/api/v1/silences', cookie, { method: 'POST', body });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ type: 'urn:logagg:problem:csrf', param: 'X-Requested-With' });
    const wrongValue = await withCookie(api, '/api/v1/silences', cookie, { method: 'POST', body, headers: { 'X-Requested-With': 'XMLHttpRequest' } });
    expect(wrongValue.status).toBe(403);
    // Past the CSRF check: this server has no silences port, so 503 (not 403).
    const withHeader = await withCookie(api, '/api/v1/silences', cookie, { method: 'POST', body, headers: { 'X-Requested-With': 'logagg' } });
    expect(withHeader.status).toBe(503);
    const bearer = await api.call('/api/v1/silences', { method: 'POST', token: analyst(), body });
    expect(bearer.status).toBe(503);
    // Safe methods need no header.
    expect((await withCookie(api, '/api/v1/logs', cookie)).status).toBe(200);
  });

  test('a Bearer header wins over the cookie', async () => {
    const api = await withUsers([{ name: 'ana', role: 'analyst' }]);
    const cookie = await signIn(api, 'ana');
    const me = await api.call('/api/v1/auth/me', { token: viewer(), headers: { Cookie: cookie } });
    expect(me.body).toMatchObject({ sub: 'vera', via: 'bearer' });
  });

  test('a cookie that is not a valid token is 401', async () => {
    const api = await withUsers([]);
    for (const value of ['garbage', 'a.b.c', jwt.sign({ sub: 'x', roles: ['admin'] }, 'another secret of enough length 0123456789', { expiresIn: 60 })]) {
      const r = await withCookie(api, '/api/v1/logs', `logagg_session=${value}`);
      expect(r.status).toBe(401);
    }
  });

  test('a new password or removing the account ends its sessions', async () => {
    const api = await withUsers([{ name: 'alice', role: 'viewer' }, { name: 'bob', role: 'viewer' }]);
    const alice = await signIn(api, 'alice');
    const bob = await signIn(api, 'bob');
    expect((await withCookie(api, '/api/v1/logs', alice)).status).toBe(200);
    setUserPassword(api.writerStore, 'alice', await hashPassword('another long passphrase', { ln: 4, r: 8, p: 1 }), Date.now());
    const ended = await withCookie(api, '/api/v1/logs', alice);
    expect(ended.status).toBe(401);
    expect(ended.body.detail).toMatch(/the session ended/);
    expect((await withCookie(api, '/api/v1/logs', bob)).status).toBe(200);
    deleteUser(api.writerStore, 'bob');
    expect((await withCookie(api, '/api/v1/logs', bob)).status).toBe(401);
  });
});

describe('logout and /auth/me', () => {
  test('/auth/me says who and how; logout clears the cookie (204), needs no credential', async () => {
    const api = await withUsers([{ name: 'wendy', role: 'admin', hosts: ['web-*', 'db1'] }]);
    const cookie = await signIn(api, 'wendy');
    const me = await withCookie(api, '/api/v1/auth/me', cookie);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ sub: 'wendy', role: 'admin', hosts: ['web-*', 'db1'], expires_at: expect.any(String), via: 'cookie' });
    expect(Date.parse(me.body.expires_at)).toBeGreaterThan(Date.now() + 11 * 3_600_000);

    const out = await withCookie(api, '/api/v1/auth/logout', cookie, { method: 'POST' });
    expect(out.status).toBe(204);
    const set = out.headers.get('set-cookie')!;
    expect(set).toMatch(/^logagg_session=; /);
    expect(set.split('; ')).toEqual(expect.arrayContaining(['Max-Age=0', 'HttpOnly', 'SameSite=Strict', 'Path=/']));
    expect((await api.call('/api/v1/auth/logout', { method: 'POST', token: null })).status).toBe(204);
  });

  test('/auth/me without a credential is 401; other methods on the auth paths are 405', async () => {
    const api = await withUsers([]);
    const r = await api.call('/api/v1/auth/me', { token: null });
    expect(r.status).toBe(401);
    expect(r.body.detail).toMatch(/sign in \(POST \/api\/v1\/auth\/login\)/);
    // As for /healthz: a method a public path does not take is 405 once past authentication.
    const get = await api.call(LOGIN, { token: viewer() });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await api.call('/api/v1/auth/logout', { token: viewer(), method: 'DELETE' })).status).toBe(405);
    expect((await api.call('/api/v1/auth/me', { token: viewer(), method: 'POST', headers: { 'Content-Type': 'application/json' } })).status).toBe(405);
  });
});
