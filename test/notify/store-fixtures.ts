// Batches written as the ingest path writes them: events, alerts (applyFindings) and the
// notification outbox (enqueueForAlerts) in one transaction, on a real SQLite file.
import type { Finding } from '../../src/core/rules/types.js';
import type { AlertChange } from '../../src/core/alert.js';
import { applyFindings, transitionAlert as transitionWithHook, type AlertPolicy, type AlertWritten } from '../../src/store/alert-store.js';
import { LogWriter } from '../../src/store/log-writer.js';
import type { Store } from '../../src/store/store.js';
import { enqueueForAlerts, enqueueForTransition, type EnqueueSettings } from '../../src/notify/outbox.js';
import { outboxInBatch } from '../../src/store/outbox-writes.js';
import { finding, MIN } from '../store/alert-fixtures.js';
import { makeEvent, T0 } from '../store/fixtures.js';

export { finding, MIN, T0 };

export const HOUR = 3_600_000;

export const SETTINGS: EnqueueSettings = {
  routes: [],
  channels: ['hook', 'chat', 'pager'],
  policy: { renotifyAfterMs: HOUR, escalate: true },
};

/**
 * One batch at writer time `now`, with event times `ts`. Returns how many outbox rows it
 * enqueued. `fail` throws inside the transaction after the outbox was written.
 */
export function batch(store: Store, findings: Finding[], now: number, s: EnqueueSettings = SETTINGS, fail = false, policy: AlertPolicy = { maxAlertsPerRulePerHour: 0 }): number {
  let n = 0;
  const events = findings.map((f) => makeEvent({ ts: f.ts || T0, metrics: { cpu_pct: 95 }, host: f.host }));
  new LogWriter(store).writeBatch({
    events,
    offsets: [],
    now,
    inTransaction: (tx) => {
      const written: AlertWritten[] = [];
      applyFindings(
        tx,
        findings.map((f, i) => ({ finding: { ...f, ts: f.ts || T0, event_indexes: [i] }, suppressMs: 10 * MIN })),
        policy,
        written,
      );
      n = enqueueForAlerts(outboxInBatch(tx), written, s, now);
      if (fail) throw new Error('disk on fire');
    },
  });
  return n;
}

/** transitionAlert as serve runs it: with the outbox's hook (resolves and reopens are announced). */
export function transitionAlert(store: Store, id: number, change: AlertChange, hostScope?: readonly string[]): boolean {
  return transitionWithHook(store, id, change, hostScope, enqueueForTransition);
}

export interface OutboxRowLite {
  id: number;
  alert_id: number;
  channel: string;
  kind: string;
  state: string;
  payload: { alert: Record<string, unknown>; previous_severity: string | null };
}

export function outbox(store: Store): OutboxRowLite[] {
  return (store.db.prepare('SELECT id, alert_id, channel, kind, state, payload FROM notify_outbox ORDER BY id').all() as (Omit<OutboxRowLite, 'payload'> & { payload: string })[]).map(
    (r) => ({ ...r, payload: JSON.parse(r.payload) }),
  );
}

/** [channel, kind] of the rows after `afterId`. */
export function kinds(store: Store, afterId = 0): [string, string][] {
  return outbox(store)
    .filter((r) => r.id > afterId)
    .map((r) => [r.channel, r.kind]);
}

export function lastId(store: Store): number {
  return Number(store.db.prepare('SELECT coalesce(max(id), 0) FROM notify_outbox').pluck().get());
}
