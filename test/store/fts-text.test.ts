// Full text on the detail=none index (storage v2) must answer exactly what a positional
// (detail=full) FTS5 index over the same texts answers: proved here over real-shaped lines.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { enrich, EMPTY_ENRICH_CONTEXT } from '../../src/core/enrich.js';
import type { NormalizedEvent } from '../../src/core/event.js';
import { normalizeMessage } from '../../src/core/normalize.js';
import { toFtsMatch } from '../../src/store/fts-query.js';
import { ftsMatches, ftsPlan, ftsTokens } from '../../src/store/fts-text.js';
import { ftsText } from '../../src/store/log-block.js';
import { compileFilter } from '../../src/store/log-filter.js';
import { LogReader } from '../../src/store/log-reader.js';
import { LogWriter } from '../../src/store/log-writer.js';
import type { Connection } from '../../src/store/connection.js';
import { mixMessages } from '../../src/tools/sample-producer.js';
import { makeEvent, openTemp } from './fixtures.js';

describe('ftsTokens: unicode61 remove_diacritics 2 in JS', () => {
  test.each([
    ['', []],
    ['   ...  ', []],
    ['Hello, World', ['hello', 'world']],
    ['10.0.0.1:22', ['10', '0', '0', '1', '22']],
    ['café CAFÉ cafe\u0301', ['cafe', 'cafe', 'cafe']],
    ['a_b-c/d', ['a', 'b', 'c', 'd']],
    ['日本語 テスト', ['日本語', 'テスト']],
  ])('%j', (text, tokens) => {
    expect(ftsTokens(text)).toEqual(tokens);
  });
});

describe('ftsPlan', () => {
  test.each([
    // single safe tokens: the index decides alone, as before
    ['error', '"error"', false],
    ['time*', '"time"*', false],
    ['a OR b', '"a" OR "b"', false],
    // multi-token terms: AND of their tokens, then the exact check
    ['"connection refused"', '("connection" AND "refused")', true],
    ['10.0.0.1', '("10" AND "0" AND "0" AND "1")', true],
    ['"connection ref"*', '("connection" AND "ref"*)', true],
    // a negated multi-token term leaves the MATCH; the check applies it
    ['error NOT "disk full"', '"error"', true],
    ['error NOT (x OR "a b")', '"error"', true],
    ['error NOT x', '"error" NOT "x"', false],
  ])('%j → MATCH %s, verify %s', (q, match, verify) => {
    const p = ftsPlan(q);
    expect(p.match).toBe(match);
    expect(p.verify).toBe(verify);
  });

  test('ftsMatches: phrases are consecutive tokens, prefixes on the last one', () => {
    const tree = (q: string) => ftsPlan(q).tree;
    expect(ftsMatches(tree('"connection refused"'), 'Connection  REFUSED by peer')).toBe(true);
    expect(ftsMatches(tree('"connection refused"'), 'refused connection')).toBe(false);
    expect(ftsMatches(tree('"connection ref"*'), 'connection refused')).toBe(true);
    expect(ftsMatches(tree('10.0.0.1'), 'from 10.0.0.12')).toBe(false);
    expect(ftsMatches(tree('10.0.0.1*'), 'from 10.0.0.12')).toBe(true);
    expect(ftsMatches(tree('a NOT "b c"'), 'a b c')).toBe(false);
    expect(ftsMatches(tree('a NOT "b c"'), 'a c b')).toBe(true);
  });
});

describe('the store answers full text as a detail=full index would (property)', () => {
  let store: Connection;
  let ref: Database.Database;
  let vocab: string[];
  const texts = new Map<number, string>();

  beforeAll(() => {
    store = openTemp();
    const events: NormalizedEvent[] = [];
    let offset = 0;
    for (const mix of ['default', 'real'] as const) {
      for (const m of mixMessages(mix, 600, { seed: 11, start: Date.UTC(2026, 0, 1) })) {
        const e = normalizeMessage(Buffer.from(m.value), { source: { kind: 'kafka', topic: 't', partition: 0, offset: String(offset++) }, receivedAt: 1, maxBytes: 65536 });
        events.push(enrich(e, EMPTY_ENRICH_CONTEXT));
      }
    }
    // Edges the mixes may lack: accents, decomposed marks, phrases across message and program.
    for (const message of ['Café au lait served', 'cafe\u0301 noir', 'naïve façade', 'connection refused', 'refused connection', '']) {
      events.push(makeEvent({ message, process: 'connection', host: 'refused-host', source: { kind: 'kafka', topic: 't', partition: 0, offset: String(offset++) } }));
    }
    const { ids } = new LogWriter(store).writeBatch({ events, offsets: [] });
    ref = new Database(':memory:');
    ref.exec("CREATE VIRTUAL TABLE ref USING fts5(text, tokenize='unicode61 remove_diacritics 2', detail=full)");
    const ins = ref.prepare('INSERT INTO ref (rowid, text) VALUES (?, ?)');
    events.forEach((e, i) => {
      const text = ftsText(e.message, e.process, e.host);
      texts.set(ids[i]!, text);
      ins.run(ids[i], text);
    });
    vocab = [...new Set([...texts.values()].flatMap((t) => t.split(/\s+/)).filter((w) => w.length > 0))].sort();
  }, 60_000);
  afterAll(() => ref?.close());

  const expected = (q: string): number[] => ref.prepare('SELECT rowid FROM ref WHERE ref MATCH ? ORDER BY rowid').pluck().all(toFtsMatch(q)) as number[];
  const actual = (q: string): number[] => {
    const f = compileFilter({ q });
    return store.db.prepare(`SELECT id FROM logs WHERE ${f.conditions.join(' AND ')} ORDER BY id`).pluck().all(...f.params) as number[];
  };

  /** A term: a word of the texts as is (punctuation and all), a phrase of consecutive ones, or a prefix. */
  const term = (): fc.Arbitrary<string> =>
    fc.oneof(
      fc.integer({ min: 0, max: 1e9 }).map((i) => vocab[i % vocab.length]!.replaceAll('"', '')),
      fc.tuple(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 2, max: 4 })).map(([i, k]) => {
        const all = [...texts.values()];
        const words = ftsTokens(all[i % all.length]!);
        const at = words.length === 0 ? 0 : i % words.length;
        return '"' + words.slice(at, at + k).join(' ') + '"';
      }),
      fc.tuple(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 4 })).map(([i, n]) => vocab[i % vocab.length]!.replaceAll('"', '').slice(0, n) + '*'),
    );
  const query = (): fc.Arbitrary<string> =>
    fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, term(), tie('bin'), tie('paren')),
      bin: fc.tuple(tie('node'), fc.constantFrom(' ', ' AND ', ' OR ', ' NOT '), tie('node')).map(([a, op, b]) => `${a as string}${op}${b as string}`),
      paren: tie('node').map((x) => `(${x as string})`),
    })).node as fc.Arbitrary<string>;

  test('random queries over the texts: same rows', () => {
    let nonEmpty = 0;
    fc.assert(
      fc.property(query(), (q) => {
        let want: number[];
        try {
          want = expected(q);
        } catch {
          return; // not a query the API accepts (no term left, NOT without a left side)
        }
        if (want.length > 0) nonEmpty++;
        expect(actual(q)).toEqual(want);
      }),
      { numRuns: 400, seed: 12 },
    );
    // The property means something only if many queries match rows.
    expect(nonEmpty).toBeGreaterThan(100);
  });

  test.each(['"connection refused"', '"refused connection"', '"served connection"', 'cafe', '"cafe noir"', 'connection NOT "connection refused"', '"refused host"', '"host connection"'])(
    '%s: same rows, also through LogReader pages',
    (q) => {
      expect(actual(q)).toEqual(expected(q));
      const page = new LogReader(store).queryLogs({ q }, { limit: 1000, order: 'asc' });
      expect(page.items.map((e) => e.id).sort((a, b) => a - b)).toEqual(expected(q));
    },
  );
});
