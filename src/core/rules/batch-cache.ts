import type { NormalizedEvent } from '../event.js';
import type { FieldReader } from '../fields.js';
import { asNumber, asText, compileReader } from '../fields.js';

/**
 * Per-batch facts about event fields, computed once for all the rules of a rule set (rules
 * evaluate a batch one rule after another):
 *
 * - `lower`: the lower-cased text of a field of one event, for case-insensitive comparisons.
 *   Indexed by the event's position in the batch and checked by identity, so an event at that
 *   position from an earlier batch is a miss, never a wrong answer. Positions past
 *   MAX_POSITIONS are not cached.
 * - guard lists: the positions of the events that have a value for a field (`path`), whose
 *   value equals one of the values any rule of the set compares that field with (`=path`), or
 *   whose text contains, starts or ends with one of the substrings any rule looks for in it
 *   (`~path`, one regular expression for all of them), so a rule that needs the field (or one of
 *   its values) skips the other events without looking at them. Checked against a copy of the
 *   batch, so a batch array reused with other events is recomputed, never trusted.
 *
 * - memos: the result of an expensive field condition (a substring or regex test) that several
 *   rules share word for word, per event position, computed by the first rule that asks.
 *
 * One instance per compiled rule set (not global): memory is about slots × batch size × 3
 * pointers, and the last batch's events stay referenced until the next batch replaces them.
 */
const MAX_POSITIONS = 16_384;

/** Lower-cased text values of a field: null when it has no scalar value. */
export type LowerText = string | readonly string[] | null;

interface GuardList {
  /** Does this event (at this batch position) pass the guard? */
  test: (ev: NormalizedEvent, i: number) => boolean;
  /** The batch `positions` belong to; null when stale. */
  events: readonly NormalizedEvent[] | null;
  positions: Int32Array;
}

/** Values compared with a field by equality anywhere in the rule set (lower-cased text, numbers). */
interface EqualsValues {
  texts: Set<string>;
  nums: Set<number>;
}

export class BatchCache {
  private readonly slotByPath = new Map<string, number>();
  private readonly readers: FieldReader[] = [];
  private readonly owners: (NormalizedEvent | undefined)[][] = [];
  private readonly values: LowerText[][] = [];
  private readonly guardByAtom = new Map<string, number>();
  private readonly guards: GuardList[] = [];
  private readonly equalsByPath = new Map<string, EqualsValues>();
  private readonly substringsByPath = new Map<string, Substrings>();
  private readonly memoBySignature = new Map<string, number>();
  private readonly memoOwners: (NormalizedEvent | undefined)[][] = [];
  private readonly memoResults: boolean[][] = [];
  /** How many conditions registered each memo slot: a memo is only worth it when shared. */
  private readonly memoUsers: number[] = [];
  /** The batch the presence lists were computed for, copied, to detect reuse of the array. */
  private snapshot: NormalizedEvent[] = [];
  private snapshotOf: readonly NormalizedEvent[] | null = null;

  /** The slot of a field path; rules resolve slots at compile time. */
  slot(path: string): number {
    let s = this.slotByPath.get(path);
    if (s === undefined) {
      s = this.readers.length;
      this.slotByPath.set(path, s);
      this.readers.push(compileReader(path));
      this.owners.push([]);
      this.values.push([]);
    }
    return s;
  }

  /**
   * The slot of a guard atom: `path` (the field has a value) or `=path` (one of its values
   * equals a value registered with `addEqualsValues` for that path).
   */
  guardSlot(atom: string): number {
    let g = this.guardByAtom.get(atom);
    if (g === undefined) {
      g = this.guards.length;
      this.guardByAtom.set(atom, g);
      const kind = atom[0];
      const path = kind === '=' || kind === '~' ? atom.slice(1) : atom;
      const slot = this.slot(path);
      const read = this.readers[slot] as FieldReader;
      let test: (ev: NormalizedEvent, i: number) => boolean;
      if (kind === '=') test = equalsTest(read, this.equals(path));
      else if (kind === '~') {
        const subs = this.substrings(path);
        test = (ev, i) => substringsTest(subs, this.lower(slot, ev, i));
      } else test = (ev) => hasValue(read(ev));
      this.guards.push({ test, events: null, positions: new Int32Array(0) });
    }
    return g;
  }

  /** Registers values a rule compares `path` with by (case-insensitive) equality. */
  addEqualsValues(path: string, values: readonly (string | number | boolean)[]): void {
    const e = this.equals(path);
    for (const v of values) {
      e.texts.add(String(v).toLowerCase());
      if (typeof v === 'number') e.nums.add(v);
    }
  }

  /** Registers lower-cased substrings a rule looks for in `path` (`contains`, `startswith`, `endswith`). */
  addSubstrings(path: string, op: 'contains' | 'startswith' | 'endswith', needles: readonly string[]): void {
    const subs = this.substrings(path);
    for (const n of needles) subs.patterns.add(op === 'startswith' ? `^${escapeRegExp(n)}` : op === 'endswith' ? `${escapeRegExp(n)}$` : escapeRegExp(n));
  }

  private substrings(path: string): Substrings {
    let s = this.substringsByPath.get(path);
    if (s === undefined) this.substringsByPath.set(path, (s = { patterns: new Set(), re: null, size: -1 }));
    return s;
  }

  private equals(path: string): EqualsValues {
    let e = this.equalsByPath.get(path);
    if (e === undefined) this.equalsByPath.set(path, (e = { texts: new Set(), nums: new Set() }));
    return e;
  }

  /** Lower-cased text of the field in `slot` for event `ev` at batch position `i` (-1: unknown). */
  lower(slot: number, ev: NormalizedEvent, i: number): LowerText {
    if (i < 0 || i >= MAX_POSITIONS) return lowerRead((this.readers[slot] as FieldReader)(ev));
    const owners = this.owners[slot] as (NormalizedEvent | undefined)[];
    const values = this.values[slot] as LowerText[];
    if (owners[i] === ev) return values[i] as LowerText;
    const v = lowerRead((this.readers[slot] as FieldReader)(ev));
    // Fill holes so the arrays stay dense (V8 keeps them in fast mode).
    while (owners.length < i) {
      owners.push(undefined);
      values.push(null);
    }
    owners[i] = ev;
    values[i] = v;
    return v;
  }

  /** The memo slot of a condition; equal signatures must mean equal conditions. */
  memoSlot(signature: string): number {
    let m = this.memoBySignature.get(signature);
    if (m === undefined) {
      m = this.memoOwners.length;
      this.memoBySignature.set(signature, m);
      this.memoOwners.push([]);
      this.memoResults.push([]);
      this.memoUsers.push(0);
    }
    this.memoUsers[m] = (this.memoUsers[m] as number) + 1;
    return m;
  }

  /** The memoized result of condition `m` for event `ev` at position `i`, computing it on a miss. */
  memo(m: number, ev: NormalizedEvent, i: number, compute: (ev: NormalizedEvent, i: number) => boolean): boolean {
    if (i < 0 || i >= MAX_POSITIONS || (this.memoUsers[m] as number) < 2) return compute(ev, i);
    const owners = this.memoOwners[m] as (NormalizedEvent | undefined)[];
    const results = this.memoResults[m] as boolean[];
    if (owners[i] === ev) return results[i] as boolean;
    const r = compute(ev, i);
    while (owners.length < i) {
      owners.push(undefined);
      results.push(false);
    }
    owners[i] = ev;
    results[i] = r;
    return r;
  }

  /** Positions (ascending) of the events of the batch that pass guard `g` (see guardSlot). */
  positions(g: number, events: readonly NormalizedEvent[]): Int32Array {
    this.checkBatch(events);
    const p = this.guards[g] as GuardList;
    if (p.events === events) return p.positions;
    const out = new Int32Array(events.length);
    let n = 0;
    for (let i = 0; i < events.length; i++) if (p.test(events[i] as NormalizedEvent, i)) out[n++] = i;
    p.events = events;
    p.positions = out.subarray(0, n);
    return p.positions;
  }

  /**
   * The positions a rule must look at, given its guard alternatives (see match-block.ts): each
   * alternative is a set of guard slots of which an event needs to pass one; any alternative
   * will do, so the one with the fewest events is taken. Null when there is no guard (all events).
   */
  candidates(alternatives: readonly (readonly number[])[], events: readonly NormalizedEvent[]): Int32Array | null {
    let best: Int32Array | null = null;
    for (const alt of alternatives) {
      // Alternatives come narrowest first; a union of several lists is rarely smaller than a
      // single list, so it is only worked out when there is nothing better.
      if (alt.length > 1 && best !== null) break;
      let list: Int32Array;
      if (alt.length === 1) list = this.positions(alt[0] as number, events);
      else {
        const parts: Int32Array[] = [];
        for (const g of alt) {
          const p = this.positions(g, events);
          if (p.length === events.length) return null; // one part has every event
          parts.push(p);
        }
        list = union(parts, events.length);
      }
      if (best === null || list.length < best.length) best = list;
      if (best.length === 0) break;
    }
    return best !== null && best.length === events.length ? null : best;
  }

  /** Forgets every presence list when `events` is not the batch they were computed for. */
  private checkBatch(events: readonly NormalizedEvent[]): void {
    const snap = this.snapshot;
    let same = this.snapshotOf === events && snap.length === events.length;
    for (let i = 0; same && i < events.length; i++) if (snap[i] !== events[i]) same = false;
    if (same) return;
    this.snapshot = events.slice();
    this.snapshotOf = events;
    for (const p of this.guards) p.events = null;
  }
}

/** Substrings looked for in a field by any rule, as one regular expression (built on first use). */
interface Substrings {
  patterns: Set<string>;
  re: RegExp | null;
  /** Pattern count `re` was built from. */
  size: number;
}

function substringsTest(subs: Substrings, text: LowerText): boolean {
  if (text === null) return false;
  if (subs.re === null || subs.size !== subs.patterns.size) {
    // `m`-less and `s`-less: ^ and $ are the ends of the whole text, as startsWith/endsWith.
    subs.re = new RegExp([...subs.patterns].join('|'));
    subs.size = subs.patterns.size;
  }
  const re = subs.re;
  if (typeof text === 'string') return re.test(text);
  for (const t of text) if (re.test(t)) return true;
  return false;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function equalsTest(read: FieldReader, values: EqualsValues): (ev: NormalizedEvent) => boolean {
  const one = (v: unknown): boolean => {
    if (v === null || v === undefined) return false;
    const t = asText(v);
    if (t !== null && values.texts.has(t.toLowerCase())) return true;
    if (values.nums.size === 0) return false;
    const n = asNumber(v);
    return n !== null && values.nums.has(n);
  };
  return (ev) => {
    const r = read(ev);
    if (r === undefined || r === null) return false;
    if (!Array.isArray(r)) return one(r);
    for (const v of r) if (one(v)) return true;
    return false;
  };
}

/** Sorted union of sorted position lists. */
function union(lists: readonly Int32Array[], size: number): Int32Array {
  const mark = new Uint8Array(size);
  for (const l of lists) for (let k = 0; k < l.length; k++) mark[l[k] as number] = 1;
  const out = new Int32Array(size);
  let n = 0;
  for (let i = 0; i < size; i++) if (mark[i] === 1) out[n++] = i;
  return out.subarray(0, n);
}

/** True when a read (see core/fields.ts) holds at least one non-null value. */
export function hasValue(read: unknown): boolean {
  if (read === undefined || read === null) return false;
  if (!Array.isArray(read)) return true;
  for (const v of read) if (v !== null && v !== undefined) return true;
  return false;
}

/** Lower-cased text values of a read (see core/fields.ts), uncached. */
export function lowerRead(read: unknown): LowerText {
  if (read === undefined || read === null) return null;
  if (!Array.isArray(read)) {
    const t = asText(read);
    return t === null ? null : t.toLowerCase();
  }
  const out: string[] = [];
  for (const v of read) {
    const t = asText(v);
    if (t !== null) out.push(t.toLowerCase());
  }
  return out.length === 0 ? null : out.length === 1 ? (out[0] as string) : out;
}

/** True when `f` holds for one of the texts. */
export function someText(t: LowerText, f: (s: string) => boolean): boolean {
  if (t === null) return false;
  if (typeof t === 'string') return f(t);
  for (const s of t) if (f(s)) return true;
  return false;
}
