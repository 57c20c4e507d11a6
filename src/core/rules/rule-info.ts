import type { Severity } from '../event.js';

/** A rule as listed (GET /rules, `logagg rules list`, the console): its definition's summary and counters. */
/** A rule's counters in the database, since it was created (rule_stats). */
export interface RuleCounters {
  /** Occurrences found (a finding counts its `count`). */
  hits: number;
  alerts_opened: number;
  /** Occurrences dropped because the rule had opened its hourly cap of alerts. */
  suppressed: number;
  /** Event time of the latest occurrence, epoch ms; null when none. */
  last_hit: number | null;
}

/**
 * A Sigma detection rule's logsource as the presets read it (logsource-scope.ts): its key, how
 * well it is covered (`mapped`, `partial`: it sees every event of its product, `unmapped`: every
 * event) and the keys of the presets and configured entries applied, least specific first.
 */
export interface RuleLogsource {
  logsource: string;
  coverage: 'mapped' | 'partial' | 'unmapped';
  applied: string[];
}

export interface RuleInfo {
  id: string;
  name: string;
  kind: string;
  severity: Severity;
  enabled: boolean;
  description: string;
  tags: string[];
  stats: RuleCounters;
  /** Batches in which the rule threw since the process started. */
  failures: number;
  /** Sigma detection rules: what their logsource applies; null for other rules. */
  logsource: RuleLogsource | null;
}

/**
 * A rule of the folder that did not compile at start and does not run (detection.strict off):
 * where it is, its id when it has a usable one, and why it was refused.
 */
export interface RefusedRule {
  file: string;
  /** null when the document has no usable id (e.g. it is not valid YAML). */
  id: string | null;
  reason: string;
}
