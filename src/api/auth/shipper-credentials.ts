/**
 * Log shippers authenticate the way their config offers: Fluent Bit's loki output
 * (http_user/http_passwd), Promtail and Grafana Alloy (basic_auth), Vector (auth.strategy basic)
 * send HTTP Basic. On the shipper paths, `Authorization: Basic base64(user:password)` is read as
 * the bearer token `password` (the user name is ignored; put anything there), so the usual
 * verification (authenticate.ts) decides with no second kind of secret. Bearer works everywhere.
 */
import type { Middleware } from 'koa';

export function shipperCredentials(paths: ReadonlySet<string>): Middleware {
  return async (ctx, next) => {
    if (paths.has(ctx.path)) {
      const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(ctx.get('Authorization'));
      if (m) {
        const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        const password = colon < 0 ? '' : decoded.slice(colon + 1);
        // An empty or malformed password is left for authenticate to refuse as not-Bearer (401).
        if (password !== '') ctx.req.headers.authorization = `Bearer ${password}`;
      }
    }
    await next();
  };
}
