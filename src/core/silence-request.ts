/**
 * A request for a new silence, as the API's body and the CLI's flags give it, checked and made
 * into a NewSilence. Pure: the clock and the author are parameters. The API and the CLI share
 * it, so both refuse the same things with the same words (badRequest names the field).
 *
 *   { "matchers": { "rules": ["ssh.*"], "hosts": ["web-1"], "severities": ["HIGH"] },
 *     "starts_at": "2025-01-15T12:00:00Z",      optional, default now
 *     "ends_at": "2025-01-15T14:00:00Z",        or "duration": "2h" (one of the two)
 *     "comment": "kernel upgrade" }             required
 */
import { LogaggError, badRequest } from '../errors.js';
import { parseDuration } from './rules/units.js';
import { hasMatcher, isSeverity, MAX_MATCHER_VALUES, MAX_SILENCE_MS, type NewSilence, type SilenceMatchers } from './silence.js';
import type { Severity } from './event.js';

export const MAX_SILENCE_COMMENT = 2000;
/** A matcher value: a rule id, a host name or a `*` glob of either. */
export const MATCHER_VALUE_PATTERN = /^[^\s\u0000-\u001f]{1,256}$/;
/** RFC 3339 date-time with a zone, as OpenAPI's `format: date-time`. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

export interface SilenceRequest {
  matchers?: unknown;
  starts_at?: unknown;
  ends_at?: unknown;
  duration?: unknown;
  comment?: unknown;
}

function stringList(v: unknown, param: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > MAX_MATCHER_VALUES) throw badRequest(param, `must be a list of at most ${MAX_MATCHER_VALUES} values`);
  return v.map((x) => {
    if (typeof x !== 'string' || !MATCHER_VALUE_PATTERN.test(x)) throw badRequest(param, 'values are names or `*` globs of 1–256 characters without spaces');
    return x.toLowerCase();
  });
}

export function readMatchers(v: unknown): SilenceMatchers {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest('matchers', 'must be an object with rules, hosts and/or severities lists');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['rules', 'hosts', 'severities'].includes(k)) throw badRequest(`matchers.${k}`, 'unknown matcher; use rules, hosts or severities');
  const severities = stringList(o.severities, 'matchers.severities').map((s) => s.toUpperCase());
  if (!severities.every(isSeverity)) throw badRequest('matchers.severities', 'values are LOW, MEDIUM, HIGH or CRITICAL');
  const m: SilenceMatchers = { rules: stringList(o.rules, 'matchers.rules'), hosts: stringList(o.hosts, 'matchers.hosts'), severities: severities as Severity[] };
  if (!hasMatcher(m)) throw badRequest('matchers', 'give at least one rule, host or severity: a silence of everything is not allowed');
  return m;
}

function readTime(v: unknown, param: string): number {
  const t = typeof v === 'string' && DATE_TIME.test(v) ? Date.parse(v) : NaN;
  if (!Number.isFinite(t)) throw badRequest(param, 'must be an RFC 3339 date-time with a zone, like 2025-01-15T12:00:00Z');
  return t;
}

/** Checks a request and makes the silence; throws BAD_REQUEST naming the field that is wrong. */
export function readSilenceRequest(req: SilenceRequest, by: string, now: number): NewSilence {
  const matchers = readMatchers(req.matchers);
  const starts = req.starts_at === undefined ? now : readTime(req.starts_at, 'starts_at');
  let ends: number;
  // null is not absent: the document types these as strings.
  if (req.ends_at !== undefined) {
    if (req.duration !== undefined) throw badRequest('duration', 'give ends_at or duration, not both');
    ends = readTime(req.ends_at, 'ends_at');
  } else {
    const ms = typeof req.duration === 'string' ? parseDuration(req.duration) : null;
    if (ms === null || ms <= 0) throw badRequest('duration', 'give ends_at, or duration like 30m, 2h or 1d');
    ends = starts + ms;
  }
  // Well-formed times that cannot make a silence: 422, not 400 (the document cannot say them).
  if (ends <= starts) throw unprocessable('ends_at', 'must be after starts_at');
  if (ends <= now) throw unprocessable('ends_at', 'is in the past: the silence would never mute anything');
  if (ends - starts > MAX_SILENCE_MS) throw unprocessable('ends_at', 'a silence lasts at most 366 days');
  const comment = req.comment;
  if (typeof comment !== 'string' || comment.trim() === '' || codePoints(comment) > MAX_SILENCE_COMMENT) {
    throw badRequest('comment', `say why, in 1–${MAX_SILENCE_COMMENT} characters`);
  }
  return { matchers, starts_at: starts, ends_at: ends, created_by: by, comment: comment.trim() };
}

function unprocessable(param: string, message: string): LogaggError {
  return new LogaggError('UNPROCESSABLE', `${param}: ${message}`, { details: { param } });
}

/** Length in Unicode code points, as JSON Schema's maxLength counts. */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
