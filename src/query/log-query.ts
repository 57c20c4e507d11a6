/**
 * The query parameters of GET /logs, /logs/stats and /stream, turned into the store's LogFilter.
 */
import { FORMATS } from '../core/event.js';
import type { SortOrder } from '../store/cursor.js';
import type { AttrFilter, LogFilter } from '../store/log-filter.js';
import { badRequest, isLogaggError, LogaggError } from '../errors.js';
import { parseLevel, parseSeverityParam, QueryReader, timeRange, type RawQuery } from './params.js';

export const LOG_FILTER_PARAMS = ['from', 'to', 'host', 'level', 'topic', 'format', 'tag', 'has_threats', 'threat_severity', 'q', 'has_error'] as const;
export const ATTR_PREFIX = 'attr.';

/** The filter from the query; `hostScope` is the token's and is always applied. */
export function readLogFilter(r: QueryReader, now: number, hostScope: readonly string[] | undefined): LogFilter {
  const f: LogFilter = { ...timeRange(r, now) };
  if (hostScope !== undefined) f.hostScope = hostScope;
  const hosts = r.list('host');
  if (hosts) f.hosts = hosts;
  const level = r.one('level');
  if (level !== undefined) {
    const n = parseLevel(level);
    if (n === null) throw badRequest('level', 'must be a level name (emergency, alert, critical, error, warning, notice, info, debug) or 0–7');
    f.minLevel = n;
  }
  const topics = r.list('topic');
  if (topics) f.topics = topics;
  const formats = r.choices('format', FORMATS);
  if (formats) f.formats = formats;
  const tags = r.list('tag');
  if (tags) f.tags = tags;
  const hasThreats = r.bool('has_threats');
  if (hasThreats !== undefined) f.hasThreats = hasThreats;
  const sev = r.one('threat_severity');
  if (sev !== undefined) {
    const s = parseSeverityParam(sev);
    if (s === null) throw badRequest('threat_severity', 'must be one of LOW, MEDIUM, HIGH, CRITICAL');
    f.threatSeverity = s;
  }
  const hasError = r.bool('has_error');
  if (hasError !== undefined) f.hasError = hasError;
  const q = r.one('q');
  if (q !== undefined) f.q = q;
  const attr: AttrFilter[] = [];
  for (const key of r.keys()) {
    if (!key.startsWith(ATTR_PREFIX)) continue;
    const value = r.one(key)!;
    attr.push({ path: key.slice(ATTR_PREFIX.length), value });
  }
  if (attr.length > 0) f.attr = attr;
  return f;
}

export interface LogListQuery {
  filter: LogFilter;
  limit: number;
  cursor: string | null;
  order: SortOrder;
}

export function readLogListQuery(query: RawQuery, now: number, hostScope: readonly string[] | undefined, pages: { default: number; max: number }): LogListQuery {
  const r = new QueryReader(query, [...LOG_FILTER_PARAMS, 'limit', 'cursor', 'sort'], [ATTR_PREFIX]);
  const filter = readLogFilter(r, now, hostScope);
  return {
    filter,
    limit: r.int('limit', 1, pages.max) ?? pages.default,
    cursor: r.one('cursor') ?? null,
    order: r.choice('sort', ['desc', 'asc'] as const) ?? 'desc',
  };
}

/** The store names some filter fields differently from the API's query parameters. */
const STORE_TO_API: Record<string, string> = {
  hosts: 'host',
  minLevel: 'level',
  topics: 'topic',
  formats: 'format',
  tags: 'tag',
  hasThreats: 'has_threats',
  threatSeverity: 'threat_severity',
  hasError: 'has_error',
  order: 'sort',
  bucketMs: 'bucket',
};

/** Runs fn, renaming the `param` of a BAD_REQUEST from the store's field name to the API's. */
export function withApiParams<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isLogaggError(e) && e.code === 'BAD_REQUEST' && typeof e.details.param === 'string' && STORE_TO_API[e.details.param]) {
      const from = e.details.param;
      const to = STORE_TO_API[from]!;
      const message = e.message.startsWith(`${from}: `) ? `${to}: ${e.message.slice(from.length + 2)}` : e.message;
      throw new LogaggError('BAD_REQUEST', message, { details: { ...e.details, param: to }, cause: e });
    }
    throw e;
  }
}
