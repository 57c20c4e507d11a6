// The SQL of backup and restore on real SQLite files: the copy VACUUM INTO writes (plain and
// encrypted), the checks a copy must pass, and the in-use probe.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkCopy, databaseInUse, databaseSize, vacuumInto } from '../../src/store/backup.js';
import type { StoreEncryption } from '../../src/store/cipher.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';
import { caught, makeEvent, openTemp, tempDbPath } from './fixtures.js';

const SQLITE_MAGIC = 'SQLite format 3\0';

function seeded(file = tempDbPath(), opts: { encryption?: StoreEncryption } = {}) {
  const s = openTemp(file, opts);
  new LogWriter(s).writeBatch({
    events: Array.from({ length: 50 }, (_, i) => makeEvent({ message: `backup row ${i}` })),
    offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: '50' }],
  });
  return s;
}

describe('vacuumInto', () => {
  test('refuses to overwrite an existing file', () => {
    const s = seeded();
    const dest = path.join(tempDir(), 'exists.db');
    writeFileSync(dest, 'keep me');
    expect(caught(() => vacuumInto(s, dest)).code).toBe('STORE_FAILED');
    expect(readFileSync(dest, 'utf8')).toBe('keep me');
  });

  test('copies every row, also from a read-only store (query_only is restored after)', () => {
    const file = tempDbPath();
    seeded(file);
    const ro = openTemp(file, { readonly: true });
    const dest = path.join(tempDir(), 'copy.db');
    vacuumInto(ro, dest);
    expect(ro.db.pragmaValue('query_only')).toBe(1);
    expect(checkCopy(dest)).toEqual({ schemaVersion: MIGRATIONS.length, latest: MIGRATIONS.length, events: 50, alerts: 0, offsets: 1 });
    expect(databaseSize(ro).usedBytes).toBeGreaterThan(0);
  });

  test('an encrypted store gives an encrypted copy that opens with the same key and only with it', () => {
    const encryption: StoreEncryption = { key: randomBytes(32), cipher: 'chacha20' };
    const s = seeded(tempDbPath(), { encryption });
    const dest = path.join(tempDir(), 'copy.db');
    vacuumInto(s, dest);
    const bytes = readFileSync(dest);
    expect(bytes.subarray(0, 16).toString('latin1')).not.toBe(SQLITE_MAGIC);
    expect(bytes.includes(Buffer.from('backup row 7'))).toBe(false);
    expect(checkCopy(dest, { encryption }).events).toBe(50);
    expect(caught(() => checkCopy(dest, { encryption: { key: randomBytes(32), cipher: 'chacha20' } })).code).toBe('CONFIG_INVALID');
    expect(caught(() => checkCopy(dest)).code).toBe('STORE_FAILED');
  });
});

describe('checkCopy', () => {
  test.each([
    ['an empty file', Buffer.alloc(0), /not a logagg one/],
    ['text', Buffer.from('hello, not a database\n'), /not a SQLite database/],
  ])('%s is refused', (_name, content, message) => {
    const f = path.join(tempDir(), 'bad.db');
    writeFileSync(f, content);
    const e = caught(() => checkCopy(f));
    expect(e.code).toBe('STORE_FAILED');
    expect(e.message).toMatch(message);
  });

  test('a damaged page fails integrity_check', () => {
    const file = tempDbPath();
    const s = seeded(file);
    const dest = path.join(tempDir(), 'copy.db');
    vacuumInto(s, dest);
    const bytes = readFileSync(dest);
    // Page 2 onward: overwrite the middle of the file (b-tree pages), keep the header intact.
    const pageSize = bytes.readUInt16BE(16);
    bytes.fill(0x41, pageSize * 3, pageSize * 3 + 200);
    writeFileSync(dest, bytes);
    const e = caught(() => checkCopy(dest));
    expect(e.code).toBe('STORE_FAILED');
    expect(e.message).toMatch(/damaged|malformed/);
  });

  test('a newer schema is refused, an older one reported for migration', () => {
    const older = tempDbPath();
    openStore(older, { migrations: MIGRATIONS.slice(0, 2) }).close();
    expect(checkCopy(older)).toMatchObject({ schemaVersion: 2, latest: MIGRATIONS.length, alerts: 0 });
    const newer = tempDbPath();
    const extra = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'future', sql: 'CREATE TABLE future (x)' }];
    openStore(newer, { migrations: extra }).close();
    const e = caught(() => checkCopy(newer));
    expect(e.code).toBe('STORE_FAILED');
    expect(e.message).toMatch(/schema version \d+ but this logagg knows only up to/);
  });

  test('a SQLite file without a logagg schema is refused', () => {
    const f = tempDbPath();
    openStore(f, { migrations: [] }).close();
    expect(caught(() => checkCopy(f)).message).toMatch(/not a logagg one/);
  });
});

describe('databaseInUse', () => {
  test('true while a store has the file open, false once it is closed', () => {
    const file = tempDbPath();
    const s = openStore(file);
    expect(databaseInUse(file)).toBe(true);
    const ro = openStore(file, { readonly: true });
    s.close();
    expect(databaseInUse(file)).toBe(true);
    ro.close();
    expect(databaseInUse(file)).toBe(false);
  });
});
