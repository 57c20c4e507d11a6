/**
 * An output's `filter` (config) as the store's LogFilter. The words are GET /api/v1/logs'
 * parameters (host, level, topic, format, tag, has_threats, threat_severity, q, has_error,
 * attr.<path>), read by the same reader, so the two never disagree on what a filter means.
 * A time range makes no sense for a feed and is refused.
 */
import { ATTR_PREFIX, LOG_FILTER_PARAMS, readLogFilter } from '../query/log-query.js';
import { QueryReader, type RawQuery } from '../query/params.js';
import type { LogFilter } from '../store/log-filter.js';

export type ForwardFilterConfig = Readonly<Record<string, string | number | boolean | readonly (string | number)[]>>;

const ALLOWED = LOG_FILTER_PARAMS.filter((p) => p !== 'from' && p !== 'to');

/** Throws BAD_REQUEST naming the key for an unknown key or a bad value. */
export function forwardLogFilter(cfg: ForwardFilterConfig): LogFilter {
  const raw: RawQuery = {};
  for (const [k, v] of Object.entries(cfg)) raw[k] = Array.isArray(v) ? v.map(String) : String(v);
  const filter = readLogFilter(new QueryReader(raw, ALLOWED, [ATTR_PREFIX]), 0, undefined);
  return filter;
}
