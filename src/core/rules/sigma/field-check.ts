import { compileCidrs } from '../../net/cidr.js';
import { base64, base64Offsets, encodeText } from './encoding.js';
import { asText, compileReader, type FieldReader } from '../../fields.js';
import { DERIVED_FIELDS } from './derived-fields.js';
import type { EventMemo, FieldCache } from './field-cache.js';
import { allOf, atomGuard, NO_GUARD, type Guard } from './guard.js';
import { parseModifiers, type CompareOp, type ModifierPlan } from './modifiers.js';
import { refuse } from './sigma-error.js';
import { hasWildcards, literalTokens, parseSigmaString, shapeOf, tokensText, windash, wrap, type Token } from './sigma-string.js';
import {
  andAll, anyOf, compareTest, compileRegex, equalsAny, isAbsent, numberOf, onField, orAny, patternsTest,
  type MemoTest, type ValueTest,
} from './value-tests.js';

/**
 * One `key: value` entry of a selection map (`Image|endswith: ['\cmd.exe', '\pwsh.exe']`),
 * compiled into a test over the bound event. An empty field name (`'|all': [...]`) and plain
 * keyword lists search the event's text (`message`, then `raw`).
 */
export interface CheckEnv {
  registry: FieldCache;
  /** Sigma field name → logagg field path. */
  fieldMap: Readonly<Record<string, string>>;
  /** Named lists for `expand` (`%name%` placeholders). */
  placeholders?: Readonly<Record<string, readonly string[]>> | undefined;
}

export interface FieldCheck {
  test: MemoTest;
  /** Rough relative cost of `test`, to run cheap checks of a selection first. */
  cost: number;
  /** Field slots that must have a value for `test` to pass. */
  requires: number[];
  /** A necessary condition of `test` over per-batch atoms (guard.ts). */
  guard: Guard;
  /** Records the field (Sigma name) and the event's value(s) for Finding.matched. */
  describe(m: EventMemo, into: Record<string, unknown>): void;
}

type Scalar = string | number | boolean;
const KEYWORD_FIELDS = ['message', 'raw'] as const;

/**
 * The logagg path(s) a Sigma name reads: its entry in the map, else the map's `*` entry with
 * `*` replaced by the name (a preset's "every other name is here"), else the name as written.
 */
export function mapField(name: string, fieldMap: Readonly<Record<string, string>>): string {
  if (Object.hasOwn(fieldMap, name)) return fieldMap[name] as string;
  const any = Object.hasOwn(fieldMap, '*') ? fieldMap['*'] : undefined;
  return any === undefined ? name : any.replaceAll('*', name);
}

/**
 * The slot a Sigma field name reads: its mapped logagg path — or the first of `a|b|…` with a
 * value, where `@name` is a derived value (derived-fields.ts) — and when none has one, the name
 * as written (which falls back to `attributes.NAME`), so a rule works on normalized events and
 * on events that kept the source's own field names.
 */
export function fieldSlot(cache: FieldCache, name: string, fieldMap: Readonly<Record<string, string>>): number {
  const path = mapField(name, fieldMap);
  if (path === name) return cache.slot(name);
  return cache.derived(`${path}\0${name}`, () => {
    const readers = [...path.split('|').map((p) => readerOf(p.trim())), compileReader(name)];
    if (readers.length === 2) {
      const [mapped, asWritten] = readers as [FieldReader, FieldReader];
      return (e) => {
        const v = mapped(e);
        return v === undefined || v === null ? asWritten(e) : v;
      };
    }
    return (e) => {
      for (const r of readers) {
        const v = r(e);
        if (v !== undefined && v !== null) return v;
      }
      return undefined;
    };
  });
}

function readerOf(path: string): FieldReader {
  if (!path.startsWith('@')) return compileReader(path);
  const d = DERIVED_FIELDS[path.slice(1)];
  if (d === undefined) return refuse(`field map: unknown derived value "${path}" (known: ${Object.keys(DERIVED_FIELDS).map((k) => '@' + k).join(', ')})`, 'field map');
  return d;
}

export function compileFieldCheck(key: string, value: unknown, env: CheckEnv, where: string): FieldCheck {
  const bar = key.indexOf('|');
  const field = (bar < 0 ? key : key.slice(0, bar)).trim();
  const w = `${where}: "${key}"`;
  const mods = bar < 0 ? [] : key.slice(bar + 1).split('|').map((m) => m.trim());
  const expand = mods.indexOf('expand');
  if (expand >= 0) mods.splice(expand, 1);
  const plan = parseModifiers(mods, w);
  const values = expand >= 0 ? expandPlaceholders(listOf(value, w), env.placeholders ?? {}, w) : listOf(value, w);
  if (field === '') return keywordCheck(values, plan, env, w);
  const slot = fieldSlot(env.registry, field, env.fieldMap);
  const present: MemoTest = (m) => !isAbsent(m.value(slot));
  let test = buildTest(values, plan, (vt) => onField(slot, vt), present, env, w);
  const absentOk = values.includes(null) || (plan.type === 'exists' && values[0] === false);
  // The narrowest atom implied by the check (guard.ts): one of the values any rule compares the
  // field with by equality, or one of the substrings any rule looks for in it (both imply a
  // value), else a value at all, else nothing (a check that passes on an absent field).
  const reg = env.registry;
  let guard: Guard = NO_GUARD;
  const equal = absentOk ? null : plainValues(values, plan);
  const literals = equal ? null : textLiterals(values, plan);
  if (equal) guard = atomGuard(equalAtom(reg, slot, equal));
  else if (literals) {
    reg.addLiterals(slot, literals.texts);
    guard = atomGuard(literalAtom(reg, slot));
    // A substring search is dearer than the shared prefilter, which then runs first.
    if (literals.contains) {
      const inner = test;
      test = (m) => m.hasLiteral(slot) && inner(m);
    }
  } else if (plan.type === 'cidr') {
    // buildTest has checked the ranges.
    guard = atomGuard(cidrAtom(reg, slot, values as string[]));
  } else if (!absentOk) guard = atomGuard(presentAtom(reg, slot));
  return {
    test,
    cost: costOf(plan),
    requires: absentOk ? [] : [slot],
    guard,
    describe: (m, into) => {
      const raw = m.value(slot);
      into[field] = Array.isArray(raw) ? [...raw] : (raw ?? null);
    },
  };
}

/**
 * The `expand` modifier: each `%name%` in a value is replaced by every value of the named list
 * (detection.sigma.placeholders), as pySigma's placeholder transformations do, so one value
 * becomes as many as the list holds (several placeholders: every combination, at most 1000).
 * A placeholder without a list refuses the rule: run without it, the rule would look for the
 * literal text `%name%` and never fire.
 */
export function expandPlaceholders(values: readonly (Scalar | null)[], lists: Readonly<Record<string, readonly string[]>>, w: string): (Scalar | null)[] {
  const out: (Scalar | null)[] = [];
  for (const v of values) {
    if (typeof v !== 'string' || !/%[^%\s]+%/.test(v)) {
      out.push(v);
      continue;
    }
    let texts = [''];
    for (const part of v.split(/(%[^%\s]+%)/)) {
      const m = /^%([^%\s]+)%$/.exec(part);
      if (m === null) {
        texts = texts.map((t) => t + part);
        continue;
      }
      const name = m[1] as string;
      const list = Object.hasOwn(lists, name) ? lists[name] : undefined;
      if (list === undefined || list.length === 0) {
        refuse(`${w}: placeholder %${name}% has no list: set detection.sigma.placeholders.${name} to its values`, 'modifier expand');
      }
      texts = texts.flatMap((t) => list.map((x) => t + x));
      if (texts.length > 1000) refuse(`${w}: placeholders expand to more than 1000 values`, 'modifier expand');
    }
    out.push(...texts);
  }
  return out;
}

/** A keyword list (`- 'EVILSERVICE'`): each value anywhere in the message or raw text. */
export function keywordCheck(values: readonly (Scalar | null)[], plan: ModifierPlan, env: CheckEnv, w: string): FieldCheck {
  if (plan.type !== 'string' && plan.type !== 're') refuse(`${w}: "${plan.type}" needs a field name; keyword search has none`, `modifier ${plan.type}`);
  if (plan.position) refuse(`${w}: "${plan.position}" needs a field name; keywords already match anywhere in the text`, `modifier ${plan.position}`);
  if (values.includes(null)) refuse(`${w}: a keyword cannot be null`, 'null keyword');
  const [msg, raw] = KEYWORD_FIELDS.map((f) => env.registry.slot(f)) as [number, number];
  // When the raw text holds the message (text and syslog formats, most JSON), a substring of the
  // message is one of the raw text, and searching the raw text alone is enough; otherwise
  // (escaped JSON, a cut raw) and for regexes (anchors: `^` differs) both are searched.
  const rawOnly = env.registry.derived('\0message-in-raw', () => (e) => typeof e.raw === 'string' && e.raw.includes(e.message ?? ''));
  const target = (vt: ValueTest): MemoTest => {
    const inMsg = onField(msg, vt);
    const inRaw = onField(raw, vt);
    if (plan.type === 're') return (m) => inMsg(m) || inRaw(m);
    return (m) => (m.value(rawOnly) === true ? inRaw(m) : inMsg(m) || inRaw(m));
  };
  const kwPlan: ModifierPlan = plan.type === 'string' ? { ...plan, position: 'contains' } : plan;
  const present: MemoTest = (m) => !isAbsent(m.value(msg)) || !isAbsent(m.value(raw));
  let test = buildTest(values, kwPlan, target, present, env, w);
  const literals = textLiterals(values, kwPlan);
  const reg = env.registry;
  let guard: Guard = NO_GUARD;
  if (literals) {
    reg.addLiterals(msg, literals.texts);
    reg.addLiterals(raw, literals.texts);
    const inText: MemoTest = (m) => (m.value(rawOnly) === true ? m.hasLiteral(raw) : m.hasLiteral(msg) || m.hasLiteral(raw));
    const inner = test;
    test = (m) => inText(m) && inner(m);
    guard = atomGuard(reg.atom('keyword-literal', () => inText));
  }
  const each = values.map((v) => ({ label: v, test: buildTest([v], kwPlan, target, present, env, w) }));
  return {
    test,
    cost: costOf(plan) + 4,
    requires: [],
    guard,
    describe: (m, into) => {
      const hit = each.filter((k) => k.test(m)).map((k) => k.label);
      const prev = into['keywords'];
      into['keywords'] = Array.isArray(prev) ? [...prev, ...hit] : hit;
    },
  };
}

/*
 * Guard atoms (guard.ts), shared by every rule of a collection: each is computed once per batch.
 * The equal and CIDR atoms test the union of the values every rule registered for the field,
 * with the same value tests the checks use, so they are supersets of every check.
 */

/** Atom: the field has a value other than null. */
export function presentAtom(reg: FieldCache, slot: number): number {
  return reg.atom(`present\0${slot}`, () => (m) => !isAbsent(m.value(slot)));
}

/** Atom: the field's lower-cased text holds one of the substrings registered for it (FieldCache.hasLiteral). */
export function literalAtom(reg: FieldCache, slot: number): number {
  return reg.atom(`literal\0${slot}`, () => (m) => m.hasLiteral(slot));
}

/** Atom: a value of the field equals one any rule compares it with, case-insensitively or as a number. */
export function equalAtom(reg: FieldCache, slot: number, values: readonly Scalar[]): number {
  const key = `equal\0${slot}`;
  reg.addAtomValues(key, values);
  return reg.atom(key, () => onField(slot, equalsAny(reg.atomValues(key), false)));
}

/** Atom: a value of the field is an address in one of the ranges any rule names for it. */
export function cidrAtom(reg: FieldCache, slot: number, ranges: readonly string[]): number {
  const key = `cidr\0${slot}`;
  reg.addAtomValues(key, ranges);
  return reg.atom(key, () => {
    const inRange = compileCidrs(reg.atomValues(key) as string[]);
    return onField(slot, { lower: false, fn: (s) => inRange(s) });
  });
}

/**
 * For a case-insensitive string check: one lower-cased substring per value that any text the
 * value matches contains (FieldCache.addLiterals), and whether some value is a substring
 * search. Null when some value implies none (a `?`-only or `*` pattern, a regex, a number
 * compared numerically…) or the check is case-sensitive (lower-casing is not always
 * length-preserving: a cased match is not always a lower-cased one).
 */
function textLiterals(values: readonly (Scalar | null)[], plan: ModifierPlan): { texts: string[]; contains: boolean } | null {
  if (plan.type !== 'string' || plan.cased || plan.base64 || plan.windash) return null;
  const texts: string[] = [];
  let contains = false;
  for (const v of values) {
    if (typeof v !== 'string') return null;
    const shape = shapeOf(positioned(parseSigmaString(v), plan), false);
    let lit = '';
    if (shape.kind === 'eq' || shape.kind === 'prefix' || shape.kind === 'suffix') lit = shape.text;
    else if (shape.kind === 'contains') {
      lit = shape.text;
      contains = true;
    } else if (shape.kind === 'seq') {
      lit = [shape.prefix, ...shape.parts, shape.suffix].reduce((x, y) => (y.length > x.length ? y : x), '');
      contains = true;
    }
    if (lit === '') return null;
    texts.push(lit);
  }
  return { texts, contains };
}

/**
 * The values of a plain equality check (no modifier changing the comparison, no wildcard, no
 * null), as compared: the text of each string with its escapes resolved, numbers and booleans
 * as they are. Null when the check is anything else.
 */
function plainValues(values: readonly (Scalar | null)[], plan: ModifierPlan): Scalar[] | null {
  if (plan.type !== 'string' || plan.position !== null || plan.windash || plan.base64 !== null) return null;
  const out: Scalar[] = [];
  for (const v of values) {
    if (v === null) return null;
    if (typeof v !== 'string') {
      out.push(v);
      continue;
    }
    const tokens = parseSigmaString(v);
    if (hasWildcards(tokens)) return null;
    out.push(tokensText(tokens));
  }
  return out;
}

function costOf(plan: ModifierPlan): number {
  switch (plan.type) {
    case 'string':
      if (plan.base64 || plan.windash || plan.position === 'contains') return 3;
      return plan.position ? 2 : 1;
    case 'exists':
      return 0;
    case 're':
      return 6;
    case 'cidr':
    case 'fieldref':
      return 4;
    default:
      return 2;
  }
}

function listOf(value: unknown, w: string): (Scalar | null)[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) refuse(`${w}: empty list of values`, 'empty value list');
  for (const v of list) {
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      refuse(`${w}: values must be strings, numbers, booleans or null, not ${Array.isArray(v) ? 'a list' : typeof v}`, 'nested value');
    }
  }
  return list as (Scalar | null)[];
}

function buildTest(
  values: readonly (Scalar | null)[],
  plan: ModifierPlan,
  target: (vt: ValueTest) => MemoTest,
  present: MemoTest,
  env: CheckEnv,
  w: string,
): MemoTest {
  switch (plan.type) {
    case 'exists': {
      const [want] = values;
      if (values.length !== 1 || typeof want !== 'boolean') refuse(`${w}: "exists" takes true or false`, 'modifier exists');
      return want ? present : (m) => !present(m);
    }
    case 'fieldref':
      return fieldRefTest(values, plan.cased, target, env, w);
    case 'cidr': {
      const ranges = values.map((v) => (typeof v === 'string' ? v : refuse(`${w}: "cidr" values must be strings`, 'modifier cidr')));
      const one = (list: string[]): ValueTest => {
        try {
          const f = compileCidrs(list);
          return { lower: false, fn: (s) => f(s) };
        } catch (e) {
          return refuse(`${w}: ${(e as Error).message}`, 'modifier cidr');
        }
      };
      return plan.all ? andAll(ranges.map((r) => target(one([r])))) : target(one(ranges));
    }
    case 're': {
      const tests = values.map((v): ValueTest => {
        if (typeof v !== 'string') return refuse(`${w}: "re" values must be strings`, 'modifier re');
        const re = compileRegex(v, plan.reFlags, w);
        return { lower: false, fn: (s) => re.test(s) };
      });
      return combine(tests, [], plan.all, target);
    }
    case 'string':
      return stringTest(values, plan, target, present, w);
    default: {
      const op: CompareOp = plan.type;
      const tests = values.map((v) => {
        const n = v === null || typeof v === 'boolean' ? NaN : numberOf(v, String(v));
        if (!Number.isFinite(n)) refuse(`${w}: "${op}" needs a number, got ${JSON.stringify(v)}`, `modifier ${op}`);
        return compareTest(op, n);
      });
      return combine(tests, [], plan.all, target);
    }
  }
}

function stringTest(
  values: readonly (Scalar | null)[],
  plan: ModifierPlan,
  target: (vt: ValueTest) => MemoTest,
  present: MemoTest,
  w: string,
): MemoTest {
  const transforms = plan.position !== null || plan.windash || plan.base64 !== null;
  const absent: MemoTest[] = [];
  const plain: Scalar[] = [];
  const patterns: Token[][] = [];
  const tests: ValueTest[] = [];
  for (const v of values) {
    if (v === null) {
      if (transforms) refuse(`${w}: null cannot be combined with modifiers`, 'null with modifier');
      absent.push((m) => !present(m));
      continue;
    }
    if (typeof v === 'boolean' && transforms) refuse(`${w}: a boolean cannot be combined with modifiers`, 'boolean with modifier');
    const tokens = typeof v === 'string' ? parseSigmaString(v) : literalTokens(String(v));
    if (!transforms && !hasWildcards(tokens)) {
      // Number and boolean values keep their type for numeric equality.
      if (plan.all) tests.push(equalsAny([typeof v === 'string' ? tokensText(tokens) : v], plan.cased));
      else plain.push(typeof v === 'string' ? tokensText(tokens) : v);
      continue;
    }
    if (plan.base64) tests.push(encodedTest(tokens, plan, w));
    else {
      const p = positioned(plan.windash ? windash(tokens) : tokens, plan);
      if (plan.all) tests.push(patternsTest([p], plan.cased));
      else patterns.push(p);
    }
  }
  // ORed values: one Set lookup for the exact ones, one pass for the patterns.
  if (patterns.length) tests.unshift(patternsTest(patterns, plan.cased));
  if (plain.length) tests.unshift(equalsAny(plain, plan.cased));
  return combine(tests, absent, plan.all, target);
}

function positioned(tokens: readonly Token[], plan: ModifierPlan): Token[] {
  return wrap(tokens, plan.position === 'contains' || plan.position === 'endswith', plan.position === 'contains' || plan.position === 'startswith');
}

/** base64 / base64offset: the encoded text, compared case-sensitively (Base64 is). */
function encodedTest(tokens: readonly Token[], plan: ModifierPlan, w: string): ValueTest {
  if (hasWildcards(tokens)) refuse(`${w}: a value with wildcards cannot be ${plan.base64}-encoded`, `modifier ${plan.base64}`);
  const bytes = encodeText(tokensText(tokens), plan.encoding ?? 'utf8');
  const variants = plan.base64 === 'base64' ? [base64(bytes)] : base64Offsets(bytes);
  if (variants.length === 0 || variants.every((x) => x === '')) refuse(`${w}: value too short to encode`, `modifier ${plan.base64}`);
  return patternsTest(variants.map((x) => positioned(literalTokens(x), plan)), true);
}

/** ORs value tests (one pass over the field), or ANDs them with `all`. */
function combine(tests: readonly ValueTest[], absent: readonly MemoTest[], all: boolean, target: (vt: ValueTest) => MemoTest): MemoTest {
  if (all) return andAll([...tests.map(target), ...absent]);
  return orAny([...(tests.length ? [target(anyOf(tests))] : []), ...absent]);
}

/** `fieldref`: the field equals another field of the same event. */
function fieldRefTest(
  values: readonly (Scalar | null)[],
  cased: boolean,
  target: (vt: ValueTest) => MemoTest,
  env: CheckEnv,
  w: string,
): MemoTest {
  const tests = values.map((v): MemoTest => {
    if (typeof v !== 'string' || v === '') return refuse(`${w}: "fieldref" values must be field names`, 'modifier fieldref');
    const other = fieldSlot(env.registry, v, env.fieldMap);
    let wanted: Set<string> | null = null;
    const same = target({ lower: !cased, fn: (s, lo) => (wanted as Set<string>).has(cased ? s : lo) });
    return (m) => {
      const raw = m.value(other);
      if (raw === undefined || raw === null) return false;
      wanted = new Set();
      for (const x of Array.isArray(raw) ? raw : [raw]) {
        const s = asText(x);
        if (s !== null) wanted.add(cased ? s : s.toLowerCase());
      }
      return wanted.size > 0 && same(m);
    };
  });
  return orAny(tests);
}
