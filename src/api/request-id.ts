/**
 * A request id per request: the caller's X-Request-Id when it is short and plain (so ids can
 * be followed across a proxy), else a new UUID. Sent back in X-Request-Id and in every problem
 * body, and written with every server-side log line about the request.
 */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

const ACCEPTED = /^[A-Za-z0-9._:-]{8,64}$/;

export function requestId(): Middleware {
  return async (ctx, next) => {
    const given = ctx.get('X-Request-Id');
    const id = ACCEPTED.test(given) ? given : randomUUID();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    await next();
  };
}
