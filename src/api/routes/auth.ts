/**
 * Sign-in for the web console and for tools: POST /api/v1/auth/login and /logout (public),
 * GET /api/v1/auth/me (any token). A local account (`logagg user add`) signs in with its name and
 * password and gets the same kind of short-lived HS256 token the API checks (signed with
 * api.auth's secret, with its issuer, audience, role and host-scope claims), in the
 * `logagg_session` cookie and, when asked, in the body.
 *
 * Unknown names and wrong passwords get the same 401 after the same scrypt run. After
 * api.auth.lockout.max_failures failures within the window, per name and per client address,
 * attempts get 429 with Retry-After (src/auth/login-throttle.ts). Every attempt is recorded in
 * login_audit (never the password), and the answer waits until it is.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { USER_NAME_PATTERN, MAX_PASSWORD } from '../../auth/account.js';
import { resolveHsSecret } from '../../auth/keys.js';
import { LoginThrottle } from '../../auth/login-throttle.js';
import { prepareDummyHash, verifyPassword } from '../../auth/password-hash.js';
import { highestRole } from '../../auth/roles.js';
import { mintToken } from '../../auth/token-signer.js';
import { badRequest, LogaggError } from '../../errors.js';
import { QueryReader, type RawQuery } from '../../query/params.js';
import type { LoginAttempt } from '../../store/user-store.js';
import { principalOf, SESSION_VERSION_CLAIM } from '../auth/authenticate.js';
import { clearedSessionCookie, CSRF_HEADER, CSRF_VALUE, SESSION_COOKIE, sessionCookie } from '../auth/session-cookie.js';
import { onlyFields, readJsonObject } from '../body.js';
import type { RouteEnv } from '../env.js';
import type { AccountsPort } from '../ports.js';
import { HttpProblem } from '../problem.js';

export const LOGIN_PATH = '/api/v1/auth/login';
export const LOGOUT_PATH = '/api/v1/auth/logout';
/** Longest user name accepted in a request (longer is 400; the account names are shorter still). */
const MAX_NAME = 256;
/** A sign-in body is two short strings and a flag. */
const LOGIN_BODY_BYTES = 8192;

const invalidCredentials = () =>
  new HttpProblem(401, 'invalid-credentials', 'wrong user name or password', { headers: { 'WWW-Authenticate': 'Bearer realm="logagg"' } });

interface LoginRequest {
  username: string;
  password: string;
  token: boolean;
}

function readLogin(body: Record<string, unknown>): LoginRequest {
  onlyFields(body, ['username', 'password', 'token']);
  const { username, password, token } = body;
  if (typeof username !== 'string' || username.length === 0 || username.length > MAX_NAME) throw badRequest('username', `a string of 1–${MAX_NAME} characters`);
  if (typeof password !== 'string' || password.length === 0 || password.length > MAX_PASSWORD) throw badRequest('password', `a string of 1–${MAX_PASSWORD} characters`);
  if (token !== undefined && typeof token !== 'boolean') throw badRequest('token', 'true to have the token in the answer as well as in the cookie');
  return { username, password, token: token === true };
}

/** The signer's settings, or why sign-in is not possible here (503). */
function signerOf(env: RouteEnv): { secret: Buffer } | { unavailable: string } {
  const auth = env.cfg.auth;
  if (auth.algorithm !== 'HS256') {
    return { unavailable: `sign-in issues HS256 tokens; api.auth.algorithm is ${auth.algorithm}, so tokens come from your identity provider` };
  }
  return { secret: resolveHsSecret(auth) };
}

function accountsOf(env: RouteEnv): AccountsPort {
  if (!env.deps.accounts) throw new LogaggError('STORE_UNAVAILABLE', 'sign-in is not available: no account store in this process');
  return env.deps.accounts;
}

/** The routes that need no token: sign-in and sign-out. Registered before authentication. */
export function registerPublicAuthRoutes(router: Router, env: RouteEnv): void {
  const { cfg } = env;
  const signer = signerOf(env);
  if (env.deps.accounts && !('unavailable' in signer)) prepareDummyHash();
  const throttle = new LoginThrottle({
    maxFailures: cfg.auth.lockout.max_failures,
    windowMs: cfg.auth.lockout.window,
    maxKeys: cfg.rate_limit.max_clients,
    clock: env.now,
  });

  router.post(LOGIN_PATH, async (ctx: Context) => {
    new QueryReader(ctx.query as RawQuery, []);
    if ('unavailable' in signer) throw new LogaggError('STORE_UNAVAILABLE', signer.unavailable);
    const accounts = accountsOf(env);
    const req = readLogin(await readJsonObject(ctx, LOGIN_BODY_BYTES));
    const now = env.now();
    const peer = ctx.ip;
    const attempt = (outcome: LoginAttempt['outcome'], reason: string | null): Promise<void> =>
      accounts.record({ ts: now, name: req.username.slice(0, 64), peer, outcome, reason });

    const verdict = throttle.check(req.username, peer);
    if (!verdict.allowed) {
      await attempt('locked', verdict.by === 'user' ? 'too many failures for this user' : 'too many failures from this address');
      const seconds = Math.ceil(verdict.retryAfterMs / 1000);
      throw new HttpProblem(429, 'locked-out', `too many failed sign-ins; try again in ${seconds} s`, { headers: { 'Retry-After': String(seconds) } });
    }

    const account = USER_NAME_PATTERN.test(req.username) ? accounts.find(req.username) : null;
    // scrypt runs for unknown names too (against a dummy hash), so the answer takes as long.
    const matches = await verifyPassword(req.password, account?.pw_hash ?? null);
    if (account === null || !matches || account.disabled) {
      throttle.failed(req.username, peer);
      await attempt('failure', account === null ? 'unknown user' : !matches ? 'wrong password' : 'account disabled');
      env.deps.logger.info('sign-in refused', { user: req.username.slice(0, 64), peer, request_id: ctx.state.requestId });
      throw invalidCredentials();
    }

    throttle.succeeded(req.username);
    await attempt('success', null);
    const auth = cfg.auth;
    const ttlMs = auth.session_ttl;
    const token = mintToken({
      secret: signer.secret,
      subject: account.name,
      roles: [account.role],
      ...(account.hosts !== null ? { hosts: account.hosts } : {}),
      ttlMs,
      now,
      issuer: auth.issuer,
      audience: auth.audience,
      rolesClaim: auth.roles_claim,
      hostsClaim: auth.hosts_claim,
      extraClaims: { [SESSION_VERSION_CLAIM]: account.updated_at },
    });
    const expiresAt = (Math.floor(now / 1000) + Math.max(1, Math.round(ttlMs / 1000))) * 1000;
    env.deps.logger.info('signed in', { user: account.name, role: account.role, peer, request_id: ctx.state.requestId });
    ctx.set('Set-Cookie', sessionCookie(token, ttlMs, ctx.secure));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { role: account.role, hosts: account.hosts, expires_at: new Date(expiresAt).toISOString(), ...(req.token ? { token } : {}) };
  });

  // Public and always 204: signing out needs no valid session (an expired one must still be removable).
  router.post(LOGOUT_PATH, (ctx: Context) => {
    new QueryReader(ctx.query as RawQuery, []);
    ctx.set('Set-Cookie', clearedSessionCookie(ctx.secure));
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 204;
  });
}

/** GET /auth/me under /api/v1: who the credential is. Registered after authentication. */
export function registerAuthRoutes(router: Router): void {
  router.get('/auth/me', (ctx: Context) => {
    new QueryReader(ctx.query as RawQuery, []);
    const p = principalOf(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      sub: p.subject,
      role: highestRole(p),
      hosts: p.hostScope === undefined ? null : [...p.hostScope],
      expires_at: new Date(p.expiresAt ?? 0).toISOString(),
      via: p.via ?? 'bearer',
    };
  });
}

type Obj = Record<string, unknown>;
const ROLE: Obj = { type: 'string', enum: ['viewer', 'analyst', 'admin'] };
const HOSTS: Obj = { type: ['array', 'null'], items: { type: 'string' }, description: 'Host names or `*` patterns the session may see; null = every host.' };
const TIME: Obj = { type: 'string', format: 'date-time' };

const LOGIN_REQUEST: Obj = {
  type: 'object',
  properties: {
    username: { type: 'string', minLength: 1, maxLength: MAX_NAME },
    password: { type: 'string', minLength: 1, maxLength: MAX_PASSWORD, format: 'password' },
    token: { type: 'boolean', default: false, description: 'Also return the token in the body (for tools); the console uses the cookie.' },
  },
  required: ['username', 'password'],
  additionalProperties: false,
};

const LOGIN_RESULT: Obj = {
  type: 'object',
  properties: {
    role: ROLE,
    hosts: HOSTS,
    expires_at: TIME,
    token: { type: 'string', pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$', description: 'The JWT; only when the request asked for it.' },
  },
  required: ['role', 'hosts', 'expires_at'],
  additionalProperties: false,
};

const ME: Obj = {
  type: 'object',
  properties: {
    sub: { type: 'string' },
    role: { type: ['string', 'null'], enum: ['viewer', 'analyst', 'admin', null], description: 'The highest read role; null for a token with none (ingest only).' },
    hosts: HOSTS,
    expires_at: TIME,
    via: { type: 'string', enum: ['cookie', 'bearer'], description: 'Where the credential came from.' },
  },
  required: ['sub', 'role', 'hosts', 'expires_at', 'via'],
  additionalProperties: false,
};

/** The OpenAPI path items of the sign-in routes (src/api/openapi.ts adds them). */
export function authPathItems(errors: Obj, problem: (d: string) => Obj): Record<string, Obj> {
  const json = (schema: Obj): Obj => ({ 'application/json': { schema } });
  const setCookie = (description: string): Obj => ({ 'Set-Cookie': { description, schema: { type: 'string' } } });
  const without = (...codes: string[]): Obj => Object.fromEntries(Object.entries(errors).filter(([k]) => !codes.includes(k)));
  return {
    [LOGIN_PATH]: {
      post: {
        operationId: 'login',
        summary: `Sign in with a local account (logagg user add): sets the ${SESSION_COOKIE} cookie (HttpOnly; SameSite=Strict; Path=/; Secure over TLS) holding a short-lived token (api.auth.session_ttl). No token needed. HS256 deployments only.`,
        security: [],
        requestBody: { required: true, content: json(LOGIN_REQUEST) },
        responses: {
          '200': { description: 'Signed in', headers: setCookie(`${SESSION_COOKIE}=<JWT>; Max-Age=…; HttpOnly; SameSite=Strict; Path=/`), content: json(LOGIN_RESULT) },
          '400': problem('The body is not {"username","password"[,"token"]}; `param` names the field.'),
          '401': problem('Wrong user name or password (the same answer for both).'),
          '413': problem('Body too large.'),
          '415': problem('Body is not application/json.'),
          '429': {
            ...problem('Too many failed sign-ins for this user or from this address (api.auth.lockout), or rate limited; retry after Retry-After seconds.'),
            headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 } } },
          },
          '503': problem('Sign-in is not available: api.auth.algorithm is not HS256, or the attempt could not be recorded.'),
          ...without('400', '401', '403', '429', '503'),
        },
      },
    },
    [LOGOUT_PATH]: {
      post: {
        operationId: 'logout',
        summary: `Sign out: clears the ${SESSION_COOKIE} cookie. No token needed; always 204.`,
        security: [],
        responses: {
          '204': { description: 'Signed out; the cookie is cleared', headers: setCookie(`${SESSION_COOKIE}=; Max-Age=0; …`) },
          ...without('401', '403', '503'),
        },
      },
    },
    '/api/v1/auth/me': {
      get: {
        operationId: 'me',
        summary: `Who the credential (Bearer token or ${SESSION_COOKIE} cookie) is. Unsafe methods authenticated by the cookie must send ${CSRF_HEADER}: ${CSRF_VALUE}.`,
        security: [{ bearerAuth: [] }, { cookieAuth: [] }],
        responses: { '200': { description: 'OK', content: json(ME) }, ...errors },
      },
    },
  };
}
