/**
 * The session cookie of the web console and the CSRF rule that goes with it.
 *
 * The cookie holds the same JWT a Bearer header would (POST /api/v1/auth/login sets it):
 * HttpOnly so page scripts cannot read it, SameSite=Strict so other sites' pages do not send it,
 * Path=/ for the API and the console alike, Secure when the API serves TLS. Because a browser
 * attaches a cookie by itself, an unsafe request authenticated by the cookie must also carry
 * `X-Requested-With: logagg`: a custom header that a cross-origin page cannot add without a CORS
 * preflight, which the API does not grant (defence in depth behind SameSite). Bearer requests
 * need nothing extra: a page cannot make a browser send a header it does not know.
 */
import type { Context } from 'koa';
import { HttpProblem } from '../problem.js';

export const SESSION_COOKIE = 'logagg_session';
export const CSRF_HEADER = 'X-Requested-With';
export const CSRF_VALUE = 'logagg';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JWT_CHARS = /^[A-Za-z0-9._-]+$/;

function attributes(secure: boolean): string {
  return `HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
}

/** Set-Cookie for a session lasting `maxAgeMs` (the token's own lifetime). */
export function sessionCookie(token: string, maxAgeMs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Max-Age=${Math.max(1, Math.floor(maxAgeMs / 1000))}; ${attributes(secure)}`;
}

/** Set-Cookie that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; ${attributes(secure)}`;
}

/**
 * The session cookie's value; null when absent or empty. A value that cannot be a JWT is
 * returned as is: verification refuses it with a 401 that says so.
 */
export function readSessionCookie(ctx: Context): string | null {
  const header = ctx.get('Cookie');
  if (header === '') return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return value === '' ? null : value;
  }
  return null;
}

export function looksLikeJwt(value: string): boolean {
  return JWT_CHARS.test(value) && value.length <= 16_384;
}

/** 403 for an unsafe method authenticated by the cookie without the CSRF header. */
export function checkCsrf(ctx: Context): void {
  if (SAFE_METHODS.has(ctx.method)) return;
  if (ctx.get(CSRF_HEADER) === CSRF_VALUE) return;
  throw new HttpProblem(
    403,
    'csrf',
    `a ${ctx.method} authenticated by the session cookie must carry the header ${CSRF_HEADER}: ${CSRF_VALUE} (or use Authorization: Bearer)`,
    { param: CSRF_HEADER },
  );
}
