/**
 * Turns what a user typed into a safe FTS5 MATCH expression. Pure.
 *
 * Supported: words, "quoted phrases", prefixes (`time*`, `"connection ref"*`), the upper-case
 * operators AND, OR, NOT, implicit AND between terms, and parentheses when they balance.
 * Every term is emitted as a quoted FTS5 string, so column filters (`host:x`), NEAR(), `^`, `+`
 * and stray punctuation are searched as text and can never reach the FTS5 parser as syntax.
 *
 * Leniency, so that no input yields an FTS5 syntax error:
 * - AND/OR with a missing side are dropped (`a OR`, `AND b`, `a AND OR b`).
 * - `a AND NOT b` is read as `a NOT b`; a NOT with nothing after it is dropped.
 * - Unbalanced parentheses are treated as spaces.
 * - Terms with no letter or digit (`-`, `...`) are dropped: the tokenizer would index nothing.
 * - NUL characters separate terms like spaces.
 * Errors (BAD_REQUEST naming `q`): no search term left; NOT with nothing on its left
 * (FTS5 has no unary NOT: write `error NOT timeout`); nesting deeper than MAX_DEPTH;
 * input longer than MAX_INPUT or with more than MAX_TERMS terms.
 */
import { badRequest, LogaggError } from '../errors.js';

export const FTS_LIMITS = {
  /** Characters of input. */
  MAX_INPUT: 2000,
  /** Terms (words and phrases) after cleaning. */
  MAX_TERMS: 64,
  /** Nested parentheses. FTS5's parser overflows around 30 levels of its own nesting. */
  MAX_DEPTH: 6,
} as const;

type Token = { t: 'term'; text: string; prefix: boolean } | { t: 'AND' | 'OR' | 'NOT' | '(' | ')' };

export type FtsNode =
  | { k: 'term'; text: string; prefix: boolean }
  | { k: 'and' | 'or'; items: FtsNode[] }
  | { k: 'not'; left: FtsNode; negs: FtsNode[] };
type Node = FtsNode;

/** A character the unicode61 tokenizer keeps as part of a token (letters, digits, private use). */
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;
const SPACE = /\s/u;

function lex(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (SPACE.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ t: c });
      i++;
    } else if (c === '"') {
      const end = input.indexOf('"', i + 1);
      const text = end === -1 ? input.slice(i + 1) : input.slice(i + 1, end);
      i = end === -1 ? input.length : end + 1;
      let prefix = false;
      while (input[i] === '*') {
        prefix = true;
        i++;
      }
      out.push({ t: 'term', text, prefix });
    } else {
      let j = i;
      while (j < input.length && !SPACE.test(input[j]!) && input[j] !== '"' && input[j] !== '(' && input[j] !== ')') j++;
      const word = input.slice(i, j);
      i = j;
      if (word === 'AND' || word === 'OR' || word === 'NOT') {
        out.push({ t: word });
      } else {
        const text = word.replace(/\*+$/u, '');
        out.push({ t: 'term', text, prefix: text.length < word.length });
      }
    }
  }
  return out;
}

/** Drops empty terms, and every parenthesis when they do not balance. */
function clean(tokens: Token[]): Token[] {
  let depth = 0;
  let balanced = true;
  for (const tok of tokens) {
    if (tok.t === '(') depth++;
    else if (tok.t === ')' && --depth < 0) balanced = false;
  }
  if (depth !== 0) balanced = false;
  return tokens.filter((tok) => (tok.t === 'term' ? TOKEN_CHAR.test(tok.text) : balanced || (tok.t !== '(' && tok.t !== ')')));
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token['t'] | undefined {
    return this.toks[this.i]?.t;
  }

  parseQuery(): Node | null {
    const items: Node[] = [];
    while (this.i < this.toks.length) {
      const n = this.parseOr();
      if (n) items.push(n);
      if (this.peek() === ')') this.i++; // cannot happen with balanced parentheses; never loop on it
    }
    return combine('and', items);
  }

  private parseOr(): Node | null {
    const items: Node[] = [];
    const first = this.parseAnd();
    if (first) items.push(first);
    while (this.peek() === 'OR') {
      this.i++;
      const n = this.parseAnd();
      if (n) items.push(n);
    }
    return combine('or', items);
  }

  private parseAnd(): Node | null {
    const items: Node[] = [];
    for (;;) {
      const p = this.peek();
      if (p === 'AND') {
        this.i++;
      } else if (p === 'term' || p === '(') {
        const n = this.parseNot();
        if (n) items.push(n);
      } else if (p === 'NOT') {
        // `a AND NOT b` (the NOT was not taken by parseNot): negate the term before it.
        if (items.length === 0) throw notWithoutLeft();
        this.i++;
        const neg = this.parseOperand();
        if (neg) items[items.length - 1] = addNeg(items[items.length - 1]!, neg);
      } else {
        return combine('and', items);
      }
    }
  }

  private parseNot(): Node | null {
    const left = this.parsePrimary();
    const negs: Node[] = [];
    while (this.peek() === 'NOT') {
      this.i++;
      const neg = this.parseOperand();
      if (neg) negs.push(neg);
    }
    if (!left) {
      if (negs.length > 0) throw notWithoutLeft();
      return null;
    }
    return negs.reduce(addNeg, left);
  }

  /** The right side of a NOT: skips repeated NOTs; null when nothing follows. */
  private parseOperand(): Node | null {
    while (this.peek() === 'NOT') this.i++;
    const p = this.peek();
    return p === 'term' || p === '(' ? this.parsePrimary() : null;
  }

  private parsePrimary(): Node | null {
    const tok = this.toks[this.i];
    if (tok?.t === 'term') {
      this.i++;
      return { k: 'term', text: tok.text, prefix: tok.prefix };
    }
    if (tok?.t === '(') {
      this.i++;
      if (++this.depth > FTS_LIMITS.MAX_DEPTH) throw badRequest('q', `parentheses nested deeper than ${FTS_LIMITS.MAX_DEPTH} levels`);
      const inner = this.parseOr();
      if (this.peek() === ')') this.i++;
      this.depth--;
      return inner;
    }
    return null;
  }
}

function notWithoutLeft() {
  return badRequest('q', 'NOT needs a term on its left (there is no unary NOT): write e.g. `error NOT timeout`');
}

function addNeg(left: Node, neg: Node): Node {
  return left.k === 'not' ? { k: 'not', left: left.left, negs: [...left.negs, neg] } : { k: 'not', left, negs: [neg] };
}

/** One node from a list: flattens nested lists of the same operator. */
function combine(k: 'and' | 'or', items: Node[]): Node | null {
  if (items.length === 0) return null;
  if (items.length === 1) return items[0]!;
  return { k, items: items.flatMap((n) => (n.k === k ? n.items : [n])) };
}

function quote(text: string): string {
  return '"' + text.replaceAll('"', '""') + '"';
}

function render(n: Node, top: boolean): string {
  let s: string;
  if (n.k === 'term') return quote(n.text) + (n.prefix ? '*' : '');
  if (n.k === 'not') s = [n.left, ...n.negs].map((c) => render(c, false)).join(' NOT ');
  else s = n.items.map((c) => render(c, false)).join(n.k === 'and' ? ' AND ' : ' OR ');
  return top ? s : '(' + s + ')';
}

function countTerms(n: Node): number {
  if (n.k === 'term') return 1;
  if (n.k === 'not') return countTerms(n.left) + n.negs.reduce((a, c) => a + countTerms(c), 0);
  return n.items.reduce((a, c) => a + countTerms(c), 0);
}

/** Whether the text names anything to search for (a word, "phrase" or prefix*). */
export function hasSearchTerm(input: string): boolean {
  return new Parser(clean(lex(input.replaceAll('\0', ' ')))).parseQuery() !== null;
}

/** The FTS5 MATCH expression for a user's search text; throws BAD_REQUEST naming `q`. */
/** Longer than MAX_INPUT in Unicode code points (as the API document's maxLength counts them). */
export function tooLong(input: string): boolean {
  if (input.length <= FTS_LIMITS.MAX_INPUT) return false;
  let n = 0;
  for (const _ of input) if (++n > FTS_LIMITS.MAX_INPUT) return true;
  return false;
}

/** The query's tree, validated; throws BAD_REQUEST naming `q`. */
export function parseFtsQuery(input: string): FtsNode {
  if (tooLong(input)) throw badRequest('q', `longer than ${FTS_LIMITS.MAX_INPUT} characters`);
  // FTS5 reads the expression as a C string: a NUL, even inside quotes, would cut it short.
  const tree = new Parser(clean(lex(input.replaceAll('\0', ' ')))).parseQuery();
  if (!tree) throw badRequest('q', 'no search term: give at least one word, "phrase" or prefix*');
  if (countTerms(tree) > FTS_LIMITS.MAX_TERMS) throw badRequest('q', `more than ${FTS_LIMITS.MAX_TERMS} search terms`);
  return tree;
}

/** The exact MATCH expression for an index with positions (detail=full). */
export function toFtsMatch(input: string): string {
  return renderFts(parseFtsQuery(input));
}

/** A tree rendered as a MATCH expression, every term quoted. */
export function renderFts(tree: FtsNode): string {
  return render(tree, true);
}

/**
 * A search text SQLite's tokenizer reads differently from ours: the index's (unicode61, Unicode
 * 6.1 tables) splits or folds some code points outside the Basic Multilingual Plane and
 * unassigned ones in its own way, so a term we send as one word can be two to it, which a
 * `detail=none` index cannot answer. Turned into a 422 naming `q`, instead of a server error.
 */
export function ftsInputError(e: unknown): Error | null {
  const msg = e instanceof Error ? e.message : '';
  if (!/phrase queries are not supported/.test(msg)) return null;
  // 422, not 400: the text is well-formed (the document cannot state the tokenizer's tables).
  return new LogaggError('UNPROCESSABLE', 'q: the search text holds characters the full-text index does not split into words as logagg does (unassigned code points, or letters outside the Basic Multilingual Plane next to others); search for the words around them', { details: { param: 'q' } });
}
