import { refuse } from './sigma-error.js';

/**
 * The Sigma `condition` language: search identifiers combined with `and`, `or`, `not`,
 * parentheses, and `1 of` / `all of` a name pattern (`selection*`) or `them`.
 * Precedence, least to most binding: or, and, not, `x of`, parentheses (specification,
 * "Condition"). Keywords are case-insensitive. The pipe aggregations and `near` of Sigma 1 are
 * refused: Sigma 2 expresses them as correlation rules.
 */
export type CondNode =
  | { kind: 'ref'; name: string }
  | { kind: 'not'; arg: CondNode }
  | { kind: 'and' | 'or'; args: CondNode[] }
  | { kind: 'of'; all: boolean; pattern: string };

/** Parentheses and `not`s nested deeper than this are refused (the parser recurses). */
const MAX_DEPTH = 100;

type Tok = { t: '(' | ')' | 'and' | 'or' | 'not' | 'of' | 'them' | 'quant' | 'word'; text: string; pos: number };

const KEYWORDS: Readonly<Record<string, Tok['t']>> = { and: 'and', or: 'or', not: 'not', of: 'of', them: 'them', all: 'quant', any: 'quant' };

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:([()])|([^\s()]+))/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < src.length && (m = re.exec(src)) !== null) {
    const pos = m.index + m[0].length - (m[1] ?? m[2] ?? '').length;
    if (m[1]) {
      out.push({ t: m[1] as '(' | ')', text: m[1], pos });
      continue;
    }
    const text = m[2] as string;
    if (text.includes('|')) {
      refuse(
        `condition "${src}": the pipe "|" (Sigma 1 aggregation such as count() or near) is not supported; write a Sigma correlation rule (event_count, value_count) instead`,
        'condition aggregation',
      );
    }
    const lower = text.toLowerCase();
    const kw = Object.hasOwn(KEYWORDS, lower) ? KEYWORDS[lower] : undefined;
    if (kw) out.push({ t: kw, text: lower, pos });
    else if (/^\d+$/.test(text)) out.push({ t: 'quant', text, pos });
    else out.push({ t: 'word', text, pos });
  }
  return out;
}

export function parseCondition(src: string): CondNode {
  const toks = tokenize(src);
  if (toks.length === 0) refuse(`condition is empty`, 'condition');
  let i = 0;
  let depth = 0;
  const peek = (): Tok | undefined => toks[i];
  const fail = (msg: string): never => refuse(`condition "${src}": ${msg}`, 'condition syntax');
  const at = (tok: Tok | undefined): string => (tok ? `"${tok.text}" at position ${tok.pos + 1}` : 'end of condition');

  const expr = (): CondNode => {
    const args = [conj()];
    while (peek()?.t === 'or') {
      i++;
      args.push(conj());
    }
    return args.length === 1 ? (args[0] as CondNode) : { kind: 'or', args };
  };
  const conj = (): CondNode => {
    const args = [unary()];
    while (peek()?.t === 'and') {
      i++;
      args.push(unary());
    }
    return args.length === 1 ? (args[0] as CondNode) : { kind: 'and', args };
  };
  const unary = (): CondNode => {
    if (++depth > MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} levels deep`);
    let node: CondNode;
    if (peek()?.t === 'not') {
      i++;
      node = { kind: 'not', arg: unary() };
    } else node = primary();
    depth--;
    return node;
  };
  const primary = (): CondNode => {
    const tok = toks[i++];
    switch (tok?.t) {
      case '(': {
        const inner = expr();
        if (peek()?.t !== ')') fail(`expected ")" but found ${at(peek())}`);
        i++;
        return inner;
      }
      case 'quant': {
        if (tok.text !== '1' && tok.text !== 'any' && tok.text !== 'all') {
          fail(`"${tok.text} of" is not supported (only "1 of" and "all of")`);
        }
        if (peek()?.t !== 'of') fail(`expected "of" after "${tok.text}" but found ${at(peek())}`);
        i++;
        const target = toks[i++];
        if (target?.t !== 'them' && target?.t !== 'word') fail(`expected a name pattern or "them" after "of" but found ${at(target)}`);
        return { kind: 'of', all: tok.text === 'all', pattern: (target as Tok).t === 'them' ? 'them' : (target as Tok).text };
      }
      case 'word':
        if (tok.text.toLowerCase() === 'near') fail(`"near" (Sigma 1) is not supported; write a temporal correlation rule instead`);
        if (tok.text.includes('*')) fail(`the pattern "${tok.text}" needs "1 of" or "all of" before it`);
        return { kind: 'ref', name: tok.text };
      default:
        return fail(`expected a search identifier, "not", "(" or "1 of"/"all of" but found ${at(tok)}`);
    }
  };

  const node = expr();
  if (i < toks.length) fail(`unexpected ${at(toks[i])}`);
  return node;
}

/** The names `1 of`/`all of` PATTERN stands for, in definition order. */
export function resolvePattern(pattern: string, names: readonly string[]): string[] {
  // `them` leaves out names starting with `_` (specification); explicit patterns match any name.
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  if (!pattern.includes('*')) return names.includes(pattern) ? [pattern] : [];
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return names.filter((n) => re.test(n));
}

/**
 * Compiles a condition over named predicates of any argument type. Unknown names and patterns
 * matching nothing are refused. `positive` receives each name reached without negation (for
 * reporting which selections matched).
 */
export function compileCondition<A>(
  node: CondNode,
  preds: ReadonlyMap<string, (a: A) => boolean>,
  positive: Set<string> = new Set(),
  negated = false,
): (a: A) => boolean {
  const names = [...preds.keys()];
  const ref = (name: string): ((a: A) => boolean) => {
    const p = preds.get(name);
    if (!p) refuse(`condition refers to "${name}", which is not a search identifier of the detection`, 'condition');
    if (!negated) positive.add(name);
    return p;
  };
  switch (node.kind) {
    case 'ref':
      return ref(node.name);
    case 'not': {
      const inner = compileCondition(node.arg, preds, positive, !negated);
      return (a) => !inner(a);
    }
    case 'of': {
      const hit = resolvePattern(node.pattern, names);
      if (hit.length === 0) refuse(`condition "${node.all ? 'all' : '1'} of ${node.pattern}" matches no search identifier`, 'condition');
      return combine(hit.map(ref), node.all ? 'and' : 'or');
    }
    case 'and':
    case 'or':
      return combine(
        node.args.map((n) => compileCondition(n, preds, positive, negated)),
        node.kind,
      );
  }
}

function combine<A>(fs: ((a: A) => boolean)[], op: 'and' | 'or'): (a: A) => boolean {
  if (fs.length === 1) return fs[0] as (a: A) => boolean;
  if (fs.length === 2) {
    const [x, y] = fs as [(a: A) => boolean, (a: A) => boolean];
    return op === 'and' ? (a) => x(a) && y(a) : (a) => x(a) || y(a);
  }
  return op === 'and'
    ? (a) => {
        for (const f of fs) if (!f(a)) return false;
        return true;
      }
    : (a) => {
        for (const f of fs) if (f(a)) return true;
        return false;
      };
}
