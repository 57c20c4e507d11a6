/**
 * GET /notifications (admin, unscoped token): recent alert notification deliveries, newest
 * first, with the per-channel counts (pending, sent, failed). Read from the outbox table on the
 * API's read-only connection (src/notify/notify-status.ts); no URL or key is ever in it.
 */
import type Router from '@koa/router';
import { badRequest } from '../../errors.js';
import { listDeliveries, notifyStatus, type ChannelStatus, type Delivery } from '../../store/notify-status.js';
import { OUTBOX_KINDS, OUTBOX_STATES } from '../../core/notification.js';
import { requireRole, requireUnscoped } from '../auth/authenticate.js';
import type { ApiSettings, RouteEnv } from '../env.js';
import { LIST_ITEM_SCHEMA, MAX_LIST, QueryReader, type RawQuery } from '../../query/params.js';
import { iso, isoOrNull } from '../../query/render.js';

export const NOTIFICATION_PARAMS = ['state', 'channel', 'alert', 'limit', 'cursor'] as const;

function toApiDelivery(d: Delivery) {
  return {
    id: d.id,
    alert_id: d.alert_id,
    channel: d.channel,
    kind: d.kind,
    state: d.state,
    attempts: d.attempts,
    created_at: iso(d.created_at),
    next_attempt_at: isoOrNull(d.next_attempt_at),
    sent_at: isoOrNull(d.sent_at),
    finished_at: isoOrNull(d.finished_at),
    last_status: d.last_status,
    last_error: d.last_error,
  };
}

function toApiChannel(c: ChannelStatus) {
  return {
    channel: c.channel,
    pending: c.pending,
    sent: c.sent,
    failed: c.failed,
    retries: c.retries,
    oldest_pending_at: isoOrNull(c.oldest_pending_at),
    last_failure: c.last_failure === null ? null : { at: iso(c.last_failure.at), error: c.last_failure.error },
  };
}

export function registerNotificationRoutes(router: Router, env: RouteEnv): void {
  router.get('/notifications', requireRole('admin'), requireUnscoped('/notifications'), (ctx) => {
    const r = new QueryReader(ctx.query as RawQuery, NOTIFICATION_PARAMS);
    const states = r.choices('state', OUTBOX_STATES);
    const channels = r.list('channel');
    const alertId = r.int('alert', 1, Number.MAX_SAFE_INTEGER);
    const limit = r.int('limit', 1, env.cfg.limits.max_page) ?? env.cfg.limits.default_page;
    const cursor = r.one('cursor');
    if (cursor !== undefined && cursor !== '' && !/^[1-9]\d{0,15}$/.test(cursor)) throw badRequest('cursor', 'not a cursor this endpoint made; pass next_cursor back unchanged');
    const page = listDeliveries(
      env.deps.store,
      { ...(states ? { states } : {}), ...(channels ? { channels } : {}), ...(alertId !== undefined ? { alertId } : {}) },
      { limit, beforeId: cursor ? Number(cursor) : null },
    );
    ctx.body = {
      items: page.items.map(toApiDelivery),
      channels: notifyStatus(env.deps.store).map(toApiChannel),
      next_cursor: page.next_before === null ? null : String(page.next_before),
      limit,
    };
  });
}

type Obj = Record<string, unknown>;
const closed = (properties: Record<string, Obj>): Obj => ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false });
const time: Obj = { type: 'string', format: 'date-time' };
const timeOrNull: Obj = { type: ['string', 'null'], format: 'date-time' };
const count: Obj = { type: 'integer', minimum: 0 };

const PAGE_SCHEMA = closed({
  items: {
    type: 'array',
    items: closed({
      id: { type: 'integer', minimum: 1, description: 'The outbox id: the Idempotency-Key a webhook receives.' },
      alert_id: { type: 'integer' },
      channel: { type: 'string' },
      kind: { type: 'string', enum: [...OUTBOX_KINDS] },
      state: { type: 'string', enum: [...OUTBOX_STATES] },
      attempts: count,
      created_at: time,
      next_attempt_at: { ...timeOrNull, description: 'When the next attempt is due (pending only).' },
      sent_at: timeOrNull,
      finished_at: { ...timeOrNull, description: 'When it was sent or given up.' },
      last_status: { type: ['integer', 'null'], description: 'HTTP status of the last answer; null when none came.' },
      last_error: { type: ['string', 'null'], description: 'Why the last attempt failed (never a URL or a key).' },
    }),
  },
  channels: {
    type: 'array',
    description: 'Per channel: pending now; sent, failed (given up) and retries since the database was created.',
    items: closed({
      channel: { type: 'string' },
      pending: count,
      sent: count,
      failed: count,
      retries: count,
      oldest_pending_at: timeOrNull,
      last_failure: { oneOf: [{ type: 'null' }, closed({ at: time, error: { type: 'string' } })] },
    }),
  },
  next_cursor: { type: ['string', 'null'] },
  limit: { type: 'integer' },
});

/** The OpenAPI path item of GET /notifications (src/api/openapi.ts adds the shared error answers). */
export function notificationsPathItem(cfg: ApiSettings, errors: Obj): Obj {
  const q = (name: string, description: string, schema: Obj, extra: Obj = {}): Obj => ({ name, in: 'query', required: false, description, schema, ...extra });
  return {
    get: {
      operationId: 'listNotifications',
      summary: 'Alert notification deliveries, newest first, and per-channel counts of pending, sent and failed ones (role admin, token without host scope).',
      parameters: [
        q('state', 'One or more states.', { type: 'array', items: { type: 'string', enum: [...OUTBOX_STATES] } }, { style: 'form', explode: true }),
        q('channel', 'One or more channel names.', { type: 'array', items: LIST_ITEM_SCHEMA, minItems: 1, maxItems: MAX_LIST }, { style: 'form', explode: true }),
        q('alert', 'Only deliveries about this alert id.', { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
        q('limit', `Page size, 1–${cfg.limits.max_page}.`, { type: 'integer', minimum: 1, maximum: cfg.limits.max_page, default: cfg.limits.default_page }),
        q('cursor', 'The next_cursor of the previous page, unchanged (empty = the first page).', { type: 'string', pattern: '^(?:[1-9][0-9]{0,15})?$' }),
      ],
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: PAGE_SCHEMA } } }, ...errors },
    },
  };
}
