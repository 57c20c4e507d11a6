/**
 * Headers every answer carries. The API serves JSON only, so the CSP forbids everything a
 * document could load; HSTS is sent only over HTTPS (browsers ignore it over HTTP anyway).
 */
import type { Middleware } from 'koa';

export function securityHeaders(opts: { https: boolean; hstsMaxAgeMs: number }): Middleware {
  const hsts = opts.https && opts.hstsMaxAgeMs > 0 ? `max-age=${Math.floor(opts.hstsMaxAgeMs / 1000)}; includeSubDomains` : null;
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    ctx.set('Cross-Origin-Resource-Policy', 'same-site');
    ctx.set('Cache-Control', 'no-store');
    if (hsts) ctx.set('Strict-Transport-Security', hsts);
    await next();
  };
}
