/**
 * Runs SigmaHQ's rules on their published samples (sigma-regression-cases.ts), with logagg's
 * logsource presets on: for each rule, whether it fires on its sample in each shape (as
 * published, Winlogbeat ECS, flat), and which other rules fire on that sample although their
 * logsource does not cover the sample's (two rules of one logsource may both rightly fire; a rule
 * of another logsource firing is a precision problem). Not part of the appliance.
 */
import type { NormalizedEvent } from '../core/event.js';
import { normalizeMessage } from '../core/normalize.js';
import { AuditEventJoiner } from '../core/recognize/auditd-join.js';
import { ruleCompileContext } from '../core/rules/context.js';
import { compileSigmaCollection } from '../core/rules/sigma/collection.js';
import type { SigmaCompiledRule } from '../core/rules/sigma/compile-rule.js';
import { logsourceCovers, logsourceKeyText, POWERSHELL_CATEGORIES, SYSMON_CATEGORY_EVENTS, type LogsourceKey } from '../core/rules/sigma/logsource-presets.js';
import type { SigmaContext } from '../core/rules/sigma/options.js';
import type { RegressionCase } from './sigma-regression-cases.js';
import { shapeMessage, type SampleShape } from './sigma-sample-shapes.js';

export const SHAPES: readonly SampleShape[] = ['evtx-JSON', 'syslog', 'Winlogbeat ECS', 'flat'];

export interface CaseResult {
  name: string;
  logsource: string;
  /** Whether the rule fired on its sample, per shape; absent for shapes the sample cannot take. */
  fires: Partial<Record<SampleShape, boolean>>;
  /** Other rules that fire on this sample (as published) though their logsource does not cover it. */
  cross: string[];
  /** Why the rule did not load, when it did not. */
  error?: string;
}

export interface ShapeTotal {
  fired: number;
  samples: number;
  rate: number | null;
}

export interface RegressionReport {
  cases: CaseResult[];
  totals: { rules: number; loaded: number; shapes: Partial<Record<SampleShape, ShapeTotal>>; cross: number };
}

/** The context rules are compiled with: the built-in presets on, nothing configured. */
export function regressionContext(): SigmaContext {
  return { ...ruleCompileContext(), sigmaPresets: true };
}

/** A Windows service whose channel holds every event of these categories (their presets). */
const SERVICE_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  sysmon: Object.keys(SYSMON_CATEGORY_EVENTS),
  powershell: Object.entries(POWERSHELL_CATEGORIES).filter(([, v]) => v.service === 'powershell').map(([k]) => k),
  'powershell-classic': Object.entries(POWERSHELL_CATEGORIES).filter(([, v]) => v.service === 'powershell-classic').map(([k]) => k),
};

/**
 * Whether a rule of logsource `outer` covers events of logsource `inner`: every part it names is
 * the same in `inner` (`product: windows` covers every Windows logsource), or it names the
 * Windows service whose channel holds `inner`'s category (`service: sysmon` covers
 * `category: process_creation` from Sysmon).
 */
export function logsourceIncludes(outer: LogsourceKey, inner: LogsourceKey): boolean {
  if (logsourceCovers(inner, outer)) return true;
  if (outer.category !== undefined || outer.service === undefined || inner.category === undefined) return false;
  if ((outer.product ?? 'windows') !== 'windows' || (inner.product ?? 'windows') !== 'windows') return false;
  return SERVICE_CATEGORIES[outer.service]?.includes(inner.category) ?? false;
}

export function keyOf(r: SigmaCompiledRule): LogsourceKey {
  const out: LogsourceKey = {};
  const ls = r.sigma.logsource as Record<string, unknown>;
  for (const p of ['product', 'service', 'category'] as const) if (typeof ls[p] === 'string') out[p] = (ls[p] as string).toLowerCase();
  return out;
}

export function normalizeRecords(records: readonly unknown[], shape: SampleShape): NormalizedEvent[] | null {
  const source = { kind: 'file' as const, topic: 'sigma-regression', partition: -1, offset: null };
  const audit = new AuditEventJoiner();
  const out: NormalizedEvent[] = [];
  for (const r of records) {
    const bytes = shapeMessage(r, shape);
    if (bytes === null) return null;
    out.push(audit.join(normalizeMessage(bytes, { source, receivedAt: Date.UTC(2026, 0, 1), maxBytes: 1 << 22 })));
  }
  return out;
}

export function firesOn(rule: SigmaCompiledRule, events: readonly NormalizedEvent[]): boolean {
  return rule.evaluate(events, rule.initialState()).length > 0;
}

/** Each case's rule, compiled alone (null when it did not load, with the reason). */
export function compileCases(cases: readonly RegressionCase[], ctx: SigmaContext = regressionContext()): { rule: SigmaCompiledRule | null; error?: string }[] {
  return cases.map((c) => {
    const out = compileSigmaCollection(c.docs, ctx);
    if (out.errors.length > 0) return { rule: null, error: out.errors.map((e) => e.message).join('; ') };
    const rule = out.rules.find((r) => r.meta.kind === 'sigma' && r.scope !== undefined) ?? null;
    return rule === null ? { rule: null, error: 'no detection rule in the file' } : { rule };
  });
}

export function runRegression(cases: readonly RegressionCase[], ctx: SigmaContext = regressionContext()): RegressionReport {
  const compiled = compileCases(cases, ctx);
  const published = cases.map((c) => normalizeRecords(c.records, c.published) ?? []);
  const results: CaseResult[] = cases.map((c, i) => {
    const { rule, error } = compiled[i]!;
    const result: CaseResult = { name: c.name, logsource: rule === null ? '' : logsourceKeyText(keyOf(rule)), fires: {}, cross: [] };
    if (rule === null) {
      result.error = error ?? 'did not load';
      result.fires[c.published] = false;
      return result;
    }
    for (const shape of SHAPES) {
      const events = shape === c.published ? published[i]! : normalizeRecords(c.records, shape);
      if (events !== null && (shape === c.published || shape === 'Winlogbeat ECS' || shape === 'flat')) result.fires[shape] = firesOn(rule, events);
    }
    const own = keyOf(rule);
    compiled.forEach((o, j) => {
      if (j === i || o.rule === null || logsourceIncludes(keyOf(o.rule), own)) return;
      if (firesOn(o.rule, published[i]!)) result.cross.push(cases[j]!.name);
    });
    return result;
  });
  const shapes: Partial<Record<SampleShape, ShapeTotal>> = {};
  for (const shape of SHAPES) {
    const applicable = results.filter((r) => r.fires[shape] !== undefined);
    if (applicable.length === 0) continue;
    const fired = applicable.filter((r) => r.fires[shape] === true).length;
    shapes[shape] = { fired, samples: applicable.length, rate: fired / applicable.length };
  }
  return {
    cases: results,
    totals: { rules: cases.length, loaded: compiled.filter((c) => c.rule !== null).length, shapes, cross: results.reduce((n, r) => n + r.cross.length, 0) },
  };
}

/** A Markdown table of the cases, then the totals. */
export function renderReport(r: RegressionReport): string {
  const cell = (v: boolean | undefined) => (v === undefined ? '–' : v ? 'fires' : '**no**');
  let out = '| rule | logsource | evtx-JSON | syslog | Winlogbeat ECS | flat | other logsources firing |\n|---|---|---|---|---|---|---|\n';
  for (const c of r.cases) {
    out += `| ${c.name} | ${c.logsource || '–'} | ${SHAPES.map((s) => cell(c.fires[s])).join(' | ')} | ${c.cross.length === 0 ? '' : c.cross.join(', ')}${c.error ? ` (not loaded: ${c.error})` : ''} |\n`;
  }
  out += `\n${r.totals.rules} rules with a sample, ${r.totals.loaded} loaded.\n`;
  for (const [shape, t] of Object.entries(r.totals.shapes)) out += `${shape}: ${t.fired} of ${t.samples} fire (${((t.rate ?? 0) * 100).toFixed(1)} %)\n`;
  out += `rules firing on a sample of a logsource they do not cover: ${r.totals.cross}\n`;
  return out;
}
