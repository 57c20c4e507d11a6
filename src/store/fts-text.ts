/**
 * Full text on an index without positions (storage v2: FTS5 `detail=none`, docs/schema.md).
 * Pure.
 *
 * Such an index answers single words and prefixes exactly but refuses phrases, and a term
 * the tokenizer splits (`"connection refused"`, `10.0.0.1`, `a-b`) is a phrase. So a query is
 * run in two steps:
 *  - a relaxed MATCH that finds a superset: every multi-token term, where it counts positively,
 *    becomes the AND of its tokens; a negated sub-expression holding one is left out (leaving
 *    it in would remove rows the exact query keeps);
 *  - when the query has a multi-token term, the exact expression checked on each candidate's
 *    text (ftsMatches) with a tokenizer equal to FTS5's `unicode61 remove_diacritics 2`.
 * test/store/fts-text.test.ts proves the pair equal to a `detail=full` index over the same texts.
 */
import { parseFtsQuery, renderFts, type FtsNode } from './fts-query.js';

const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;
const MARKS = /\p{M}/gu;

/**
 * Characters whose tokenization JS and SQLite's unicode61 tables (Unicode 6.1) agree on: ASCII
 * letters and digits, Latin-1 and Latin Extended-A/B, Greek, Cyrillic, CJK ideographs. A token
 * with any other character is left out of the relaxed MATCH (it might be a phrase to SQLite, or
 * no token at all) and decided by the check alone.
 */
const SAFE_TOKEN = /^[0-9a-z\u00c0-\u024f\u0370-\u04ff\u4e00-\u9fcc]+$/u;

/** unicode61 remove_diacritics 2 in JS: decompose, lower-case, drop the marks, split. */
export function ftsTokens(text: string): string[] {
  const folded = text.normalize('NFD').toLowerCase().normalize('NFD').replace(MARKS, '');
  return folded.match(TOKEN) ?? [];
}

interface TermInfo {
  tokens: string[];
  /** Decided by the index alone (one safe token). */
  exact: boolean;
}

const termCache = new WeakMap<FtsNode, TermInfo>();

function termInfo(n: Extract<FtsNode, { k: 'term' }>): TermInfo {
  let t = termCache.get(n);
  if (!t) {
    const tokens = ftsTokens(n.text);
    t = { tokens, exact: tokens.length === 1 && SAFE_TOKEN.test(tokens[0]!) };
    termCache.set(n, t);
  }
  return t;
}

function isExact(n: FtsNode): boolean {
  if (n.k === 'term') return termInfo(n).exact;
  if (n.k === 'not') return isExact(n.left) && n.negs.every(isExact);
  return n.items.every(isExact);
}

const quote = (s: string) => '"' + s.replaceAll('"', '""') + '"';

/** The relaxed expression's text, or null for "every row" (nothing the index can narrow by). */
function relax(n: FtsNode): string | null {
  if (n.k === 'term') {
    const t = termInfo(n);
    if (t.exact) return renderFts(n);
    const parts = t.tokens
      .map((tok, i) => (SAFE_TOKEN.test(tok) ? quote(tok) + (n.prefix && i === t.tokens.length - 1 ? '*' : '') : null))
      .filter((x): x is string => x !== null);
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0]! : '(' + parts.join(' AND ') + ')';
  }
  if (n.k === 'not') {
    const left = relax(n.left);
    // "every row NOT x" cannot be written in FTS5; every row is a superset of it.
    if (left === null) return null;
    const negs = n.negs.filter(isExact).map((x) => renderFts(x));
    return negs.length === 0 ? left : '(' + [left, ...negs.map((x) => '(' + x + ')')].join(' NOT ') + ')';
  }
  const items = n.items.map(relax);
  if (n.k === 'or') return items.some((x) => x === null) ? null : '(' + items.join(' OR ') + ')';
  const kept = items.filter((x): x is string => x !== null);
  if (kept.length === 0) return null;
  return kept.length === 1 ? kept[0]! : '(' + kept.join(' AND ') + ')';
}

export interface FtsPlan {
  tree: FtsNode;
  /** The MATCH for the index: the exact query, or a superset of it; null: no narrowing. */
  match: string | null;
  /** Candidates must be checked with ftsMatches (the query has a multi-token term). */
  verify: boolean;
}

/** How to run a user's search text; throws BAD_REQUEST naming `q`. */
export function ftsPlan(input: string): FtsPlan {
  const tree = parseFtsQuery(input);
  if (isExact(tree)) return { tree, match: renderFts(tree), verify: false };
  return { tree, match: relax(tree), verify: true };
}

function phraseAt(doc: readonly string[], q: readonly string[], prefix: boolean): boolean {
  const k = q.length;
  if (k === 0) return false;
  outer: for (let i = 0; i + k <= doc.length; i++) {
    for (let j = 0; j < k; j++) {
      const d = doc[i + j]!;
      const last = j === k - 1;
      if (last && prefix ? !d.startsWith(q[j]!) : d !== q[j]) continue outer;
    }
    return true;
  }
  return false;
}

function evaluate(n: FtsNode, doc: readonly string[]): boolean {
  if (n.k === 'term') return phraseAt(doc, termInfo(n).tokens, n.prefix);
  if (n.k === 'not') return evaluate(n.left, doc) && !n.negs.some((x) => evaluate(x, doc));
  if (n.k === 'and') return n.items.every((x) => evaluate(x, doc));
  return n.items.some((x) => evaluate(x, doc));
}

/** Whether a text matches the query exactly as a positional (detail=full) FTS5 index would. */
export function ftsMatches(tree: FtsNode, text: string): boolean {
  return evaluate(tree, ftsTokens(text));
}
