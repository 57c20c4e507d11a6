/**
 * The HTTP app, assembled in one place. Order matters:
 *   request id → latency metrics → security headers → problem details (catches everything
 *   below) → CORS → per-address rate limit → /healthz, the web console, sign-in and sign-out
 *   (public) → shipper credentials on the OTLP, Loki and Elasticsearch paths → authentication
 *   (Bearer or the session cookie; the CSRF header on the cookie's unsafe methods) → per-token
 *   rate limit → routers (Elasticsearch's /_bulk…, /api/v1/… and the seed's unversioned paths).
 */
import Router from '@koa/router';
import Koa from 'koa';
import { METHODS } from 'node:http';
import { ConfigError } from '../errors.js';
import { LogReader } from '../store/log-reader.js';
import { createApiMetrics, type ApiMetrics } from './api-metrics.js';
import { readForwardStatus } from '../store/forward-cursors.js';
import { authenticate, requireRole } from './auth/authenticate.js';
import { loadVerificationKeys } from '../auth/keys.js';
import { defaultConsoleDir, loadConsoleFiles } from './console/console-files.js';
import { serveConsole } from './console/serve-console.js';
import { cors } from './cors.js';
import type { ApiDeps, RouteEnv } from './env.js';
import { errorHandler } from './error-handler.js';
import { buildOpenApi } from './openapi.js';
import { QueryReader, type RawQuery } from '../query/params.js';
import { RateLimiter, rateLimit } from './rate-limit.js';
import { requestId } from './request-id.js';
import { registerAlertRoutes } from './routes/alerts.js';
import { registerAuthRoutes, registerPublicAuthRoutes } from './routes/auth.js';
import { registerHealthRoute, registerReadyRoutes } from './routes/health.js';
import { registerIngestRoute } from './routes/ingest.js';
import { elasticsearchCompat, registerElasticsearchRoutes } from './routes/elasticsearch.js';
import { registerLogRoutes } from './routes/logs.js';
import { registerNotificationRoutes } from './routes/notifications.js';
import { notifyStatus } from '../store/notify-status.js';
import { blockCacheStats } from '../store/block-reader.js';
import { registerRuleRoutes } from './routes/rules.js';
import { registerSilenceRoutes } from './routes/silences.js';
import { registerShipperRoutes, SHIPPER_PATHS } from './routes/shipper-push.js';
import { shipperCredentials } from './auth/shipper-credentials.js';
import { registerStatusRoute } from './routes/status.js';
import { registerStreamRoute, STREAM_PATH } from './routes/stream.js';
import { registerSummaryRoutes } from './routes/summary.js';
import { securityHeaders } from './security-headers.js';
import { StreamHub } from './stream-hub.js';

export type { ApiDeps } from './env.js';

export interface ApiApp {
  app: Koa;
  hub: StreamHub;
  metrics: ApiMetrics;
}

/** Routes that exist under /api/v1 and unversioned. */
function registerResources(router: Router, env: RouteEnv): void {
  registerLogRoutes(router, env);
  registerAlertRoutes(router, env);
  registerRuleRoutes(router, env);
  registerSummaryRoutes(router, env);
  registerNotificationRoutes(router, env);
}

/**
 * Every method Node parses counts as known to the routers, so a method a path does not take
 * (TRACE, CONNECT, PROPFIND…) is answered 405 with Allow, as RFC 9110 asks, not 501.
 */
const KNOWN_METHODS = [...METHODS];

export function createApiApp(deps: ApiDeps, opts: { https?: boolean } = {}): ApiApp {
  const cfg = deps.config;
  if (cfg.cors.credentials && cfg.cors.origins.includes('*')) {
    throw new ConfigError([{ key: 'api.cors.origins', message: '"*" cannot be used with credentials: true; list the dashboard origins explicitly' }]);
  }
  const keys = loadVerificationKeys(cfg.auth);
  const clock = deps.clock ?? Date.now;
  const metrics = createApiMetrics({
    stats: deps.stats,
    alerts: deps.alerts,
    consumer: deps.consumer,
    rules: deps.rules,
    notifications: () => notifyStatus(deps.store),
    forwarding: () => readForwardStatus(deps.store, (deps.clock ?? Date.now)()),
    blockCache: () => blockCacheStats(deps.store),
  });
  const hub = new StreamHub({
    store: deps.store,
    pollMs: Math.max(10, cfg.stream.poll_interval),
    heartbeatMs: Math.max(100, cfg.stream.heartbeat),
    maxStreams: cfg.limits.max_streams,
    logger: deps.logger,
    onCountChange: (n) => metrics.streams.set(n),
  });
  const env: RouteEnv = { deps, cfg, reader: new LogReader(deps.store), now: clock, metrics, hub };

  const app = new Koa({ proxy: cfg.trust_proxy });
  // Every error is answered by errorHandler; what still reaches here is a broken connection.
  app.on('error', (err: unknown) => deps.logger.debug('connection error', { err }));

  app.use(requestId());
  app.use(async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = (ctx as unknown as { _matchedRoute?: unknown })._matchedRoute;
      metrics.observe(ctx.method, typeof route === 'string' ? route : 'unmatched', ctx.status, (performance.now() - started) / 1000);
    }
  });
  app.use(securityHeaders({ https: opts.https ?? false, hstsMaxAgeMs: cfg.tls.hsts_max_age }));
  app.use(errorHandler(deps.logger));
  app.use(cors(cfg.cors));

  const rl = cfg.rate_limit;
  if (rl.enabled) {
    const perIp = new RateLimiter({ rate: rl.per_ip.rate, burst: rl.per_ip.burst, maxKeys: rl.max_clients, clock: () => performance.now() });
    const limitIp = rateLimit(perIp, 'address', (ctx) => ctx.ip);
    app.use((ctx, next) => (ctx.path === '/healthz' ? next() : limitIp(ctx, next)));
  }

  const publicRouter = new Router({ methods: KNOWN_METHODS });
  registerHealthRoute(publicRouter);
  registerPublicAuthRoutes(publicRouter, env);
  app.use(publicRouter.routes());
  app.use(publicRouter.allowedMethods());
  app.use(serveConsole(deps.console ?? loadConsoleFiles(defaultConsoleDir())));

  app.use(shipperCredentials(SHIPPER_PATHS));
  app.use(elasticsearchCompat());
  app.use(authenticate({ auth: cfg.auth, keys, queryTokenPaths: new Set([STREAM_PATH]), ...(deps.accounts ? { accounts: deps.accounts } : {}) }));
  if (rl.enabled) {
    const perToken = new RateLimiter({ rate: rl.per_token.rate, burst: rl.per_token.burst, maxKeys: rl.max_clients, clock: () => performance.now() });
    app.use(rateLimit(perToken, 'token', (ctx) => String((ctx.state.principal as { tokenId: string }).tokenId)));
  }

  // Before the others: POST /logs/_bulk is a bulk request to index "logs", not /logs/{id}.
  const elasticsearch = new Router({ methods: KNOWN_METHODS });
  registerElasticsearchRoutes(elasticsearch, env);
  app.use(elasticsearch.routes());
  app.use(elasticsearch.allowedMethods());

  const v1 = new Router({ prefix: '/api/v1', methods: KNOWN_METHODS });
  registerResources(v1, env);
  registerStreamRoute(v1, env);
  registerIngestRoute(v1, env);
  registerSilenceRoutes(v1, env);
  registerAuthRoutes(v1);
  registerStatusRoute(v1, env);
  const openapi = buildOpenApi(cfg, deps.ingest ? { ingest: { maxBodyBytes: deps.ingest.maxBodyBytes, maxLines: deps.ingest.maxLines } } : {});
  v1.get('/openapi.json', requireRole('viewer'), (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    ctx.body = openapi;
  });
  app.use(v1.routes());
  app.use(v1.allowedMethods());

  const root = new Router({ methods: KNOWN_METHODS });
  registerResources(root, env);
  registerReadyRoutes(root, env);
  registerShipperRoutes(root, env);
  app.use(root.routes());
  app.use(root.allowedMethods());

  return { app, hub, metrics };
}

/** The Koa app alone (see createApiApp for the stream hub and metrics). */
export function createApp(deps: ApiDeps): Koa {
  return createApiApp(deps).app;
}
