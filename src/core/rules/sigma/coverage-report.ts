import type { CompiledRule } from '../types.js';
import type { RuleLogsource } from '../rule-info.js';
import type { LogsourceCoverage, LogsourceScope } from './logsource-scope.js';

/**
 * How well a set of rules' logsources are covered by the presets (logsource-scope.ts): counts,
 * and per logsource key how many rules and with what coverage — for `logagg rules validate`,
 * `rules list` and `rules import`.
 */
export interface CoverageReport {
  /** Sigma detection rules counted (correlation rules have no logsource). */
  rules: number;
  mapped: number;
  partial: number;
  unmapped: number;
  /**
   * One row per logsource key, unmapped first, then partial, then mapped; most rules first, with
   * the presets and configured entries it applies.
   */
  logsources: { logsource: string; coverage: LogsourceCoverage; applied: string[]; rules: number }[];
  /** Each Sigma detection rule: its id, file and logsource (in the order given). */
  by_rule: ({ id: string; file: string | null } & RuleLogsource)[];
}

const ORDER: Record<LogsourceCoverage, number> = { unmapped: 0, partial: 1, mapped: 2 };

export function coverageReport(rules: readonly CompiledRule[]): CoverageReport {
  const out: CoverageReport = { rules: 0, mapped: 0, partial: 0, unmapped: 0, logsources: [], by_rule: [] };
  const rows = new Map<string, CoverageReport['logsources'][number]>();
  for (const r of rules) {
    const ls = ruleLogsource(r);
    if (ls === null) continue;
    out.rules++;
    out[ls.coverage]++;
    out.by_rule.push({ id: r.meta.id, file: r.meta.file ?? null, ...ls });
    const row = rows.get(ls.logsource);
    if (row) row.rules++;
    else rows.set(ls.logsource, { logsource: ls.logsource, coverage: ls.coverage, applied: [...ls.applied], rules: 1 });
  }
  out.logsources = [...rows.values()].sort((a, b) => ORDER[a.coverage] - ORDER[b.coverage] || b.rules - a.rules || a.logsource.localeCompare(b.logsource));
  return out;
}

/** A Sigma detection rule's scope, or null for any other rule. */
export function coverageOf(r: CompiledRule): LogsourceScope | null {
  const scope = (r as { scope?: LogsourceScope }).scope;
  return r.meta.kind === 'sigma' && scope !== undefined ? scope : null;
}

/** A rule's logsource as listings show it (GET /rules, `rules list`, `rules validate`), or null. */
export function ruleLogsource(r: CompiledRule): RuleLogsource | null {
  const s = coverageOf(r);
  return s === null ? null : { logsource: s.key || '(none)', coverage: s.coverage, applied: [...s.applied] };
}

/** Text lines for a terminal: the counts, then the logsources that are not fully mapped. */
export function renderCoverage(c: CoverageReport, limit = 20): string {
  if (c.rules === 0) return '';
  let out = `logsource coverage: ${c.rules} Sigma rule${c.rules === 1 ? '' : 's'}: ${c.mapped} mapped, ${c.partial} partly mapped (see every event of their product), ${c.unmapped} unmapped (see every event)\n`;
  const open = c.logsources.filter((l) => l.coverage !== 'mapped');
  for (const l of open.slice(0, limit)) {
    const applies = l.applied.length > 0 ? `, applies ${l.applied.join(' + ')}` : '';
    out += `  ${l.coverage === 'unmapped' ? 'sees every event' : 'partly mapped'}: ${l.logsource} (${l.rules} rule${l.rules === 1 ? '' : 's'}${applies})\n`;
  }
  if (open.length > limit) out += `  … and ${open.length - limit} more logsources (--output json lists all)\n`;
  return out;
}
