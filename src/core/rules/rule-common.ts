import type { NormalizedEvent } from '../event.js';
import { DEFAULT_MAX_GROUPS, type RuleCompileContext } from './context.js';
import type { FindingSpec } from './finding-batch.js';
import { matchedReaders } from './finding-batch.js';
import type { Grouping } from './grouping.js';
import { compileGrouping } from './grouping.js';
import type { CompiledBlock } from './match-block.js';
import type { MatchEnv } from './match-env.js';
import { compileMatchBlock } from './match-block.js';
import { at, didYouMean, isPlainObject, type Problems, show } from './problems.js';
import { parseSeverity } from './severity.js';
import type { Template } from './template.js';
import { compileTemplate } from './template.js';
import type { BatchCache } from './batch-cache.js';
import type { RuleMeta } from './types.js';
import { parseDuration } from './units.js';

/** Keys every logagg rule may have, whatever its kind. */
export const COMMON_KEYS = ['id', 'name', 'kind', 'severity', 'enabled', 'description', 'tags', 'references', 'suppress', 'group_by', 'filter', 'title', 'severity_from', 'max_groups'] as const;

/** Keys of each logagg kind, besides the common ones. */
export const KIND_KEYS = {
  threshold: ['field', 'op', 'value', 'for'],
  match: ['match'],
  count: ['window', 'threshold', 'distinct', 'then'],
  anomaly: ['metric', 'method', 'k', 'warmup', 'min_stddev', 'direction', 'half_life', 'alpha', 'window'],
} as const satisfies Record<string, readonly string[]>;
export type LogaggKind = keyof typeof KIND_KEYS;

export const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/** What a kind compiler gets besides the document. */
export interface RuleEnv extends MatchEnv {
  ctx: RuleCompileContext;
  cache: BatchCache;
  problems: Problems;
}

export interface CommonParts {
  meta: RuleMeta;
  grouping: Grouping;
  filter: CompiledBlock | null;
  title: Template | null;
  /** Null when the rule did not say: the kind decides (threats-matching rules take threats'). */
  severityFrom: 'rule' | 'threats' | null;
  maxGroups: number;
}

/** Parses the common keys and rejects keys neither common nor of the rule's kind. */
export function parseCommon(doc: Record<string, unknown>, kind: LogaggKind, env: RuleEnv): CommonParts {
  const p = env.problems;
  const allowed: readonly string[] = [...COMMON_KEYS, ...KIND_KEYS[kind]];
  for (const key of Object.keys(doc)) {
    if (allowed.includes(key)) continue;
    const owners = (Object.keys(KIND_KEYS) as LogaggKind[]).filter((k) => (KIND_KEYS[k] as readonly string[]).includes(key));
    if (owners.length > 0) p.add('', `unknown key "${key}" for kind ${kind} (it belongs to ${owners.join(' and ')} rules)`);
    else p.add('', `unknown key "${key}"${didYouMean(key, allowed)}`);
  }
  const id = typeof doc['id'] === 'string' ? doc['id'] : '';
  if (!ID_PATTERN.test(id)) p.add('id', doc['id'] === undefined ? 'required: a unique id of lower-case letters, digits, ".", "_" or "-"' : `${show(doc['id'])} is not a valid id: use lower-case letters, digits, ".", "_" or "-"`);
  const name = str(doc, 'name', p, true) ?? id;
  const severity = parseSeverity(doc['severity']);
  if (severity === null) p.add('severity', doc['severity'] === undefined ? 'required: LOW, MEDIUM, HIGH or CRITICAL' : `${show(doc['severity'])} is not a severity: use LOW, MEDIUM, HIGH or CRITICAL`);
  const enabled = doc['enabled'] ?? true;
  if (typeof enabled !== 'boolean') p.add('enabled', 'must be true or false');
  const description = str(doc, 'description', p, false) ?? '';
  const tags = strList(doc, 'tags', p) ?? [];
  strList(doc, 'references', p);

  let suppressMs = env.ctx.defaultSuppressMs;
  if (doc['suppress'] !== undefined) {
    const d = parseDuration(doc['suppress']);
    if (d === null) p.add('suppress', `${show(doc['suppress'])} is not a duration: write e.g. 30s, 10m, 1h (or 0 for no suppression)`);
    else suppressMs = d;
  }

  let groupBy: string[] = ['host'];
  if (doc['group_by'] !== undefined) {
    const g = doc['group_by'];
    if (typeof g === 'string') groupBy = [g];
    else if (Array.isArray(g) && g.every((x) => typeof x === 'string' && x !== '')) groupBy = g as string[];
    else p.add('group_by', 'expected a field path or a list of field paths (an empty list makes one group)');
  }

  const filter = doc['filter'] === undefined ? null : compileMatchBlock(doc['filter'], 'filter', env);

  let title: Template | null = null;
  if (doc['title'] !== undefined) {
    if (typeof doc['title'] !== 'string' || doc['title'].trim() === '') p.add('title', 'expected a text template, e.g. "CPU {cpu_pct}% on {host}"');
    else title = compileTemplate(doc['title'], 'title', p);
  }

  let severityFrom: 'rule' | 'threats' | null = null;
  if (doc['severity_from'] !== undefined) {
    if (doc['severity_from'] === 'rule' || doc['severity_from'] === 'threats') severityFrom = doc['severity_from'];
    else p.add('severity_from', 'must be rule or threats');
  }

  let maxGroups = env.ctx.maxGroups ?? DEFAULT_MAX_GROUPS;
  if (doc['max_groups'] !== undefined) {
    const m = doc['max_groups'];
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 1) p.add('max_groups', 'must be a whole number of at least 1');
    else maxGroups = m;
  }

  const meta: RuleMeta = {
    id,
    name,
    kind,
    severity: severity ?? 'LOW',
    enabled: enabled === true,
    description,
    tags,
    suppress_ms: suppressMs,
  };
  return { meta, grouping: compileGrouping(groupBy), filter, title, severityFrom, maxGroups };
}

/** The finding spec of a rule; `fields` are the paths whose values explain a finding. */
export function findingSpec(common: CommonParts, fields: readonly string[], matchesThreats: boolean): FindingSpec {
  const severityFromThreats = common.severityFrom === null ? matchesThreats : common.severityFrom === 'threats';
  const filterFields = common.filter?.fields ?? [];
  return {
    meta: common.meta,
    grouping: common.grouping,
    title: common.title ?? defaultTitle(common.meta.name),
    matched: matchedReaders([...fields, ...filterFields, ...common.grouping.paths]),
    severityFromThreats,
  };
}

/** `<rule name> on <host>`, or the name alone for events without a host. */
function defaultTitle(name: string): Template {
  return {
    source: '',
    render: (ev: NormalizedEvent) => (ev.host === null ? name : `${name} on ${ev.host}`),
  };
}

/**
 * The guard of a rule made of several required parts (filter, match block, the field a
 * threshold reads…): every part's alternatives, narrowest first, as BatchCache guard slots.
 */
export function ruleGuard(cache: BatchCache, ...parts: readonly (readonly (readonly string[])[])[]): number[][] {
  const alts = parts.flat().filter((a) => a.length > 0);
  alts.sort((a, b) => a.length - b.length);
  return alts.slice(0, 4).map((a) => a.map((atom) => cache.guardSlot(atom)));
}

/** A required (or optional) non-empty string. */
export function str(doc: Record<string, unknown>, key: string, p: Problems, required: boolean): string | null {
  const v = doc[key];
  if (v === undefined) {
    if (required) p.add(key, 'required');
    return null;
  }
  if (typeof v !== 'string' || v.trim() === '') {
    p.add(key, `expected text, got ${show(v)}`);
    return null;
  }
  return v;
}

function strList(doc: Record<string, unknown>, key: string, p: Problems): string[] | null {
  const v = doc[key];
  if (v === undefined) return null;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    p.add(key, 'expected a list of text values');
    return null;
  }
  return v as string[];
}

/** A positive whole number at `key`, or the default. */
export function positiveInt(v: unknown, where: string, p: Problems, min = 1): number | null {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    p.add(where, `must be a whole number of at least ${min}, got ${show(v)}`);
    return null;
  }
  return v;
}

export { at, isPlainObject };
