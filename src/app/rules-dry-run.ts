/**
 * Running rules the way ingest does, without touching the appliance's database: for
 * `logagg rules test` (events from a file) and `logagg rules backtest` (stored events).
 *
 * Two engines hold the same rules with separate state:
 * - the batch engine sees the events in the batches given, as the pipeline's detector does;
 *   its findings go through the alert store's own applyFindings (dedup, suppression window,
 *   per-rule hourly cap, rule counters) into a private in-memory database, so the alerts
 *   reported are exactly the rows the appliance would have written, starting from no alerts;
 * - the event engine sees the same events one at a time, to tell exactly which events matched
 *   (a batch finding keeps only a few sample events). Rules keep their state per event, in
 *   order, so both engines find the same occurrences.
 *
 * Events are identified by a caller's reference (a line number, a log id), which also stands in
 * for the log id in the alerts' sample ids.
 *
 * Batches: a rule folds one batch's occurrences of a group into one finding, so a batch must
 * cover what a live batch covers. Live, a batch holds what arrived within a fetch, a short span
 * of event time; replayed events in time order would otherwise pack hours into one batch and
 * fold occurrences the suppression window keeps apart. `add` therefore ends a batch at
 * `batchSize` events or when an event lies more than `batchSpanMs` of event time from the
 * batch's first one.
 */
import type { DetectionSettings } from './detection-rules.js';
import { assetRaisePolicy } from './detection-rules.js';
import type { AlertRecord } from '../core/alert.js';
import type { NormalizedEvent, Severity } from '../core/event.js';
import { DetectionEngine } from '../core/detect/engine.js';
import type { CompiledRule, RuleKind } from '../core/rules/types.js';
import { applyFindingsApart, type AlertPolicy, type PendingFinding } from '../store/alert-store.js';
import { allAlertRecords } from '../store/alert-reader.js';
import { readRuleStats } from '../store/rule-state.js';
import { openStore, type Store } from '../store/store.js';

export interface MatchedEvent {
  /** The caller's reference: line number (test) or log id (backtest). */
  ref: number;
  ts: number;
  host: string | null;
  /** The event's message, cut at MESSAGE_CHARS. */
  message: string;
}

export interface RuleOutcome {
  id: string;
  name: string;
  kind: RuleKind;
  severity: Severity;
  /** Occurrences found (a finding counts its count), as rule_stats.hits would grow. */
  hits: number;
  /** Events that matched, each once. */
  matched_events: number;
  /** The first `maxMatches` of them, in input order. */
  matched: MatchedEvent[];
  alerts_opened: number;
  /** Occurrences dropped because the rule had opened its hourly cap of alerts. */
  suppressed: number;
  /** Batches in which the rule threw, and the last error. */
  failures: number;
  last_error?: string;
}

/**
 * An alert the rules would have opened, as the report shows it: the stored record without
 * what only a real database has (ids, state changes, write times), its sample ids named
 * `samples`: references (lines / log ids) of the first four occurrences and the latest.
 */
export type WouldBeAlert = Pick<AlertRecord, 'rule_id' | 'rule_name' | 'severity' | 'host' | 'title' | 'first_seen' | 'last_seen' | 'count' | 'matched' | 'context' | 'dedup_key'> & {
  samples: number[];
};

export interface DryRunReport {
  events: number;
  batches: number;
  rules: RuleOutcome[];
  alerts: WouldBeAlert[];
}

export interface DryRunOptions {
  /** The rules to run; each runs even when its file or an override disables it. */
  rules: readonly CompiledRule[];
  settings: DetectionSettings;
  /** Matched events kept per rule for the report (all are counted). */
  maxMatches: number;
  /** Write time of the private alert rows (created_at), epoch ms. */
  clock: () => number;
  /** Events per batch at most (for `add`). */
  batchSize?: number;
  /** Event time a batch may span (for `add`), ms; 0 = no limit. */
  batchSpanMs?: number;
}

/** Message characters kept per matched event. */
export const MESSAGE_CHARS = 200;

export class DryRun {
  private readonly batchEngine: DetectionEngine;
  private readonly eventEngine: DetectionEngine;
  private readonly store: Store;
  private readonly policy: AlertPolicy;
  private readonly suppressById: Map<string, number>;
  private readonly matches = new Map<string, { count: number; kept: MatchedEvent[] }>();
  private events = 0;
  private batches = 0;
  private pending: NormalizedEvent[] = [];
  private pendingRefs: number[] = [];

  constructor(private readonly opts: DryRunOptions) {
    const raise = { assetRaise: assetRaisePolicy(opts.settings) };
    this.batchEngine = new DetectionEngine(opts.rules, raise);
    this.eventEngine = new DetectionEngine(opts.rules, raise);
    for (const r of opts.rules) {
      this.batchEngine.setEnabled(r.meta.id, true);
      this.eventEngine.setEnabled(r.meta.id, true);
      this.matches.set(r.meta.id, { count: 0, kept: [] });
    }
    this.policy = { maxAlertsPerRulePerHour: opts.settings.max_alerts_per_rule_per_hour };
    this.suppressById = new Map(opts.rules.map((r) => [r.meta.id, r.meta.suppress_ms ?? opts.settings.default_suppress]));
    this.store = openStore(':memory:');
  }

  /** One event, batched as the module comment says; `flush` (or `report`) runs the last batch. */
  add(event: NormalizedEvent, ref: number): void {
    const first = this.pending[0];
    const span = this.opts.batchSpanMs ?? 0;
    if (first !== undefined && span > 0 && Math.abs(event.ts - first.ts) > span) this.flush();
    this.pending.push(event);
    this.pendingRefs.push(ref);
    if (this.pending.length >= (this.opts.batchSize ?? Infinity)) this.flush();
  }

  /** Runs the events added and not yet run as one batch. */
  flush(): void {
    if (this.pending.length === 0) return;
    const events = this.pending;
    const refs = this.pendingRefs;
    this.pending = [];
    this.pendingRefs = [];
    this.run(events, refs);
  }

  /**
   * One batch, as the pipeline would hand it to detection; `refs[i]` identifies `events[i]`.
   * Events `add` still holds run first, so the order is kept.
   */
  feed(events: readonly NormalizedEvent[], refs: readonly number[]): void {
    this.flush();
    this.run(events, refs);
  }

  private run(events: readonly NormalizedEvent[], refs: readonly number[]): void {
    if (events.length === 0) return;
    this.events += events.length;
    this.batches++;
    const findings = this.batchEngine.evaluate(events);
    if (findings.length > 0) {
      const pending: PendingFinding[] = findings.map((finding) => ({ finding, suppressMs: this.suppressById.get(finding.rule_id) ?? this.opts.settings.default_suppress }));
      const now = this.opts.clock();
      applyFindingsApart(this.store, { events, ids: refs, now }, pending, this.policy);
    }
    for (let i = 0; i < events.length; i++) {
      const ev = events[i] as NormalizedEvent;
      const fired = new Set(this.eventEngine.evaluate([ev]).map((f) => f.rule_id));
      for (const id of fired) {
        const m = this.matches.get(id);
        if (m === undefined) continue;
        m.count++;
        if (m.kept.length < this.opts.maxMatches) m.kept.push({ ref: refs[i] as number, ts: ev.ts, host: ev.host, message: ev.message.slice(0, MESSAGE_CHARS) });
      }
    }
  }

  /** The outcome, after running what `add` still holds. */
  report(): DryRunReport {
    this.flush();
    const stats = readRuleStats(this.store);
    const rules: RuleOutcome[] = this.batchEngine.status().map((s) => {
      const st = stats.get(s.meta.id);
      const m = this.matches.get(s.meta.id);
      const out: RuleOutcome = {
        id: s.meta.id,
        name: s.meta.name,
        kind: s.meta.kind,
        severity: s.meta.severity,
        hits: s.hits,
        matched_events: m?.count ?? 0,
        matched: [...(m?.kept ?? [])],
        alerts_opened: st?.alerts_opened ?? 0,
        suppressed: st?.suppressed ?? 0,
        failures: s.failures,
      };
      if (s.lastError !== undefined) out.last_error = s.lastError;
      return out;
    });
    const alerts = allAlertRecords(this.store).map((r) => ({
      rule_id: r.rule_id,
      rule_name: r.rule_name,
      severity: r.severity,
      host: r.host,
      title: r.title,
      first_seen: r.first_seen,
      last_seen: r.last_seen,
      count: r.count,
      samples: r.sample_event_ids,
      matched: r.matched,
      context: r.context,
      dedup_key: r.dedup_key,
    }));
    return { events: this.events, batches: this.batches, rules, alerts };
  }

  close(): void {
    this.store.close();
  }
}
