/**
 * Writing alerts. Findings become alerts inside the batch's transaction (through BatchTx), so
 * an alert and the events that raised it are stored together or not at all: a crash never
 * loses or doubles one. State changes (acknowledge, resolve, reopen) are short transactions of
 * their own on the writer connection.
 *
 * Folding (docs/alerts.md): a finding whose dedup_key has an alert that is not resolved, last
 * seen no longer ago than the rule's suppression window, updates that alert (count, last_seen,
 * severity raised to the highest seen, samples, matched values); otherwise a new alert opens,
 * unless the rule has already opened its cap of alerts within the hour before, in which case
 * the occurrences are counted as suppressed. Every time here is event time, so replaying the
 * same events after a crash decides the same way.
 */
import { SEVERITIES, type NormalizedEvent, type Severity } from '../core/event.js';
import type { Finding } from '../core/rules/types.js';
import { canTransition, type AlertChange, type AlertState } from '../core/alert.js';
import { compileWindows, mutedBy, type MaintenanceWindow, type Silence } from '../core/silence.js';
import { LogaggError } from '../errors.js';
import { sqlOf, sqlTx, type SqlTx } from './connection.js';
import { hostCondition } from './log-filter.js';
import type { BatchTx } from './log-writer.js';
import { outboxWrites, type OutboxWrites } from './outbox-writes.js';
import { addRuleStats, emptyRuleStats, type RuleStats } from './rule-state.js';
import { silencesInForce } from './silence-store.js';
import { toStoreError, type SqlStatement } from './sqlite.js';
import type { Store } from './store.js';

/** Sample event ids kept per alert: the first MAX-1 occurrences and the latest. */
export const MAX_SAMPLE_IDS = 5;
const HOUR_MS = 3_600_000;

/** A finding with the suppression window of its rule, fixed when detection ran. */
export interface PendingFinding {
  finding: Finding;
  /** Milliseconds; 0 = every finding opens its own alert. */
  suppressMs: number;
}

export interface AlertPolicy {
  /** Alerts one rule may open within any hour of event time; 0 = no cap. */
  maxAlertsPerRulePerHour: number;
  /** Recurring windows that mute matching alerts (detection.maintenance_windows); plain data, it crosses to the writer thread. */
  windows?: readonly MaintenanceWindow[];
}

/** One alert opened or updated by applyFindings (what notifications decide from). */
export interface AlertWritten {
  alertId: number;
  opened: boolean;
  /** The severity rank before the update; null when opened. */
  previousRank: number | null;
}

export interface AlertWriteSummary {
  opened: number;
  updated: number;
  /** Occurrences dropped by the cap. */
  suppressed: number;
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s) + 1;
}

const FIND_FOLD_TARGET = `SELECT id, severity_rank, first_seen, last_seen, count, sample_event_ids FROM alerts
WHERE dedup_key = ? AND state <> 'resolved' ORDER BY id DESC LIMIT 1`;
const NEXT_SEQ = 'SELECT coalesce(max(change_seq), 0) + 1 FROM alerts';
const OPENED_IN_HOUR = 'SELECT count(*) FROM alerts WHERE rule_id = ? AND first_seen > ? AND first_seen <= ?';
const INSERT_ALERT = `INSERT INTO alerts (rule_id, rule_name, severity, severity_rank, host, title, first_seen, last_seen, count,
  sample_event_ids, matched, context, dedup_key, state, change_seq, created_at, updated_at, silenced_by)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)`;
const UPDATE_ALERT = `UPDATE alerts SET severity = ?, severity_rank = ?, first_seen = ?, last_seen = ?, count = ?,
  sample_event_ids = ?, matched = ?, context = coalesce(?, context), change_seq = ?, updated_at = ?, silenced_by = ? WHERE id = ?`;
const LINK = 'INSERT OR IGNORE INTO alert_events (log_id, alert_id) VALUES (?, ?)';
const UNLINK = 'DELETE FROM alert_events WHERE log_id = ? AND alert_id = ?';

interface FoldTarget {
  id: number;
  severity_rank: number;
  first_seen: number;
  last_seen: number;
  count: number;
  sample_event_ids: string;
}

/**
 * Turns findings into alert rows and adds to the rules' counters. Runs inside the batch's
 * transaction; `tx.ids[i]` is the stored id of `tx.events[i]` (null for a skipped duplicate,
 * which then gives no sample id). Each alert opened or updated is appended to `written`, when
 * given (the notification outbox is written from it in the same transaction).
 */
export function applyFindings(tx: BatchTx, pending: readonly PendingFinding[], policy: AlertPolicy, written?: AlertWritten[]): AlertWriteSummary {
  const summary: AlertWriteSummary = { opened: 0, updated: 0, suppressed: 0 };
  if (pending.length === 0) return summary;
  const t = sqlTx(tx);
  const st = (sql: string): SqlStatement => t.statement(sql);
  let seq = Number(st(NEXT_SEQ).pluck().get());
  const stats = new Map<string, RuleStats>();
  // Silences and windows are checked at the occurrence's event time and at the writer's clock:
  // an alert about events from inside a window is muted, and so is one written while a silence runs.
  const windows = compileWindows(policy.windows ?? []);
  let silences: Silence[] | null = null;
  const muted = (f: Finding, severity: Finding['severity'], last: number): string | null => {
    if (silences === null) {
      // Every time asked about is at least its finding's ts (the latest occurrence by default) or tx.now.
      let since = tx.now;
      for (const p of pending) if (p.finding.ts < since) since = p.finding.ts;
      silences = silencesInForce(st, since);
    }
    if (silences.length === 0 && windows.windows.length === 0) return null;
    return mutedBy(silences, windows, { rule_id: f.rule_id, host: f.host, severity }, [last, tx.now]);
  };

  for (const { finding: f, suppressMs } of pending) {
    const n = Math.max(1, Math.trunc(f.count ?? 1));
    const span = occurrenceSpan(f, tx.events);
    const sampleIds = sampleIdsOf(f, tx.ids);
    let s = stats.get(f.rule_id);
    if (s === undefined) stats.set(f.rule_id, (s = emptyRuleStats()));
    s.hits += n;
    s.last_hit = s.last_hit === null ? span.last : Math.max(s.last_hit, span.last);

    const target = st(FIND_FOLD_TARGET).get(f.dedup_key) as FoldTarget | undefined;
    if (target !== undefined && suppressMs > 0 && span.first - target.last_seen <= suppressMs) {
      const old = parseIds(target.sample_event_ids);
      const samples = mergeSampleIds(old, sampleIds);
      const rank = Math.max(target.severity_rank, severityRank(f.severity));
      st(UPDATE_ALERT).run(
        SEVERITIES[rank - 1],
        rank,
        Math.min(target.first_seen, span.first),
        Math.max(target.last_seen, span.last),
        target.count + n,
        JSON.stringify(samples),
        JSON.stringify(f.matched ?? {}),
        f.context === undefined ? null : JSON.stringify(f.context),
        seq++,
        tx.now,
        muted(f, SEVERITIES[rank - 1]!, Math.max(target.last_seen, span.last)),
        target.id,
      );
      for (const id of old) if (!samples.includes(id)) st(UNLINK).run(id, target.id);
      for (const id of samples) if (!old.includes(id)) st(LINK).run(id, target.id);
      summary.updated++;
      written?.push({ alertId: target.id, opened: false, previousRank: target.severity_rank });
      continue;
    }

    const cap = policy.maxAlertsPerRulePerHour;
    if (cap > 0 && Number(st(OPENED_IN_HOUR).pluck().get(f.rule_id, span.first - HOUR_MS, span.first)) >= cap) {
      s.suppressed += n;
      summary.suppressed += n;
      continue;
    }
    const samples = mergeSampleIds([], sampleIds);
    const r = st(INSERT_ALERT).run(
      f.rule_id,
      f.rule_name,
      f.severity,
      severityRank(f.severity),
      f.host,
      f.title,
      span.first,
      span.last,
      n,
      JSON.stringify(samples),
      JSON.stringify(f.matched ?? {}),
      f.context === undefined ? null : JSON.stringify(f.context),
      f.dedup_key,
      seq++,
      tx.now,
      tx.now,
      muted(f, f.severity, span.last),
    );
    const alertId = Number(r.lastInsertRowid);
    for (const id of samples) st(LINK).run(id, alertId);
    s.alerts_opened++;
    summary.opened++;
    written?.push({ alertId, opened: true, previousRank: null });
  }
  for (const [ruleId, d] of stats) addRuleStats(st, ruleId, d);
  return summary;
}

/**
 * applyFindings in a short transaction of its own, for events that are not stored: `ids[i]`
 * stands in for the log id of `events[i]`. For the private in-memory databases of
 * `logagg rules test|backtest` (src/cli/commands/rules/dry-run.ts).
 */
export function applyFindingsApart(
  store: Store,
  batch: { events: ArrayLike<{ readonly ts: number }>; ids: readonly (number | null)[]; now: number },
  pending: readonly PendingFinding[],
  policy: AlertPolicy,
  written?: AlertWritten[],
): AlertWriteSummary {
  const c = sqlOf(store);
  return c.db.immediateTransaction(() => {
    const tx: SqlTx = { ...batch, statement: (sql) => c.statement(sql) };
    return applyFindings(tx, pending, policy, written);
  });
}

/**
 * First and last event time of a finding's occurrences: its samples include the batch's first
 * occurrence, and its own ts is the representative (by default the latest) occurrence.
 */
function occurrenceSpan(f: Finding, events: ArrayLike<{ readonly ts: number }>): { first: number; last: number } {
  let first = f.ts;
  let last = f.ts;
  for (const i of f.event_indexes) {
    const ts = events[i]?.ts;
    if (ts === undefined) continue;
    if (ts < first) first = ts;
    if (ts > last) last = ts;
  }
  return { first, last };
}

function sampleIdsOf(f: Finding, ids: readonly (number | null)[]): number[] {
  const out: number[] = [];
  for (const i of f.event_indexes) {
    const id = ids[i];
    if (id !== null && id !== undefined && !out.includes(id)) out.push(id);
  }
  return out;
}

/** The earliest MAX-1 ids and the latest: `old` holds earlier occurrences than `added`. */
export function mergeSampleIds(old: readonly number[], added: readonly number[]): number[] {
  const all = [...old];
  for (const id of added) if (!all.includes(id)) all.push(id);
  if (all.length <= MAX_SAMPLE_IDS) return all;
  return [...all.slice(0, MAX_SAMPLE_IDS - 1), all[all.length - 1] as number];
}

function parseIds(json: string): number[] {
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
}

/**
 * A state change the alert's current state does not allow (a resolved alert cannot be
 * acknowledged): code CONFLICT, so the API answers 409 Conflict naming the `state` field.
 */
export class AlertStateConflict extends LogaggError {
  constructor(
    readonly alertId: number,
    readonly from: AlertState,
    readonly to: AlertState,
  ) {
    super('CONFLICT', `alert ${alertId} is ${from}; it cannot become ${to} (reopen it first)`, { details: { param: 'state', alert: alertId, from, to } });
    this.name = 'AlertStateConflict';
  }
}

/**
 * What a state change also writes inside its transaction, after the alert's row: the
 * announcement of a resolve or a reopen to the channels told of the alert
 * (enqueueForTransition in src/notify/outbox.ts, which the assembler passes in).
 */
export type TransitionHook = (outbox: OutboxWrites, alertId: number, from: AlertState, to: AlertState, at: number) => void;

/**
 * Moves an alert to `change.state`, recording who, when and the comment (also in
 * alert_changes), and runs `onTransition` in the same transaction. Returns false when the
 * alert is absent or outside `hostScope`; throws AlertStateConflict for a move canTransition
 * forbids. Setting the current state again is allowed and records the new comment.
 * Without `onTransition` nothing is announced.
 */
export function transitionAlert(store: Store, id: number, change: AlertChange, hostScope?: readonly string[], onTransition?: TransitionHook): boolean {
  const c = sqlOf(store);
  try {
    return c.db.immediateTransaction(() => {
      const params: unknown[] = [id];
      const scope = hostScope === undefined ? '' : ` AND (${hostCondition('host', hostScope, params)})`;
      const row = c.statement(`SELECT state FROM alerts WHERE id = ?${scope}`).get(...params) as { state: AlertState } | undefined;
      if (row === undefined) return false;
      if (!canTransition(row.state, change.state)) throw new AlertStateConflict(id, row.state, change.state);
      const seq = Number(c.statement(NEXT_SEQ).pluck().get());
      // acknowledged_* and resolved_* describe the current state: a reopened alert loses them
      // (alert_changes keeps the history).
      c.statement(
          `UPDATE alerts SET state = @state, state_changed_by = @by, state_changed_at = @at, comment = @comment,
             acknowledged_by = CASE WHEN @state = 'open' THEN NULL WHEN @state = 'acknowledged' THEN @by ELSE acknowledged_by END,
             acknowledged_at = CASE WHEN @state = 'open' THEN NULL WHEN @state = 'acknowledged' THEN @at ELSE acknowledged_at END,
             resolved_by = CASE WHEN @state = 'resolved' THEN @by ELSE NULL END,
             resolved_at = CASE WHEN @state = 'resolved' THEN @at ELSE NULL END,
             change_seq = @seq, updated_at = @at
           WHERE id = @id`,
        )
        .run({ state: change.state, by: change.by, at: change.at, comment: change.comment, seq, id });
      c.statement('INSERT INTO alert_changes (alert_id, at, by, from_state, to_state, comment) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, change.at, change.by, row.state, change.state, change.comment);
      // A resolve (or a reopen) is announced to the channels told of the alert, in this transaction.
      onTransition?.(outboxWrites((sql) => c.statement(sql)), id, row.state, change.state, change.at);
      return true;
    });
  } catch (e) {
    if (e instanceof AlertStateConflict) throw e;
    throw toStoreError(e, `changing the state of alert ${id}`);
  }
}
