import { compileCidrs } from '../net/cidr.js';
import type { LowerText } from './batch-cache.js';
import { hasValue, someText } from './batch-cache.js';
import type { FieldRead } from '../fields.js';
import { asNumber, asText, someValue } from '../fields.js';
import type { MatchEnv, Pred } from './match-env.js';
import { at, isPlainObject, show } from './problems.js';
import { parseQuantity } from './units.js';

/**
 * The operators of match blocks (see match-block.ts): each compiles, once, into a test over one
 * field's values: the raw read (core/fields.ts) and its lower-cased text (batch-cache.ts).
 */

/** The nested block of `some`, compiled over list elements. */
export type SomeCompiler = (block: unknown, where: string) => { test: Pred<unknown>; cost: number } | null;

/** One op over a field: the raw read and its lower-cased text. */
export type OpTest = (read: FieldRead, lower: LowerText) => boolean;

export interface CompiledOp {
  test: OpTest;
  cost: number;
  needsRead: boolean;
  needsLower: boolean;
}

/** An op's argument as a list of scalars: a scalar, a list of scalars, or `{ list: NAME }`. */
function scalarArgs(op: string, v: unknown, where: string, env: MatchEnv): (string | number | boolean)[] | null {
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (keys.length !== 1 || keys[0] !== 'list') {
      env.problems.add(where, `${op} takes a value, a list of values or { list: NAME }, got ${show(v)}`);
      return null;
    }
    return listArg(v['list'], at(where, 'list'), env);
  }
  const items = Array.isArray(v) ? v : [v];
  if (items.length === 0) {
    env.problems.add(where, `${op} needs at least one value`);
    return null;
  }
  const out: (string | number | boolean)[] = [];
  for (const item of items) {
    if (typeof item === 'string' || typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item))) out.push(item);
    else {
      env.problems.add(where, item === null ? 'null is not a value to compare with; to test for a missing field write exists: false' : `expected text or a number, got ${show(item)}`);
      return null;
    }
  }
  return out;
}

function listArg(name: unknown, where: string, env: MatchEnv): string[] | null {
  if (typeof name !== 'string' || name === '') {
    env.problems.add(where, 'expected the name of a list file');
    return null;
  }
  // A name (`bad-ips`), or the path of a file under lists/ (`lists/bad-ips.txt`), or any other path the adapter read.
  const short = name.replace(/\.(txt|list)$/, '').replace(/^lists\//, '');
  const key = env.lists.has(name) ? name : short;
  const entries = env.lists.get(key);
  if (entries === undefined) {
    env.problems.add(where, `unknown list "${name}": put one entry per line in lists/${short}.txt in the rules folder`);
    return null;
  }
  env.usedLists.add(key);
  return [...entries];
}

/**
 * Compiles one operator of a field. `register`: the event field path whose values and
 * substrings feed the rule set's guards (null inside `some`). `compileSome` compiles the nested
 * block of `some` (it lives with the combinators in match-block.ts).
 */
export function compileOp(op: string, arg: unknown, where: string, cased: boolean, env: MatchEnv, register: string | null, compileSome: SomeCompiler): CompiledOp | null {
  switch (op) {
    case 'equals':
    case 'in':
    case 'list': {
      const args = op === 'list' ? listArg(arg, where, env) : scalarArgs(op, arg, where, env);
      if (args === null) return null;
      if (register !== null) env.cache.addEqualsValues(register, args);
      return equalsOp(args, cased);
    }
    case 'contains':
    case 'startswith':
    case 'endswith': {
      const args = scalarArgs(op, arg, where, env);
      if (args === null) return null;
      const needles = args.map((a) => (cased ? String(a) : String(a).toLowerCase()));
      if (register !== null) env.cache.addSubstrings(register, op, args.map((a) => String(a).toLowerCase()));
      return textOp(substringTest(op, needles), cased, 2 + (op === 'contains' ? 1 : 0) + needles.length / 8);
    }
    case 'regex': {
      const args = scalarArgs(op, arg, where, env);
      if (args === null) return null;
      const res: RegExp[] = [];
      for (const a of args) {
        try {
          res.push(new RegExp(String(a), cased ? '' : 'i'));
        } catch (e) {
          env.problems.add(where, `invalid regular expression ${show(a)}: ${(e as Error).message}`);
        }
      }
      if (res.length !== args.length) return null;
      const one = res.length === 1 ? (res[0] as RegExp) : null;
      const test = one !== null ? (s: string): boolean => one.test(s) : (s: string): boolean => res.some((r) => r.test(s));
      return rawTextOp(test, 6 + res.length);
    }
    case 'cidr': {
      const args = scalarArgs(op, arg, where, env);
      if (args === null) return null;
      try {
        const inRanges = compileCidrs(args.map(String));
        return rawTextOp(inRanges, 2);
      } catch (e) {
        env.problems.add(where, (e as Error).message);
        return null;
      }
    }
    case 'exists': {
      if (typeof arg !== 'boolean') {
        env.problems.add(where, 'must be true or false');
        return null;
      }
      const want = arg;
      return { test: (read) => hasValue(read) === want, cost: 0.5, needsRead: true, needsLower: false };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const q = parseQuantity(arg);
      if (q === null) {
        env.problems.add(where, `expected a number (units allowed: 90%, 50MB/s, 1.5GB, 500ms), got ${show(arg)}`);
        return null;
      }
      const n = q.value;
      const cmp = op === 'gt' ? (x: number) => x > n : op === 'gte' ? (x: number) => x >= n : op === 'lt' ? (x: number) => x < n : (x: number) => x <= n;
      const f = (v: unknown): boolean => {
        const x = asNumber(v);
        return x !== null && cmp(x);
      };
      return { test: (read) => someValue(read, f), cost: 1, needsRead: true, needsLower: false };
    }
    case 'some': {
      const sub = compileSome(arg, where);
      if (sub === null) return null;
      const t = sub.test;
      const f = (v: unknown): boolean => isPlainObject(v) && t(v, -1);
      return { test: (read) => someValue(read, f), cost: 2 + sub.cost, needsRead: true, needsLower: false };
    }
    default:
      return null;
  }
}


function equalsOp(args: readonly (string | number | boolean)[], cased: boolean): CompiledOp {
  const texts = new Set<string>();
  const nums = new Set<number>();
  for (const a of args) {
    texts.add(cased ? String(a) : String(a).toLowerCase());
    if (typeof a === 'number') nums.add(a);
  }
  let textTest: (s: string) => boolean;
  if (texts.size === 1) {
    const only = [...texts][0] as string;
    textTest = (s) => s === only;
  } else textTest = (s) => texts.has(s);
  const numTest = (v: unknown): boolean => {
    const x = asNumber(v);
    return x !== null && nums.has(x);
  };
  if (nums.size === 0) return textOp(textTest, cased, 1);
  // Numbers also compare numerically: `dst_port: 22` matches "22", 22 and "022".
  const t = textOp(textTest, cased, 1);
  return {
    test: (read, lower) => t.test(read, lower) || someValue(read, numTest),
    cost: 1.5,
    needsRead: true,
    needsLower: t.needsLower,
  };
}

function substringTest(op: string, needles: readonly string[]): (s: string) => boolean {
  if (needles.includes('')) return () => true;
  if (needles.length === 1) {
    const n = needles[0] as string;
    if (op === 'contains') return (s) => s.includes(n);
    if (op === 'startswith') return (s) => s.startsWith(n);
    return (s) => s.endsWith(n);
  }
  if (op === 'contains') return (s) => needles.some((n) => s.includes(n));
  // Many prefixes or suffixes: only those starting (ending) with the text's first (last) character are tried.
  const byChar = new Map<number, string[]>();
  for (const n of needles) {
    const c = op === 'startswith' ? n.charCodeAt(0) : n.charCodeAt(n.length - 1);
    const list = byChar.get(c);
    if (list === undefined) byChar.set(c, [n]);
    else list.push(n);
  }
  if (op === 'startswith') {
    return (s) => {
      const list = byChar.get(s.charCodeAt(0));
      return list !== undefined && list.some((n) => s.startsWith(n));
    };
  }
  return (s) => {
    const list = byChar.get(s.charCodeAt(s.length - 1));
    return list !== undefined && list.some((n) => s.endsWith(n));
  };
}

/** A test on text: lower-cased (cached) unless cased. */
function textOp(f: (s: string) => boolean, cased: boolean, cost: number): CompiledOp {
  if (!cased) return { test: (_read, lower) => someText(lower, f), cost, needsRead: false, needsLower: true };
  return rawTextOp(f, cost);
}

/** A test on the text as it is (regexes carry their own case flag; addresses). */
function rawTextOp(f: (s: string) => boolean, cost: number): CompiledOp {
  const g = (v: unknown): boolean => {
    const t = asText(v);
    return t !== null && f(t);
  };
  return { test: (read) => someValue(read, g), cost, needsRead: true, needsLower: false };
}
