import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { MIGRATIONS, latestVersion, type Migration } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/store.js';
import { caught, openTemp, tempDbPath } from './fixtures.js';
import { tempDir } from '../helpers/temp.js';

const tables = (s: ReturnType<typeof openStore>) =>
  (s.db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table','index','trigger') ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe('openStore (writer)', () => {
  test('creates the schema from empty, in WAL mode, with the pragmas the design asks for', () => {
    const file = tempDbPath();
    const s = openTemp(file);
    expect(s.schemaVersion).toBe(latestVersion());
    expect(s.db.pragmaValue('user_version')).toBe(latestVersion());
    expect(s.db.pragmaValue('journal_mode')).toBe('wal');
    expect(s.db.pragmaValue('synchronous')).toBe(1); // NORMAL
    expect(s.db.pragmaValue('foreign_keys')).toBe(1);
    expect(s.db.pragmaValue('busy_timeout')).toBe(5000);
    expect(s.db.pragmaValue('cache_size')).toBe(-64 * 1024);
    expect(s.db.pragmaValue('temp_store')).toBe(2); // MEMORY
    expect(tables(s)).toEqual(
      expect.arrayContaining(['logs', 'logs_fts', 'logs_ts', 'logs_host_ts', 'log_blocks', 'log_dict', 'log_offset_ranges', 'offsets', 'rollup_1m', 'rollup_1h', 'logs_fts_ad']),
    );
    // Storage v2: no unique offset index (offset ranges per block instead), no v1 table left.
    expect(tables(s)).not.toContain('logs_source_offset');
    expect(tables(s)).not.toContain('logs_v1');
    // No AFTER INSERT trigger: LogWriter indexes rows itself (a trigger measured 4x slower).
    expect(tables(s)).not.toContain('logs_fts_ai');
    expect(existsSync(file)).toBe(true);
  });

  test('creates a missing parent directory', () => {
    const file = path.join(tempDir(), 'a', 'b', 'x.db');
    openTemp(file);
    expect(existsSync(file)).toBe(true);
  });

  test('re-opening a current database changes nothing and keeps the data', () => {
    const file = tempDbPath();
    const a = openStore(file);
    a.db.exec("INSERT INTO offsets VALUES ('g', 't', 0, 5, 1)");
    const before = tables(a);
    a.close();
    const b = openTemp(file);
    expect(tables(b)).toEqual(before);
    expect(b.db.prepare('SELECT next_offset FROM offsets').pluck().get()).toBe(5);
  });

  test('an appended migration is applied once, on the next open', () => {
    const file = tempDbPath();
    openStore(file).close();
    const extra: Migration[] = [...MIGRATIONS, { version: latestVersion() + 1, name: 'alerts', sql: 'CREATE TABLE alerts_test (id INTEGER PRIMARY KEY);' }];
    const s = openStore(file, { migrations: extra });
    expect(s.schemaVersion).toBe(latestVersion() + 1);
    s.close();
    // Applying it twice would fail with "table alerts_test already exists".
    const again = openTemp(file, { migrations: extra });
    expect(tables(again)).toContain('alerts_test');
  });

  test('a failing migration leaves the database at its previous version', () => {
    const file = tempDbPath();
    openStore(file).close();
    const broken: Migration[] = [...MIGRATIONS, { version: latestVersion() + 1, name: 'bad', sql: 'CREATE TABLE ok_part (x); SELEC nonsense;' }];
    const err = caught(() => openStore(file, { migrations: broken }));
    expect(err.code).toBe('STORE_FAILED');
    const s = openTemp(file);
    expect(s.schemaVersion).toBe(latestVersion());
    expect(tables(s)).not.toContain('ok_part');
  });

  test('a migration list with a gap is refused', () => {
    const gap: Migration[] = [...MIGRATIONS, { version: latestVersion() + 2, name: 'gap', sql: '' }];
    expect(() => openStore(tempDbPath(), { migrations: gap })).toThrow(/expected/);
  });

  test('a database from a newer logagg is refused by the writer', () => {
    const file = tempDbPath();
    const s = openStore(file);
    s.db.exec(`PRAGMA user_version = ${latestVersion() + 1}`);
    s.close();
    const err = caught(() => openStore(file));
    expect(err.code).toBe('STORE_FAILED');
    expect(err.message).toMatch(/newer|upgrade logagg/);
  });

  test('a file that is not a database is a STORE_FAILED naming it', () => {
    const file = tempDbPath();
    writeFileSync(file, 'this is not sqlite'.repeat(100));
    const err = caught(() => openStore(file));
    expect(err.code).toBe('STORE_FAILED');
    expect(err.message).toContain(file);
  });
});

describe('openStore (readonly)', () => {
  test('refuses a missing file, telling how to create it', () => {
    const err = caught(() => openStore(tempDbPath(), { readonly: true }));
    expect(err.code).toBe('STORE_UNAVAILABLE');
    expect(err.message).toMatch(/logagg consume.*logagg serve/);
  });

  test('refuses an existing but unmigrated database', () => {
    const file = tempDbPath();
    writeFileSync(file, '');
    const err = caught(() => openStore(file, { readonly: true }));
    expect(err.code).toBe('STORE_UNAVAILABLE');
    expect(err.message).toMatch(/no schema yet.*logagg consume/);
  });

  test('refuses a database older than the code, and one newer', () => {
    const file = tempDbPath();
    openStore(file).close();
    const more: Migration[] = [...MIGRATIONS, { version: latestVersion() + 1, name: 'x', sql: 'CREATE TABLE x (a);' }];
    const older = caught(() => openStore(file, { readonly: true, migrations: more }));
    expect(older.code).toBe('STORE_UNAVAILABLE');
    expect(older.message).toMatch(/migrate/);
    const w = openStore(file, { migrations: more });
    w.close();
    const newer = caught(() => openStore(file, { readonly: true }));
    expect(newer.code).toBe('STORE_FAILED');
    expect(newer.message).toMatch(/upgrade logagg/);
  });

  test('opens a migrated database read-only: reads work, writes are refused', () => {
    const file = tempDbPath();
    openStore(file).close(); // closed writer: no -wal/-shm left behind
    const r = openTemp(file, { readonly: true });
    expect(r.readonly).toBe(true);
    expect(r.db.pragmaValue('query_only')).toBe(1);
    expect(r.db.prepare('SELECT count(*) FROM logs').pluck().get()).toBe(0);
    expect(() => r.db.exec("INSERT INTO offsets VALUES ('g','t',0,1,1)")).toThrow(/readonly|read-only/i);
  });
});

describe('statement cache', () => {
  test('returns the same prepared statement for the same SQL', () => {
    const s = openTemp();
    expect(s.statement('SELECT 1')).toBe(s.statement('SELECT 1'));
    expect(s.statement('SELECT 1')).not.toBe(s.statement('SELECT 2'));
  });

  test('close is idempotent', () => {
    const s = openStore(tempDbPath());
    s.close();
    expect(() => s.close()).not.toThrow();
  });
});
