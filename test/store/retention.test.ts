import { describe, expect, test } from 'vitest';
import { LogReader } from '../../src/store/log-reader.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { pruneAll, pruneLogsOnce, pruneOnce, pruneRollupsOnce, retentionCutoffs } from '../../src/store/retention.js';
import { HOUR_MS, MINUTE_MS } from '../../src/store/rollup-writer.js';
import { openStore } from '../../src/store/store.js';
import { caught, checkFts, makeEvent, openTemp, T0, tempDbPath } from './fixtures.js';

const DAY = 86_400_000;

function seeded() {
  const s = openTemp();
  const w = new LogWriter(s);
  // 30 old events ("ancient …"), 10 new ones ("fresh …"), interleaved in id order.
  const events = Array.from({ length: 40 }, (_, i) =>
    i % 4 === 3
      ? makeEvent({ ts: T0 + i * 1000, message: `fresh event ${i}`, host: 'new' })
      : makeEvent({ ts: T0 - 10 * DAY + i * MINUTE_MS, message: `ancient event ${i}`, host: 'old' }),
  );
  w.writeBatch({ events, offsets: [] });
  return { s, w, reader: new LogReader(s) };
}


describe('retentionCutoffs', () => {
  test.each([
    [{ logs: 30, rollup1m: 14, rollup1h: 400 }, { olderThanMs: T0 - 30 * DAY, rollup1mOlderThanMs: T0 - 14 * DAY, rollup1hOlderThanMs: T0 - 400 * DAY }],
    [{ logs: 0, rollup1m: 0, rollup1h: 0 }, { olderThanMs: null, rollup1mOlderThanMs: null, rollup1hOlderThanMs: null }],
    [{ logs: 0.5, rollup1m: 1, rollup1h: 0 }, { olderThanMs: T0 - DAY / 2, rollup1mOlderThanMs: T0 - DAY, rollup1hOlderThanMs: null }],
  ])('%j', (days, expected) => {
    expect(retentionCutoffs(T0, days)).toEqual(expected);
  });
});

describe('pruneLogsOnce: blocks (storage v2)', () => {
  test('a block goes once none of its events is left, with its offset ranges; one with events left stays whole', () => {
    const s = openTemp(tempDbPath(), { blockEvents: 4 });
    const w = new LogWriter(s);
    const old = (i: number) => makeEvent({ ts: T0 - 10 * DAY + i, message: `ancient ${i}` });
    const fresh = (i: number) => makeEvent({ ts: T0 + i, message: `fresh ${i}` });
    // Blocks of 4: [old old old old] [old old fresh old] [fresh fresh]
    const { ids } = w.writeBatch({ events: [old(0), old(1), old(2), old(3), old(4), old(5), fresh(6), old(7), fresh(8), fresh(9)], offsets: [] });
    const blocks = () => s.db.prepare('SELECT first_id FROM log_blocks ORDER BY first_id').pluck().all();
    const ranges = () => s.db.prepare('SELECT first_id FROM log_offset_ranges ORDER BY first_id').pluck().all();
    const firstBlockBytes = Number(s.db.prepare('SELECT length(payload) FROM log_blocks WHERE first_id = ?').pluck().get(ids[0]));
    expect(blocks()).toEqual([ids[0], ids[4], ids[8]]);
    expect(ranges()).toEqual([ids[0], ids[4], ids[8]]);

    // One chunk deletes 3 of the first block's 4: it stays.
    expect(pruneLogsOnce(s, { olderThanMs: T0 - DAY, chunk: 3 })).toEqual({ logs: 3, blocks: 0, block_bytes: 0 });
    expect(blocks()).toEqual([ids[0], ids[4], ids[8]]);
    const reader = new LogReader(s);
    expect(reader.getLog(ids[3]!)?.message).toBe('ancient 3');
    // The rest: the first block empties and goes; the second keeps its fresh event, whole.
    expect(pruneLogsOnce(s, { olderThanMs: T0 - DAY, chunk: 100 })).toEqual({ logs: 4, blocks: 1, block_bytes: firstBlockBytes });
    expect(blocks()).toEqual([ids[4], ids[8]]);
    expect(ranges()).toEqual([ids[4], ids[8]]);
    expect(reader.queryLogs({}, { limit: 10, order: 'asc' }).items.map((e) => e.message)).toEqual(['fresh 6', 'fresh 8', 'fresh 9']);
    expect(reader.getLog(ids[0]!)).toBeNull();
    checkFts(s);
  });

  test('a row whose block is already gone is skipped, not an error', () => {
    const s = openTemp();
    const { ids } = new LogWriter(s).writeBatch({ events: [makeEvent({ message: 'orphan' })], offsets: [] });
    s.db.prepare('DELETE FROM log_blocks').run();
    const reader = new LogReader(s);
    expect(reader.getLog(ids[0]!)).toBeNull();
    expect(reader.queryLogs({}, { limit: 10, order: 'asc' }).items).toEqual([]);
    expect(reader.countLogs({})).toBe(1);
  });
});

describe('pruneOnce', () => {
  test('deletes at most one chunk of the oldest rows before the cutoff', () => {
    const { s, reader } = seeded();
    expect(pruneOnce(s, { olderThanMs: T0 - DAY, chunk: 7 })).toBe(7);
    expect(reader.countLogs({})).toBe(33);
    expect(reader.countLogs({ q: 'fresh' })).toBe(10);
    // The oldest went first.
    const oldest = reader.queryLogs({ hosts: ['old'] }, { limit: 1, order: 'asc' }).items[0]!;
    expect(oldest.ts).toBe(T0 - 10 * DAY + 9 * MINUTE_MS); // i = 0,1,2,4,5,6,8 deleted; 9 is next
    checkFts(s);
  });

  test('deletes nothing when nothing is old enough', () => {
    const { s, reader } = seeded();
    expect(pruneOnce(s, { olderThanMs: T0 - 11 * DAY })).toBe(0);
    expect(reader.countLogs({})).toBe(40);
  });

  test('the cutoff is exclusive', () => {
    const s = openTemp();
    new LogWriter(s).writeBatch({ events: [makeEvent({ ts: T0 - 1 }), makeEvent({ ts: T0 })], offsets: [] });
    expect(pruneOnce(s, { olderThanMs: T0 })).toBe(1);
    expect(new LogReader(s).queryLogs({}, { limit: 5, order: 'asc' }).items.map((e) => e.ts)).toEqual([T0]);
  });

  test.each([0, -1, 1.5])('chunk %s is a BAD_REQUEST', (chunk) => {
    expect(caught(() => pruneOnce(openTemp(), { olderThanMs: T0, chunk })).details).toEqual({ param: 'chunk' });
  });
});

describe('pruneAll', () => {
  test('deletes only old rows, keeps FTS consistent, reports progress', async () => {
    const { s, reader } = seeded();
    const progress: number[] = [];
    const done = await pruneAll(s, { olderThanMs: T0 - DAY, chunk: 4 }, (p) => progress.push(p.logs));
    expect(done).toEqual({ logs: 30, rollup_1m: 0, rollup_1h: 0 });
    expect(progress).toEqual([4, 8, 12, 16, 20, 24, 28, 30]);
    expect(reader.countLogs({})).toBe(10);
    expect(reader.countLogs({ q: 'ancient' })).toBe(0); // a deleted message is not found
    expect(reader.countLogs({ q: 'fresh' })).toBe(10);
    expect(reader.countLogs({ q: 'event' })).toBe(10);
    checkFts(s);
    // The FTS index holds exactly the kept rows.
    const ftsRows = s.db.prepare("SELECT count(*) FROM logs_fts WHERE logs_fts MATCH 'event'").pluck().get();
    expect(ftsRows).toBe(10);
    // Rollups are not touched by log retention.
    expect(s.db.prepare("SELECT sum(count) FROM rollup_1m WHERE host = 'old'").pluck().get()).toBe(30);
  });

  test('the FTS check used here does notice rows deleted behind the index\'s back', () => {
    const { s } = seeded();
    s.db.exec('DROP TRIGGER logs_fts_ad');
    pruneOnce(s, { olderThanMs: T0 - DAY, chunk: 1 });
    expect(() => checkFts(s)).toThrow();
  });

  test('rollups have their own, longer cutoffs', async () => {
    const s = openTemp();
    new LogWriter(s).writeBatch({
      events: [T0 - 100 * DAY, T0 - 20 * DAY, T0 - 20 * DAY + MINUTE_MS, T0].map((ts) => makeEvent({ ts })),
      offsets: [],
    });
    const done = await pruneAll(s, { olderThanMs: T0 - DAY, rollup1mOlderThanMs: T0 - 14 * DAY, rollup1hOlderThanMs: T0 - 60 * DAY, chunk: 1 });
    expect(done).toEqual({ logs: 3, rollup_1m: 3, rollup_1h: 1 });
    expect(s.db.prepare('SELECT bucket_start FROM rollup_1m').pluck().all()).toEqual([T0]);
    expect(s.db.prepare('SELECT bucket_start FROM rollup_1h ORDER BY 1').pluck().all()).toEqual([T0 - 20 * DAY - ((T0 - 20 * DAY) % HOUR_MS), T0]);
  });

  test('null cutoffs keep everything', async () => {
    const { s } = seeded();
    expect(await pruneAll(s, { olderThanMs: null })).toEqual({ logs: 0, rollup_1m: 0, rollup_1h: 0 });
  });

  test('a pruned id is never reused, even when the newest row was deleted', async () => {
    const s = openTemp();
    const w = new LogWriter(s);
    const { ids } = w.writeBatch({ events: [makeEvent({ ts: T0 - DAY })], offsets: [] });
    await pruneAll(s, { olderThanMs: T0 });
    const again = w.writeBatch({ events: [makeEvent({ ts: T0 })], offsets: [] });
    expect(again.ids[0]).toBeGreaterThan(ids[0]!);
  });

  test('the writer can commit batches between chunks', async () => {
    const file = tempDbPath();
    const s = openTemp(file);
    const w = new LogWriter(s);
    w.writeBatch({ events: Array.from({ length: 100 }, (_, i) => makeEvent({ ts: T0 - DAY + i })), offsets: [] });
    // Another connection writes while pruning runs: it only ever waits for one chunk.
    const other = openStore(file, { busyTimeoutMs: 1000 });
    try {
      const otherWriter = new LogWriter(other);
      let written = 0;
      await pruneAll(s, { olderThanMs: T0, chunk: 10 }, () => {
        written += otherWriter.writeBatch({ events: [makeEvent({ ts: T0 + written })], offsets: [] }).inserted;
      });
      expect(written).toBe(10);
      expect(new LogReader(s).countLogs({})).toBe(10);
    } finally {
      other.close();
    }
  });
});

describe('pruneRollupsOnce', () => {
  test('deletes a bounded chunk of the oldest buckets', () => {
    const s = openTemp();
    new LogWriter(s).writeBatch({
      events: Array.from({ length: 10 }, (_, i) => makeEvent({ ts: T0 + i * MINUTE_MS, host: i % 2 ? 'a' : 'b' })),
      offsets: [],
    });
    expect(pruneRollupsOnce(s, 'rollup_1m', T0 + 5 * MINUTE_MS, 3)).toBe(3);
    expect(s.db.prepare('SELECT min(bucket_start) FROM rollup_1m').pluck().get()).toBe(T0 + 3 * MINUTE_MS);
    expect(pruneRollupsOnce(s, 'rollup_1m', T0 + 5 * MINUTE_MS, 3)).toBe(2);
    expect(pruneRollupsOnce(s, 'rollup_1m', T0 + 5 * MINUTE_MS, 3)).toBe(0);
  });
});
