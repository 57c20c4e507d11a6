/**
 * Sigma string values: wildcards `*` (any run, empty included) and `?` (one character), escaped
 * with `\*`, `\?` and `\\`; a backslash before anything else is a plain backslash
 * (Sigma rules specification, "Escaping"). A pattern is compiled once into the cheapest test that
 * decides it: equality, startsWith, endsWith, includes, prefix+suffix, and a regex only when
 * `?` or `windash` classes need it.
 */

/** A run of plain text, or a wildcard, or a windash class (any of the five dash characters). */
export type Token = string | typeof STAR | typeof ONE | typeof DASH;
export const STAR: unique symbol = Symbol('*');
export const ONE: unique symbol = Symbol('?');
export const DASH: unique symbol = Symbol('dash');

/** Characters `windash` treats as interchangeable: hyphen, slash, en dash, em dash, horizontal bar. */
export const DASH_CHARS = '-/\u2013\u2014\u2015';

export function parseSigmaString(s: string): Token[] {
  const out: Token[] = [];
  let lit = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
      } else lit += c;
    } else if (c === '*' || c === '?') {
      if (lit) out.push(lit);
      lit = '';
      out.push(c === '*' ? STAR : ONE);
    } else lit += c;
  }
  if (lit) out.push(lit);
  return normalize(out);
}

/** A plain text as tokens (for encoded values, which have no wildcards). */
export function literalTokens(s: string): Token[] {
  return s ? [s] : [];
}

export function hasWildcards(tokens: readonly Token[]): boolean {
  return tokens.some((t) => typeof t !== 'string');
}

/** The text of tokens without wildcards. */
export function tokensText(tokens: readonly Token[]): string {
  return tokens.map((t) => (typeof t === 'string' ? t : t === STAR ? '*' : t === ONE ? '?' : '-')).join('');
}

export function wrap(tokens: readonly Token[], before: boolean, after: boolean): Token[] {
  const star: Token[] = [STAR];
  return normalize([...(before ? star : []), ...tokens, ...(after ? star : [])]);
}

/**
 * `windash`: a `-` or `/` (or en/em dash, horizontal bar) that starts a word after a non-word
 * character, i.e. a command-line flag such as ` -enc` or ` /c`, matches any of the five.
 */
export function windash(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    if (typeof t !== 'string') {
      out.push(t);
      continue;
    }
    let start = 0;
    for (let i = 0; i < t.length; i++) {
      const c = t[i] as string;
      if (DASH_CHARS.includes(c) && !isWordChar(t[i - 1]) && isWordChar(t[i + 1])) {
        if (i > start) out.push(t.slice(start, i));
        out.push(DASH);
        start = i + 1;
      }
    }
    if (start < t.length) out.push(t.slice(start));
  }
  return normalize(out);
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /\w/.test(c);
}

/** Merges adjacent text and collapses `**`. */
function normalize(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    const last = out[out.length - 1];
    if (typeof t === 'string') {
      if (!t) continue;
      if (typeof last === 'string') out[out.length - 1] = last + t;
      else out.push(t);
    } else if (!(t === STAR && last === STAR)) out.push(t);
  }
  return out;
}

/** The cheapest form that decides a pattern. */
export type PatternShape =
  | { kind: 'eq'; text: string }
  | { kind: 'any' }
  | { kind: 'prefix'; text: string }
  | { kind: 'suffix'; text: string }
  | { kind: 'contains'; text: string }
  /** Texts separated by `*`: found in order with indexOf, linear time (no regex backtracking). */
  | { kind: 'seq'; prefix: string; parts: string[]; suffix: string }
  | { kind: 'regex'; re: RegExp };

/** Classifies tokens. When `cased` is false the literals are lower-cased here, once. */
export function shapeOf(tokens: readonly Token[], cased: boolean): PatternShape {
  const t = cased ? tokens : tokens.map((x) => (typeof x === 'string' ? x.toLowerCase() : x));
  const [a, b, c] = t;
  if (t.length === 0) return { kind: 'eq', text: '' };
  if (t.length === 1 && typeof a === 'string') return { kind: 'eq', text: a };
  if (t.length === 1 && a === STAR) return { kind: 'any' };
  if (t.length === 2 && a === STAR && typeof b === 'string') return { kind: 'suffix', text: b };
  if (t.length === 2 && typeof a === 'string' && b === STAR) return { kind: 'prefix', text: a };
  if (t.length === 3 && a === STAR && typeof b === 'string' && c === STAR) return { kind: 'contains', text: b };
  if (t.every((x) => typeof x === 'string' || x === STAR)) {
    const texts = t as (string | typeof STAR)[];
    const first = texts[0];
    const last = texts[texts.length - 1];
    const prefix = typeof first === 'string' ? first : '';
    const suffix = typeof last === 'string' ? last : '';
    const inner = texts.slice(prefix ? 1 : 0, suffix ? -1 : undefined).filter((x): x is string => typeof x === 'string');
    return { kind: 'seq', prefix, parts: inner, suffix };
  }
  return { kind: 'regex', re: patternRegex(t) };
}

/** A `seq` shape's test: prefix, then each part in order, then the suffix, never overlapping. */
function seqTest(prefix: string, parts: readonly string[], suffix: string): (s: string) => boolean {
  const min = prefix.length + suffix.length + parts.reduce((n, p) => n + p.length, 0);
  return (s) => {
    if (s.length < min || !s.startsWith(prefix) || !s.endsWith(suffix)) return false;
    const end = s.length - suffix.length;
    let pos = prefix.length;
    for (const p of parts) {
      const at = s.indexOf(p, pos);
      if (at < 0 || at + p.length > end) return false;
      pos = at + p.length;
    }
    return true;
  };
}

/**
 * One test for any of several patterns (ORed): a Set lookup for the exact ones, then loops over
 * prefixes, suffixes and substrings, then regexes. The caller passes lower-cased text unless the
 * patterns are cased.
 */
export function compilePatterns(shapes: readonly PatternShape[]): (s: string) => boolean {
  if (shapes.some((x) => x.kind === 'any')) return () => true;
  const eq = new Set<string>();
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const inner: string[] = [];
  const rest: ((s: string) => boolean)[] = [];
  for (const x of shapes) {
    if (x.kind === 'eq') eq.add(x.text);
    else if (x.kind === 'prefix') prefixes.push(x.text);
    else if (x.kind === 'suffix') suffixes.push(x.text);
    else if (x.kind === 'contains') inner.push(x.text);
    else if (x.kind === 'seq') rest.push(seqTest(x.prefix, x.parts, x.suffix));
    else if (x.kind === 'regex') {
      const re = x.re;
      rest.push((s) => re.test(s));
    }
  }
  if (shapes.length === 1) {
    const [only] = shapes as [PatternShape];
    if (only.kind === 'eq') return (s) => s === only.text;
    if (only.kind === 'prefix') return (s) => s.startsWith(only.text);
    if (only.kind === 'suffix') return (s) => s.endsWith(only.text);
    if (only.kind === 'contains') return (s) => s.includes(only.text);
    return rest[0] as (s: string) => boolean;
  }
  const hasEq = eq.size > 0;
  return (s) => {
    if (hasEq && eq.has(s)) return true;
    for (const p of prefixes) if (s.startsWith(p)) return true;
    for (const p of suffixes) if (s.endsWith(p)) return true;
    for (const p of inner) if (s.includes(p)) return true;
    for (const f of rest) if (f(s)) return true;
    return false;
  };
}

/** Compiles one pattern (see compilePatterns). */
export function compilePattern(tokens: readonly Token[], cased: boolean): (s: string) => boolean {
  return compilePatterns([shapeOf(tokens, cased)]);
}

export function patternRegex(tokens: readonly Token[]): RegExp {
  let src = '^';
  for (const x of tokens) {
    if (typeof x === 'string') src += x.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (x === STAR) src += '[\\s\\S]*';
    else if (x === ONE) src += '[\\s\\S]';
    else src += '[' + DASH_CHARS.replace(/[-/\\\]]/g, '\\$&') + ']';
  }
  return new RegExp(src + '$');
}
