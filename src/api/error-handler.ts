/**
 * The one place errors become answers: every thrown error and every empty 4xx/5xx becomes an
 * RFC 9457 problem. Internal failures are logged with the request id and shown to the client
 * only as "see request id …".
 */
import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';
import { PROBLEM_CONTENT_TYPE, problemForStatus, problemFromError, type ProblemResponse } from './problem.js';

export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    const requestId = String(ctx.state.requestId ?? '');
    let p: ProblemResponse | null = null;
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) {
        p = problemForStatus(404, `no route ${ctx.method} ${ctx.path.slice(0, 200)}`, ctx.path, requestId);
      } else if (ctx.status === 405 && ctx.body == null) {
        p = problemForStatus(405, `${ctx.method} is not allowed here; allowed: ${ctx.response.get('Allow') || 'none'}`, ctx.path, requestId);
      } else if (ctx.status >= 400 && ctx.body == null) {
        p = problemForStatus(ctx.status, 'the request failed', ctx.path, requestId);
      }
    } catch (err) {
      p = problemFromError(err, ctx.path, requestId);
      if (p.internal) {
        logger.error('request failed', { request_id: requestId, method: ctx.method, path: ctx.path, err, stack: err instanceof Error ? err.stack : undefined });
      }
      // Headers a middleware attached to the error (CORS on errors, Allow, …), then ours.
      const attached = (err as { headers?: unknown } | null)?.headers;
      if (attached && typeof attached === 'object') {
        for (const [k, v] of Object.entries(attached as Record<string, unknown>)) if (typeof v === 'string') ctx.set(k, v);
      }
    }
    if (p) {
      for (const [k, v] of Object.entries(p.headers)) ctx.set(k, v);
      ctx.status = p.status;
      ctx.type = PROBLEM_CONTENT_TYPE;
      ctx.body = p.body;
    }
  };
}
