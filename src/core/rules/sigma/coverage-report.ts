import type { CompiledRule } from '../types.js';
import type { LogsourceCoverage } from './logsource-scope.js';

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
  /** One row per logsource key, unmapped first, then partial, then mapped; most rules first. */
  logsources: { logsource: string; coverage: LogsourceCoverage; rules: number }[];
}

const ORDER: Record<LogsourceCoverage, number> = { unmapped: 0, partial: 1, mapped: 2 };

export function coverageReport(rules: readonly CompiledRule[]): CoverageReport {
  const out: CoverageReport = { rules: 0, mapped: 0, partial: 0, unmapped: 0, logsources: [] };
  const rows = new Map<string, CoverageReport['logsources'][number]>();
  for (const r of rules) {
    const scope = coverageOf(r);
    if (scope === null) continue;
    out.rules++;
    out[scope.coverage]++;
    const key = scope.key || '(none)';
    const row = rows.get(key);
    if (row) row.rules++;
    else rows.set(key, { logsource: key, coverage: scope.coverage, rules: 1 });
  }
  out.logsources = [...rows.values()].sort((a, b) => ORDER[a.coverage] - ORDER[b.coverage] || b.rules - a.rules || a.logsource.localeCompare(b.logsource));
  return out;
}

/** A Sigma detection rule's scope, or null for any other rule. */
export function coverageOf(r: CompiledRule): { coverage: LogsourceCoverage; key: string } | null {
  const scope = (r as { scope?: { coverage: LogsourceCoverage; key: string } }).scope;
  return r.meta.kind === 'sigma' && scope !== undefined ? scope : null;
}

/** Text lines for a terminal: the counts, then the logsources that are not fully mapped. */
export function renderCoverage(c: CoverageReport, limit = 20): string {
  if (c.rules === 0) return '';
  let out = `logsource coverage: ${c.rules} Sigma rule${c.rules === 1 ? '' : 's'}: ${c.mapped} mapped, ${c.partial} partly mapped (see every event of their product), ${c.unmapped} unmapped (see every event)\n`;
  const open = c.logsources.filter((l) => l.coverage !== 'mapped');
  for (const l of open.slice(0, limit)) out += `  ${l.coverage === 'unmapped' ? 'sees every event' : 'partly mapped'}: ${l.logsource} (${l.rules} rule${l.rules === 1 ? '' : 's'})\n`;
  if (open.length > limit) out += `  … and ${open.length - limit} more logsources (--output json lists all)\n`;
  return out;
}
