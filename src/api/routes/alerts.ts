/**
 * GET /alerts, GET /alerts/:id, GET /alerts/:id/history (its state changes), PATCH /alerts/:id
 * (acknowledge, resolve, reopen; analyst).
 * Served through the AlertsPort; 503 when the detection engine is not wired in.
 */
import type Router from '@koa/router';
import { badRequest, LogaggError } from '../../errors.js';
import { principalOf, requireRole } from '../auth/authenticate.js';
import { onlyFields, readJsonObject } from '../body.js';
import type { RouteEnv } from '../env.js';
import { ALERT_FILTER_PARAMS, readAlertFilter } from '../../query/alert-query.js';
import { QueryReader, type RawQuery } from '../../query/params.js';
import { ALERT_STATES, canTransition, type AlertState } from '../../core/alert.js';
import type { AlertsPort } from '../ports.js';
import { HttpProblem } from '../problem.js';
import { iso, toApiAlert } from '../../query/render.js';
import { pathId } from './logs.js';

const MAX_COMMENT = 2000;

function port(env: RouteEnv): AlertsPort {
  if (!env.deps.alerts) throw new LogaggError('STORE_UNAVAILABLE', 'alerts are not available: the detection engine is not running in this process');
  return env.deps.alerts;
}

export function registerAlertRoutes(router: Router, env: RouteEnv): void {
  const { cfg } = env;

  router.get('/alerts', requireRole('viewer'), (ctx) => {
    const r = new QueryReader(ctx.query as RawQuery, [...ALERT_FILTER_PARAMS, 'limit', 'cursor']);
    const filter = readAlertFilter(r, env.now(), principalOf(ctx).hostScope);
    const limit = r.int('limit', 1, cfg.limits.max_page) ?? cfg.limits.default_page;
    const cursor = r.one('cursor') ?? null;
    const page = port(env).list(filter, { limit, cursor });
    ctx.body = { items: page.items.map(toApiAlert), next_cursor: page.next_cursor, limit };
  });

  // Not under /alerts/: /alerts/:id would match it too (its PATCH would be offered there).
  router.get('/alert-stats', requireRole('viewer'), (ctx) => {
    const r = new QueryReader(ctx.query as RawQuery, [...ALERT_FILTER_PARAMS, 'top']);
    const filter = readAlertFilter(r, env.now(), principalOf(ctx).hostScope);
    const top = r.int('top', 1, 1000) ?? 20;
    ctx.body = port(env).stats(filter, top);
  });

  router.get('/alerts/:id', requireRole('viewer'), (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    const id = pathId(ctx.params.id);
    const alert = port(env).get(id, principalOf(ctx).hostScope);
    if (!alert) throw new LogaggError('NOT_FOUND', `no alert with id ${id}`, { details: { param: 'id' } });
    ctx.body = toApiAlert(alert);
  });

  router.get('/alerts/:id/history', requireRole('viewer'), (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    const id = pathId(ctx.params.id);
    const history = port(env).history(id, principalOf(ctx).hostScope);
    if (!history) throw new LogaggError('NOT_FOUND', `no alert with id ${id}`, { details: { param: 'id' } });
    ctx.body = { items: history.map((h) => ({ at: iso(h.at), by: h.by, from: h.from, to: h.to, comment: h.comment })) };
  });

  router.patch('/alerts/:id', requireRole('analyst'), async (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    const id = pathId(ctx.params.id);
    const alerts = port(env);
    const body = await readJsonObject(ctx, cfg.limits.body_bytes);
    onlyFields(body, ['state', 'comment']);
    const state = body.state;
    if (typeof state !== 'string' || !(ALERT_STATES as readonly string[]).includes(state)) {
      throw badRequest('state', `must be one of ${ALERT_STATES.join(', ')}`);
    }
    const comment = body.comment ?? null;
    if (comment !== null && (typeof comment !== 'string' || comment.length > MAX_COMMENT)) {
      throw badRequest('comment', `must be a string of at most ${MAX_COMMENT} characters`);
    }
    const p = principalOf(ctx);
    const current = alerts.get(id, p.hostScope);
    if (!current) throw new LogaggError('NOT_FOUND', `no alert with id ${id}`, { details: { param: 'id' } });
    if (!canTransition(current.state, state as AlertState)) {
      throw new HttpProblem(409, 'conflict', `alert ${id} is ${current.state}; it cannot become ${state} (reopen it first)`, { param: 'state' });
    }
    const updated = await alerts.transition(id, { state: state as AlertState, by: p.subject, at: env.now(), comment }, p.hostScope);
    if (!updated) throw new LogaggError('NOT_FOUND', `no alert with id ${id}`, { details: { param: 'id' } });
    env.deps.logger.info('alert state changed', { alert: id, state, by: p.subject, request_id: ctx.state.requestId });
    ctx.body = toApiAlert(updated);
  });
}
