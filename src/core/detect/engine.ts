import { LogaggError } from '../../errors.js';
import type { NormalizedEvent } from '../event.js';
import type { AssetRaisePolicy } from '../rules/severity.js';
import { assetRaisedSeverity, DEFAULT_ASSET_RAISE } from '../rules/severity.js';
import type { CompiledRule, Finding, RuleMeta } from '../rules/types.js';
import type { StateCodec } from './state-codec.js';
import type { RuleLogsource } from '../rules/rule-info.js';
import { ruleLogsource } from '../rules/sigma/coverage-report.js';

/**
 * Runs compiled rules over batches of events and keeps their state between batches. Pure apart
 * from that in-memory state: no clock (rules use event time), no I/O.
 *
 * - Severity: a rule's findings come with the rule's (or threats') severity; the engine then
 *   raises it when the triggering event's asset criticality is listed in `assetRaise`.
 * - Hot reload: `setRules` keeps the state of every rule whose id and definition hash are
 *   unchanged; other rules start fresh. Enable/disable overrides and hit counts are kept by id.
 * - A rule that throws is skipped for that batch and its error counted (see `status`); the
 *   other rules still run. Events with parse_error go through rules like any other.
 */
export interface EngineOptions {
  assetRaise?: AssetRaisePolicy;
}

export interface RuleStatus {
  meta: RuleMeta;
  /** Whether the rule runs: an override from setEnabled, else the rule's own `enabled`. */
  enabled: boolean;
  /** Occurrences found since start (a finding counts its `count`). */
  hits: number;
  /** Batches in which the rule threw, and the last message. */
  failures: number;
  lastError?: string;
  /** Sigma detection rules: what their logsource applies; null for other rules. */
  logsource: RuleLogsource | null;
}

interface Entry {
  rule: CompiledRule;
  state: unknown;
}

/** A rule's state as text (see state-codec.ts), tied to the rule's id and definition hash. */
export interface RuleStateSnapshot {
  id: string;
  hash: string;
  data: string;
}

export interface StateProblem {
  id: string;
  error: string;
}

export class DetectionEngine {
  private entries: Entry[] = [];
  private readonly overrides = new Map<string, boolean>();
  private readonly hits = new Map<string, number>();
  private readonly failures = new Map<string, { count: number; last: string }>();
  private readonly assetRaise: AssetRaisePolicy;

  constructor(rules: readonly CompiledRule[], opts: EngineOptions = {}) {
    this.assetRaise = opts.assetRaise ?? DEFAULT_ASSET_RAISE;
    this.setRules(rules);
  }

  /** Replaces the rule set, keeping the state of unchanged rules (same id and hash). */
  setRules(rules: readonly CompiledRule[]): void {
    const old = new Map(this.entries.map((e) => [e.rule.meta.id, e]));
    const seen = new Set<string>();
    const next: Entry[] = [];
    for (const rule of rules) {
      const id = rule.meta.id;
      if (seen.has(id)) throw new LogaggError('RULE_INVALID', `duplicate rule id "${id}" in the rule set`, { details: { rule: id } });
      seen.add(id);
      const prev = old.get(id);
      const same = prev !== undefined && rule.meta.hash !== undefined && prev.rule.meta.hash === rule.meta.hash;
      next.push({ rule, state: same ? prev.state : rule.initialState() });
    }
    this.entries = next;
  }

  /** Turns a rule on or off until the process ends (kept across reloads); false for an unknown id. */
  setEnabled(id: string, enabled: boolean): boolean {
    if (!this.entries.some((e) => e.rule.meta.id === id)) return false;
    this.overrides.set(id, enabled);
    return true;
  }

  isEnabled(id: string): boolean {
    const e = this.entries.find((x) => x.rule.meta.id === id);
    return e !== undefined && this.enabled(e.rule);
  }

  /**
   * The state of every enabled stateful rule that has a definition hash (stateless rules have
   * nothing to keep). A state the codec cannot write is reported in `failed`, not thrown.
   */
  snapshot(codec: StateCodec): { saved: RuleStateSnapshot[]; failed: StateProblem[] } {
    const saved: RuleStateSnapshot[] = [];
    const failed: StateProblem[] = [];
    for (const { rule, state } of this.entries) {
      const hash = rule.meta.hash;
      if (state === null || state === undefined || hash === undefined) continue;
      try {
        saved.push({ id: rule.meta.id, hash, data: codec.encode(state) });
      } catch (e) {
        failed.push({ id: rule.meta.id, error: e instanceof Error ? e.message : String(e) });
      }
    }
    return { saved, failed };
  }

  /**
   * Puts back saved states of rules in force with the same id and definition hash (others start
   * afresh, as after a reload). A snapshot that does not decode is reported and skipped.
   */
  restore(snapshots: readonly RuleStateSnapshot[], codec: StateCodec): { restored: string[]; failed: StateProblem[] } {
    const byId = new Map(this.entries.map((e) => [e.rule.meta.id, e]));
    const restored: string[] = [];
    const failed: StateProblem[] = [];
    for (const s of snapshots) {
      const entry = byId.get(s.id);
      if (entry === undefined || entry.rule.meta.hash === undefined || entry.rule.meta.hash !== s.hash) continue;
      try {
        entry.state = codec.decode(s.data);
        restored.push(s.id);
      } catch (e) {
        entry.state = entry.rule.initialState();
        failed.push({ id: s.id, error: e instanceof Error ? e.message : String(e) });
      }
    }
    return { restored, failed };
  }

  /**
   * Runs the enabled rules over a batch, in order, updating their state. `replay`: events seen
   * before (rebuilding state after a restart): states change, hit counts do not.
   */
  evaluate(events: readonly NormalizedEvent[], opts: { replay?: boolean } = {}): Finding[] {
    if (events.length === 0) return [];
    const out: Finding[] = [];
    for (const entry of this.entries) {
      const { rule } = entry;
      if (!this.enabled(rule)) continue;
      let found: Finding[];
      try {
        found = rule.evaluate(events, entry.state);
      } catch (e) {
        const f = this.failures.get(rule.meta.id) ?? { count: 0, last: '' };
        f.count++;
        f.last = e instanceof Error ? e.message : String(e);
        this.failures.set(rule.meta.id, f);
        continue;
      }
      if (found.length === 0 || opts.replay === true) continue;
      let hits = 0;
      for (const f of found) {
        hits += f.count ?? 1;
        this.raise(f, events);
        out.push(f);
      }
      this.hits.set(rule.meta.id, (this.hits.get(rule.meta.id) ?? 0) + hits);
    }
    return out;
  }

  /** Occurrences per rule id since start. */
  hitCounts(): Map<string, number> {
    return new Map(this.hits);
  }

  status(): RuleStatus[] {
    return this.entries.map(({ rule }) => {
      const f = this.failures.get(rule.meta.id);
      const s: RuleStatus = { meta: rule.meta, enabled: this.enabled(rule), hits: this.hits.get(rule.meta.id) ?? 0, failures: f?.count ?? 0, logsource: ruleLogsource(rule) };
      if (f !== undefined) s.lastError = f.last;
      return s;
    });
  }

  private enabled(rule: CompiledRule): boolean {
    return this.overrides.get(rule.meta.id) ?? rule.meta.enabled;
  }

  /** Applies the asset policy using the finding's triggering event (its last event index). */
  private raise(f: Finding, events: readonly NormalizedEvent[]): void {
    if (this.assetRaise.steps === 0) return;
    const ev = events[f.event_indexes[f.event_indexes.length - 1] ?? -1];
    if (ev === undefined || ev.asset === null) return;
    const raised = assetRaisedSeverity(f.severity, ev.asset, this.assetRaise);
    if (raised === f.severity) return;
    f.context = { ...f.context, severity_raised: { from: f.severity, reason: `asset criticality ${ev.asset.criticality ?? ''}`.trim() } };
    f.severity = raised;
  }
}
