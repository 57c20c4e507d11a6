/**
 * GET /api/v1/stream: Server-Sent Events of new logs (`event: log`) and new or changed alerts
 * (`event: alert`), with the filters of GET /logs and the token's host scope. Each event's id
 * is the resume position: a reconnecting EventSource sends it back as Last-Event-ID and gets
 * what it missed. Comment lines every `api.stream.heartbeat` keep proxies from closing it.
 */
import { withoutBlankSearch } from '../search-text.js';
import { PassThrough } from 'node:stream';
import type Router from '@koa/router';
import { SEVERITIES } from '../../core/event.js';
import { badRequest, LogaggError } from '../../errors.js';
import { logsAfter, maxLogId } from '../../store/log-follow.js';
import type { LogFilter } from '../../store/log-filter.js';
import { compileFilter } from '../../store/log-filter.js';
import { principalOf, requireRole } from '../auth/authenticate.js';
import type { RouteEnv } from '../env.js';
import { ATTR_PREFIX, LOG_FILTER_PARAMS, readLogFilter, withApiParams } from '../../query/log-query.js';
import { QueryReader, type RawQuery } from '../../query/params.js';
import type { AlertFilter } from '../../core/alert.js';
import { problemFromError } from '../problem.js';
import { toApiAlert, toApiLog } from '../../query/render.js';
import type { StreamSubscriber } from '../stream-hub.js';

export const STREAM_PATH = '/api/v1/stream';
const TYPES = ['logs', 'alerts'] as const;
/** Bytes queued for a slow client before the stream is cut (it can reconnect with Last-Event-ID). */
const MAX_BUFFERED = 4 * 1024 * 1024;

/** `<last log id>~<alert position, base64url>`; both parts optional on the way in. */
export function parseEventId(text: string | undefined): { logId: number | null; alertPos: string | null } {
  if (text === undefined || text === '') return { logId: null, alertPos: null };
  const m = /^(\d{1,16})?~([A-Za-z0-9_-]{0,512})$/.exec(text) ?? /^(\d{1,16})$/.exec(text);
  if (!m) throw badRequest('Last-Event-ID', 'not an event id sent by this stream');
  const logId = m[1] === undefined ? null : Number(m[1]);
  const alertPos = m[2] ? Buffer.from(m[2], 'base64url').toString('utf8') : null;
  return { logId, alertPos };
}

function eventId(logId: number, alertPos: string | null): string {
  return `${logId}~${alertPos === null ? '' : Buffer.from(alertPos, 'utf8').toString('base64url')}`;
}

export function registerStreamRoute(router: Router, env: RouteEnv): void {
  const { cfg, deps } = env;

  router.get('/stream', requireRole('viewer'), (ctx) => {
    const r = new QueryReader(ctx.query as RawQuery, [...LOG_FILTER_PARAMS, 'types', 'access_token', 'last_event_id'], [ATTR_PREFIX]);
    const scope = principalOf(ctx).hostScope;
    const filter: LogFilter = withoutBlankSearch(readLogFilter(r, env.now(), scope));
    // Validate now, so a bad filter is a 400 and not an error event after the 200.
    withApiParams(() => compileFilter(filter));
    const types = new Set(r.choices('types', TYPES) ?? TYPES);
    const resume = parseEventId(ctx.get('Last-Event-ID') || r.one('last_event_id'));

    const alerts = types.has('alerts') ? deps.alerts : undefined;
    const alertFilter: AlertFilter = {};
    if (scope !== undefined) alertFilter.hostScope = scope;
    if (filter.hosts) alertFilter.hosts = filter.hosts;
    if (filter.threatSeverity && SEVERITIES.includes(filter.threatSeverity)) alertFilter.minSeverity = filter.threatSeverity;

    let lastLogId = resume.logId ?? maxLogId(deps.store);
    let alertPos = alerts ? (resume.alertPos ?? alerts.feed(null, alertFilter, 1).position) : null;

    const out = new PassThrough();
    let paused = false;
    let ended = false;
    const write = (text: string): void => {
      if (ended) return;
      if (out.writableLength > MAX_BUFFERED) {
        end();
        return;
      }
      if (!out.write(text)) paused = true;
    };
    out.on('drain', () => {
      paused = false;
    });

    const sub: StreamSubscriber = {
      pump(maxId) {
        if (ended || paused) return;
        try {
          if (types.has('logs') && lastLogId < maxId) {
            const rows = withApiParams(() => logsAfter(deps.store, filter, lastLogId, cfg.stream.batch, cfg.limits.query_budget));
            for (const e of rows) write(`id: ${eventId(e.id, alertPos)}\nevent: log\ndata: ${JSON.stringify(toApiLog(e, false))}\n\n`);
            // Fewer than a batch: every matching row up to maxId has been seen.
            const lastRow = rows[rows.length - 1]?.id ?? 0;
            lastLogId = rows.length < cfg.stream.batch ? Math.max(lastRow, maxId) : lastRow;
          } else if (!types.has('logs')) {
            lastLogId = Math.max(lastLogId, maxId);
          }
          if (alerts) {
            const feed = alerts.feed(alertPos, alertFilter, cfg.stream.batch);
            alertPos = feed.position;
            for (const a of feed.items) write(`id: ${eventId(lastLogId, alertPos)}\nevent: alert\ndata: ${JSON.stringify(toApiAlert(a))}\n\n`);
          }
        } catch (e) {
          const p = problemFromError(e, STREAM_PATH, String(ctx.state.requestId));
          if (p.internal) deps.logger.error('stream failed', { request_id: ctx.state.requestId, err: e });
          write(`event: error\ndata: ${JSON.stringify(p.body)}\n\n`);
          end();
        }
      },
      heartbeat() {
        if (!paused) write(`: keep-alive ${new Date(env.now()).toISOString()}\n\n`);
      },
      close() {
        end();
      },
    };
    const end = (): void => {
      if (ended) return;
      ended = true;
      env.hub.remove(sub);
      out.end();
    };

    if (!env.hub.add(sub)) {
      throw new LogaggError('STORE_UNAVAILABLE', `too many open streams (${cfg.limits.max_streams}); retry later`, { canRetry: true });
    }
    ctx.res.on('close', end);
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.status = 200;
    ctx.type = 'text/event-stream; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache, no-transform');
    ctx.set('X-Accel-Buffering', 'no');
    ctx.body = out;
    write(`retry: 2000\n: stream open; types=${[...types].join(',')}\n\n`);
    // Send what is already waiting (e.g. after Last-Event-ID) without waiting for the first tick.
    setImmediate(() => env.hub.tick(sub));
  });
}
