/**
 * GET /rules (analyst) and PATCH /rules/:id {enabled} (admin), through the RulesPort. GET lists
 * the rules in force (state `active`), then the rules of the folder refused at start (state
 * `refused`, with the file and the reason).
 */
import type Router from '@koa/router';
import { badRequest, LogaggError } from '../../errors.js';
import { principalOf, requireRole } from '../auth/authenticate.js';
import { onlyFields, readJsonObject } from '../body.js';
import type { RouteEnv } from '../env.js';
import { QueryReader, type RawQuery } from '../../query/params.js';
import type { RulesPort } from '../ports.js';
import { toApiRefusedRule, toApiRule } from '../../query/render.js';

/** A rule id as rule files may spell it; the OpenAPI document states the same pattern. */
export const RULE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$';
const RULE_ID = new RegExp(RULE_ID_PATTERN);

function port(env: RouteEnv): RulesPort {
  if (!env.deps.rules) throw new LogaggError('STORE_UNAVAILABLE', 'rules are not available: the detection engine is not running in this process');
  return env.deps.rules;
}

export function registerRuleRoutes(router: Router, env: RouteEnv): void {
  router.get('/rules', requireRole('analyst'), async (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    const rules = port(env);
    const [active, refused] = await Promise.all([rules.list(), rules.refused()]);
    ctx.body = { items: [...active.map(toApiRule), ...refused.map(toApiRefusedRule)] };
  });

  router.patch('/rules/:id', requireRole('admin'), async (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    const id = ctx.params.id ?? '';
    if (!RULE_ID.test(id)) throw badRequest('id', 'not a rule id');
    const rules = port(env);
    const body = await readJsonObject(ctx, env.cfg.limits.body_bytes);
    onlyFields(body, ['enabled']);
    if (typeof body.enabled !== 'boolean') throw badRequest('enabled', 'must be true or false');
    const who = principalOf(ctx).subject;
    const rule = await rules.setEnabled(id, body.enabled, who);
    if (!rule) throw new LogaggError('NOT_FOUND', `no rule with id ${id}`, { details: { param: 'id' } });
    env.deps.logger.info(body.enabled ? 'rule enabled' : 'rule disabled', { rule: id, by: who, request_id: ctx.state.requestId });
    ctx.body = toApiRule(rule);
  });
}
