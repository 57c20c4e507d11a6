/**
 * GET/POST /api/v1/silences, GET /api/v1/silences/:id, POST /api/v1/silences/:id/expire (role analyst). A host-scoped
 * token creates only silences whose hosts lie inside its scope (403 otherwise), and sees and
 * expires only those. Expiring ends the silence now; the record stays (who, when, why): it is
 * an action on the silence, not a deletion, so the silence stays readable at its address.
 */
import type Router from '@koa/router';
import { badRequest, LogaggError } from '../../errors.js';
import { readSilenceRequest, MATCHER_VALUE_PATTERN, MAX_SILENCE_COMMENT } from '../../core/silence-request.js';
import { matchersWithinScope, SILENCE_STATES } from '../../core/silence.js';
import { SEVERITIES } from '../../core/event.js';
import { principalOf, requireRole } from '../auth/authenticate.js';
import { onlyFields, readJsonObject } from '../body.js';
import type { ApiSettings, RouteEnv } from '../env.js';
import type { SilencesPort } from '../ports.js';
import { HttpProblem } from '../problem.js';
import { QueryReader, type RawQuery } from '../../query/params.js';
import { toApiSilence } from '../../query/render.js';
import { pathId } from './logs.js';

/** next_cursor of GET /silences: the id to continue below (empty = from the newest). */
const SILENCE_CURSOR_PATTERN = '^(?:[1-9]\\d{0,15})?$';
/** A positive duration (no zero: a silence must last), up to five digits of a unit: 30m, 2h, 1.5d. */
const DURATION_PATTERN = '^[1-9]\\d{0,4}(?:\\.\\d{1,3})?(?:ms|s|m|h|d|w)$';

function port(env: RouteEnv): SilencesPort {
  if (!env.deps.silences) throw new LogaggError('STORE_UNAVAILABLE', 'silences are not available: the detection engine is not running in this process');
  return env.deps.silences;
}

const notFound = (id: number) => new LogaggError('NOT_FOUND', `no silence with id ${id}`, { details: { param: 'id' } });

export function registerSilenceRoutes(router: Router, env: RouteEnv): void {
  const { cfg } = env;
  const analyst = requireRole('analyst');

  router.get('/silences', analyst, (ctx) => {
    const r = new QueryReader(ctx.query as RawQuery, ['state', 'limit', 'cursor']);
    const states = r.choices('state', SILENCE_STATES);
    const limit = r.int('limit', 1, cfg.limits.max_page) ?? cfg.limits.default_page;
    const cursor = r.one('cursor');
    if (cursor !== undefined && !new RegExp(SILENCE_CURSOR_PATTERN).test(cursor)) throw badRequest('cursor', 'not a cursor this endpoint made; pass next_cursor back unchanged');
    const now = env.now();
    const scope = principalOf(ctx).hostScope;
    const page = port(env).list({ ...(states ? { states } : {}), ...(scope ? { hostScope: scope } : {}) }, { limit, beforeId: cursor ? Number(cursor) : null }, now);
    ctx.body = { items: page.items.map((s) => toApiSilence(s, now)), next_cursor: page.next_before === null ? null : String(page.next_before), limit };
  });

  router.get('/silences/:id', analyst, (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    const id = pathId(ctx.params.id);
    const s = port(env).get(id, principalOf(ctx).hostScope);
    if (!s) throw notFound(id);
    ctx.body = toApiSilence(s, env.now());
  });

  router.post('/silences', analyst, async (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    const silences = port(env);
    const body = await readJsonObject(ctx, cfg.limits.body_bytes);
    onlyFields(body, ['matchers', 'starts_at', 'ends_at', 'duration', 'comment']);
    const p = principalOf(ctx);
    const now = env.now();
    const wanted = readSilenceRequest(body, p.subject, now);
    if (!matchersWithinScope(wanted.matchers, p.hostScope)) {
      throw new HttpProblem(403, 'forbidden', 'a token limited to some hosts must list hosts in matchers.hosts, each inside its scope', { param: 'matchers.hosts' });
    }
    const made = await silences.create(wanted, now);
    env.deps.logger.info('silence created', { silence: made.id, by: p.subject, matchers: made.matchers, starts_at: made.starts_at, ends_at: made.ends_at, comment: made.comment, request_id: ctx.state.requestId });
    ctx.status = 201;
    ctx.set('Location', `/api/v1/silences/${made.id}`);
    ctx.body = toApiSilence(made, now);
  });

  router.post('/silences/:id/expire', analyst, async (ctx) => {
    new QueryReader(ctx.query as RawQuery, []);
    const id = pathId(ctx.params.id);
    const p = principalOf(ctx);
    const now = env.now();
    const r = await port(env).expire(id, p.subject, now, p.hostScope);
    if (r === null) throw notFound(id);
    if (r.changed) env.deps.logger.info('silence expired', { silence: id, by: p.subject, request_id: ctx.state.requestId });
    ctx.body = toApiSilence(r.silence, now);
  });
}

type Obj = Record<string, unknown>;
const closed = (properties: Record<string, Obj>, optional: string[] = []): Obj => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  additionalProperties: false,
});
const time: Obj = { type: 'string', format: 'date-time' };
const matcherValues: Obj = { type: 'array', maxItems: 100, items: { type: 'string', pattern: MATCHER_VALUE_PATTERN.source, minLength: 1, maxLength: 256 } };
const severities: Obj = { type: 'array', maxItems: 100, items: { type: 'string', enum: [...SEVERITIES] } };

const SILENCE: Obj = closed({
  id: { type: 'integer', minimum: 1 },
  matchers: closed({ rules: matcherValues, hosts: matcherValues, severities }),
  starts_at: time,
  ends_at: { ...time, description: 'Exclusive; set to the moment of expiry when someone ended it early.' },
  state: { type: 'string', enum: [...SILENCE_STATES], description: 'pending (starts later), active, or expired, at the time of the answer.' },
  created_by: { type: 'string', description: 'The subject of the token that made it.' },
  created_at: time,
  comment: { type: 'string' },
  expired_by: { type: ['string', 'null'], description: 'Who ended it early; null when it ran (or runs) its course.' },
  expired_at: { type: ['string', 'null'], format: 'date-time' },
});

const NEW_SILENCE: Obj = {
  ...closed(
    {
      matchers: {
        ...closed({ rules: matcherValues, hosts: matcherValues, severities }, ['rules', 'hosts', 'severities']),
        description: 'ANDed; any value of a list matches; `*` globs, case-insensitive. At least one non-empty list. A host-scoped token must list hosts inside its scope.',
        anyOf: ['rules', 'hosts', 'severities'].map((k) => ({ required: [k], properties: { [k]: { minItems: 1 } } })),
      },
      starts_at: { ...time, description: 'Default: now.' },
      ends_at: { ...time, description: 'After starts_at and after now; at most 366 days after starts_at. Or give duration.' },
      duration: { type: 'string', pattern: DURATION_PATTERN, description: 'How long from starts_at, like 30m, 2h, 1d; instead of ends_at.' },
      comment: { type: 'string', minLength: 1, maxLength: MAX_SILENCE_COMMENT, pattern: '\\S', description: 'Why: required (not only blanks).' },
    },
    ['starts_at', 'ends_at', 'duration'],
  ),
  oneOf: [{ required: ['ends_at'], not: { required: ['duration'] } }, { required: ['duration'], not: { required: ['ends_at'] } }],
};

const PAGE: Obj = closed({ items: { type: 'array', items: SILENCE }, next_cursor: { type: ['string', 'null'] }, limit: { type: 'integer' } });

/** The OpenAPI path items of the silence routes (src/api/openapi.ts adds them under /api/v1). */
export function silencePathItems(cfg: ApiSettings, errors: Obj, problem: (d: string) => Obj): Record<string, Obj> {
  const json = (schema: Obj): Obj => ({ 'application/json': { schema } });
  const idParam: Obj = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } };
  return {
    '/silences': {
      get: {
        operationId: 'listSilences',
        summary: 'Silences, newest first (role analyst; a host-scoped token sees those inside its scope).',
        parameters: [
          { name: 'state', in: 'query', required: false, description: 'One or more states.', schema: { type: 'array', items: { type: 'string', enum: [...SILENCE_STATES] } }, style: 'form', explode: true },
          { name: 'limit', in: 'query', required: false, description: `Page size, 1–${cfg.limits.max_page}.`, schema: { type: 'integer', minimum: 1, maximum: cfg.limits.max_page, default: cfg.limits.default_page } },
          { name: 'cursor', in: 'query', required: false, description: 'The next_cursor of the previous page, unchanged.', schema: { type: 'string', pattern: SILENCE_CURSOR_PATTERN } },
        ],
        responses: { '200': { description: 'OK', content: json(PAGE) }, ...errors },
      },
      post: {
        operationId: 'createSilence',
        summary: 'Silence matching alerts for a time: they are stored, marked silenced_by, and not notified (role analyst).',
        requestBody: { required: true, content: json(NEW_SILENCE) },
        responses: {
          '201': { description: 'Created', headers: { Location: { schema: { type: 'string' } } }, content: json(SILENCE) },
          '413': problem('Body too large.'),
          '415': problem('Body is not application/json.'),
          '422': problem('Well-formed, but no silence can be made of it: ends_at not after starts_at or already past, or longer than 366 days.'),
          ...errors,
        },
      },
    },
    '/silences/{id}': {
      get: {
        operationId: 'getSilence',
        summary: 'One silence (role analyst).',
        parameters: [idParam],
        responses: { '200': { description: 'OK', content: json(SILENCE) }, '404': problem('No such silence (or outside the token’s host scope).'), ...errors },
      },
    },
    '/silences/{id}/expire': {
      post: {
        operationId: 'expireSilence',
        summary: 'End a silence now; records who. The silence stays on record, expired (role analyst). Expiring an expired silence changes nothing.',
        parameters: [idParam],
        responses: { '200': { description: 'The silence, expired', content: json(SILENCE) }, '404': problem('No such silence (or outside the token’s host scope).'), ...errors },
      },
    },
  };
}
