/**
 * What the `logagg rules` subcommands share around the rule set (loaded by
 * src/app/detection-rules.ts:loadRuleSet): finding a rule by id with close-id hints, the
 * database read-only when present, and the API's enable/disable overrides.
 */
import { existsSync } from 'node:fs';
import type { CompiledRule } from '../../../core/rules/types.js';
import { isLogaggError, LogaggError } from '../../../errors.js';
import { readRuleOverrides, type RuleOverride } from '../../../store/rule-state.js';
import { openStore, type Store } from '../../../store/store.js';
import type { StoreConnectionOptions } from '../../../store/store-options.js';

/** The rule with this id, or a USAGE error (exit code 2) naming the closest ids. */
export function findRule(rules: readonly CompiledRule[], id: string): CompiledRule {
  const rule = rules.find((r) => r.meta.id === id);
  if (rule !== undefined) return rule;
  const close = closeIds(id, rules.map((r) => r.meta.id));
  const hint = close.length > 0 ? `; close ids: ${close.join(', ')}` : '';
  throw new LogaggError('USAGE', `no rule with id "${id}"${hint} (\`logagg rules list\` shows every rule)`, { details: { rule: id, close } });
}

/**
 * Ids near `id`, nearest first, at most `max`: within an edit distance of a third of the id's
 * length (at least 2), or containing it / contained in it (3 characters or more).
 */
export function closeIds(id: string, ids: readonly string[], max = 5): string[] {
  const want = id.toLowerCase();
  const limit = Math.max(2, Math.floor(want.length / 3));
  const scored: { id: string; d: number }[] = [];
  for (const candidate of new Set(ids)) {
    const c = candidate.toLowerCase();
    const d = editDistance(want, c);
    const sub = want.length >= 3 && c.length >= 3 && (c.includes(want) || want.includes(c));
    if (d <= limit || sub) scored.push({ id: candidate, d: sub ? Math.min(d, limit) : d });
  }
  return scored
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .slice(0, max)
    .map((s) => s.id);
}

/** Levenshtein distance, two rows. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] as number;
}

export interface ReadOnlyDb {
  store: Store | null;
  /** Why there is no store (no file yet, or it could not be opened); null when there is one. */
  note: string | null;
}

/**
 * A read-only connection to the database when it exists (safe beside a running `serve`);
 * otherwise null and why. Never creates the file.
 */
export function openIfPresent(path: string, options: StoreConnectionOptions): ReadOnlyDb {
  if (path !== ':memory:' && !existsSync(path)) return { store: null, note: `no database at ${path} yet` };
  try {
    return { store: openStore(path, { ...options, readonly: true }), note: null };
  } catch (e) {
    if (!isLogaggError(e)) throw e;
    return { store: null, note: e.message };
  }
}

/** Enable/disable overrides made through the API, or none without a database. */
export function overridesOf(store: Store | null): Map<string, RuleOverride> {
  return store === null ? new Map() : readRuleOverrides(store);
}

/** Whether the appliance runs the rule: its override if any, else the file's `enabled`. */
export function enabledInAppliance(rule: CompiledRule, overrides: ReadonlyMap<string, RuleOverride>): boolean {
  return overrides.get(rule.meta.id)?.enabled ?? rule.meta.enabled;
}
