/**
 * Authentication: koa-jwt verifies the token (jsonwebtoken underneath) with the pinned
 * algorithm and the configured key, issuer, audience and clock skew; then the claims become a
 * Principal on ctx.state.principal. Every failure is a 401 problem with a WWW-Authenticate
 * header (RFC 6750) and a detail saying what was wrong; a missing role is a 403.
 *
 * The token comes from `Authorization: Bearer`, else (on the stream) `?access_token=`, else the
 * console's session cookie (session-cookie.ts), whose unsafe requests must carry the CSRF
 * header. A session token (it carries SESSION_VERSION_CLAIM) is refused once its account was
 * removed, disabled or given a new password.
 */
import { createHash } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import koaJwt from 'koa-jwt';
import type { ApiConfig } from '../../config/sections/api.js';
import { HttpProblem } from '../problem.js';
import type { VerificationKeys } from '../../auth/keys.js';
import type { AccountsPort } from '../ports.js';
import { checkCsrf, looksLikeJwt, readSessionCookie } from './session-cookie.js';
import { hasRole, highestRole, parseHostsClaim, parseRolesClaim, type Principal, type ReadRole } from '../../auth/roles.js';

type AuthConfig = Readonly<ApiConfig['auth']>;

const REALM = 'logagg';

function unauthorized(detail: string, invalidToken: boolean): HttpProblem {
  const challenge = invalidToken
    ? `Bearer realm="${REALM}", error="invalid_token", error_description="${detail.replace(/["\\]/g, "'")}"`
    : `Bearer realm="${REALM}"`;
  return new HttpProblem(401, invalidToken ? 'invalid-token' : 'unauthorized', detail, { headers: { 'WWW-Authenticate': challenge } });
}

/** A client-safe description of why jsonwebtoken refused a token. */
function describeJwtError(e: unknown): string {
  const err = e as { name?: string; message?: string; expiredAt?: Date; date?: Date };
  if (err?.name === 'TokenExpiredError' && err.expiredAt instanceof Date) return `the token expired at ${err.expiredAt.toISOString()}`;
  if (err?.name === 'NotBeforeError' && err.date instanceof Date) return `the token is not valid before ${err.date.toISOString()}`;
  if (err?.name === 'JsonWebTokenError' && typeof err.message === 'string') {
    // "jwt audience invalid. expected: x" — keep what was wrong, not what we expect.
    return `the token was refused: ${err.message.replace(/\. expected: .*$/s, '')}`;
  }
  // koa-jwt's own message when the token does not even decode.
  if (err?.message === 'Invalid token') return 'the token was refused: jwt malformed';
  if (typeof err?.message === 'string' && /^(no key with kid|the token names no kid)/.test(err.message)) {
    return `the token was refused: ${err.message}`;
  }
  return 'the token was refused: it could not be verified';
}

export interface AuthenticateOptions {
  auth: AuthConfig;
  keys: VerificationKeys;
  /**
   * Paths on which `?access_token=` is accepted as well as the header: a browser's EventSource
   * cannot send headers. Elsewhere a token in the URL is ignored (URLs end up in logs).
   */
  queryTokenPaths?: ReadonlySet<string>;
  /** Local accounts, to end the sessions of accounts changed since; absent = sessions are not checked. */
  accounts?: AccountsPort;
}

/**
 * The claim of session tokens (POST /api/v1/auth/login) holding the account's updated_at when
 * the token was issued: a later password change or removal ends the session.
 */
export const SESSION_VERSION_CLAIM = 'pwv';

/** Verifies the token and sets ctx.state.principal; throws 401 problems. */
export function authenticate(opts: AuthenticateOptions): Middleware {
  const { auth, keys } = opts;
  const queryPaths = opts.queryTokenPaths ?? new Set<string>();
  const verifyOptions: Record<string, unknown> = {
    secret: async (header: { kid?: unknown; alg?: unknown }) => keys.lookup(header),
    algorithms: [keys.algorithm],
    clockTolerance: Math.floor(auth.clock_skew / 1000),
    passthrough: true,
    key: 'jwt',
    tokenKey: 'jwtToken',
    getToken: (ctx: Context): string | null => {
      const cookie = (ctx.state as { sessionToken?: string }).sessionToken;
      if (cookie !== undefined) return cookie;
      if (!queryPaths.has(ctx.path)) return null;
      const t = ctx.query.access_token;
      return typeof t === 'string' && t !== '' ? t : null;
    },
  };
  if (auth.issuer !== null) verifyOptions.issuer = auth.issuer;
  if (auth.audience !== null) verifyOptions.audience = auth.audience;
  const jwt = koaJwt(verifyOptions as unknown as koaJwt.Options);

  return async (ctx: Context, next: Next) => {
    const header = ctx.get('Authorization');
    const fromQuery = queryPaths.has(ctx.path) && typeof ctx.query.access_token === 'string';
    const cookie = header === '' && !fromQuery ? readSessionCookie(ctx) : null;
    if (header === '' && !fromQuery && cookie === null) {
      throw unauthorized('this endpoint needs a token: send Authorization: Bearer <jwt>, or sign in (POST /api/v1/auth/login)', false);
    }
    if (header !== '' && !/^Bearer [A-Za-z0-9._~+/=-]+$/i.test(header.trim())) {
      throw unauthorized('the Authorization header must be "Bearer <jwt>"', true);
    }
    if (cookie !== null) {
      if (!looksLikeJwt(cookie)) throw unauthorized('the session cookie does not hold a token; sign in again', true);
      (ctx.state as { sessionToken?: string }).sessionToken = cookie;
    }
    await jwt(ctx, async () => undefined);
    const state = ctx.state as { jwt?: unknown; jwtToken?: string; jwtOriginalError?: unknown; sessionToken?: string };
    delete state.sessionToken;
    if (state.jwtOriginalError !== undefined || state.jwt === undefined) throw unauthorized(describeJwtError(state.jwtOriginalError), true);
    const principal = toPrincipal(state.jwt, state.jwtToken ?? '', auth, cookie !== null ? 'cookie' : 'bearer');
    if (opts.accounts !== undefined) checkSession(state.jwt as Record<string, unknown>, opts.accounts);
    ctx.state.principal = principal;
    delete state.jwt;
    delete state.jwtToken;
    if (principal.via === 'cookie') checkCsrf(ctx);
    await next();
  };
}

/** 401 for a session token whose account was removed, disabled or changed after it was issued. */
function checkSession(claims: Record<string, unknown>, accounts: AccountsPort): void {
  const version = claims[SESSION_VERSION_CLAIM];
  if (version === undefined) return;
  const account = typeof claims.sub === 'string' ? accounts.find(claims.sub) : null;
  if (account === null || account.disabled || account.updated_at !== version) {
    throw unauthorized('the session ended: the account was removed, disabled or given a new password; sign in again', true);
  }
}

function toPrincipal(payload: unknown, token: string, auth: AuthConfig, via: 'cookie' | 'bearer'): Principal {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw unauthorized('the token payload must be a JSON object', true);
  const claims = payload as Record<string, unknown>;
  if (typeof claims.exp !== 'number') throw unauthorized('the token has no exp claim; tokens must expire', true);
  if (claims.sub !== undefined && typeof claims.sub !== 'string') throw unauthorized('the sub claim must be a string', true);
  const roles = parseRolesClaim(claims[auth.roles_claim], auth.roles_claim);
  if (!roles.ok) throw unauthorized(roles.reason, true);
  const hosts = parseHostsClaim(claims[auth.hosts_claim], auth.hosts_claim);
  if (!hosts.ok) throw unauthorized(hosts.reason, true);
  return {
    subject: typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : '(no subject)',
    roles: roles.value,
    hostScope: hosts.value,
    tokenId: createHash('sha256').update(token).digest('base64url').slice(0, 22),
    via,
    expiresAt: claims.exp * 1000,
  };
}

export function principalOf(ctx: Context): Principal {
  const p = (ctx.state as { principal?: Principal }).principal;
  if (!p) throw new Error('principalOf: route registered without authentication');
  return p;
}

/** 403 unless the token carries `role` or a higher one. */
export function requireRole(role: ReadRole | 'ingest'): Middleware {
  return async (ctx, next) => {
    const p = principalOf(ctx);
    if (!hasRole(p, role)) {
      const has = highestRole(p);
      throw new HttpProblem(403, 'forbidden', `this needs the ${role} role; the token has ${has === null ? 'no role that grants it' : `only ${has}`}`, {
        headers: { 'WWW-Authenticate': `Bearer realm="${REALM}", error="insufficient_scope"` },
      });
    }
    await next();
  };
}

/** 403 for host-scoped tokens on routes that show data across all hosts. */
export function requireUnscoped(what: string): Middleware {
  return async (ctx, next) => {
    if (principalOf(ctx).hostScope !== undefined) {
      throw new HttpProblem(403, 'forbidden', `${what} covers every host; a token limited to some hosts cannot read it`);
    }
    await next();
  };
}
