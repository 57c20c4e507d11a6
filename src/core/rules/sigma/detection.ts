import { compileCondition, parseCondition, resolvePattern, type CondNode } from './condition.js';
import { compileFieldCheck, keywordCheck, type CheckEnv, type FieldCheck } from './field-check.js';
import type { EventMemo } from './field-cache.js';
import { parseModifiers } from './modifiers.js';
import { allOf, anyOf, NO_GUARD, type Guard } from './guard.js';
import { refuse } from './sigma-error.js';
import { andAll, orAny, type MemoTest } from './value-tests.js';

/**
 * The `detection` section: named search identifiers and the condition over them.
 * - a map: its entries ANDed;
 * - a list of maps: ORed;
 * - a list of strings/numbers (or one string): keywords, ORed, searched in the event's text.
 */
export interface CompiledDetection {
  test: MemoTest;
  /** Field slots every matching event has a value in (cheap pre-checks), most selective first. */
  requires: number[];
  /** A necessary condition over per-batch atoms: the only events `test` can pass (guard.ts). */
  guard: Guard;
  /** For a matching event: the fields of the selections that matched (outside `not`). */
  describe(m: EventMemo): Record<string, unknown>;
}

interface Selection {
  test: MemoTest;
  requires: number[];
  guard: Guard;
  describe(m: EventMemo, into: Record<string, unknown>): void;
}

export function compileDetection(detection: unknown, env: CheckEnv): CompiledDetection {
  if (!isMap(detection)) return refuse('"detection" must be a map of search identifiers and a condition', 'detection');
  const selections = new Map<string, Selection>();
  for (const [name, body] of Object.entries(detection)) {
    if (name === 'condition') continue;
    if (name === 'timeframe') {
      refuse('"detection.timeframe" (Sigma 1 aggregation) is not supported; write a Sigma correlation rule with a timespan instead', 'timeframe');
    }
    selections.set(name, compileSelection(body, env, `detection.${name}`));
  }
  if (selections.size === 0) refuse('"detection" has no search identifier', 'detection');
  const cond = detection['condition'];
  const conditions = typeof cond === 'string' ? [cond] : Array.isArray(cond) ? cond : null;
  if (!conditions || conditions.length === 0 || !conditions.every((c): c is string => typeof c === 'string')) {
    return refuse('"detection.condition" must be a string or a list of strings', 'condition');
  }
  const preds = new Map([...selections].map(([name, s]) => [name, s.test] as const));
  const positive = new Set<string>();
  // A list of conditions is ORed (specification, "Condition").
  const test = orAny(conditions.map((c) => compileCondition(parseCondition(c), preds, positive)));
  const reported = [...positive].map((n) => selections.get(n) as Selection);
  const need = new Map([...selections].map(([name, s]) => [name, new Set(s.requires)] as const));
  const requires = intersect(conditions.map((c) => required(parseCondition(c), need)));
  const guards = new Map([...selections].map(([name, s]) => [name, s.guard] as const));
  return {
    test,
    requires: [...requires],
    guard: anyOf(conditions.map((c) => guardOf(parseCondition(c), guards))),
    describe(m) {
      const into: Record<string, unknown> = {};
      for (const s of reported) if (s.test(m)) s.describe(m, into);
      return into;
    },
  };
}

export function compileSelection(body: unknown, env: CheckEnv, where: string): Selection {
  if (isMap(body)) return mapSelection(body, env, where);
  if (typeof body === 'string' || typeof body === 'number') return keywords([body], env, where);
  if (!Array.isArray(body)) return refuse(`${where}: must be a map, a list of maps or a list of keywords`, 'search identifier');
  if (body.length === 0) refuse(`${where}: empty list`, 'search identifier');
  if (body.every(isMap)) {
    const maps = body.map((b, i) => mapSelection(b, env, `${where}[${i}]`));
    return {
      test: orAny(maps.map((s) => s.test)),
      requires: [...intersect(maps.map((s) => new Set(s.requires)))],
      guard: anyOf(maps.map((s) => s.guard)),
      describe: (m, into) => {
        for (const s of maps) if (s.test(m)) s.describe(m, into);
      },
    };
  }
  if (body.every((b) => typeof b === 'string' || typeof b === 'number')) return keywords(body as (string | number)[], env, where);
  return refuse(`${where}: a list must hold only maps or only keywords (strings), not a mix or nested lists`, 'search identifier');
}

function mapSelection(body: Record<string, unknown>, env: CheckEnv, where: string): Selection {
  const checks: FieldCheck[] = Object.entries(body).map(([key, value]) => compileFieldCheck(key, value, env, where));
  if (checks.length === 0) refuse(`${where}: empty map`, 'search identifier');
  // ANDed checks have no side effects: the cheap ones run first.
  const byCost = [...checks].sort((a, b) => a.cost - b.cost);
  return {
    test: andAll(byCost.map((c) => c.test)),
    requires: [...new Set(byCost.flatMap((c) => c.requires))],
    guard: allOf(checks.map((c) => c.guard)),
    describe: (m, into) => {
      for (const c of checks) c.describe(m, into);
    },
  };
}

function keywords(list: readonly (string | number)[], env: CheckEnv, where: string): Selection {
  return keywordCheck(list, parseModifiers([], where), env, where);
}

/** Slots that must have a value for the condition to hold (AND: union; OR: intersection). */
function required(node: CondNode, need: ReadonlyMap<string, Set<number>>): Set<number> {
  switch (node.kind) {
    case 'ref':
      return need.get(node.name) ?? new Set();
    case 'not':
      return new Set();
    case 'of': {
      const sets = resolvePattern(node.pattern, [...need.keys()]).map((n) => need.get(n) ?? new Set<number>());
      return node.all ? union(sets) : intersect(sets);
    }
    case 'and':
      return union(node.args.map((a) => required(a, need)));
    case 'or':
      return intersect(node.args.map((a) => required(a, need)));
  }
}

/** The guard of a condition: what any event it holds for must pass (`not` constrains nothing). */
function guardOf(node: CondNode, guards: ReadonlyMap<string, Guard>): Guard {
  switch (node.kind) {
    case 'ref':
      return guards.get(node.name) ?? NO_GUARD;
    case 'not':
      return NO_GUARD;
    case 'of': {
      const parts = resolvePattern(node.pattern, [...guards.keys()]).map((n) => guards.get(n) ?? NO_GUARD);
      return node.all ? allOf(parts) : anyOf(parts);
    }
    case 'and':
      return allOf(node.args.map((a) => guardOf(a, guards)));
    case 'or':
      return anyOf(node.args.map((a) => guardOf(a, guards)));
  }
}

function union(sets: readonly Set<number>[]): Set<number> {
  const out = new Set<number>();
  for (const s of sets) for (const x of s) out.add(x);
  return out;
}

function intersect(sets: readonly Set<number>[]): Set<number> {
  const [first, ...rest] = sets;
  if (!first) return new Set();
  return new Set([...first].filter((x) => rest.every((s) => s.has(x))));
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
