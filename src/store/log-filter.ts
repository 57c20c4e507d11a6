/**
 * Log filters and their translation to a parameterized WHERE clause. Every user value is a
 * bound parameter; only fixed SQL fragments are concatenated. Each condition is wrapped in
 * parentheses and the conditions are ANDed, so no filter can widen another (host scope included).
 */
import { FORMATS, SEVERITIES, type Severity } from '../core/event.js';
import { badRequest } from '../errors.js';
import { attrsExpr, blockArg } from './block-reader.js';
import { ftsPlan } from './fts-text.js';
import { severityRank } from './log-row.js';

export interface AttrFilter {
  /** Path inside `attributes`: segments of [A-Za-z0-9_-] joined by dots, e.g. `http.status`. */
  path: string;
  /** Matches a JSON string equal to String(value), or a JSON number equal to it, or true/false. */
  value: string | number | boolean;
}

export interface LogFilter {
  /** ts >= from, epoch ms. */
  from?: number;
  /** ts < to, epoch ms (exclusive). */
  to?: number;
  /** Any of these hosts; `*` is a wildcard (`web-*`). Case-insensitive. */
  hosts?: readonly string[];
  /**
   * The caller's permitted hosts (a token's scope), same syntax as `hosts`. ANDed with the
   * rest; an empty list permits nothing; events without a host are outside every scope.
   */
  hostScope?: readonly string[];
  /** Level at or above this severity: level <= minLevel (0 emergency … 7 debug). */
  minLevel?: number;
  topics?: readonly string[];
  formats?: readonly string[];
  /** Every one of these tags must be present. */
  tags?: readonly string[];
  /** true: only events with threats; false: only events without. */
  hasThreats?: boolean;
  /** Highest threat at least this severe. */
  threatSeverity?: Severity;
  /** Full-text search: words, "phrases", prefix*, AND/OR/NOT, parentheses (fts-query.ts). */
  q?: string;
  /** Every one must match. */
  attr?: readonly AttrFilter[];
  /** true: only events that failed to decode; false: only events that decoded. */
  hasError?: boolean;
}

export interface CompiledFilter {
  /** Conditions to AND; empty means every row. */
  conditions: string[];
  params: unknown[];
}

const LIMITS = { listItems: 100, itemChars: 256, attrFilters: 20, pathChars: 200, pathSegments: 16 };
const ATTR_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const NUMERIC = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

function checkList(name: string, v: unknown, allowEmpty: boolean): string[] {
  if (!Array.isArray(v)) throw badRequest(name, 'must be a list of strings');
  if (!allowEmpty && v.length === 0) throw badRequest(name, 'must not be empty');
  if (v.length > LIMITS.listItems) throw badRequest(name, `at most ${LIMITS.listItems} values`);
  for (const s of v) {
    if (typeof s !== 'string' || s.length === 0 || s.length > LIMITS.itemChars) {
      throw badRequest(name, `each value must be a string of 1 to ${LIMITS.itemChars} characters`);
    }
  }
  return v as string[];
}

function checkTime(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw badRequest(name, 'must be epoch milliseconds (an integer)');
  return v;
}

/** A host pattern as a SQLite GLOB: only `*` is a wildcard; `?` and `[` are matched literally. */
export function hostGlob(pattern: string): string {
  return pattern.toLowerCase().replace(/[[?]/g, (c) => `[${c}]`);
}

/**
 * `(host IN (…) OR host GLOB …)` for a list of exact names and `*` patterns.
 * `forOrderedPage`: a page ordered by ts reads best by walking the ts index and filtering;
 * SQLite would otherwise take the host index for several hosts or a pattern and sort every
 * matching row before the LIMIT. A unary `+` keeps the host index out of it, except for one
 * exact host, whose (host, ts) index range is already in ts order.
 */
export function hostCondition(column: string, patterns: readonly string[], params: unknown[], forOrderedPage = false): string {
  if (patterns.length === 0) return '0';
  const exact = patterns.filter((p) => !p.includes('*')).map((p) => p.toLowerCase());
  const globs = patterns.filter((p) => p.includes('*'));
  if (forOrderedPage && !(exact.length === 1 && globs.length === 0)) column = '+' + column;
  const parts: string[] = [];
  if (exact.length > 0) {
    parts.push(`${column} IN (${exact.map(() => '?').join(', ')})`);
    params.push(...exact);
  }
  for (const g of globs) {
    parts.push(`${column} GLOB ?`);
    params.push(hostGlob(g));
  }
  return parts.join(' OR ');
}

/**
 * `host_id IN (SELECT id FROM log_dict …)` for a list of exact names and `*` patterns: hosts are
 * dictionary-encoded (storage v2), so the names and patterns are tested once per distinct host.
 * `forOrderedPage`: a page ordered by ts reads best by walking the ts index and filtering;
 * SQLite would otherwise take the host index for several hosts or a pattern and sort every
 * matching row before the LIMIT. A unary `+` keeps the host index out of it, except for one
 * exact host, whose (host_id, ts) index range is already in ts order.
 */
export function hostIdCondition(column: string, patterns: readonly string[], params: unknown[], forOrderedPage = false): string {
  if (patterns.length === 0) return '0';
  const exact = patterns.filter((p) => !p.includes('*')).map((p) => p.toLowerCase());
  const globs = patterns.filter((p) => p.includes('*'));
  if (exact.length === 1 && globs.length === 0) {
    params.push(exact[0]);
    return `${column} = (SELECT id FROM log_dict WHERE kind = 'host' AND value = ?)`;
  }
  if (forOrderedPage) column = '+' + column;
  const parts: string[] = [];
  if (exact.length > 0) {
    parts.push(`value IN (${exact.map(() => '?').join(', ')})`);
    params.push(...exact);
  }
  for (const g of globs) {
    parts.push('value GLOB ?');
    params.push(hostGlob(g));
  }
  return `${column} IN (SELECT id FROM log_dict WHERE kind = 'host' AND (${parts.join(' OR ')}))`;
}

/** `column IN (ids of these values of a dictionary kind)`. */
function dictCondition(column: string, kind: 'topic' | 'format', values: readonly string[], params: unknown[]): string {
  params.push(...values);
  return `${column} IN (SELECT id FROM log_dict WHERE kind = '${kind}' AND value IN (${values.map(() => '?').join(', ')}))`;
}

/** `attributes.a.b-c` style path → SQLite JSON path `$."a"."b-c"`; BAD_REQUEST when invalid. */
export function attrJsonPath(path: unknown): string {
  if (typeof path !== 'string' || path.length > LIMITS.pathChars || !ATTR_PATH.test(path)) {
    throw badRequest('attr', `path must be names of letters, digits, _ or - joined by dots (at most ${LIMITS.pathChars} characters)`);
  }
  const segs = path.split('.');
  if (segs.length > LIMITS.pathSegments) throw badRequest('attr', `path deeper than ${LIMITS.pathSegments} levels`);
  return '$' + segs.map((s) => `."${s}"`).join('');
}

function attrCondition(f: AttrFilter, params: unknown[]): string {
  if (typeof f !== 'object' || f === null) throw badRequest('attr', 'each filter must be {path, value}');
  const jp = attrJsonPath(f.path);
  const v = f.value;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
    throw badRequest('attr', 'value must be a string, number or boolean');
  }
  if (typeof v === 'number' && !Number.isFinite(v)) throw badRequest('attr', 'value must be a finite number');
  const text = String(v);
  const num = typeof v === 'number' ? v : typeof v === 'string' && NUMERIC.test(v) ? Number(v) : null;
  params.push(jp, jp, text, jp, num, jp, num, text, text);
  // The attributes are in the event's block: log_attrs gives them as JSON text.
  const attributes = attrsExpr();
  return `CASE json_type(${attributes}, ?)
    WHEN 'text' THEN json_extract(${attributes}, ?) = ?
    WHEN 'integer' THEN json_extract(${attributes}, ?) = ?
    WHEN 'real' THEN json_extract(${attributes}, ?) = ?
    WHEN 'true' THEN ? = 'true'
    WHEN 'false' THEN ? = 'false'
    ELSE 0 END`;
}

export interface CompileOptions {
  /** Name of the query-budget SQL function, to guard the FTS subquery too; null for none. */
  budgetFn?: string | null;
  /** The query reads a page ordered by (ts, id) with a LIMIT (see hostCondition). */
  forOrderedPage?: boolean;
  /**
   * Full text as a test on rows found another way (walking the time index) rather than as the
   * rows to start from: `+id IN (…)` keeps SQLite from driving the query from every match, then
   * looking each one up and sorting them all, which for a word in millions of rows takes
   * seconds. Right for frequent terms in an ordered page; LogReader decides (FTS_WALK_MIN_MATCHES).
   */
  ftsAsTest?: boolean;
}

/**
 * Validates a filter and compiles it. Throws BAD_REQUEST naming the field.
 * A string (or null) as second argument is the budget function name alone (older callers).
 */
export function compileFilter(f: LogFilter, options: CompileOptions | string | null = {}): CompiledFilter {
  const opts: CompileOptions = typeof options === 'string' || options === null ? { budgetFn: options } : options;
  const budgetFn = opts.budgetFn ?? null;
  const ordered = opts.forOrderedPage ?? false;
  const ftsColumn = opts.ftsAsTest ? '+logs.id' : 'logs.id';
  const c: string[] = [];
  const p: unknown[] = [];
  if (f.from !== undefined) {
    c.push('ts >= ?');
    p.push(checkTime('from', f.from));
  }
  if (f.to !== undefined) {
    c.push('ts < ?');
    p.push(checkTime('to', f.to));
  }
  // A from after to is an empty window (no row has from <= ts < to), not an error: each bound is
  // valid alone, and the API's document can only state that much (docs/api.md, the contract).
  if (f.hostScope !== undefined) c.push(hostIdCondition('host_id', checkList('hostScope', f.hostScope, true), p, ordered));
  if (f.hosts !== undefined) c.push(hostIdCondition('host_id', checkList('hosts', f.hosts, false), p, ordered));
  if (f.minLevel !== undefined) {
    if (!Number.isInteger(f.minLevel) || f.minLevel < 0 || f.minLevel > 7) throw badRequest('minLevel', 'must be an integer 0 (emergency) … 7 (debug)');
    c.push('level <= ?');
    p.push(f.minLevel);
  }
  if (f.topics !== undefined) {
    c.push(dictCondition('topic_id', 'topic', checkList('topics', f.topics, false), p));
  }
  if (f.formats !== undefined) {
    const formats = checkList('formats', f.formats, false);
    const bad = formats.find((x) => !(FORMATS as readonly string[]).includes(x));
    if (bad !== undefined) throw badRequest('formats', `unknown format ${JSON.stringify(bad)}; one of ${FORMATS.join(', ')}`);
    c.push(dictCondition('format', 'format', formats, p));
  }
  if (f.tags !== undefined) {
    for (const tag of checkList('tags', f.tags, false)) {
      // Tag sets are dictionary-encoded: the sets holding the tag, each tested once. instr() is a
      // cheap pre-test (a set holding the tag contains its JSON text); json_each makes it exact.
      c.push(`tagset_id IN (SELECT id FROM log_dict WHERE kind = 'tagset' AND instr(value, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(log_dict.value) WHERE json_each.value = ?))`);
      p.push(JSON.stringify(tag), tag);
    }
  }
  if (f.hasThreats !== undefined) {
    if (typeof f.hasThreats !== 'boolean') throw badRequest('hasThreats', 'must be true or false');
    c.push(f.hasThreats ? 'threat_severity IS NOT NULL' : 'threat_severity IS NULL');
  }
  if (f.threatSeverity !== undefined) {
    if (!SEVERITIES.includes(f.threatSeverity)) throw badRequest('threatSeverity', `must be one of ${SEVERITIES.join(', ')}`);
    c.push('threat_severity >= ?');
    p.push(severityRank(f.threatSeverity));
  }
  if (f.hasError !== undefined) {
    if (typeof f.hasError !== 'boolean') throw badRequest('hasError', 'must be true or false');
    c.push(f.hasError ? 'has_error = 1' : 'has_error = 0');
  }
  if (f.attr !== undefined) {
    if (!Array.isArray(f.attr)) throw badRequest('attr', 'must be a list of {path, value}');
    if (f.attr.length > LIMITS.attrFilters) throw badRequest('attr', `at most ${LIMITS.attrFilters} filters`);
    for (const a of f.attr) c.push(attrCondition(a, p));
  }
  if (f.q !== undefined) {
    if (typeof f.q !== 'string') throw badRequest('q', 'must be a string');
    const guard = budgetFn ? `${budgetFn}() AND ` : '';
    const plan = ftsPlan(f.q);
    const parts: string[] = [];
    if (plan.match !== null) {
      parts.push(`${ftsColumn} IN (SELECT rowid FROM logs_fts WHERE ${guard}logs_fts MATCH ?)`);
      p.push(plan.match);
    }
    // The index has no positions (detail=none): a phrase is checked on the event's own text.
    if (plan.verify) {
      parts.push(`log_text_match(logs.id, ${blockArg('logs.id')}, ?, (SELECT value FROM log_dict WHERE id = logs.host_id))`);
      p.push(f.q);
    }
    c.push(parts.join(' AND '));
  }
  return { conditions: c.map((x) => `(${x})`), params: p };
}
