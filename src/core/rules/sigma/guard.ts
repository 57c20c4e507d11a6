import type { NormalizedEvent } from '../../event.js';
import type { FieldCache } from './field-cache.js';

/**
 * A necessary condition of a Sigma detection, as a tree over per-batch atoms (FieldCache.atom):
 * an event the detection matches is always in the positions the guard yields, so a rule only
 * runs its full test on those. Atoms are shared by every rule of a collection and each is
 * computed once per batch (one pass over the events), which is what makes 100 rules cost little
 * more than 10: most rules look at a handful of events per batch instead of all of them.
 *
 * - `all`: no constraint (e.g. under `not`, or a check that can pass on an absent field);
 * - `atom`: the events passing one atom (field present, some registered literal in it, its value
 *   among the values any rule compares it with);
 * - `and`: any one part is a necessary condition, so the part with the fewest events is taken;
 * - `or`: the union of the parts.
 */
export type Guard =
  | { readonly kind: 'all' }
  | { readonly kind: 'atom'; readonly atom: number }
  | { readonly kind: 'and' | 'or'; readonly parts: readonly Guard[] };

export const NO_GUARD: Guard = Object.freeze({ kind: 'all' });

export function atomGuard(atom: number): Guard {
  return { kind: 'atom', atom };
}

/** Every part is necessary; `all` parts add nothing. */
export function allOf(parts: readonly Guard[]): Guard {
  const kept: Guard[] = [];
  for (const p of parts) {
    if (p.kind === 'all') continue;
    if (p.kind === 'and') kept.push(...p.parts);
    else kept.push(p);
  }
  if (kept.length === 0) return NO_GUARD;
  return kept.length === 1 ? (kept[0] as Guard) : { kind: 'and', parts: kept };
}

/** One of the parts is necessary; an `all` part makes the whole unconstrained. */
export function anyOf(parts: readonly Guard[]): Guard {
  const kept: Guard[] = [];
  for (const p of parts) {
    if (p.kind === 'all') return NO_GUARD;
    if (p.kind === 'or') kept.push(...p.parts);
    else kept.push(p);
  }
  if (kept.length === 0) return NO_GUARD;
  return kept.length === 1 ? (kept[0] as Guard) : { kind: 'or', parts: kept };
}

/**
 * The ascending positions of the batch's events that pass the guard, or null for all of them.
 * `cache.begin(events)` must have been called for this batch.
 */
export function guardPositions(g: Guard, cache: FieldCache, events: readonly NormalizedEvent[]): Int32Array | null {
  switch (g.kind) {
    case 'all':
      return null;
    case 'atom':
      return cache.positions(g.atom, events);
    case 'and': {
      let best: Int32Array | null = null;
      for (const p of g.parts) {
        const list = guardPositions(p, cache, events);
        if (list !== null && (best === null || list.length < best.length)) best = list;
        if (best !== null && best.length === 0) break;
      }
      return best;
    }
    case 'or': {
      const lists: Int32Array[] = [];
      for (const p of g.parts) {
        const list = guardPositions(p, cache, events);
        if (list === null) return null;
        if (list.length > 0) lists.push(list);
      }
      return unionOf(lists, events.length);
    }
  }
}

/** The ascending union of ascending position lists over a batch of `n` events. */
export function unionOf(lists: readonly Int32Array[], n: number): Int32Array {
  if (lists.length === 0) return new Int32Array(0);
  if (lists.length === 1) return lists[0] as Int32Array;
  const mark = new Uint8Array(n);
  let count = 0;
  for (const list of lists) {
    for (let k = 0; k < list.length; k++) {
      const i = list[k] as number;
      if (mark[i] === 0) {
        mark[i] = 1;
        count++;
      }
    }
  }
  const out = new Int32Array(count);
  let j = 0;
  for (let i = 0; i < n && j < count; i++) if (mark[i] === 1) out[j++] = i;
  return out;
}
