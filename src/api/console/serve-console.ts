/**
 * Serves the web console at `/` and under `/ui/`, before authentication: the page itself is
 * public, every datum it shows comes from the API with the user's credentials. Unknown paths
 * under /ui/ that are not asset files answer index.html, so a client route (/ui/alerts?…) can be
 * reloaded or shared. The console's CSP replaces the API's `default-src 'none'`: same-origin
 * scripts, styles and fetches only, no inline script, no eval.
 */
import type { Context, Middleware, Next } from 'koa';
import { LogaggError } from '../../errors.js';
import { CONSOLE_PREFIX, type ConsoleFile, type ConsoleFiles } from './console-files.js';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const INDEX = `${CONSOLE_PREFIX}/index.html`;
const YEAR_S = 365 * 86_400;

/** Which console file a GET path answers, or undefined when the path is not the console's. */
export function consolePath(files: ConsoleFiles, p: string): string | undefined {
  if (p === '/' || p === CONSOLE_PREFIX || p === `${CONSOLE_PREFIX}/`) return INDEX;
  if (!p.startsWith(`${CONSOLE_PREFIX}/`)) return undefined;
  if (files.has(p)) return p;
  // A missing asset is a 404, not the page: a stale hashed name must not load HTML as script.
  if (p.startsWith(`${CONSOLE_PREFIX}/assets/`) || /\.[a-z0-9]+$/i.test(p)) return undefined;
  return INDEX;
}

export function serveConsole(files: ConsoleFiles): Middleware {
  return async (ctx: Context, next: Next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || files.size === 0) return next();
    // `/` is shared with the Elasticsearch probe (GET and HEAD / of Beats, Logstash and the
    // clients): the console answers it only to a browser asking for a page.
    if (ctx.path === '/' && !/\btext\/html\b/.test(ctx.get('Accept'))) return next();
    const key = consolePath(files, ctx.path);
    const file = key === undefined ? undefined : files.get(key);
    if (file) return send(ctx, file);
    // Under /ui/ everything is the console's: a missing file is a 404, not a demand for a token.
    if (ctx.path.startsWith(`${CONSOLE_PREFIX}/`)) throw new LogaggError('NOT_FOUND', `no console file ${ctx.path}`);
    return next();
  };
}

function send(ctx: Context, file: ConsoleFile): void {
  ctx.set('Content-Security-Policy', CONSOLE_CSP);
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
  ctx.set('Cache-Control', file.immutable ? `public, max-age=${YEAR_S}, immutable` : 'no-cache');
  ctx.set('ETag', file.etag);
  ctx.vary('Accept-Encoding');
  ctx.type = file.type;
  if (ctx.get('If-None-Match') === file.etag) {
    ctx.status = 304;
    return;
  }
  const gzip = file.gzip !== undefined && /\bgzip\b/.test(ctx.get('Accept-Encoding'));
  if (gzip) ctx.set('Content-Encoding', 'gzip');
  ctx.status = 200;
  ctx.body = gzip ? file.gzip : file.body;
}
