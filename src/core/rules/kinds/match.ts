import type { NormalizedEvent } from '../../event.js';
import { FindingBatch } from '../finding-batch.js';
import { compileMatchBlock } from '../match-block.js';
import type { RuleEnv } from '../rule-common.js';
import { findingSpec, parseCommon, ruleGuard } from '../rule-common.js';
import type { CompiledRule } from '../types.js';

/**
 * match: every event that satisfies the `match` block (and the `filter`, if any) is an
 * occurrence. Stateless. Rules whose conditions look at `threats` take the highest of their own
 * severity and the event's threats' unless they say `severity_from: rule`.
 */

export function compileMatchRule(doc: Record<string, unknown>, env: RuleEnv): CompiledRule | null {
  const common = parseCommon(doc, 'match', env);
  if (doc['match'] === undefined) {
    env.problems.add('match', 'required: the conditions an event must meet, e.g. match: { process: { list: malicious-processes } }');
    return null;
  }
  const block = compileMatchBlock(doc['match'], 'match', env);
  if (block === null || env.problems.count > 0) return null;
  const filter = common.filter?.test;
  const m = block.test;
  const test = filter === undefined ? m : (ev: NormalizedEvent, i: number) => filter(ev, i) && m(ev, i);
  const spec = findingSpec(common, block.fields, block.threats || (common.filter?.threats ?? false));
  const guard = ruleGuard(env.cache, block.guard, common.filter?.guard ?? []);
  const cache = env.cache;
  return {
    meta: common.meta,
    initialState: () => null,
    evaluate(events) {
      let batch: FindingBatch | null = null;
      const pos = cache.candidates(guard, events);
      const n = pos === null ? events.length : pos.length;
      for (let k = 0; k < n; k++) {
        const i = pos === null ? k : (pos[k] as number);
        const ev = events[i] as NormalizedEvent;
        if (!test(ev, i)) continue;
        (batch ??= new FindingBatch(spec)).add(i, ev);
      }
      return batch === null ? [] : batch.finish(events);
    },
  };
}
