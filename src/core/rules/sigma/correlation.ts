import type { NormalizedEvent } from '../../event.js';
import { DEFAULT_MAX_GROUPS } from '../context.js';
import type { Finding } from '../types.js';
import { metaOf, type SigmaCompiledRule } from './compile-rule.js';
import type { EventMatcher } from './event-matcher.js';
import { mapField } from './field-check.js';
import { asText, valuesOf } from '../../fields.js';
import { sigmaFieldMap } from './field-map.js';
import type { SigmaContext } from './options.js';
import { isMap, type SigmaRuleInfo } from './rule-meta.js';
import { refuse } from './sigma-error.js';
import { unionOf } from './guard.js';
import { TimeWindow } from './time-window.js';

/**
 * Sigma correlation rules (meta-rules) of type `event_count` and `value_count`, evaluated as
 * events arrive: per group (the `group-by` values) a sliding window of `timespan` over event
 * time; the rule fires when the count reaches the condition (`gte`, or `gt`), at most once per
 * group per batch, and keeps firing while the count stays there (the engine folds repeats into
 * one alert). `lt`, `lte` and `eq` cannot be decided until a window closes and are refused, as
 * are `temporal` and `temporal_ordered` and correlations of correlations.
 */
export interface CorrelationSpec {
  type: 'event_count' | 'value_count';
  /** Referenced rules, by Sigma id or name, as written. */
  rules: string[];
  groupBy: string[];
  /** alias → rule name → field (specification "Field Name Aliases"). */
  aliases: Record<string, Record<string, string>>;
  timespan: string;
  timespanMs: number;
  /** The count that fires: gte N, or gt N (stored as N + 1). */
  need: number;
  condition: Record<string, number | string>;
  /** The field whose distinct values value_count counts. */
  field: string | null;
  /** Whether the referenced rules also raise their own findings (default: no). */
  generate: boolean;
}

const KNOWN_KEYS = new Set(['type', 'rules', 'group-by', 'timespan', 'condition', 'aliases', 'generate', 'field']);
const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Triggering event indexes kept per finding (sample event ids). */
const MAX_SAMPLES = 10;
/** Distinct values reported in a value_count finding. */
const MAX_REPORTED_VALUES = 20;

export function readCorrelation(doc: Record<string, unknown>): CorrelationSpec {
  const c = doc['correlation'];
  if (!isMap(c)) return refuse('"correlation" must be a map', 'correlation');
  for (const k of Object.keys(c)) if (!KNOWN_KEYS.has(k)) refuse(`unknown correlation attribute "${k}"`, `correlation.${k}`);
  const type = c['type'];
  if (type === 'temporal' || type === 'temporal_ordered') {
    refuse(`correlation type "${type}" is not supported (only event_count and value_count)`, `correlation ${type}`);
  }
  if (type !== 'event_count' && type !== 'value_count') {
    refuse(`correlation type ${JSON.stringify(type)} is not supported (only event_count and value_count)`, 'correlation type');
  }
  const rules = typeof c['rules'] === 'string' ? [c['rules']] : c['rules'];
  if (!Array.isArray(rules) || rules.length === 0 || !rules.every((r) => typeof r === 'string' && r !== '')) {
    refuse('"correlation.rules" must list the ids or names of the rules to correlate', 'correlation.rules');
  }
  const groupBy = c['group-by'] === undefined ? [] : typeof c['group-by'] === 'string' ? [c['group-by']] : c['group-by'];
  if (!Array.isArray(groupBy) || !groupBy.every((g) => typeof g === 'string' && g !== '')) {
    refuse('"correlation.group-by" must be a list of field names', 'correlation.group-by');
  }
  const ts = typeof c['timespan'] === 'string' ? /^(\d+)([smhd])$/.exec(c['timespan']) : null;
  if (!ts || Number(ts[1]) <= 0) refuse('"correlation.timespan" must be a number and a unit s, m, h or d (e.g. 5m)', 'correlation.timespan');
  const cond = c['condition'];
  if (!isMap(cond)) return refuse('"correlation.condition" must be a map such as {gte: 10}', 'correlation.condition');
  for (const [k, v] of Object.entries(cond)) {
    if (k === 'lt' || k === 'lte' || k === 'eq') {
      refuse(
        `correlation condition "${k}" is not supported: logagg evaluates correlations as events arrive and can only fire when a count reaches a threshold (gt, gte)`,
        `correlation condition ${k}`,
      );
    }
    if (k === 'field') continue;
    if (k !== 'gt' && k !== 'gte') refuse(`unknown correlation condition "${k}"`, `correlation condition ${k}`);
    if (!Number.isInteger(v) || (v as number) < 0) refuse(`correlation condition "${k}" must be a whole number >= 0`, `correlation condition ${k}`);
  }
  if (cond['gt'] !== undefined && cond['gte'] !== undefined) refuse('correlation condition: use one of "gt" and "gte"', 'correlation condition');
  const need = cond['gte'] !== undefined ? (cond['gte'] as number) : cond['gt'] !== undefined ? (cond['gt'] as number) + 1 : 0;
  if (need < 1) refuse('correlation condition needs "gte" (at least 1) or "gt"', 'correlation condition');
  let field = cond['field'] ?? c['field'] ?? null;
  if (Array.isArray(field) && field.length === 1) field = field[0];
  if (field !== null && (typeof field !== 'string' || field === '')) refuse('correlation "field" must be one field name', 'correlation field');
  if (type === 'value_count' && field === null) refuse('a value_count correlation needs "field" in its condition', 'correlation field');
  const aliases = c['aliases'] ?? {};
  if (!isMap(aliases) || !Object.values(aliases).every((a) => isMap(a) && Object.values(a).every((f) => typeof f === 'string'))) {
    refuse('"correlation.aliases" must map alias → rule name → field', 'correlation.aliases');
  }
  const generate = c['generate'] ?? doc['generate'] ?? false;
  if (typeof generate !== 'boolean') refuse('"generate" must be true or false', 'generate');
  return {
    type,
    rules: rules as string[],
    groupBy: groupBy as string[],
    aliases: aliases as Record<string, Record<string, string>>,
    timespan: c['timespan'] as string,
    timespanMs: Number(ts[1]) * (UNITS[ts[2] as string] as number),
    need,
    condition: cond as Record<string, number | string>,
    field: field as string | null,
    generate,
  };
}

export interface CorrelationBase {
  info: SigmaRuleInfo;
  /** A matcher owned by this correlation (not shared with the base rule's own instance). */
  matcher: EventMatcher;
}

interface Group {
  window: TimeWindow | null;
  /** value → newest event time seen with it, oldest first (value_count). */
  values: Map<string, number> | null;
  newest: number;
  parts: unknown[];
}

export interface CorrelationState {
  /** Least recently seen first. */
  groups: Map<string, Group>;
}

export function correlationRule(
  info: SigmaRuleInfo,
  spec: CorrelationSpec,
  bases: readonly CorrelationBase[],
  ctx: SigmaContext,
  file?: string,
): SigmaCompiledRule<CorrelationState> {
  const meta = metaOf(info, ctx, file);
  const maxGroups = ctx.maxGroups ?? DEFAULT_MAX_GROUPS;
  const span = spec.timespanMs;
  const readers = bases.map((b) => ({
    matcher: b.matcher,
    groupBy: spec.groupBy.map((g) => b.matcher.field(aliasedField(spec, g, b.info))),
    field: spec.field === null ? null : b.matcher.field(spec.field),
  }));
  const fieldMap = sigmaFieldMap(ctx.sigmaFieldMap);
  // The group-by position holding the host, if any: findings are about that host.
  const hostPart = spec.groupBy.findIndex((name) => mapField(name, fieldMap) === 'host');
  const correlation = Object.freeze({ type: spec.type, timespan: spec.timespan, condition: spec.condition, rules: bases.map((b) => b.info.title) });

  const touch = (state: CorrelationState, key: string, parts: unknown[]): Group => {
    let g = state.groups.get(key);
    if (g) state.groups.delete(key);
    else {
      g = { window: spec.type === 'event_count' ? new TimeWindow() : null, values: spec.type === 'value_count' ? new Map() : null, newest: -Infinity, parts };
      if (state.groups.size >= maxGroups) state.groups.delete(state.groups.keys().next().value as string);
    }
    state.groups.set(key, g);
    return g;
  };

  return {
    meta,
    sigma: info,
    initialState: () => ({ groups: new Map() }),
    evaluate(events, state) {
      // Each referenced rule looks only at the events its guard lets through (null: all of
      // them); events are visited in batch order over the union of those.
      const lists = readers.map((r) => r.matcher.begin(events));
      const masks = lists.map((list) => (list === null ? null : maskOf(list, events.length)));
      const only = lists.includes(null) ? null : unionOf(lists as Int32Array[], events.length);
      const fired = new Map<string, Finding>();
      const samples = new Map<string, number[]>();
      const n = only === null ? events.length : only.length;
      for (let j = 0; j < n; j++) {
        const i = only === null ? j : (only[j] as number);
        const e = events[i] as NormalizedEvent;
        let r: (typeof readers)[number] | undefined;
        for (let k = 0; k < readers.length; k++) {
          const mask = masks[k];
          if (mask && mask[i] === 0) continue;
          const x = readers[k] as (typeof readers)[number];
          if (x.matcher.matches(e, i)) {
            r = x;
            break;
          }
        }
        if (!r) continue;
        let values: string[] = [];
        if (r.field) {
          values = valuesOf(r.field(e, i)).map(asText).filter((s): s is string => s !== null);
          if (values.length === 0) continue; // value_count ignores events without the field
        }
        const parts = r.groupBy.map((get) => groupPart(get(e, i)));
        const key = parts.map((p) => (p === null ? '' : Array.isArray(p) ? p.join(',') : p)).join('|');
        const g = touch(state, key, parts);
        if (e.ts <= g.newest - span) continue; // later than its window: ignored
        if (e.ts > g.newest) g.newest = e.ts;
        const count = g.window ? countEvent(g.window, e.ts, g.newest - span, spec.need) : countValues(g.values as Map<string, number>, values, e.ts, g.newest - span, spec.need);
        let s = samples.get(key);
        if (!s) samples.set(key, (s = []));
        if (s.length < MAX_SAMPLES) s.push(i);
        else s[MAX_SAMPLES - 1] = i;
        if (count < spec.need) continue;
        const matched: Record<string, unknown> = {};
        spec.groupBy.forEach((name, k) => (matched[name] = g.parts[k]));
        matched['count'] = count;
        if (spec.field !== null && g.values) matched[spec.field] = [...g.values.keys()].slice(-MAX_REPORTED_VALUES);
        fired.set(key, {
          rule_id: meta.id,
          rule_name: meta.name,
          severity: meta.severity,
          host: hostPart >= 0 && typeof g.parts[hostPart] === 'string' ? (g.parts[hostPart] as string).toLowerCase() : e.host,
          title: meta.name,
          dedup_key: spec.groupBy.length ? `${meta.id}|${key}` : meta.id,
          ts: e.ts,
          event_indexes: s.slice(),
          matched,
          context: { correlation },
        });
      }
      return [...fired.values()];
    },
  };
}

/** Counts an event in its group's window; returns the events in the window (capped at need). */
function countEvent(w: TimeWindow, ts: number, expired: number, need: number): number {
  w.add(ts);
  w.dropUpTo(expired);
  // Only the newest `need` times decide whether the threshold is reached.
  w.keepNewest(need);
  return w.size;
}

function countValues(map: Map<string, number>, values: readonly string[], ts: number, expired: number, need: number): number {
  for (const v of values) {
    const prev = map.get(v);
    map.delete(v);
    map.set(v, prev !== undefined && prev > ts ? prev : ts);
  }
  for (const [v, t] of map) {
    if (t > expired) break;
    map.delete(v);
  }
  // The `need` most recently seen values decide; older ones cannot change the outcome.
  while (map.size > need) map.delete(map.keys().next().value as string);
  return map.size;
}

function groupPart(got: unknown): string | string[] | null {
  const vs = valuesOf(got)
    .filter((v) => v !== null && v !== undefined)
    .map((v) => asText(v) ?? JSON.stringify(v));
  return vs.length === 0 ? null : vs.length === 1 ? (vs[0] as string) : vs;
}

/** A group-by alias resolved for one referenced rule (by its name). */
function aliasedField(spec: CorrelationSpec, groupField: string, base: SigmaRuleInfo): string {
  const alias = Object.hasOwn(spec.aliases, groupField) ? spec.aliases[groupField] : undefined;
  if (!alias) return groupField;
  const f = base.name !== null && Object.hasOwn(alias, base.name) ? alias[base.name] : undefined;
  if (f === undefined) refuse(`alias "${groupField}" names no field for rule ${base.name ?? base.title}`, 'correlation.aliases');
  return f;
}

function maskOf(list: Int32Array, n: number): Uint8Array {
  const mask = new Uint8Array(n);
  for (let k = 0; k < list.length; k++) mask[list[k] as number] = 1;
  return mask;
}
