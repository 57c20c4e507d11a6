import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { columnSizes, hasDbstat, messageOverlap, objectSizes } from '../../src/bench/storage-breakdown.js';
import { openSqlite, type SqlDb } from '../../src/store/sqlite.js';

let db: SqlDb;
beforeEach(() => {
  db = openSqlite(':memory:', { readonly: false, busyTimeoutMs: 0 });
});
afterEach(() => db.close());

describe('objectSizes', () => {
  test('dbstat is compiled into the bundled SQLite', () => {
    expect(hasDbstat(db)).toBe(true);
  });

  test('a database never written: no pages at all', () => {
    expect(objectSizes(db)).toEqual([]);
  });

  test('one empty table: its page and the schema page', () => {
    db.exec('CREATE TABLE t (a TEXT)');
    expect(objectSizes(db).map((s) => [s.name, s.group, s.pages, s.bytes, s.payload])).toEqual([
      ['sqlite_schema', 'other', 1, 4096, expect.any(Number)],
      ['t', 'other', 1, 4096, 0],
    ]);
  });

  test('groups the logs table, its indexes, the FTS5 shadow tables and the rollups; sizes add up to the file', () => {
    db.exec(`
      CREATE TABLE logs (id INTEGER PRIMARY KEY, host TEXT, message TEXT);
      CREATE INDEX logs_host ON logs(host);
      CREATE VIRTUAL TABLE logs_fts USING fts5(message, content='logs', content_rowid='id');
      CREATE TABLE rollup_1m (bucket INTEGER PRIMARY KEY, n INTEGER);
      CREATE TABLE offsets (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;
    `);
    const ins = db.prepare('INSERT INTO logs (id, host, message) VALUES (?, ?, ?)');
    const fts = db.prepare('INSERT INTO logs_fts (rowid, message) VALUES (?, ?)');
    for (let i = 1; i <= 2000; i++) {
      const message = `request ${i} served from cache ${'x'.repeat(i % 300)}`;
      ins.run(i, `web-${i % 7}`, message);
      fts.run(i, message);
    }
    const sizes = objectSizes(db);
    const group = (name: string) => sizes.find((s) => s.name === name)?.group;
    expect(group('logs')).toBe('logs');
    expect(group('logs_host')).toBe('logs indexes');
    expect(group('logs_fts_data')).toBe('fts');
    expect(group('logs_fts_idx')).toBe('fts');
    expect(group('logs_fts_config')).toBe('fts');
    expect(group('rollup_1m')).toBe('rollups');
    expect(group('offsets')).toBe('other');
    // The content table is the largest; the list is sorted by size.
    expect(sizes[0]?.name).toBe('logs');
    expect(sizes.map((s) => s.bytes)).toEqual([...sizes.map((s) => s.bytes)].sort((a, b) => b - a));
    const total = Number(db.pragmaValue('page_count')) * Number(db.pragmaValue('page_size'));
    expect(sizes.reduce((n, s) => n + s.bytes, 0)).toBe(total);
    const logs = sizes.find((s) => s.name === 'logs');
    expect(logs?.payload).toBeGreaterThan(2000 * 30);
  });

  test('pages freed by deletes are counted as free pages', () => {
    db.exec('CREATE TABLE logs (id INTEGER PRIMARY KEY, message TEXT)');
    const ins = db.prepare('INSERT INTO logs (message) VALUES (?)');
    for (let i = 0; i < 500; i++) ins.run('y'.repeat(1000));
    db.exec('DELETE FROM logs');
    const free = objectSizes(db).find((s) => s.name === '(freelist)');
    expect(free?.group).toBe('free pages');
    expect(free?.pages).toBe(Number(db.pragmaValue('freelist_count')));
    expect(free?.pages).toBeGreaterThan(100);
  });
});

describe('columnSizes', () => {
  test('an unknown table is an error', () => {
    expect(() => columnSizes(db, 'nope')).toThrow(/no table nope/);
  });

  test('bytes as SQLite records them: integers by magnitude, reals 8, text its UTF-8 length, each plus its type code', () => {
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, "odd ""name""" TEXT)');
    const ins = db.prepare('INSERT INTO t (i, r, s, "odd ""name""") VALUES (?, ?, ?, ?)');
    ins.run(0, 1.5, 'é', null); // i: 0 bytes + 1; r: 8 + 1; s: 2 + 1; null: 1
    ins.run(1, null, 'x'.repeat(58), null); // i: 0 + 1; s: 58 + 2 (a longer type code)
    ins.run(300, null, null, 'abc'); // i: 2 + 1
    ins.run(2 ** 40, null, null, null); // i: 6 + 1
    const sizes = Object.fromEntries(columnSizes(db, 't').map((c) => [c.column, c]));
    expect(Object.keys(sizes).sort()).toEqual(['i', 'odd "name"', 'r', 's']); // the rowid alias is not in the record
    expect(sizes.i).toEqual({ column: 'i', present: 4, bytes: 1 + 1 + 3 + 7 });
    expect(sizes.r).toEqual({ column: 'r', present: 1, bytes: 9 + 1 + 1 + 1 });
    expect(sizes.s).toEqual({ column: 's', present: 2, bytes: 3 + 60 + 1 + 1 });
    expect(sizes['odd "name"']).toEqual({ column: 'odd "name"', present: 1, bytes: 1 + 1 + 4 + 1 });
  });

  test('an empty table: zero bytes', () => {
    db.exec('CREATE TABLE t (a TEXT)');
    expect(columnSizes(db, 't')).toEqual([{ column: 'a', present: 0, bytes: 0 }]);
  });
});

describe('messageOverlap', () => {
  test('no rows: all zero', () => {
    db.exec('CREATE TABLE logs (id INTEGER PRIMARY KEY, message TEXT NOT NULL, raw TEXT NOT NULL)');
    expect(messageOverlap(db)).toEqual({ events: 0, equal: 0, inside: 0, other: 0, otherBytes: 0, messageBytes: 0 });
  });

  test('sorts each message: raw itself, a part of raw, or text raw does not hold', () => {
    db.exec('CREATE TABLE logs (id INTEGER PRIMARY KEY, message TEXT NOT NULL, raw TEXT NOT NULL)');
    const ins = db.prepare('INSERT INTO logs (message, raw) VALUES (?, ?)');
    ins.run('plain line', 'plain line');
    ins.run('Failed password', '<34>Nov 20 10:16:03 h sshd[1]: Failed password');
    ins.run('a "quoted" é', '{"msg":"a \\"quoted\\" \\u00e9"}');
    ins.run('', 'empty message');
    expect(messageOverlap(db)).toEqual({ events: 4, equal: 1, inside: 2, other: 1, otherBytes: 13, messageBytes: 10 + 15 + 13 });
  });
});
