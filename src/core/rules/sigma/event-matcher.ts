import type { NormalizedEvent } from '../../event.js';
import { compileDetection } from './detection.js';
import { compileScope, type LogsourceScope } from './logsource-scope.js';
import { EventMemo, FieldCache } from './field-cache.js';
import { fieldSlot } from './field-check.js';
import { allOf, guardPositions } from './guard.js';
import { sigmaFieldMap } from './field-map.js';
import type { SigmaContext } from './options.js';
import type { SigmaLogsource } from './rule-meta.js';
import { andAll } from './value-tests.js';

/**
 * A Sigma detection rule's logic over single events: the logsource's condition (presets and config)
 * and the detection, reading fields through a FieldCache shared with the other rules of the
 * collection. Events are passed with their index in the batch given to `begin`.
 */
export interface EventMatcher {
  /** What the rule's logsource applied (logsource-scope.ts). */
  scope: LogsourceScope;
  /**
   * Call once per batch, before matching its events. Returns the ascending positions of the only
   * events that can match (the detection's guard over atoms shared by the collection, see
   * guard.ts), or null when any event can: callers skip the others without calling `matches`.
   */
  begin(events: readonly NormalizedEvent[]): Int32Array | null;
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
  const scope = compileScope(logsource, ctx, cache, sigmaFieldMap(ctx.sigmaFieldMap));
  const fieldMap = scope.fieldMap;
  const det = compileDetection(detection, { registry: cache, fieldMap, placeholders: ctx.sigmaPlaceholders });
  const test = scope.test ? andAll([scope.test, det.test]) : det.test;
  const guard = allOf([scope.guard, det.guard]);
  const memo = new EventMemo(cache);
  return {
    scope,
    begin(events) {
      cache.begin(events);
      return guardPositions(guard, cache, events);
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
