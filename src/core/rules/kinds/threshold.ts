import type { NormalizedEvent } from '../../event.js';
import { LruMap } from '../../detect/lru-map.js';
import { asNumber, compileReader } from '../../fields.js';
import { FindingBatch } from '../finding-batch.js';
import type { Pred } from '../match-env.js';
import { at, isPlainObject, show } from '../problems.js';
import type { RuleEnv } from '../rule-common.js';
import { findingSpec, parseCommon, positiveInt, ruleGuard } from '../rule-common.js';
import type { CompiledRule } from '../types.js';
import type { UnitKind } from '../units.js';
import { formatDuration, parseDuration, parseQuantity } from '../units.js';

/**
 * threshold: a numeric field compared with a value, optionally sustained.
 *
 *   field: cpu_pct   op: '>'   value: 90%        # units: 90%, 50MB/s, 1.5GB, 500ms
 *   for: 3 | { events: 3 }                       # 3 consecutive matching events per group
 *   for: 5m | { duration: 5m }                   # every event of the group matched for 5 minutes
 *
 * Only events that pass the filter and carry the field take part; an event of the group whose
 * value does not satisfy the condition resets the streak. With `for: <duration>` the streak is
 * judged by event time: it starts at the first matching event after the last non-matching one
 * and fires once the newest matching event is at least the duration later. A gap between two
 * events of the group longer than the duration restarts the streak (no data is no evidence).
 * Events older than the group's last non-matching event are ignored (late arrivals).
 */
export const THRESHOLD_OPS = ['>', '>=', '<', '<=', '==', '!='] as const;
type Op = (typeof THRESHOLD_OPS)[number];

/** Units the known metrics are in, to catch `cpu_pct > 50MB/s`. */
const FIELD_UNITS: Readonly<Record<string, UnitKind>> = {
  cpu_pct: 'pct',
  mem_pct: 'pct',
  disk_pct: 'pct',
  mem_used: 'bytes',
  mem_total: 'bytes',
  net_in: 'bytes/s',
  net_out: 'bytes/s',
};

type Sustain = { events: number } | { durationMs: number } | null;

interface EventStreak {
  n: number;
}
interface TimeStreak {
  /** ts of the first matching event of the current streak; NaN when none. */
  since: number;
  /** ts of the newest matching event. */
  lastGood: number;
  /** ts of the newest non-matching event. */
  lastBad: number;
}

export function compileThreshold(doc: Record<string, unknown>, env: RuleEnv): CompiledRule | null {
  const p = env.problems;
  const common = parseCommon(doc, 'threshold', env);

  const field = doc['field'];
  if (typeof field !== 'string' || field === '') p.add('field', 'required: the numeric field to compare, e.g. cpu_pct');
  const op = doc['op'];
  if (!(THRESHOLD_OPS as readonly unknown[]).includes(op)) p.add('op', `${op === undefined ? 'required' : `${show(op)} is not an operator`}: use one of ${THRESHOLD_OPS.join(' ')}`);
  const q = parseQuantity(doc['value']);
  if (q === null) p.add('value', `${doc['value'] === undefined ? 'required' : `${show(doc['value'])} is not a number`}: write e.g. 90, 90%, 50MB/s, 1.5GB, 500ms`);
  else if (typeof field === 'string') {
    const want = FIELD_UNITS[field];
    if (want !== undefined && q.unit !== 'none' && q.unit !== want) p.add('value', `${show(doc['value'])} is in ${q.unit} but ${field} is in ${want}`);
  }
  const sustain = parseSustain(doc['for'], env);
  if (p.count > 0 || typeof field !== 'string' || q === null) return null;

  const value = q.value;
  const cmp = comparator(op as Op, value);
  const read = compileReader(field);
  const filter: Pred<NormalizedEvent> | null = common.filter?.test ?? null;
  const spec = findingSpec(common, [field], common.filter?.threats ?? false);
  const { grouping } = common;
  const cache = env.cache;
  const guard = ruleGuard(cache, [[field]], common.filter?.guard ?? []);
  const vars = (v: number): Record<string, unknown> => ({ value: v, threshold: value });
  const context = (v: number, extra: Record<string, unknown>): Record<string, unknown> => ({ field, op, threshold: value, value: v, ...extra });

  /** The first value of the field that meets the condition, NaN when none does, null when absent. */
  const check = (ev: NormalizedEvent): number | null => {
    const r = read(ev);
    if (r === undefined) return null;
    if (!Array.isArray(r)) {
      const x = asNumber(r);
      return x === null ? null : cmp(x) ? x : Number.NaN;
    }
    let seen = false;
    for (const v of r) {
      const x = asNumber(v);
      if (x === null) continue;
      if (cmp(x)) return x;
      seen = true;
    }
    return seen ? Number.NaN : null;
  };

  /**
   * Calls visit for each event of the batch that the guard and filter let through and that
   * carries the field, in batch order; x is the value that met the condition, NaN when none did
   * (skipped unless withFailing: the sustained forms need them to break streaks).
   */
  const eachChecked = (events: readonly NormalizedEvent[], withFailing: boolean, visit: (i: number, ev: NormalizedEvent, x: number) => void): void => {
    const pos = cache.candidates(guard, events);
    const n = pos === null ? events.length : pos.length;
    for (let k = 0; k < n; k++) {
      const i = pos === null ? k : (pos[k] as number);
      const ev = events[i] as NormalizedEvent;
      const x = check(ev);
      if (x === null || (!withFailing && Number.isNaN(x)) || (filter !== null && !filter(ev, i))) continue;
      visit(i, ev, x);
    }
  };

  if (sustain === null) {
    return {
      meta: common.meta,
      initialState: () => null,
      evaluate(events) {
        const batch = new FindingBatch(spec);
        eachChecked(events, false, (i, ev, x) => batch.add(i, ev, { vars: vars(x), context: context(x, {}) }));
        return batch.finish(events);
      },
    };
  }

  /**
   * The `for:` forms: state per group kept across batches. onEvent sees every checked event with
   * its group's key, failing ones (x NaN) too, and adds the findings to the batch.
   */
  const sustained = <S>(
    onEvent: (state: LruMap<string, S>, key: string, x: number, i: number, ev: NormalizedEvent, batch: FindingBatch) => void,
  ): CompiledRule<LruMap<string, S>> => ({
    meta: common.meta,
    initialState: () => new LruMap<string, S>(common.maxGroups),
    evaluate(events, state) {
      const batch = new FindingBatch(spec);
      eachChecked(events, true, (i, ev, x) => onEvent(state, grouping.key(ev), x, i, ev, batch));
      return batch.finish(events);
    },
  });

  if ('events' in sustain) {
    const need = sustain.events;
    return sustained<EventStreak>((state, key, x, i, ev, batch) => {
      if (Number.isNaN(x)) {
        state.delete(key);
        return;
      }
      let s = state.get(key);
      if (s === undefined) state.set(key, (s = { n: 0 }));
      s.n++;
      if (s.n >= need) batch.add(i, ev, { vars: { ...vars(x), streak: s.n }, context: context(x, { for_events: need, streak: s.n }) }, key);
    });
  }

  const dur = sustain.durationMs;
  return sustained<TimeStreak>((state, key, x, i, ev, batch) => {
    const ts = ev.ts;
    let s = state.get(key);
    if (Number.isNaN(x)) {
      if (s === undefined) state.set(key, { since: Number.NaN, lastGood: Number.NEGATIVE_INFINITY, lastBad: ts });
      else {
        if (ts >= s.since || Number.isNaN(s.since)) s.since = Number.NaN;
        if (ts > s.lastBad) s.lastBad = ts;
      }
      return;
    }
    if (s === undefined) {
      state.set(key, (s = { since: ts, lastGood: ts, lastBad: Number.NEGATIVE_INFINITY }));
    } else {
      if (ts <= s.lastBad) return; // older than the last contradiction: no evidence either way
      if (Number.isNaN(s.since) || ts - s.lastGood > dur) s.since = ts;
      else if (ts < s.since) s.since = ts;
      if (ts > s.lastGood) s.lastGood = ts;
    }
    const held = s.lastGood - s.since;
    if (held >= dur) {
      batch.add(i, ev, { vars: { ...vars(x), held: formatDuration(held) }, context: context(x, { for_ms: dur, held_ms: held }) }, key);
    }
  });
}

function parseSustain(v: unknown, env: RuleEnv): Sustain {
  const p = env.problems;
  if (v === undefined) return null;
  const hint = 'write a number of consecutive events (for: 3) or a duration (for: 5m)';
  if (typeof v === 'number') {
    const n = positiveInt(v, 'for', p);
    return n === null ? null : { events: n };
  }
  if (typeof v === 'string') {
    const d = parseDuration(v);
    if (d === null || d === 0) {
      p.add('for', `${show(v)} is not a duration: ${hint}`);
      return null;
    }
    return { durationMs: d };
  }
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === 'events') {
      const n = positiveInt(v['events'], at('for', 'events'), p);
      return n === null ? null : { events: n };
    }
    if (keys.length === 1 && keys[0] === 'duration') {
      const d = parseDuration(v['duration']);
      if (d === null || d === 0) {
        p.add(at('for', 'duration'), `${show(v['duration'])} is not a duration (e.g. 5m)`);
        return null;
      }
      return { durationMs: d };
    }
  }
  p.add('for', `${show(v)}: ${hint}, or { events: 3 } / { duration: 5m }`);
  return null;
}

function comparator(op: Op, value: number): (x: number) => boolean {
  switch (op) {
    case '>':
      return (x) => x > value;
    case '>=':
      return (x) => x >= value;
    case '<':
      return (x) => x < value;
    case '<=':
      return (x) => x <= value;
    case '==':
      return (x) => x === value;
    case '!=':
      return (x) => x !== value;
  }
}
