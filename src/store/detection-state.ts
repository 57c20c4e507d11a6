/**
 * Saved detection state (table detection_state, migration 5): each stateful rule's state as
 * text (src/core/detect/state-codec.ts) with the rule's definition hash, all written together
 * inside one batch's transaction with `last_log_id`, the newest logs row the state has seen.
 * After a restart the state is read back and the events stored after last_log_id are replayed
 * through the rules (docs/alerts.md, "Detection state across restarts").
 */
import type { RuleStateSnapshot } from '../core/detect/engine.js';
import { sqlOf, sqlTx } from './connection.js';
import type { BatchTx } from './log-writer.js';
import { toStoreError } from './sqlite.js';
import type { Store } from './store.js';

export interface SavedDetectionState {
  rules: RuleStateSnapshot[];
  /** The newest logs.id whose event the saved state has seen. */
  lastLogId: number;
  /** Wall-clock time it was saved, epoch ms. */
  savedAt: number;
}

/** Replaces the saved state, inside the batch's transaction (rolled back with it). */
export function writeDetectionState(tx: BatchTx, rules: readonly RuleStateSnapshot[], lastLogId: number, savedAt: number): void {
  sqlTx(tx).statement('DELETE FROM detection_state').run();
  const insert = sqlTx(tx).statement('INSERT INTO detection_state (rule_id, hash, data, last_log_id, saved_at) VALUES (?, ?, ?, ?, ?)');
  for (const r of rules) insert.run(r.id, r.hash, r.data, lastLogId, savedAt);
}

/** The saved state, or null when none was saved (or every rule in it was stateless). */
export function readDetectionState(store: Store): SavedDetectionState | null {
  try {
    const rows = sqlOf(store).statement('SELECT rule_id, hash, data, last_log_id, saved_at FROM detection_state ORDER BY rule_id').all() as {
      rule_id: string;
      hash: string;
      data: string;
      last_log_id: number;
      saved_at: number;
    }[];
    const first = rows[0];
    if (first === undefined) return null;
    return { rules: rows.map((r) => ({ id: r.rule_id, hash: r.hash, data: r.data })), lastLogId: first.last_log_id, savedAt: first.saved_at };
  } catch (e) {
    throw toStoreError(e, 'reading the saved detection state');
  }
}

/** How many stored events have an id above `afterId` (what a restore would replay). */
export function countLogsAfter(store: Store, afterId: number): number {
  try {
    return Number(sqlOf(store).statement('SELECT count(*) FROM logs WHERE id > ?').pluck().get(afterId));
  } catch (e) {
    throw toStoreError(e, 'counting the events to replay');
  }
}

/** The newest logs.id in the transaction's view (0 when the table is empty). */
export function newestLogId(tx: BatchTx): number {
  return Number(sqlTx(tx).statement('SELECT coalesce(max(id), 0) FROM logs').pluck().get());
}
