import type { NormalizedEvent } from '../../event.js';
import { compileDetection, compileSelection } from './detection.js';
import { EventMemo, FieldCache } from './field-cache.js';
import { fieldSlot } from './field-check.js';
import { sigmaFieldMap } from './field-map.js';
import type { SigmaContext } from './options.js';
import type { SigmaLogsource } from './rule-meta.js';
import { refuse, SigmaProblem } from './sigma-error.js';
import { andAll, type MemoTest } from './value-tests.js';

/**
 * A Sigma detection rule's logic over single events: the logsource restriction (when configured)
 * and the detection, reading fields through a FieldCache shared with the other rules of the
 * collection. Events are passed with their index in the batch given to `begin`.
 */
export interface EventMatcher {
  /**
   * Call once per batch, before matching its events. Returns, when the detection requires a
   * field, that field's values for the batch: an event whose entry is undefined or null cannot
   * match, and callers skip it without calling `matches`.
   */
  begin(events: readonly NormalizedEvent[]): readonly unknown[] | null;
  /** Whether the event (at index i of the batch given to `begin`) matches. */
  matches(e: NormalizedEvent, i: number): boolean;
  /** The fields and values of the selections that matched, for Finding.matched. */
  matched(e: NormalizedEvent, i: number): Record<string, unknown>;
  /** A reader for one more field (Sigma name, field map applied), memoized with the others. */
  field(sigmaName: string): (e: NormalizedEvent, i: number) => unknown;
}

export function compileEventMatcher(
  detection: unknown,
  logsource: SigmaLogsource,
  ctx: SigmaContext,
  cache: FieldCache = new FieldCache(),
): EventMatcher {
  const fieldMap = sigmaFieldMap(ctx.sigmaFieldMap);
  const det = compileDetection(detection, { registry: cache, fieldMap });
  const scope = logsourceTest(logsource, ctx, cache);
  const test = scope ? andAll([scope, det.test]) : det.test;
  const memo = new EventMemo(cache);
  const gate = det.requires[0];
  return {
    begin(events) {
      cache.begin(events);
      return gate === undefined ? null : cache.column(gate, events);
    },
    matches(e, i) {
      memo.bind(e, i);
      return test(memo);
    },
    matched(e, i) {
      memo.bind(e, i);
      return det.describe(memo);
    },
    field(name) {
      const slot = fieldSlot(cache, name, fieldMap);
      return (e, i) => cache.value(slot, i, e);
    },
  };
}

/** The configured restrictions for a rule's logsource, or null when none applies. */
function logsourceTest(logsource: SigmaLogsource, ctx: SigmaContext, cache: FieldCache): MemoTest | null {
  const map = ctx.sigmaLogsources;
  if (!map) return null;
  const tests: MemoTest[] = [];
  for (const part of ['category', 'product', 'service'] as const) {
    const value = logsource[part];
    if (value === undefined) continue;
    const key = `${part}:${value}`;
    const sel = Object.hasOwn(map, key) ? map[key] : undefined;
    if (sel === undefined) continue;
    try {
      // Logsource selections name logagg paths directly: no Sigma field map.
      tests.push(compileSelection(sel, { registry: cache, fieldMap: {} }, `sigmaLogsources["${key}"]`).test);
    } catch (e) {
      if (e instanceof SigmaProblem) refuse(`logsource mapping ${e.message}`, 'logsource mapping');
      throw e;
    }
  }
  return tests.length ? andAll(tests) : null;
}
