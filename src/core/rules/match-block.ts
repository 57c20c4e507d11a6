import type { NormalizedEvent } from '../event.js';
import { METRIC_KEYS } from '../event.js';
import type { LowerText } from './batch-cache.js';
import { lowerRead } from './batch-cache.js';
import type { FieldRead } from '../fields.js';
import { compileObjectReader, compileReader } from '../fields.js';
import type { MatchEnv, Pred } from './match-env.js';
import type { CompiledOp, OpTest } from './match-ops.js';
import { compileOp } from './match-ops.js';
import { at, checkKeys, isPlainObject, type Problems, show } from './problems.js';
import { stableJson } from './stable-json.js';

/**
 * Match blocks: the condition language of `match` rules and of every rule's `filter`.
 *
 *   process: mimikatz.exe                      # equals (case-insensitive)
 *   user: [root, admin]                        # in
 *   src_ip: { cidr: { list: bad-ips } }        # ops in a map are ANDed; a list argument ORs
 *   message: { contains: [failed, denied], cased: true }
 *   threats: { some: { origin: intel, severity: [HIGH, CRITICAL] } }   # one element matches all
 *   any: [ {…}, {…} ]   all: [ {…}, {…} ]   not: {…}
 *
 * Keys of one block are ANDed. A field with several values (arrays, `threats.name`) satisfies
 * an op when any of its values does. A missing field satisfies nothing but `exists: false`.
 * Text comparisons are case-insensitive unless `cased: true`; text is lower-cased once per
 * event and field for the whole rule set (BatchCache).
 *
 * Guards: a block also says what an event needs for it to possibly match, as alternatives (any
 * one is enough to rule an event out): `{ process: x, user: { regex: y } }` needs process to be
 * one of the values the rule set compares it with (`=process`), and needs user (`user`);
 * `any: [{ process: x }, { message: { contains: y } }]` needs `=process` or a substring the rule
 * set looks for in message (`~message`); `not` needs nothing. Rules look only at the events
 * passing their best alternative (BatchCache.candidates), which is what makes a hundred rules on
 * rare fields or values cheap.
 */

export interface CompiledBlock {
  test: Pred<NormalizedEvent>;
  /** Field paths of the positive conditions: their values explain a match. */
  fields: string[];
  /** True when a condition looks at `threats`. */
  threats: boolean;
  /**
   * Guard alternatives: an event that passes no atom of some alternative cannot match. An atom
   * is `path` (the field has a value) or `=path` (its value is one of those compared with it
   * by equality in the rule set, see BatchCache.addEqualsValues).
   */
  guard: string[][];
}

/** At most this many alternatives, and this many paths in one, are kept. */
const MAX_ALTERNATIVES = 4;
const MAX_GUARD_PATHS = 8;

export const MATCH_OPS = ['equals', 'in', 'list', 'contains', 'startswith', 'endswith', 'regex', 'cidr', 'exists', 'gt', 'gte', 'lt', 'lte', 'some', 'cased'] as const;
export const COMBINATORS = ['any', 'all', 'not'] as const;

/** Field names a top-level key is compared with to catch typos (`src-ip`, `proces`). */
const KNOWN_FIELDS = ['ts', 'received_at', 'source', 'format', 'host', 'level', 'level_name', 'message', 'metrics', 'process', 'pid', 'user', 'src_ip', 'dst_ip', 'src_port', 'dst_port', 'domain', 'file_hash', 'threats', 'tags', 'asset', 'attributes', 'raw', 'raw_truncated', 'parse_error', ...METRIC_KEYS];

interface Node<R> {
  test: Pred<R>;
  /** Rough relative cost, to test cheap conditions first. */
  cost: number;
  /** See CompiledBlock.guard. */
  guard: string[][];
}

/** How a block reads fields of its root: events (cached lower-case text) or plain objects. */
interface Mode<R> {
  reader(path: string): (root: R) => FieldRead;
  lower(path: string): (root: R, i: number) => LowerText;
  /** Top-level field names are checked for typos only on events. */
  events: boolean;
}

interface Collect {
  fields: string[];
  threats: boolean;
}

/** Compiles a block; null (with problems recorded) when it is invalid. */
export function compileMatchBlock(block: unknown, where: string, env: MatchEnv): CompiledBlock | null {
  const mode: Mode<NormalizedEvent> = {
    reader: compileReader,
    lower(path) {
      const slot = env.cache.slot(path);
      const cache = env.cache;
      return (ev, i) => cache.lower(slot, ev, i);
    },
    events: true,
  };
  const collect: Collect = { fields: [], threats: false };
  const before = env.problems.count;
  const node = compileBlock(block, where, env, mode, false, collect);
  if (node === null || env.problems.count > before) return null;
  return { test: node.test, fields: [...new Set(collect.fields)], threats: collect.threats, guard: node.guard };
}

const objectMode: Mode<unknown> = {
  reader: compileObjectReader,
  lower(path) {
    const read = compileObjectReader(path);
    return (o) => lowerRead(read(o));
  },
  events: false,
};

function compileBlock<R>(block: unknown, where: string, env: MatchEnv, mode: Mode<R>, negated: boolean, collect: Collect): Node<R> | null {
  if (!isPlainObject(block)) {
    env.problems.add(where, `expected a match block (a map of field: condition), got ${show(block)}`);
    return null;
  }
  const keys = Object.keys(block);
  if (keys.length === 0) {
    env.problems.add(where, 'empty match block: name at least one field or any/all/not');
    return null;
  }
  const nodes: Node<R>[] = [];
  for (const key of keys) {
    const spec = block[key];
    const here = at(where, key);
    let node: Node<R> | null;
    if (key === 'any' || key === 'all') node = compileList(key, spec, here, env, mode, negated, collect);
    else if (key === 'not') {
      if (Array.isArray(spec)) {
        env.problems.add(here, 'not takes one block; to negate several, write not: { any: [...] } or not: { all: [...] }');
        node = null;
      } else {
        const inner = compileBlock(spec, here, env, mode, !negated, collect);
        node = inner === null ? null : { test: negate(inner.test), cost: inner.cost, guard: [] };
      }
    } else node = compileField(key, spec, here, env, mode, negated, collect);
    if (node !== null) nodes.push(node);
  }
  return nodes.length === keys.length ? allOf(nodes) : null;
}

function compileList<R>(key: 'any' | 'all', spec: unknown, where: string, env: MatchEnv, mode: Mode<R>, negated: boolean, collect: Collect): Node<R> | null {
  if (!Array.isArray(spec) || spec.length === 0) {
    env.problems.add(where, `${key} takes a non-empty list of match blocks`);
    return null;
  }
  const nodes: Node<R>[] = [];
  spec.forEach((b, idx) => {
    const n = compileBlock(b, at(where, idx), env, mode, negated, collect);
    if (n !== null) nodes.push(n);
  });
  if (nodes.length !== spec.length) return null;
  return key === 'all' ? allOf(nodes) : anyOf(nodes);
}

function allOf<R>(nodes: Node<R>[]): Node<R> {
  if (nodes.length === 1) return nodes[0] as Node<R>;
  nodes.sort((a, b) => a.cost - b.cost);
  const tests = nodes.map((n) => n.test);
  const cost = nodes.reduce((s, n) => s + n.cost, 0);
  // Every part must hold, so every part's alternatives are alternatives of the whole.
  const guard = dedupe(nodes.flatMap((n) => n.guard)).sort((a, b) => a.length - b.length).slice(0, MAX_ALTERNATIVES);
  if (tests.length === 2) {
    const [a, b] = tests as [Pred<R>, Pred<R>];
    return { test: (r, i) => a(r, i) && b(r, i), cost, guard };
  }
  return {
    test: (r, i) => {
      for (const t of tests) if (!t(r, i)) return false;
      return true;
    },
    cost,
    guard,
  };
}

function anyOf<R>(nodes: Node<R>[]): Node<R> {
  if (nodes.length === 1) return nodes[0] as Node<R>;
  nodes.sort((a, b) => a.cost - b.cost);
  const tests = nodes.map((n) => n.test);
  // One part is enough, so an event needs a field of some part: the union of each part's narrowest alternative.
  let guard: string[][] = [];
  if (nodes.every((n) => n.guard.length > 0)) {
    const paths = [...new Set(nodes.flatMap((n) => n.guard[0] as string[]))];
    if (paths.length <= MAX_GUARD_PATHS) guard = [paths];
  }
  return {
    test: (r, i) => {
      for (const t of tests) if (t(r, i)) return true;
      return false;
    },
    cost: nodes.reduce((s, n) => s + n.cost, 0),
    guard,
  };
}

function dedupe(alts: string[][]): string[][] {
  const seen = new Set<string>();
  return alts.filter((a) => {
    const k = [...a].sort().join('\u0000');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function negate<R>(p: Pred<R>): Pred<R> {
  return (r, i) => !p(r, i);
}

function compileField<R>(path: string, spec: unknown, where: string, env: MatchEnv, mode: Mode<R>, negated: boolean, collect: Collect): Node<R> | null {
  if (!checkPath(path, where, env.problems, mode.events)) return null;
  let ops: Record<string, unknown>;
  if (isPlainObject(spec)) ops = spec;
  else if (Array.isArray(spec)) ops = { in: spec };
  else ops = { equals: spec };
  checkKeys(ops, MATCH_OPS, where, env.problems, 'operator');
  const cased = ops['cased'] ?? false;
  if (typeof cased !== 'boolean') env.problems.add(at(where, 'cased'), 'must be true or false');
  const opNames = Object.keys(ops).filter((k) => k !== 'cased' && (MATCH_OPS as readonly string[]).includes(k));
  if (opNames.length === 0) {
    env.problems.add(where, `name an operator: ${MATCH_OPS.filter((o) => o !== 'cased').join(', ')}`);
    return null;
  }
  const compiled: CompiledOp[] = [];
  for (const op of opNames) {
    const c = compileOp(op, ops[op], at(where, op), cased === true, env, mode.events ? path : null, (b, w) => compileBlock(b, w, env, objectMode, false, { fields: [], threats: false }));
    if (c !== null) compiled.push(c);
  }
  if (compiled.length !== opNames.length) return null;
  if (!negated && !(opNames.length === 1 && ops['exists'] === false)) collect.fields.push(path);
  if (path === 'threats' || path.startsWith('threats.')) collect.threats = true;
  compiled.sort((a, b) => a.cost - b.cost);
  const needsRead = compiled.some((c) => c.needsRead);
  const needsLower = compiled.some((c) => c.needsLower);
  const read = mode.reader(path);
  const lower = mode.lower(path);
  const tests = compiled.map((c) => c.test);
  const cost = compiled.reduce((s, c) => s + c.cost, 0);
  // Only `exists: false` holds on a missing field; an equality needs one of its values; a
  // substring test needs one of the substrings the rule set looks for in that field.
  const byValue = mode.events && opNames.some((o) => o === 'equals' || o === 'in' || o === 'list');
  const bySubstring = mode.events && !byValue && opNames.some((o) => o === 'contains' || o === 'startswith' || o === 'endswith');
  const guard = ops['exists'] === false ? [] : [[byValue ? `=${path}` : bySubstring ? `~${path}` : path]];
  const node = fieldNode(tests, read, lower, needsRead, needsLower, cost, guard);
  // Expensive conditions that several rules share word for word are computed once per event.
  if (mode.events && cost >= 2) {
    const m = env.cache.memoSlot(`${path}\u0000${stableJson(ops)}`);
    const cache = env.cache;
    const inner = node.test as unknown as Pred<NormalizedEvent>;
    node.test = ((ev: NormalizedEvent, i: number) => cache.memo(m, ev, i, inner)) as unknown as Pred<R>;
  }
  return node;
}

function fieldNode<R>(tests: OpTest[], read: (r: R) => FieldRead, lower: (r: R, i: number) => LowerText, needsRead: boolean, needsLower: boolean, cost: number, guard: string[][]): Node<R> {
  if (tests.length === 1) {
    const t = tests[0] as OpTest;
    if (needsLower && !needsRead) return { test: (r, i) => t(undefined, lower(r, i)), cost, guard };
    if (!needsLower) return { test: (r) => t(read(r), null), cost, guard };
    return { test: (r, i) => t(read(r), lower(r, i)), cost, guard };
  }
  return {
    test: (r, i) => {
      const rv = needsRead ? read(r) : undefined;
      const lv = needsLower ? lower(r, i) : null;
      for (const t of tests) if (!t(rv, lv)) return false;
      return true;
    },
    cost,
    guard,
  };
}

function checkPath(path: string, where: string, problems: Problems, events: boolean): boolean {
  if (path.trim() !== path || path.split('.').some((p) => p === '')) {
    problems.add(where, `"${path}" is not a field path (write e.g. process, attributes.EventID, threats.name)`);
    return false;
  }
  const first = path.split('.')[0] as string;
  if (events && !KNOWN_FIELDS.includes(first)) {
    const near = KNOWN_FIELDS.find((k) => looksLike(first, k));
    if (near !== undefined) {
      problems.add(where, `unknown field "${first}" (did you mean "${near}"? write attributes.${first} for a message field of that name)`);
      return false;
    }
  }
  return true;
}

/** Same name but for case, separators or one typed character. */
function looksLike(a: string, b: string): boolean {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_. ]/g, '');
  if (norm(a) === norm(b)) return true;
  if (a.length < 4 || Math.abs(a.length - b.length) > 1) return false;
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  // One substitution, insertion or deletion, or two adjacent characters swapped.
  return x.slice(i + 1) === y.slice(i + 1) || x.slice(i + 1) === y.slice(i) || x.slice(i) === y.slice(i + 1) || (x[i] === y[i + 1] && x[i + 1] === y[i] && x.slice(i + 2) === y.slice(i + 2));
}
