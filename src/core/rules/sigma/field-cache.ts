import type { NormalizedEvent } from '../../event.js';
import { asText, compileReader, type FieldReader } from '../../fields.js';

/**
 * The fields Sigma rules read, numbered at compile time, and a memo of their values and
 * lower-cased text per event of the current batch. One FieldCache is shared by all rules
 * compiled with one context, so a field tested by many rules (`CommandLine`, `message`) is read
 * and lower-cased once per event, not once per rule.
 *
 * The memo is keyed by the event's position in the batch. `begin` keeps it only when it is
 * handed the very same events in the same order (checked one by one, once per rule and batch),
 * so a different or modified batch is a miss, never a wrong answer. Events must not be modified
 * while the rules evaluate them.
 */
const UNSET: unique symbol = Symbol('unset');

export class FieldCache {
  private readonly slots = new Map<string, number>();
  private readonly getters: FieldReader[] = [];
  /** The events of the memoized batch, as they were at `begin`. */
  private owners: NormalizedEvent[] = [];
  private size = 0;
  private raw: unknown[][] = [];
  private txt: (string | null | typeof UNSET)[][] = [];
  private low: (string | undefined)[][] = [];
  /** Per slot: lower-cased substrings some rule's case-insensitive check needs (see hasLiteral). */
  private readonly literals: (Set<string> | undefined)[] = [];
  private readonly literalRe: (RegExp | undefined)[] = [];
  /** Per slot, per event: 0 not computed, 1 no literal in the text, 2 some literal. */
  private hits: (Uint8Array | undefined)[] = [];
  /**
   * Guard atoms (guard.ts): a test over the bound event each, made on first use (once every rule
   * registered its values), and its positions for the current batch.
   */
  private readonly atomSlots = new Map<string, number>();
  private readonly atomMakers: (() => (m: EventMemo) => boolean)[] = [];
  private atomTests: (((m: EventMemo) => boolean) | undefined)[] = [];
  private atomLists: (Int32Array | undefined)[] = [];
  /** Values atoms are made from (the values any rule compares a field with, its CIDR ranges…), by atom key. */
  private readonly atomValueSets = new Map<string, Set<string | number | boolean>>();
  private readonly cursor = new EventMemo(this);

  /** The slot number of a logagg field path (registered on first use). */
  slot(path: string): number {
    return this.derived(path, () => compileReader(path));
  }

  /** A slot for a value computed from the event, memoized like a field; `key` must be unique. */
  derived(key: string, getter: () => FieldReader): number {
    let s = this.slots.get(key);
    if (s === undefined) {
      s = this.getters.length;
      this.getters.push(getter());
      this.slots.set(key, s);
    }
    return s;
  }

  /** Starts (or continues, when it is the same batch) memoizing a batch. */
  begin(events: readonly NormalizedEvent[]): void {
    const n = events.length;
    if (n === this.size && this.same(events)) return;
    this.owners = events.slice();
    this.size = n;
    this.raw = [];
    this.txt = [];
    this.low = [];
    this.hits = [];
    this.atomLists = [];
  }

  /**
   * The number of a guard atom; `make` builds its test over the bound event when first needed.
   * `key` must be unique to what the test does.
   */
  atom(key: string, make: () => (m: EventMemo) => boolean): number {
    let a = this.atomSlots.get(key);
    if (a === undefined) {
      a = this.atomMakers.length;
      this.atomMakers.push(make);
      this.atomSlots.set(key, a);
    }
    return a;
  }

  /** Adds values an atom is made from; atoms are made again, with every value so far. */
  addAtomValues(key: string, values: readonly (string | number | boolean)[]): void {
    let set = this.atomValueSets.get(key);
    if (set === undefined) this.atomValueSets.set(key, (set = new Set()));
    for (const v of values) set.add(v);
    this.atomTests = [];
    this.atomLists = [];
  }

  /** The values registered for an atom, in registration order. */
  atomValues(key: string): (string | number | boolean)[] {
    return [...(this.atomValueSets.get(key) ?? [])];
  }

  /** Ascending positions of the current batch's events passing atom `a` (computed once per batch). */
  positions(a: number, events: readonly NormalizedEvent[]): Int32Array {
    let list = this.atomLists[a];
    if (list !== undefined) return list;
    const test = (this.atomTests[a] ??= (this.atomMakers[a] as () => (m: EventMemo) => boolean)());
    const m = this.cursor;
    const out = new Int32Array(this.size);
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      m.bind(events[i] as NormalizedEvent, i);
      if (test(m)) out[n++] = i;
    }
    list = this.atomLists[a] = out.subarray(0, n);
    return list;
  }

  private same(events: readonly NormalizedEvent[]): boolean {
    const owners = this.owners;
    for (let i = 0; i < events.length; i++) if (owners[i] !== events[i]) return false;
    return true;
  }

  /** The read (see core/fields.ts FieldRead) for event `e` at index `i` of the current batch. */
  value(slot: number, i: number, e: NormalizedEvent): unknown {
    let col = this.raw[slot];
    if (col === undefined) col = this.raw[slot] = new Array<unknown>(this.size).fill(UNSET);
    let v = col[i];
    if (v === UNSET) v = col[i] = (this.getters[slot] as FieldReader)(e);
    return v;
  }

  /**
   * The field's reads for the whole batch (computed now where missing). Rules scan it
   * to skip, at the cost of an array read, events lacking a field they require.
   */
  column(slot: number, events: readonly NormalizedEvent[]): readonly unknown[] {
    let col = this.raw[slot];
    if (col === undefined) col = this.raw[slot] = new Array<unknown>(this.size).fill(UNSET);
    const get = this.getters[slot] as FieldReader;
    for (let i = 0; i < col.length; i++) if (col[i] === UNSET) col[i] = get(events[i] as NormalizedEvent);
    return col;
  }

  /** Text of a single-valued field (null for an object value). */
  text(slot: number, i: number, e: NormalizedEvent): string | null {
    let col = this.txt[slot];
    if (col === undefined) col = this.txt[slot] = new Array<string | null | typeof UNSET>(this.size).fill(UNSET);
    let t = col[i];
    if (t === UNSET) t = col[i] = asText(this.value(slot, i, e));
    return t as string | null;
  }

  /**
   * Registers substrings for the shared prefilter of a slot: a case-insensitive check whose
   * every value implies one of `texts` (lower-cased) in the field can be skipped when none of
   * the slot's registered substrings is there. One regex alternation per event and slot
   * replaces many `includes` calls across rules.
   */
  addLiterals(slot: number, texts: readonly string[]): void {
    let set = this.literals[slot];
    if (set === undefined) set = this.literals[slot] = new Set();
    for (const t of texts) set.add(t);
    this.literalRe[slot] = undefined;
    this.hits = [];
    this.atomTests = [];
    this.atomLists = [];
  }

  /**
   * False when the field's lower-cased text contains none of the slot's registered substrings
   * (so no check that registered them can pass); true otherwise, and for list values.
   */
  hasLiteral(slot: number, i: number, e: NormalizedEvent): boolean {
    let col = this.hits[slot];
    if (col === undefined) col = this.hits[slot] = new Uint8Array(this.size);
    const h = col[i];
    if (h) return h === 2;
    const v = this.value(slot, i, e);
    let r = true;
    if (!Array.isArray(v)) {
      let re = this.literalRe[slot];
      if (re === undefined) {
        const alts = [...(this.literals[slot] ?? [])].map((t) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
        re = this.literalRe[slot] = new RegExp(alts.length ? alts.join('|') : '(?!)');
      }
      r = this.text(slot, i, e) !== null && re.test(this.lower(slot, i, e));
    }
    col[i] = r ? 2 : 1;
    return r;
  }

  /** Lower-cased text of a single-valued field. */
  lower(slot: number, i: number, e: NormalizedEvent): string {
    let col = this.low[slot];
    if (col === undefined) col = this.low[slot] = new Array<string | undefined>(this.size);
    let l = col[i];
    if (l === undefined) l = col[i] = (this.text(slot, i, e) ?? '').toLowerCase();
    return l;
  }
}

/** A cursor on one event of the batch: what compiled tests read fields through. */
export class EventMemo {
  private i = 0;
  private e: NormalizedEvent | null = null;

  constructor(private readonly cache: FieldCache) {}

  bind(e: NormalizedEvent, i: number): void {
    this.e = e;
    this.i = i;
  }

  value(slot: number): unknown {
    return this.cache.value(slot, this.i, this.e as NormalizedEvent);
  }

  /** See FieldCache.hasLiteral. */
  hasLiteral(slot: number): boolean {
    return this.cache.hasLiteral(slot, this.i, this.e as NormalizedEvent);
  }

  /** Text of the single-valued field `slot`. */
  text(slot: number): string | null {
    return this.cache.text(slot, this.i, this.e as NormalizedEvent);
  }

  /** Lower-cased text of the single-valued field `slot`. */
  lower(slot: number): string {
    return this.cache.lower(slot, this.i, this.e as NormalizedEvent);
  }
}
