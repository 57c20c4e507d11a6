// Shared by the alert store tests: findings, and batches written through the real LogWriter
// with the findings applied inside the batch's transaction, as the detector does.
import type { NormalizedEvent } from '../../src/core/event.js';
import type { Finding } from '../../src/core/rules/types.js';
import { applyFindings, type AlertPolicy, type AlertWriteSummary } from '../../src/store/alert-store.js';
import { LogWriter } from '../../src/store/log-writer.js';
import type { Store } from '../../src/store/store.js';
import { makeEvent } from './fixtures.js';

export const MIN = 60_000;
export const HOUR = 3_600_000;

/** A finding about events[0..n) of its batch unless event_indexes are given. */
export function finding(over: Partial<Finding> = {}): Finding {
  const rule = over.rule_id ?? 'cpu-high';
  const host = over.host === undefined ? 'web-01' : over.host;
  return {
    rule_id: rule,
    rule_name: `Rule ${rule}`,
    severity: 'HIGH',
    host,
    title: `${rule} on ${host ?? 'nothing'}`,
    dedup_key: `${rule}|${host ?? ''}`,
    ts: 0,
    event_indexes: [0],
    count: 1,
    matched: { cpu_pct: 95 },
    ...over,
  };
}

export interface BatchSpec {
  /** Event times of the batch's events. */
  times: number[];
  /** Findings; their ts defaults to the time of their last event index. */
  findings: Finding[];
  suppressMs?: number;
  events?: NormalizedEvent[];
}

export const DEFAULT_POLICY: AlertPolicy = { maxAlertsPerRulePerHour: 100 };

/** Writes one batch (events + findings as alerts) and returns the summary and the event ids. */
export function writeBatch(store: Store, spec: BatchSpec, policy: AlertPolicy = DEFAULT_POLICY): { summary: AlertWriteSummary; ids: (number | null)[] } {
  const events = spec.events ?? spec.times.map((ts) => makeEvent({ ts, metrics: { cpu_pct: 95 } }));
  let summary: AlertWriteSummary | null = null;
  const r = new LogWriter(store).writeBatch({
    events,
    offsets: [],
    now: 1_000,
    inTransaction: (tx) => {
      const pending = spec.findings.map((f) => {
        const last = f.event_indexes[f.event_indexes.length - 1];
        const ts = f.ts !== 0 ? f.ts : (events[last ?? 0]?.ts ?? 0);
        return { finding: { ...f, ts }, suppressMs: spec.suppressMs ?? 10 * MIN };
      });
      summary = applyFindings(tx, pending, policy);
    },
  });
  return { summary: summary!, ids: r.ids };
}

export interface AlertRowLite {
  id: number;
  rule_id: string;
  severity: string;
  host: string | null;
  title: string;
  first_seen: number;
  last_seen: number;
  count: number;
  sample_event_ids: number[];
  state: string;
}

export function alertRows(store: Store): AlertRowLite[] {
  const rows = store.db
    .prepare('SELECT id, rule_id, severity, host, title, first_seen, last_seen, count, sample_event_ids, state FROM alerts ORDER BY id')
    .all() as (Omit<AlertRowLite, 'sample_event_ids'> & { sample_event_ids: string })[];
  return rows.map((r) => ({ ...r, sample_event_ids: JSON.parse(r.sample_event_ids) as number[] }));
}

export function count(store: Store, sql: string, ...params: unknown[]): number {
  return Number(store.db.prepare(sql).pluck().get(...params));
}
