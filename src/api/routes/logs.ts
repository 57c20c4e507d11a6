/**
 * GET /logs (filtered, keyset-paginated), GET /logs/stats (counts), GET /logs/histogram (counts
 * over time), GET /logs/:id (one event
 * with raw text and the alerts it raised). Every read carries the token's host scope.
 */
import type Router from '@koa/router';
import { badRequest, LogaggError } from '../../errors.js';
import { principalOf, requireRole } from '../auth/authenticate.js';
import type { RouteEnv } from '../env.js';
import { withoutBlankSearch } from '../search-text.js';
import { ATTR_PREFIX, LOG_FILTER_PARAMS, readLogFilter, readLogListQuery, withApiParams } from '../../query/log-query.js';
import { QueryReader, type RawQuery } from '../../query/params.js';
import { toApiAlert, toApiLog } from '../../query/render.js';
import { MAX_BUCKETS } from '../../store/log-reader.js';

/** A positive integer id from a path segment; 400 naming `id` otherwise. */
export function pathId(text: string | undefined): number {
  if (text === undefined || !/^[1-9]\d{0,15}$/.test(text) || !Number.isSafeInteger(Number(text))) throw badRequest('id', 'must be a positive integer');
  return Number(text);
}

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z, epoch ms. */
const RFC3339_MIN = -62_167_219_200_000;
const RFC3339_MAX = 253_402_300_799_999;

export function registerLogRoutes(router: Router, env: RouteEnv): void {
  const { cfg, reader } = env;
  const viewer = requireRole('viewer');

  router.get('/logs', viewer, (ctx) => {
    const scope = principalOf(ctx).hostScope;
    const q = readLogListQuery(ctx.query as RawQuery, env.now(), scope, { default: cfg.limits.default_page, max: cfg.limits.max_page });
    const page = withApiParams(() =>
      reader.queryLogs(withoutBlankSearch(q.filter), { limit: q.limit, cursor: q.cursor, order: q.order, budgetMs: cfg.limits.query_budget }),
    );
    ctx.body = { items: page.items.map((e) => toApiLog(e, false)), next_cursor: page.next_cursor, limit: q.limit };
  });

  router.get('/logs/stats', viewer, (ctx) => {
    const r = new QueryReader(ctx.query as RawQuery, [...LOG_FILTER_PARAMS, 'top_hosts'], [ATTR_PREFIX]);
    const filter = withoutBlankSearch(readLogFilter(r, env.now(), principalOf(ctx).hostScope));
    const topHosts = r.int('top_hosts', 1, 1000) ?? 50;
    ctx.body = withApiParams(() => reader.statsLogs(filter, { budgetMs: cfg.limits.query_budget, topHosts }));
  });

  // Counts over time of what /logs would list: the console's histogram. The window defaults to
  // the 24 hours before `to` (default now).
  router.get('/logs/histogram', viewer, (ctx) => {
    const r = new QueryReader(ctx.query as RawQuery, [...LOG_FILTER_PARAMS, 'buckets'], [ATTR_PREFIX]);
    const filter = withoutBlankSearch(readLogFilter(r, env.now(), principalOf(ctx).hostScope));
    const buckets = r.int('buckets', 1, MAX_BUCKETS) ?? 60;
    // The window is answered in RFC 3339 times, which end at years 0000 and 9999: no event lies
    // outside them, so a window reaching past is cut there (and may be empty).
    const to = Math.min(Math.max(filter.to ?? env.now(), RFC3339_MIN), RFC3339_MAX);
    const from = Math.min(Math.max(filter.from ?? to - 86_400_000, RFC3339_MIN), RFC3339_MAX);
    const h = withApiParams(() => reader.histogramLogs({ ...filter, from, to }, { buckets, budgetMs: cfg.limits.query_budget }));
    ctx.body = {
      from: new Date(h.from).toISOString(),
      to: new Date(h.to).toISOString(),
      interval_ms: h.intervalMs,
      buckets: h.buckets.map((b) => ({ ts: new Date(b.ts).toISOString(), count: b.count, threats: b.threats })),
    };
  });

  router.get('/logs/:id', viewer, (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    const id = pathId(ctx.params.id);
    const scope = principalOf(ctx).hostScope;
    const event = reader.getLog(id, scope === undefined ? {} : { hostScope: scope });
    // Outside the scope reads exactly like absent: a scoped token learns nothing about other hosts.
    if (!event) throw new LogaggError('NOT_FOUND', `no log with id ${id}`, { details: { param: 'id' } });
    const alerts = env.deps.alerts
      ? env.deps.alerts.list({ eventId: id, ...(scope === undefined ? {} : { hostScope: scope }) }, { limit: 100, cursor: null }).items
      : [];
    ctx.body = { ...toApiLog(event, true), alerts: alerts.map(toApiAlert) };
  });
}
