/**
 * GET /healthz (liveness; no auth), GET /readyz (store readable, consumer state, lag; viewer;
 * `degraded`, still 200, while rules are refused: ingest and the other rules run, or while a
 * forwarding output has failed for longer than forward.degraded_after: ingest goes on; 503 with
 * `ingest_paused` saying why while the store refuses writes, e.g. a full disk),
 * GET /metrics (Prometheus text; viewer with an unscoped token: it covers every host).
 */
import type Router from '@koa/router';
import { maxLogId } from '../../store/log-follow.js';
import { readForwardStatus, type ForwardOutputStatus } from '../../store/forward-cursors.js';
import { requireRole, requireUnscoped } from '../auth/authenticate.js';
import type { RouteEnv } from '../env.js';
import { QueryReader, type RawQuery } from '../../query/params.js';

export function registerHealthRoute(router: Router): void {
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
}

export function registerReadyRoutes(router: Router, env: RouteEnv): void {
  router.get('/readyz', requireRole('viewer'), (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    const { deps } = env;
    let store: { ok: boolean; schema_version: number; detail?: string };
    try {
      maxLogId(deps.store);
      store = { ok: true, schema_version: deps.store.schemaVersion };
    } catch (e) {
      store = { ok: false, schema_version: deps.store.schemaVersion, detail: e instanceof Error ? e.message : 'unreadable' };
    }
    const consumer = deps.consumer ? (deps.consumer.isConnected ? 'connected' : 'disconnected') : 'not running';
    let lag = 0;
    for (const v of deps.stats?.lag.values() ?? []) lag += v;
    const paused = deps.stats?.storePaused ?? null;
    const ready = store.ok && consumer !== 'disconnected' && paused === null;
    const refused = deps.rules ? deps.rules.refusedCount() : null;
    // Read from the database (forward_cursors), so the API's own connection sees what the forwarder recorded.
    let forwarding: ForwardOutputStatus[] = [];
    if (store.ok) {
      try {
        forwarding = readForwardStatus(deps.store, env.now());
      } catch {
        forwarding = [];
      }
    }
    const degraded = (refused !== null && refused > 0) || forwarding.some((f) => f.degraded);
    ctx.status = ready ? 200 : 503;
    ctx.body = {
      status: !ready ? 'not ready' : degraded ? 'degraded' : 'ready',
      store,
      consumer,
      lag: deps.stats ? lag : null,
      last_batch_at: deps.stats && deps.stats.lastBatchAt > 0 ? new Date(deps.stats.lastBatchAt).toISOString() : null,
      streams: env.hub.size,
      rules_refused: refused,
      ingest_paused: paused === null ? null : { reason: paused.reason, code: paused.code, since: new Date(paused.since).toISOString() },
      forwarding: forwarding.map((f) => ({
        output: f.output,
        events_behind: f.events_behind,
        alerts_behind: f.alerts_behind,
        failing_since: f.failing_since === null ? null : new Date(f.failing_since).toISOString(),
        degraded: f.degraded,
      })),
    };
  });

  router.get('/metrics', requireRole('viewer'), requireUnscoped('/metrics'), async (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    await env.deps.refreshStats?.();
    const text = await env.metrics.registry.metrics();
    ctx.type = env.metrics.registry.contentType;
    ctx.body = text;
  });
}
