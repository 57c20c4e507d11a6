import { compileDetection } from './detection.js';
import type { FieldCache } from './field-cache.js';
import { allOf, type Guard } from './guard.js';
import { BUILTIN_LOGSOURCE_PRESETS, logsourceCovers, logsourceKeyText, parseLogsourceKey, type LogsourceKey, type LogsourcePreset } from './logsource-presets.js';
import type { SigmaContext } from './options.js';
import { isMap, type SigmaLogsource } from './rule-meta.js';
import { refuse, SigmaProblem } from './sigma-error.js';
import { andAll, type MemoTest } from './value-tests.js';

/**
 * What a rule's `logsource` means for it: the condition events must meet before its detection
 * (the presets matching it, ANDed), the field names its detection reads, and how well the
 * logsource is covered — `mapped` (every part it names has a condition), `partial` (some do:
 * e.g. `product: windows` with a category no preset knows sees every Windows event) or
 * `unmapped` (none: it sees every event).
 */
export type LogsourceCoverage = 'mapped' | 'partial' | 'unmapped';

export interface LogsourceScope {
  coverage: LogsourceCoverage;
  /** The keys of the presets and config entries applied, least specific first. */
  applied: string[];
  /** The rule's logsource as a key (`product:windows,category:process_creation`). */
  key: string;
}

export interface CompiledScope extends LogsourceScope {
  test: MemoTest | null;
  guard: Guard;
  /** Sigma name → logagg path(s) for this rule's fields (global map under the presets'). */
  fieldMap: Readonly<Record<string, string>>;
}

/**
 * The presets in force for a context: the built-in ones (unless `sigmaPresets` is false), then
 * the configured `sigmaLogsources` entries. A configured key equal to a preset's replaces its
 * condition (`when`, null for none) and adds to or overrides its fields; other keys add entries.
 * Memoized per context.
 */
const TABLES = new WeakMap<object, readonly LogsourcePreset[]>();

export function presetTable(ctx: SigmaContext): readonly LogsourcePreset[] {
  let t = TABLES.get(ctx);
  if (t === undefined) TABLES.set(ctx, (t = buildTable(ctx)));
  return t;
}

function buildTable(ctx: SigmaContext): readonly LogsourcePreset[] {
  const table: LogsourcePreset[] = ctx.sigmaPresets === true ? BUILTIN_LOGSOURCE_PRESETS.map((p) => ({ ...p })) : [];
  for (const [keyText, value] of Object.entries(ctx.sigmaLogsources ?? {})) {
    const key = parseLogsourceKey(keyText);
    if (key === null) refuse(`logsource mapping "${keyText}": keys are product:NAME, service:NAME, category:NAME or several joined by commas`, 'logsource mapping');
    const entry = readEntry(keyText, key, value);
    const norm = logsourceKeyText(key);
    const at = table.findIndex((p) => logsourceKeyText(p.logsource) === norm);
    if (at < 0) table.push({ ...entry, when: entry.when ?? null });
    else {
      const old = table[at] as LogsourcePreset;
      table[at] = { logsource: old.logsource, when: entry.when === undefined ? old.when : entry.when, fields: { ...old.fields, ...entry.fields } };
    }
  }
  return table;
}

type ConfigEntry = Omit<LogsourcePreset, 'when'> & { when: LogsourcePreset['when'] | undefined };

/**
 * A configured entry: `{when: …, fields: {…}}` (either may be left out; `when: null` removes the
 * condition), or, as before presets existed, a selection over logagg paths (the condition).
 */
function readEntry(keyText: string, key: LogsourceKey, value: unknown): ConfigEntry {
  const where = `logsource mapping "${keyText}"`;
  if (!isMap(value)) return refuse(`${where}: must be a map`, 'logsource mapping');
  const keys = Object.keys(value);
  const full = keys.length > 0 && keys.every((k) => k === 'when' || k === 'fields');
  if (!full) return { logsource: key, when: { sel: value, condition: 'sel' } };
  const fields = value['fields'] ?? {};
  if (!isMap(fields) || !Object.values(fields).every((v) => typeof v === 'string' && v !== '')) refuse(`${where}: "fields" must map Sigma names to logagg paths`, 'logsource mapping');
  const when = value['when'];
  let cond: LogsourcePreset['when'] | undefined;
  if (when === undefined) cond = undefined;
  else if (when === null) cond = null;
  else if (isMap(when)) cond = when['condition'] === undefined ? { sel: when, condition: 'sel' } : when;
  else if (Array.isArray(when)) cond = { sel: when, condition: 'sel' };
  else refuse(`${where}: "when" must be a selection, a detection with a condition, or null`, 'logsource mapping');
  return { logsource: key, when: cond, fields: fields as Record<string, string> };
}

/** The scope of a rule with this logsource. Throws SigmaProblem for a bad configured entry. */
export function compileScope(logsource: SigmaLogsource, ctx: SigmaContext, cache: FieldCache, globalMap: Readonly<Record<string, string>>): CompiledScope {
  // A bad configured entry throws here, for every rule (the table is memoized only when built).
  const table = presetTable(ctx);
  const rule: LogsourceKey = {};
  for (const p of ['product', 'service', 'category'] as const) if (typeof logsource[p] === 'string') rule[p] = logsource[p];
  const matched = table
    .map((p, i) => ({ p, i, n: Object.keys(p.logsource).length }))
    .filter(({ p }) => logsourceCovers(rule, p.logsource))
    .sort((a, b) => a.n - b.n || a.i - b.i)
    .map(({ p }) => p);
  const tests: MemoTest[] = [];
  const guards: Guard[] = [];
  const covered = new Set<string>();
  let fieldMap: Record<string, string> = { ...globalMap };
  for (const p of matched) {
    if (p.fields) fieldMap = { ...fieldMap, ...p.fields };
    if (p.when === null) continue;
    for (const part of Object.keys(p.logsource)) covered.add(part);
    try {
      // Conditions name logagg paths directly: no Sigma field map.
      const d = compileDetection(p.when, { registry: cache, fieldMap: {} });
      tests.push(d.test);
      guards.push(d.guard);
    } catch (e) {
      if (e instanceof SigmaProblem) refuse(`logsource mapping "${logsourceKeyText(p.logsource)}": ${e.message}`, 'logsource mapping');
      throw e;
    }
  }
  const named = Object.keys(rule);
  const n = named.filter((p) => covered.has(p)).length;
  const coverage: LogsourceCoverage = n === 0 ? 'unmapped' : n === named.length ? 'mapped' : 'partial';
  return {
    coverage,
    applied: matched.filter((p) => p.when !== null).map((p) => logsourceKeyText(p.logsource)),
    key: logsourceKeyText(rule),
    test: tests.length ? andAll(tests) : null,
    guard: allOf(guards),
    fieldMap,
  };
}

/** For messages: what a rule with this coverage sees. */
export function coverageNote(s: LogsourceScope): string {
  if (s.coverage === 'mapped') return `logsource ${s.key}: ${s.applied.join(' + ')}`;
  if (s.coverage === 'partial') return `logsource ${s.key} is only partly mapped (${s.applied.join(' + ')}): it sees every such event`;
  return `logsource ${s.key || '(none)'} has no mapping: the rule sees every event`;
}
