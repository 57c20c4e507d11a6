/**
 * The SQL of backup and restore (docs/operations.md): a consistent copy of an open database,
 * the checks a copy must pass before it replaces the database, and the probe that tells
 * whether a running logagg still has the database open. The file moves around them (write
 * beside, fsync, rename) are src/app/backup.ts's.
 *
 * Why VACUUM INTO and not the online backup API (measured, docs/operations.md):
 * - the backup API restarts from the first page whenever another connection writes between
 *   two steps; under ingest (a batch every few milliseconds from the writer thread, another
 *   connection) a stepwise backup of a large file never finishes, and one single step gives no
 *   progress either;
 * - SQLite3 Multiple Ciphers refuses a backup from an encrypted database into the unkeyed
 *   destination better-sqlite3 opens ("incompatible source and target databases"), while
 *   VACUUM INTO writes the copy encrypted with the source's cipher and key.
 * VACUUM INTO reads in one read transaction: the copy is the database as of its start (WAL
 * lets the writer go on meanwhile; the WAL grows until the copy ends), and it is compacted.
 */
import { LogaggError } from '../errors.js';
import type { StoreEncryption } from './cipher.js';
import { sqlOf } from './connection.js';
import { latestVersion, MIGRATIONS, newerSchemaError, schemaVersion, type Migration } from './migrations.js';
import { openSqlite, sqliteCode, toStoreError } from './sqlite.js';
import type { Store } from './store.js';

export interface DatabaseSize {
  /** Bytes in use (pages minus free pages): about the size of a compacted copy. */
  usedBytes: number;
  pageSize: number;
}

export function databaseSize(store: Store): DatabaseSize {
  const { db } = sqlOf(store);
  const pageSize = Number(db.pragmaValue('page_size'));
  const pages = Number(db.pragmaValue('page_count'));
  const free = Number(db.pragmaValue('freelist_count'));
  return { usedBytes: (pages - free) * pageSize, pageSize };
}

/**
 * Writes a consistent, compacted copy of the database to `dest`, which must not exist (SQLite
 * refuses to overwrite). An encrypted store's copy has the same cipher and key.
 */
export function vacuumInto(store: Store, dest: string): void {
  const { db } = sqlOf(store);
  // A read-only store sets query_only, which SQLite applies to VACUUM INTO's target too; its
  // connection is opened read-only, so the database itself stays unwritable meanwhile.
  const queryOnly = Number(db.pragmaValue('query_only')) === 1;
  try {
    if (queryOnly) db.exec('PRAGMA query_only = OFF');
    db.prepare('VACUUM INTO ?').run(dest);
  } catch (e) {
    throw toStoreError(e, `backing up ${store.path} to ${dest}`);
  } finally {
    if (queryOnly) db.exec('PRAGMA query_only = ON');
  }
}

export interface CheckedCopy {
  /** PRAGMA user_version of the copy. */
  schemaVersion: number;
  /** The schema version this logagg writes: a lower one is migrated on restore. */
  latest: number;
  /** Rows of logs, alerts and offsets in the copy. */
  events: number;
  alerts: number;
  offsets: number;
}

export interface CheckCopyOptions {
  encryption?: StoreEncryption;
  /** quick_check (O(N)) instead of integrity_check (also checks indexes against tables). */
  quick?: boolean;
  nativeBinding?: unknown;
  migrations?: readonly Migration[];
}

/**
 * Opens `file` read-only and proves it can replace a database: it decrypts with the key (a
 * wrong key is CONFIG_INVALID, a file that is not a database STORE_FAILED: openSqlite), passes
 * integrity_check (or quick_check), and has a logagg schema no newer than this logagg's.
 */
export function checkCopy(file: string, opts: CheckCopyOptions = {}): CheckedCopy {
  const migrations = opts.migrations ?? MIGRATIONS;
  let db;
  try {
    db = openSqlite(file, { readonly: true, busyTimeoutMs: 0, encryption: opts.encryption, nativeBinding: opts.nativeBinding });
  } catch (e) {
    throw toStoreError(e, `opening ${file}`);
  }
  try {
    const problems = db
      .prepare(opts.quick ? 'PRAGMA quick_check(20)' : 'PRAGMA integrity_check(20)')
      .pluck()
      .all() as string[];
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new LogaggError('STORE_FAILED', `${file} is damaged (${opts.quick ? 'quick_check' : 'integrity_check'}): ${problems.slice(0, 5).join('; ')}; use another backup`, {
        details: { path: file, problems },
      });
    }
    const version = schemaVersion(db);
    const latest = latestVersion(migrations);
    if (version === 0) {
      throw new LogaggError('STORE_FAILED', `${file} is a SQLite database but not a logagg one (no schema version); give a file written by \`logagg backup\``, {
        details: { path: file },
      });
    }
    if (version > latest) throw newerSchemaError(version, latest);
    // An older schema may lack a table (alerts came in a later version): 0 rows, then.
    const count = (table: 'logs' | 'alerts' | 'offsets'): number =>
      db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) === undefined
        ? 0
        : Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
    return { schemaVersion: version, latest, events: count('logs'), alerts: count('alerts'), offsets: count('offsets') };
  } catch (e) {
    throw toStoreError(e, `checking ${file}`);
  } finally {
    db.close();
  }
}

/**
 * Whether another connection has the database open, without waiting: a running logagg's
 * connections (WAL mode) hold a shared lock on the file as long as they are open, so an
 * exclusive lock is refused (SQLITE_BUSY) while any of them lives. A missing file is not in use.
 * The key is needed because taking the lock reads the first page.
 */
export function databaseInUse(file: string, opts: { encryption?: StoreEncryption; nativeBinding?: unknown } = {}): boolean {
  let db;
  try {
    db = openSqlite(file, { readonly: false, busyTimeoutMs: 0, encryption: opts.encryption, nativeBinding: opts.nativeBinding });
  } catch (e) {
    if (sqliteCode(e) === 'SQLITE_BUSY') return true;
    throw toStoreError(e, `opening ${file}`);
  }
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (e) {
    if (sqliteCode(e)?.startsWith('SQLITE_BUSY')) return true;
    throw toStoreError(e, `locking ${file}`);
  } finally {
    db.close();
  }
}
