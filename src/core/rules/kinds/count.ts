import type { NormalizedEvent } from '../../event.js';
import { LruMap } from '../../detect/lru-map.js';
import { DistinctWindow, TimestampWindow } from '../../detect/time-windows.js';
import { asText, compileReader, readValues } from '../../fields.js';
import { compileMatchBlock } from '../match-block.js';
import { FindingBatch } from '../finding-batch.js';
import { show } from '../problems.js';
import type { RuleEnv } from '../rule-common.js';
import { findingSpec, parseCommon, positiveInt, ruleGuard } from '../rule-common.js';
import type { CompiledRule } from '../types.js';
import { formatDuration, parseDuration } from '../units.js';

/** Times or values kept per group at least (more when the threshold is higher). */
const MIN_CAP = 64;
/** Distinct values listed in a finding. */
const SAMPLE_VALUES = 10;

type Window = TimestampWindow | DistinctWindow;

/**
 * count (correlation): N events matching `filter`, per `group_by` group, within a sliding
 * `window` of event time; with `distinct: FIELD`, N distinct values of that field instead.
 *
 * Fires for every event after which the group's window holds at least `threshold` (the
 * findings of one batch fold into one per group; the alert store suppresses repeats). See
 * src/core/detect/time-windows.ts for the window's edges and late events. Each group keeps at
 * most max(threshold, MIN_CAP) times or values; groups beyond `max_groups` are dropped least
 * recently seen first.
 *
 * With `then: BLOCK` (a sequence): events matching `filter` are counted but do not fire; an event
 * matching `then` fires when its group's window, ending at its time, holds at least `threshold`
 * of them (a success after many failures), and the group starts over.
 */
export function compileCount(doc: Record<string, unknown>, env: RuleEnv): CompiledRule | null {
  const p = env.problems;
  const common = parseCommon(doc, 'count', env);
  if (doc['filter'] === undefined) p.add('filter', 'required: the events to count, e.g. filter: { attributes.outcome: failure }');
  const windowMs = parseDuration(doc['window']);
  if (windowMs === null || windowMs === 0) p.add('window', `${doc['window'] === undefined ? 'required' : `${show(doc['window'])} is not a duration`}: write e.g. 1m, 30s, 1h`);
  const threshold = doc['threshold'] === undefined ? (p.add('threshold', 'required: how many events (or distinct values) in the window fire the rule'), null) : positiveInt(doc['threshold'], 'threshold', p);
  const distinct = doc['distinct'];
  if (distinct !== undefined && (typeof distinct !== 'string' || distinct === '')) p.add('distinct', 'expected the field whose distinct values are counted, e.g. dst_port');
  if (doc['then'] !== undefined && distinct !== undefined) p.add('then', 'not with distinct: then follows a count of events');
  const then = doc['then'] === undefined ? null : compileMatchBlock(doc['then'], 'then', env);
  if (p.count > 0 || common.filter === null || windowMs === null || threshold === null) return null;

  const filter = common.filter.test;
  const { grouping } = common;
  const cap = Math.max(threshold, MIN_CAP);
  const distinctField = typeof distinct === 'string' ? distinct : null;
  const readDistinct = distinctField === null ? null : compileReader(distinctField);
  const spec = findingSpec(common, then === null ? [] : then.fields, common.filter.threats);
  const window = formatDuration(windowMs);
  const cache = env.cache;
  const guard = then === null ? ruleGuard(cache, common.filter.guard, distinctField === null ? [] : [[distinctField]]) : ruleGuard(cache, eitherGuard(common.filter.guard, then.guard));
  const thenTest = then === null ? null : then.test;

  return {
    meta: common.meta,
    initialState: () => new LruMap<string, Window>(common.maxGroups),
    evaluate(events, groups: LruMap<string, Window>) {
      let batch: FindingBatch | null = null;
      const pos = cache.candidates(guard, events);
      const n = pos === null ? events.length : pos.length;
      for (let k = 0; k < n; k++) {
        const i = pos === null ? k : (pos[k] as number);
        const ev = events[i] as NormalizedEvent;
        if (!filter(ev, i)) {
          if (thenTest === null || !thenTest(ev, i)) continue;
          // The sequence's last step: enough counted events before it in the window?
          const key = grouping.key(ev);
          const w = groups.get(key) as TimestampWindow | undefined;
          const n = w === undefined ? 0 : w.countEndingAt(ev.ts);
          if (n < threshold) continue;
          groups.delete(key);
          const context: Record<string, unknown> = { count: n, threshold, window_ms: windowMs };
          (batch ??= new FindingBatch(spec)).add(i, ev, { vars: { count: n, threshold, window, distinct: '' }, context, matched: {} }, key);
          continue;
        }
        let value: string | null = null;
        if (readDistinct !== null) {
          value = asText(readValues(readDistinct(ev), 1)[0]);
          if (value === null) continue; // nothing to count
        }
        const key = grouping.key(ev);
        let w = groups.get(key);
        if (w === undefined) {
          w = value === null ? new TimestampWindow(windowMs, cap) : new DistinctWindow(windowMs, cap);
          groups.set(key, w);
        }
        const n = value === null ? (w as TimestampWindow).add(ev.ts) : (w as DistinctWindow).add(value, ev.ts);
        if (n < threshold || thenTest !== null) continue;
        const context: Record<string, unknown> = { count: n, threshold, window_ms: windowMs };
        const matched: Record<string, unknown> = {};
        if (distinctField !== null) {
          const values = (w as DistinctWindow).recent(SAMPLE_VALUES);
          context['distinct'] = distinctField;
          context['values'] = values;
          matched[distinctField] = values;
        }
        (batch ??= new FindingBatch(spec)).add(i, ev, { vars: { count: n, threshold, window, distinct: distinctField ?? '' }, context, matched }, key);
      }
      return batch === null ? [] : batch.finish(events);
    },
  } as CompiledRule<LruMap<string, Window>>;
}

/**
 * Guard alternatives of "filter or then": an event needs an atom of one filter alternative or of
 * one then alternative; with no guard on either side, every event may match.
 */
function eitherGuard(a: readonly string[][], b: readonly string[][]): string[][] {
  if (a.length === 0 || b.length === 0) return [];
  const out: string[][] = [];
  for (const x of a) for (const y of b) out.push([...new Set([...x, ...y])]);
  return out;
}
