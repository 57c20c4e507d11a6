/**
 * The filters `tail` can change while it runs: full text, hosts and a minimum level. Pure:
 * parsing what was typed, describing the filter for the status line, and turning it into the
 * store's LogFilter (local mode) or the stream's query parameters (remote mode).
 */
import { LEVEL_NAMES } from '../core/event.js';
import type { LogFilter } from '../store/log-filter.js';

export interface TailFilter {
  /** Full-text search (FTS5 through toFtsMatch); absent = none. */
  q?: string;
  /** Host names or `*` patterns, lower-case; absent = every host. */
  hosts?: readonly string[];
  /** At or above this level: 0 emergency … 7 debug; absent = every level. */
  minLevel?: number;
}

/** Host list typed by the user: comma or space separated; empty text clears the filter. */
export function parseHostsInput(text: string): string[] | undefined {
  const hosts = text
    .split(/[\s,]+/)
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  return hosts.length === 0 ? undefined : [...new Set(hosts)];
}

/** Text search typed by the user; blank clears it. */
export function parseQueryInput(text: string): string | undefined {
  const q = text.trim();
  return q === '' ? undefined : q;
}

/**
 * The next minimum level for the `l` key. dir 1 tightens (every level → debug → info … →
 * emergency → every level again), dir -1 loosens in the opposite order.
 */
export function cycleLevel(current: number | undefined, dir: 1 | -1): number | undefined {
  // Positions: 0 = no filter, 1 = debug(7) … 8 = emergency(0).
  const pos = current === undefined ? 0 : 8 - current;
  const next = (pos + dir + 9) % 9;
  return next === 0 ? undefined : 8 - next;
}

export function levelName(level: number): string {
  return LEVEL_NAMES[level] ?? String(level);
}

/** Replaces one part of a filter; undefined removes it. */
export function withFilter<K extends keyof TailFilter>(f: TailFilter, key: K, value: TailFilter[K] | undefined): TailFilter {
  const out: TailFilter = { ...f };
  if (value === undefined) delete out[key];
  else out[key] = value;
  return out;
}

export function sameFilter(a: TailFilter, b: TailFilter): boolean {
  return a.q === b.q && a.minLevel === b.minLevel && (a.hosts ?? []).join('\n') === (b.hosts ?? []).join('\n');
}

/** `q="disk full" host=web-*,db-1 level>=warning`, or `no filter`. */
export function describeFilter(f: TailFilter): string {
  const parts: string[] = [];
  if (f.q !== undefined) parts.push(`q=${JSON.stringify(f.q)}`);
  if (f.hosts !== undefined) parts.push(`host=${f.hosts.join(',')}`);
  if (f.minLevel !== undefined) parts.push(`level>=${levelName(f.minLevel)}`);
  return parts.length === 0 ? 'no filter' : parts.join(' ');
}

export function toLogFilter(f: TailFilter): LogFilter {
  const out: LogFilter = {};
  if (f.q !== undefined) out.q = f.q;
  if (f.hosts !== undefined) out.hosts = f.hosts;
  if (f.minLevel !== undefined) out.minLevel = f.minLevel;
  return out;
}

/** The query parameters of GET /api/v1/logs and /api/v1/stream for this filter. */
export function toQueryParams(f: TailFilter): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q !== undefined) p.set('q', f.q);
  if (f.hosts !== undefined) p.set('host', f.hosts.join(','));
  if (f.minLevel !== undefined) p.set('level', String(f.minLevel));
  return p;
}
