import type { NormalizedEvent, Severity } from '../event.js';

/**
 * The contract between rule compilers (threshold, match, count, sigma, anomaly) and the
 * detection engine. Everything here is pure data or pure functions: the clock is passed in
 * (event time `ts`), lookups (lists from files) are resolved at compile time.
 */

export const RULE_KINDS = ['threshold', 'match', 'count', 'sigma', 'anomaly'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** A stateless predicate over one event, compiled once from a rule's filter/selection. */
export type EventPredicate = (event: NormalizedEvent) => boolean;

/** What a rule raised for one event (or one group crossing a count). */
export interface Finding {
  rule_id: string;
  rule_name: string;
  severity: Severity;
  /** Host the finding is about (lower-case), or null. */
  host: string | null;
  title: string;
  /** Identifies "the same finding": rule id + grouping values. Repeats update one alert. */
  dedup_key: string;
  /** Event time of the triggering event, epoch ms. */
  ts: number;
  /**
   * Index of the triggering events in the batch passed to `evaluate` (for sample ids): a few,
   * not all. The last one is the event the finding was built from (title, host, ts).
   */
  event_indexes: number[];
  /**
   * How many occurrences this finding stands for (default 1). Rules emit at most one finding
   * per group per batch; repeats inside the batch are counted here, so an alert's count can
   * grow by the number of matching events without one finding per event.
   */
  count?: number;
  /** The values that matched (field → value), for the analyst. */
  matched: Record<string, unknown>;
  /** Extra context (e.g. anomaly baseline and score). */
  context?: Record<string, unknown>;
}

export interface RuleMeta {
  id: string;
  name: string;
  kind: RuleKind;
  severity: Severity;
  enabled: boolean;
  description: string;
  tags: string[];
  /** Repeats inside this window update one alert. Milliseconds; undefined = engine default. */
  suppress_ms?: number;
  /** File the rule came from (for messages), if any. */
  file?: string;
  /**
   * Hash of the rule's definition (its document and the lists it uses). On a reload, a rule
   * whose id and hash are unchanged keeps its state (windows, baselines).
   */
  hash?: string;
}

/**
 * A compiled rule. `evaluate` is called once per batch with the batch's events in order
 * and the rule's own mutable state (windows, sustained counters), which the engine keeps
 * between batches. It returns the findings for this batch.
 */
export interface CompiledRule<State = unknown> {
  meta: RuleMeta;
  initialState(): State;
  evaluate(events: readonly NormalizedEvent[], state: State): Finding[];
}
