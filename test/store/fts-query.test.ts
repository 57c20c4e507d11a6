import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { FTS_LIMITS, toFtsMatch } from '../../src/store/fts-query.js';
import { LogaggError } from '../../src/errors.js';

describe('toFtsMatch: accepted input', () => {
  test.each([
    // edges first
    ['x', '"x"'],
    ['  padded  ', '"padded"'],
    ['ünïcödé', '"ünïcödé"'],
    ['日本語', '"日本語"'],
    ['a'.repeat(FTS_LIMITS.MAX_INPUT), `"${'a'.repeat(FTS_LIMITS.MAX_INPUT)}"`],
    // The limit counts code points, as the API document's maxLength does: 2,000 astral letters are 4,000 UTF-16 units.
    ['\u{1D400}'.repeat(FTS_LIMITS.MAX_INPUT), `"${'\u{1D400}'.repeat(FTS_LIMITS.MAX_INPUT)}"`],
    // words and implicit AND
    ['error', '"error"'],
    ['disk full', '"disk" AND "full"'],
    // phrases, unterminated phrase runs to the end
    ['"connection refused"', '"connection refused"'],
    ['"connection refused', '"connection refused"'],
    ['"a" "b"', '"a" AND "b"'],
    ['x"y"z', '"x" AND "y" AND "z"'],
    // prefixes
    ['time*', '"time"*'],
    ['time***', '"time"*'],
    ['"connection ref"*', '"connection ref"*'],
    ['fo*o', '"fo*o"'],
    // operators
    ['a AND b', '"a" AND "b"'],
    ['a OR b', '"a" OR "b"'],
    ['a NOT b', '"a" NOT "b"'],
    ['a NOT b NOT c', '"a" NOT "b" NOT "c"'],
    ['a AND NOT b', '"a" NOT "b"'],
    ['a b OR c', '("a" AND "b") OR "c"'],
    ['a OR b c', '"a" OR ("b" AND "c")'],
    ['a b NOT c', '"a" AND ("b" NOT "c")'],
    ['a OR b OR c', '"a" OR "b" OR "c"'],
    // lower-case operators are words
    ['a and b', '"a" AND "and" AND "b"'],
    ['not found', '"not" AND "found"'],
    // parentheses
    ['(a OR b) c', '("a" OR "b") AND "c"'],
    ['(a OR b) NOT (c OR d)', '("a" OR "b") NOT ("c" OR "d")'],
    ['((a))', '"a"'],
    ['a (b c)', '"a" AND "b" AND "c"'],
    ['a OR (b OR c)', '"a" OR "b" OR "c"'],
    ['foo(bar)', '"foo" AND "bar"'],
    // unbalanced parentheses are spaces
    ['(a OR b', '"a" OR "b"'],
    ['a) OR (b', '"a" OR "b"'],
    [')(', null],
    // dangling operators vanish
    ['a OR', '"a"'],
    ['AND a', '"a"'],
    ['a AND OR b', '"a" OR "b"'],
    ['a NOT', '"a"'],
    ['a NOT NOT b', '"a" NOT "b"'],
    ['a () b', '"a" AND "b"'],
    // syntax of FTS5 itself is searched as text
    ['host:web-01', '"host:web-01"'],
    ['{message host}: x', '"{message" AND "host}:" AND "x"'],
    ['NEAR(a b, 2)', '"NEAR" AND "a" AND "b," AND "2"'],
    ['a\u0000b', '"a" AND "b"'],
    ['^start', '"^start"'],
    ['a + b', '"a" AND "b"'],
    ['-x', '"-x"'],
    ['say ""hi""', '"say" AND "hi"'],
    ['192.168.1.10', '"192.168.1.10"'],
    ['c:\\windows\\system32', '"c:\\windows\\system32"'],
    ["it's", `"it's"`],
  ])('%j → %j', (input, expected) => {
    if (expected === null) {
      expect(() => toFtsMatch(input)).toThrow(LogaggError);
    } else {
      expect(toFtsMatch(input)).toBe(expected);
    }
  });
});

describe('toFtsMatch: refused input is a BAD_REQUEST naming q', () => {
  test.each([
    ['', /no search term/],
    ['   \t\n', /no search term/],
    ['AND OR NOT', /NOT needs a term/],
    ['AND OR', /no search term/],
    ['()', /no search term/],
    ['*', /no search term/],
    ['"" "..." - !!!', /no search term/],
    ['NOT x', /NOT needs a term/],
    ['a OR NOT b', /NOT needs a term/],
    ['(NOT b)', /NOT needs a term/],
    ['() NOT b', /NOT needs a term/],
    ['a'.repeat(FTS_LIMITS.MAX_INPUT + 1), /longer than/],
    [Array.from({ length: FTS_LIMITS.MAX_TERMS + 1 }, (_, i) => `w${i}`).join(' '), /more than 64 search terms/],
    ['('.repeat(FTS_LIMITS.MAX_DEPTH + 1) + 'a' + ')'.repeat(FTS_LIMITS.MAX_DEPTH + 1), /nested deeper/],
  ])('%j', (input, why) => {
    try {
      toFtsMatch(input);
      expect.unreachable('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(LogaggError);
      expect((e as LogaggError).code).toBe('BAD_REQUEST');
      expect((e as LogaggError).details).toEqual({ param: 'q' });
      expect((e as LogaggError).message).toMatch(why);
    }
  });

  test('the deepest allowed nesting is accepted', () => {
    const d = FTS_LIMITS.MAX_DEPTH;
    expect(toFtsMatch('('.repeat(d) + 'a OR b' + ')'.repeat(d))).toBe('"a" OR "b"');
  });
});

describe('toFtsMatch against a real FTS5 table', () => {
  const db = new Database(':memory:');
  afterAll(() => db.close());
  db.exec("CREATE VIRTUAL TABLE t USING fts5(message, host, process, tokenize='unicode61 remove_diacritics 2', detail=full)");
  const docs = [
    'connection refused by upstream', // 1
    'connection reset by peer', // 2
    'disk full on /var', // 3
    'user admin logged in from 10.0.0.5', // 4
    'timeout while connecting', // 5
    'host:web-01 said hello', // 6
  ];
  const ins = db.prepare('INSERT INTO t(rowid, message, host, process) VALUES (?, ?, ?, ?)');
  docs.forEach((m, i) => ins.run(i + 1, m, 'web-01', 'nginx'));
  const ids = (q: string) => (db.prepare('SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid').pluck().all(toFtsMatch(q)) as number[]);

  test.each([
    ['connection', [1, 2]],
    ['"connection refused"', [1]],
    ['"refused connection"', []],
    ['conn*', [1, 2, 5]],
    ['connection AND reset', [2]],
    ['refused OR full', [1, 3]],
    ['connection NOT reset', [1]],
    ['(refused OR reset) NOT peer', [1]],
    ['10.0.0.5', [4]],
    ['"10.0.0"*', [4]],
    ['host:web-01', [6]],
    ['web-01', [1, 2, 3, 4, 5, 6]], // the host column is indexed too
    ['nginx', [1, 2, 3, 4, 5, 6]], // and the process column
    ['CONNECTION', [1, 2]], // case-insensitive
  ])('%j matches rows %j', (q, expected) => {
    expect(ids(q)).toEqual(expected);
  });

  const tricky = fc.constantFrom(
    '"', '(', ')', '*', ':', '^', '+', '-', '{', '}', ',', ' ', '  ', '\t', '\n', 'AND', 'OR', 'NOT', 'NEAR', 'and', 'a', 'b',
    'connection', 'message:', 'host:', '\u0000', '\u00e9', '\u0301', '\ud83d\ude00', '\ud800', '.', "'", '\\', '0x', '1',
  );
  const trickyString = fc.array(tricky, { maxLength: 40 }).map((parts) => parts.join(''));

  const runsOrRefuses = (input: string): void => {
    let match: string;
    try {
      match = toFtsMatch(input);
    } catch (e) {
      expect(e).toBeInstanceOf(LogaggError);
      expect((e as LogaggError).code).toBe('BAD_REQUEST');
      expect((e as LogaggError).details.param).toBe('q');
      return;
    }
    // Must run without an FTS5 syntax error, whatever it matches.
    db.prepare('SELECT count(*) FROM t WHERE t MATCH ?').get(match);
  };

  test('property: any string is refused with BAD_REQUEST or yields a MATCH that runs', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), runsOrRefuses), { numRuns: 3000 });
  });

  test('property: strings made of FTS5 syntax are refused or run', () => {
    fc.assert(fc.property(trickyString, runsOrRefuses), { numRuns: 5000 });
  });

  test('property: nested expressions up to the depth limit run', () => {
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('group')),
      leaf: fc.constantFrom('a', 'b*', '"c d"', 'connection', 'x:y'),
      group: fc
        .tuple(tie('tree'), fc.constantFrom(' AND ', ' OR ', ' NOT ', ' '), tie('tree'))
        .map(([l, op, r]) => `(${String(l)}${op}${String(r)})`),
    }));
    fc.assert(fc.property(tree, (q) => runsOrRefuses(String(q))), { numRuns: 2000 });
    // The worst shape: every level mixes OR, AND and NOT, MAX_DEPTH levels deep.
    let q = 'a';
    for (let i = 0; i < FTS_LIMITS.MAX_DEPTH; i++) q = `(x y NOT ${q} OR z)`;
    db.prepare('SELECT count(*) FROM t WHERE t MATCH ?').get(toFtsMatch(q));
  });

  test('property: a column filter never restricts the search to a column', () => {
    // `message:x` would find only rows whose message has x; as text it needs "message" too.
    fc.assert(
      fc.property(fc.constantFrom('message', 'host', 'process'), fc.constantFrom('connection', 'disk', 'web'), (col, word) => {
        const match = toFtsMatch(`${col}:${word}`);
        expect(match).toBe(`"${col}:${word}"`);
      }),
    );
  });
});
