/**
 * Reading query parameters strictly: an unknown parameter, a repeated single-valued one or a
 * bad value is a 400 naming the parameter, so a typo never silently widens a search.
 * Lists may be repeated (`host=a&host=b`) or comma-separated (`host=a,b`).
 */
import { LEVEL_NAMES, SEVERITIES, type Severity } from '../core/event.js';
import { parseEpochString, scanIso } from '../core/time.js';
import { badRequest } from '../errors.js';

export type RawQuery = Record<string, string | string[] | undefined>;

const RELATIVE = /^(\d{1,9})(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
export const MAX_LIST = 100;
export const MAX_VALUE = 2048;

/**
 * What parseTime reads, as an ECMA regex for the OpenAPI document: now, relative, epoch seconds
 * or ms, ISO 8601 dates and date-times (relative times only as far back as a safe integer of ms
 * reaches; days 29–31 left out: the regex cannot tell which months
 * have them, and the server refuses 2024-02-30). A property test checks that every string it
 * matches is a time here.
 */
export const TIME_PATTERN =
  '^(?:now|[0-9]{1,9}[sm]|[0-9]{1,8}[hd]|[0-9]{1,7}w|-?[0-9]{1,20}(?:\\.[0-9]{1,9})?|' +
  '[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,9})?)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?)?)$';

/**
 * Blank characters, spelled out: `\s` is not the same set in every regex engine (Python's
 * includes U+001C–U+001F and U+0085, JavaScript's U+FEFF), and the document's pattern is read by
 * clients' engines as well as by this server.
 */
const BLANKS = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const LIST_ITEM_PATTERN = `[^${BLANKS},]`;
const HAS_ITEM = new RegExp(LIST_ITEM_PATTERN, 'u');

/**
 * One item of a list parameter as the server reads it: repeated or comma-separated, blank items
 * dropped, so an item must hold something other than commas and spaces; 256 characters at most
 * (store/log-filter.ts). An OpenAPI schema.
 */
export const LIST_ITEM_SCHEMA = { type: 'string', minLength: 1, maxLength: 256, pattern: LIST_ITEM_PATTERN } as const;


/**
 * A point in time: ISO 8601 (`2024-05-01T12:00:00Z`; no zone = UTC), epoch seconds or
 * milliseconds, `now`, or relative to now (`15m`, `24h`, `7d` = that long ago). null if none.
 */
export function parseTime(text: string, now: number): number | null {
  const s = text.trim();
  if (s === 'now') return now;
  const rel = RELATIVE.exec(s);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  if (/^-?\d+(\.\d+)?$/.test(s)) return parseEpochString(s);
  const iso = scanIso(s, 0, true);
  return iso !== null && iso.end === s.length ? iso.ms : null;
}

const LEVEL_ALIASES: Record<string, number> = { emerg: 0, panic: 0, crit: 2, fatal: 2, err: 3, warn: 4, informational: 6, information: 6, trace: 7 };

/** Every level parseLevel reads (any case), as a regex for the OpenAPI document. */
export const LEVEL_PATTERN = `^(?:[0-7]|${[...LEVEL_NAMES, ...Object.keys(LEVEL_ALIASES)]
  .map((w) => [...w].map((c) => `[${c}${c.toUpperCase()}]`).join(''))
  .join('|')})$`;

/** A syslog level by name (`warning`, `warn`, `err`, …) or number 0–7; null when not one. */
export function parseLevel(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (/^[0-7]$/.test(s)) return Number(s);
  const i = (LEVEL_NAMES as readonly string[]).indexOf(s);
  if (i >= 0) return i;
  return LEVEL_ALIASES[s] ?? null;
}

export function parseSeverityParam(text: string): Severity | null {
  const u = text.trim().toUpperCase();
  return (SEVERITIES as readonly string[]).includes(u) ? (u as Severity) : null;
}

export class QueryReader {
  constructor(
    private readonly q: RawQuery,
    allowed: readonly string[],
    /** Parameter name prefixes also allowed (`attr.`). */
    prefixes: readonly string[] = [],
  ) {
    for (const key of Object.keys(q)) {
      if (!allowed.includes(key) && !prefixes.some((p) => key.startsWith(p) && key.length > p.length)) {
        throw badRequest(key, `unknown parameter; this endpoint takes ${[...allowed, ...prefixes.map((p) => p + '<path>')].join(', ')}`);
      }
      const v = q[key];
      for (const s of Array.isArray(v) ? v : [v ?? '']) {
        if (s.length > MAX_VALUE) throw badRequest(key, `longer than ${MAX_VALUE} characters`);
      }
    }
  }

  keys(): string[] {
    return Object.keys(this.q);
  }

  /** A single-valued parameter; undefined when absent. */
  one(name: string): string | undefined {
    const v = this.q[name];
    if (v === undefined) return undefined;
    if (Array.isArray(v)) throw badRequest(name, 'given more than once; give it once');
    return v;
  }

  /** A list parameter; undefined when absent; 400 when present but empty. */
  list(name: string): string[] | undefined {
    const v = this.q[name];
    if (v === undefined) return undefined;
    const values = Array.isArray(v) ? v : [v];
    // Each value must name something (the document's item pattern); blanks between commas are dropped.
    if (values.some((s) => !HAS_ITEM.test(s))) throw badRequest(name, 'must not be empty');
    const items = values
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (items.length === 0) throw badRequest(name, 'must not be empty');
    if (items.length > MAX_LIST) throw badRequest(name, `at most ${MAX_LIST} values`);
    return items;
  }

  time(name: string, now: number): number | undefined {
    const v = this.one(name);
    if (v === undefined) return undefined;
    const t = parseTime(v, now);
    if (t === null || !Number.isSafeInteger(t)) throw badRequest(name, `"${v.slice(0, 64)}" is not a time; use ISO 8601 (2024-05-01T12:00:00Z), epoch ms, or a relative time like 15m, 24h, 7d`);
    return t;
  }

  int(name: string, min: number, max: number): number | undefined {
    const v = this.one(name);
    if (v === undefined) return undefined;
    if (!/^\d{1,16}$/.test(v.trim()) || Number(v) < min || Number(v) > max) throw badRequest(name, `must be an integer from ${min} to ${max}`);
    return Number(v);
  }

  bool(name: string): boolean | undefined {
    const v = this.one(name);
    if (v === undefined) return undefined;
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
    throw badRequest(name, 'must be true or false');
  }

  choice<T extends string>(name: string, values: readonly T[]): T | undefined {
    const v = this.one(name);
    if (v === undefined) return undefined;
    const s = v.trim().toLowerCase();
    const hit = values.find((x) => x.toLowerCase() === s);
    if (hit === undefined) throw badRequest(name, `must be one of ${values.join(', ')}`);
    return hit;
  }

  choices<T extends string>(name: string, values: readonly T[]): T[] | undefined {
    const list = this.list(name);
    if (list === undefined) return undefined;
    return list.map((v) => {
      const hit = values.find((x) => x.toLowerCase() === v.toLowerCase());
      if (hit === undefined) throw badRequest(name, `"${v.slice(0, 64)}" is not one of ${values.join(', ')}`);
      return hit;
    });
  }
}

/**
 * `from`/`to` pair. A `from` after `to` is an empty window, not an error: the parameters are
 * each valid on their own (which is all the OpenAPI document can state), and nothing lies
 * between them.
 */
export function timeRange(r: QueryReader, now: number): { from?: number; to?: number } {
  const from = r.time('from', now);
  const to = r.time('to', now);
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}
