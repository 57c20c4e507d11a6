import { afterAll, describe, expect, test } from 'vitest';
import { ensureDataset } from '../../src/bench/api-dataset.js';
import { benchQueries, deepCursorAt, DEFAULT_QUERY_INPUTS, ftsMatches } from '../../src/bench/api-queries.js';
import { decodeCursor, encodeCursor } from '../../src/store/cursor.js';
import { openStore } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';
import { queryV1 } from '../helpers/v1-rows.js';

const END = Date.UTC(2026, 4, 1, 12, 0, 0);
const START = END - 86_400_000;
const CURSOR = encodeCursor({ ts: START + 1000, id: 4242, order: 'desc' });

function params(path: string): URLSearchParams {
  return new URL(path, 'http://x').searchParams;
}

describe('benchQueries', () => {
  const queries = benchQueries({ ...DEFAULT_QUERY_INPUTS, start: START, end: END, deepCursor: CURSOR });
  const byName = new Map(queries.map((q) => [q.name, q]));

  test('names are unique and every path is under /api/v1', () => {
    expect(byName.size).toBe(queries.length);
    for (const q of queries) expect(q.path.startsWith('/api/v1/')).toBe(true);
  });

  test('the filtered pages: host, level, 100 rows; the deep one adds the cursor unchanged', () => {
    const first = params(byName.get('logs.filtered.first')!.path);
    expect(Object.fromEntries(first)).toEqual({ host: 'web-01', level: 'warning', limit: '100' });
    const deep = params(byName.get('logs.filtered.deep')!.path);
    expect(Object.fromEntries(deep)).toEqual({ host: 'web-01', level: 'warning', limit: '100', cursor: CURSOR });
  });

  test('full text: a word, and a phrase in double quotes', () => {
    expect(params(byName.get('logs.fts.word')!.path).get('q')).toBe('carol');
    expect(params(byName.get('logs.fts.phrase')!.path).get('q')).toBe('"upstream timeout"');
  });

  test('the summaries span exactly 24 h ending a minute after the newest event, in 1h buckets', () => {
    for (const name of ['summary.24h', 'summary.24h.host']) {
      const p = params(byName.get(name)!.path);
      expect(Date.parse(p.get('to')!)).toBe(END + 60_000);
      expect(Date.parse(p.get('to')!) - Date.parse(p.get('from')!)).toBe(86_400_000);
      expect(p.get('bucket')).toBe('1h');
    }
    expect(params(byName.get('summary.24h.host')!.path).get('host')).toBe('web-01');
  });

  test('targets: 50 ms for pages, full-text ones too (issue 12), 20 ms for one event and the summary', () => {
    expect(queries.map((q) => [q.name, q.targetP99Ms])).toEqual([
      ['logs.filtered.first', 50],
      ['logs.filtered.deep', 50],
      ['logs.first', 50],
      ['logs.deep', 50],
      ['logs.one', 20],
      ['logs.fts.word', 50],
      ['logs.fts.phrase', 50],
      ['summary.24h', 20],
      ['summary.24h.host', 20],
    ]);
  });
});

test('one event: the id the deep cursor stands at', () => {
  const q = benchQueries({ ...DEFAULT_QUERY_INPUTS, start: START, end: END, deepCursor: CURSOR }).find((x) => x.name === 'logs.one');
  expect(q?.path).toBe('/api/v1/logs/4242');
});

describe('deepCursorAt and ftsMatches on a generated dataset', () => {
  const d = ensureDataset({ dir: tempDir(), events: 2000, log: () => undefined, now: END + 120_000 });
  const store = openStore(d.path, { readonly: true });
  afterAll(() => store.close());

  test('the cursor names a real row near 90% back in time, for desc order', () => {
    const c = decodeCursor(deepCursorAt(store, d.meta.start, d.meta.end, 0.9), 'desc');
    const target = d.meta.end - 0.9 * (d.meta.end - d.meta.start);
    const row = store.db.prepare('SELECT ts FROM logs WHERE id = ?').get(c.id) as { ts: number };
    expect(row.ts).toBe(c.ts);
    expect(c.ts).toBeLessThanOrEqual(target);
    // One event every ~43 s in this small dataset: the newest row at or before the target is close.
    expect(target - c.ts).toBeLessThan(5 * 60_000);
    const older = store.db.prepare('SELECT count(*) AS n FROM logs WHERE ts < ? OR (ts = ? AND id < ?)').get(c.ts, c.ts, c.id) as { n: number };
    expect(older.n / 2000).toBeGreaterThan(0.05);
    expect(older.n / 2000).toBeLessThan(0.15);
  });

  test('before the first event there is no row to point at', () => {
    expect(() => deepCursorAt(store, d.meta.start - 10 * 86_400_000, d.meta.start - 86_400_000, 0.9)).toThrow(/no event at or before/);
  });

  test('match counts agree with a scan of the indexed columns', () => {
    const rows = queryV1(store, 'SELECT message, host, process FROM logs') as { message: string; host: string | null; process: string | null }[];
    const word = rows.filter((r) => [r.message, r.host, r.process].some((t) => t !== null && /\bcarol\b/i.test(t))).length;
    const phrase = rows.filter((r) => /\bupstream timeout\b/i.test(r.message)).length;
    expect(word).toBeGreaterThan(0);
    expect(ftsMatches(store, 'carol')).toBe(word);
    expect(ftsMatches(store, '"upstream timeout"')).toBe(phrase);
  });
});
