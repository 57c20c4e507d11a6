/**
 * CORS through @koa/cors with an allowlist: an origin not on the list gets no CORS headers at
 * all, and its preflight is refused with 403 (a browser would block it either way; the problem
 * body says why). Methods and headers are listed explicitly, never reflected.
 */
import koaCors from '@koa/cors';
import type { Middleware } from 'koa';
import type { ApiSettings } from './env.js';
import { HttpProblem } from './problem.js';

export const CORS_METHODS = ['GET', 'HEAD', 'PATCH', 'OPTIONS'];
export const CORS_ALLOW_HEADERS = ['Authorization', 'Content-Type', 'Last-Event-ID', 'X-Request-Id'];
export const CORS_EXPOSE_HEADERS = ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'];

export function cors(cfg: ApiSettings['cors']): Middleware {
  const any = cfg.origins.includes('*');
  const allowed = new Set(cfg.origins);
  const isAllowed = (origin: string): boolean => origin !== '' && (any || allowed.has(origin));
  const inner = koaCors({
    // With "*" (never combined with credentials: the config refuses it) the answer is "*".
    origin: (ctx) => {
      const o = ctx.get('Origin');
      return isAllowed(o) ? (any ? '*' : o) : '';
    },
    credentials: cfg.credentials,
    allowMethods: CORS_METHODS,
    allowHeaders: CORS_ALLOW_HEADERS,
    exposeHeaders: CORS_EXPOSE_HEADERS,
    maxAge: Math.floor(cfg.max_age / 1000),
    keepHeadersOnError: true,
  });
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    const preflight = ctx.method === 'OPTIONS' && origin !== '' && ctx.get('Access-Control-Request-Method') !== '';
    if (preflight && !isAllowed(origin)) {
      ctx.vary('Origin');
      throw new HttpProblem(403, 'forbidden', `origin ${origin.slice(0, 200)} is not allowed; add it to api.cors.origins`, { param: 'Origin' });
    }
    await inner(ctx, next);
  };
}
