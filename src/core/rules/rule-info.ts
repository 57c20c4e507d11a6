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
}
