import { refuse } from './sigma-error.js';
import { compilePatterns, shapeOf, type Token } from './sigma-string.js';
import { asText } from '../../fields.js';
import type { EventMemo } from './field-cache.js';
import type { CompareOp } from './modifiers.js';

/**
 * Tests on one field value. `s` is the value's text, `lo` its lower-cased text (equal to `s` when
 * the test declared it does not need lower-casing), `v` the value itself.
 */
export type ValueFn = (s: string, lo: string, v: unknown) => boolean;
export interface ValueTest {
  fn: ValueFn;
  /** True when fn reads `lo`. */
  lower: boolean;
}

/** A test over the bound event. */
export type MemoTest = (m: EventMemo) => boolean;

/** True when some value of the field passes the test. */
export function onField(slot: number, t: ValueTest): MemoTest {
  const { fn, lower } = t;
  return (m) => {
    const raw = m.value(slot);
    if (raw === undefined || raw === null) return false;
    if (Array.isArray(raw)) {
      for (const v of raw) {
        const s = asText(v);
        if (s !== null && fn(s, lower ? s.toLowerCase() : s, v)) return true;
      }
      return false;
    }
    const s = m.text(slot);
    return s !== null && fn(s, lower ? m.lower(slot) : s, raw);
  };
}

/** True when the field has no value other than null (Sigma `field: null`). */
export function isAbsent(raw: unknown): boolean {
  if (raw === undefined || raw === null) return true;
  if (Array.isArray(raw)) return raw.every((v) => v === null || v === undefined);
  return false;
}

export function anyOf(tests: readonly ValueTest[]): ValueTest {
  if (tests.length === 1) return tests[0] as ValueTest;
  const fns = tests.map((t) => t.fn);
  return {
    lower: tests.some((t) => t.lower),
    fn: (s, lo, v) => {
      for (const f of fns) if (f(s, lo, v)) return true;
      return false;
    },
  };
}

export function andAll(tests: readonly MemoTest[]): MemoTest {
  if (tests.length === 1) return tests[0] as MemoTest;
  if (tests.length === 2) {
    const [a, b] = tests as [MemoTest, MemoTest];
    return (m) => a(m) && b(m);
  }
  return (m) => {
    for (const t of tests) if (!t(m)) return false;
    return true;
  };
}

export function orAny(tests: readonly MemoTest[]): MemoTest {
  if (tests.length === 1) return tests[0] as MemoTest;
  if (tests.length === 2) {
    const [a, b] = tests as [MemoTest, MemoTest];
    return (m) => a(m) || b(m);
  }
  return (m) => {
    for (const t of tests) if (t(m)) return true;
    return false;
  };
}

/** Any of several wildcard patterns, in one pass (see compilePatterns). */
export function patternsTest(list: readonly (readonly Token[])[], cased: boolean): ValueTest {
  const p = compilePatterns(list.map((t) => shapeOf(t, cased)));
  return cased ? { lower: false, fn: (s) => p(s) } : { lower: true, fn: (_s, lo) => p(lo) };
}

const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/** The value as a number when it is one or is numeric text; NaN otherwise. */
export function numberOf(v: unknown, s: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return typeof v === 'string' && NUMERIC.test(s) ? Number(s) : NaN;
}

/**
 * Equality with any of several plain values, one Set lookup: texts compared case-insensitively
 * (unless cased), numbers also numerically so that `EventID: 4625` matches `"4625"` and `4625.0`.
 */
export function equalsAny(values: readonly (string | number | boolean)[], cased: boolean): ValueTest {
  const texts = new Set<string>();
  const nums = new Set<number>();
  for (const v of values) {
    const t = String(v);
    texts.add(cased ? t : t.toLowerCase());
    if (typeof v === 'number') nums.add(v);
  }
  const numeric = nums.size > 0;
  const hasNum = (s: string, v: unknown): boolean => {
    const n = numberOf(v, s);
    return n === n && nums.has(n);
  };
  if (cased) return { lower: false, fn: (s, _lo, v) => texts.has(s) || (numeric && hasNum(s, v)) };
  return { lower: true, fn: (s, lo, v) => texts.has(lo) || (numeric && hasNum(s, v)) };
}

export function compareTest(op: CompareOp, limit: number): ValueTest {
  const cmp: (n: number) => boolean =
    op === 'gt' ? (n) => n > limit : op === 'gte' ? (n) => n >= limit : op === 'lt' ? (n) => n < limit : (n) => n <= limit;
  // NaN (non-numeric values) fails every comparison.
  return { lower: false, fn: (s, _lo, v) => cmp(numberOf(v, s)) };
}

/** PCRE escapes that JavaScript would silently read as a plain letter. */
const UNSUPPORTED_ESCAPE = /[AZzGhHRKQEXCNegoaLlUpP]/;

/**
 * A Sigma `re` value as a JavaScript RegExp, unanchored like PCRE search. A leading global
 * inline flag group (`(?i)`, `(?s)`, `(?im)`) becomes flags. Constructs JavaScript would read
 * differently from PCRE are refused rather than approximated.
 */
export function compileRegex(src: string, flags: string, where: string): RegExp {
  let body = src;
  let f = '';
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (inline) {
    for (const ch of inline[1] as string) {
      if (!'ims'.includes(ch)) refuse(`${where}: regex inline flag "${ch}" in /${src}/ is not supported (only i, m, s)`, 're');
      f += ch;
    }
    body = body.slice(inline[0].length);
  }
  for (const ch of flags) if (!f.includes(ch)) f += ch;
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') continue;
    const n = body[i + 1] ?? '';
    if (UNSUPPORTED_ESCAPE.test(n)) refuse(`${where}: regex escape "\\${n}" in /${src}/ is not supported`, 're');
    i++;
  }
  if (/\[:\^?[a-z]+:\]/.test(body)) refuse(`${where}: POSIX character classes in /${src}/ are not supported`, 're');
  try {
    return new RegExp(body, f);
  } catch (e) {
    return refuse(`${where}: invalid regular expression /${src}/: ${(e as Error).message}`, 're');
  }
}
