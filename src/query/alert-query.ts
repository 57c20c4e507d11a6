/**
 * The query parameters of GET /alerts, turned into an AlertFilter. Shared by the route and
 * `logagg query --alerts`, so both read the same parameters the same way.
 */
import { SEVERITIES } from '../core/event.js';
import { QueryReader, timeRange, type RawQuery } from './params.js';
import { ALERT_STATES, type AlertFilter } from '../core/alert.js';

export const ALERT_FILTER_PARAMS = ['state', 'severity', 'min_severity', 'rule', 'host', 'from', 'to'] as const;

/** The filter from the query; `hostScope` is the token's and is always applied. */
export function readAlertFilter(r: QueryReader, now: number, hostScope: readonly string[] | undefined): AlertFilter {
  const filter: AlertFilter = { ...timeRange(r, now), ...(hostScope === undefined ? {} : { hostScope }) };
  const states = r.choices('state', ALERT_STATES);
  if (states) filter.states = states;
  const severities = r.choices('severity', SEVERITIES);
  if (severities) filter.severities = severities;
  const min = r.choice('min_severity', SEVERITIES);
  if (min) filter.minSeverity = min;
  const rules = r.list('rule');
  if (rules) filter.rules = rules;
  const hosts = r.list('host');
  if (hosts) filter.hosts = hosts;
  return filter;
}

/** Parses the filter parameters alone (no paging), as the CLI needs them. */
export function parseAlertFilter(params: RawQuery, now: number): AlertFilter {
  return readAlertFilter(new QueryReader(params, ALERT_FILTER_PARAMS), now, undefined);
}
