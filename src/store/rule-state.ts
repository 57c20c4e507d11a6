/**
 * What the database keeps about rules (the rules themselves are files): per-rule counters
 * (rule_stats, written in each batch's transaction) and the enable/disable overrides made
 * through the API (rule_overrides), which outlive restarts and rule reloads.
 */
import { sqlOf } from './connection.js';
import { toStoreError, type SqlStatement } from './sqlite.js';
import type { Store } from './store.js';

export interface RuleStats {
  /** Occurrences found (a finding counts its `count`). */
  hits: number;
  /** Alerts opened. */
  alerts_opened: number;
  /** Occurrences dropped because the rule had opened its hourly cap of alerts. */
  suppressed: number;
  /** Event time of the latest occurrence, epoch ms; null when none. */
  last_hit: number | null;
}

export interface RuleOverride {
  enabled: boolean;
  by: string;
  at: number;
}

/** Adds to a rule's counters; `statement` runs on the writer, inside the caller's transaction. */
export const UPSERT_RULE_STATS = `INSERT INTO rule_stats (rule_id, hits, alerts_opened, suppressed, last_hit) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (rule_id) DO UPDATE SET
  hits = hits + excluded.hits,
  alerts_opened = alerts_opened + excluded.alerts_opened,
  suppressed = suppressed + excluded.suppressed,
  last_hit = max(coalesce(last_hit, excluded.last_hit), coalesce(excluded.last_hit, last_hit))`;

export function addRuleStats(statement: (sql: string) => SqlStatement, ruleId: string, d: RuleStats): void {
  statement(UPSERT_RULE_STATS).run(ruleId, d.hits, d.alerts_opened, d.suppressed, d.last_hit);
}

interface StatsRow {
  rule_id: string;
  hits: number;
  alerts_opened: number;
  suppressed: number;
  last_hit: number | null;
}

/** Counters of every rule that has any, by rule id (rules never seen are absent). */
export function readRuleStats(store: Store): Map<string, RuleStats> {
  const rows = sqlOf(store).statement('SELECT rule_id, hits, alerts_opened, suppressed, last_hit FROM rule_stats').all() as StatsRow[];
  return new Map(rows.map((r) => [r.rule_id, { hits: r.hits, alerts_opened: r.alerts_opened, suppressed: r.suppressed, last_hit: r.last_hit }]));
}

export function emptyRuleStats(): RuleStats {
  return { hits: 0, alerts_opened: 0, suppressed: 0, last_hit: null };
}

/** Overrides by rule id, including those of rules no longer in the files (kept for their return). */
export function readRuleOverrides(store: Store): Map<string, RuleOverride> {
  const rows = sqlOf(store).statement('SELECT rule_id, enabled, changed_by, changed_at FROM rule_overrides').all() as {
    rule_id: string;
    enabled: number;
    changed_by: string;
    changed_at: number;
  }[];
  return new Map(rows.map((r) => [r.rule_id, { enabled: r.enabled === 1, by: r.changed_by, at: r.changed_at }]));
}

/** Records an override in its own short transaction on the writer connection. */
export function writeRuleOverride(store: Store, ruleId: string, o: RuleOverride): void {
  try {
    sqlOf(store).db.immediateTransaction(() => {
      sqlOf(store)
        .statement(
          `INSERT INTO rule_overrides (rule_id, enabled, changed_by, changed_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (rule_id) DO UPDATE SET enabled = excluded.enabled, changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
        )
        .run(ruleId, o.enabled ? 1 : 0, o.by, o.at);
    });
  } catch (e) {
    throw toStoreError(e, `recording that rule ${ruleId} is ${o.enabled ? 'enabled' : 'disabled'}`);
  }
}
