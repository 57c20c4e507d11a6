/**
 * Opening the database: the one writer (migrates, WAL) or a read-only connection that reads
 * beside it. Both hold a small cache of prepared statements keyed by SQL text.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { LogaggError } from '../errors.js';
import type { StoreEncryption } from './cipher.js';
import type { Connection, Store } from './connection.js';
import { latestVersion, migrate, MIGRATIONS, newerSchemaError, schemaVersion, type Migration } from './migrations.js';
import { attachBlockReader, BlockReader, DEFAULT_BLOCK_CACHE } from './block-reader.js';
import { DEFAULT_BLOCK_EVENTS } from './log-block.js';
import { registerHistogramFunctions } from './rollup-histogram.js';
import { openSqlite, toStoreError, type SqlDb, type SqlStatement } from './sqlite.js';

export interface OpenStoreOptions {
  readonly?: boolean;
  /** Addon exports loaded by the single executable (RECIPES.md); passed to the driver as is. */
  nativeBinding?: unknown;
  /** Page cache per connection, MiB. */
  cacheMb?: number;
  /** Wait this long for a lock before SQLITE_BUSY, ms. */
  busyTimeoutMs?: number;
  /**
   * Encryption at rest (docs/encryption.md): every connection to an encrypted file needs the
   * same key and cipher. Absent: a plain file, opened with better-sqlite3.
   */
  encryption?: StoreEncryption;
  /** Events per compressed block written (storage.block_events). */
  blockEvents?: number;
  /** Decoded blocks kept per connection (storage.block_cache). */
  blockCache?: number;
  /** For tests of future schemas; production uses MIGRATIONS. */
  migrations?: readonly Migration[];
}

/** Declared beside its connection (connection.ts), which only src/store reaches. */
export type { Store };

const DEFAULTS = {
  cacheMb: 64,
  busyTimeoutMs: 5_000, // five seconds: longer than any batch or retention chunk should hold the lock
};
/** Statement cache bound: dynamic filter SQL has many shapes; keep the recent ones. */
const MAX_CACHED_STATEMENTS = 256;

export function openStore(path: string, opts: OpenStoreOptions = {}): Store {
  const readonly = opts.readonly ?? false;
  const cacheMb = opts.cacheMb ?? DEFAULTS.cacheMb;
  const busyTimeoutMs = opts.busyTimeoutMs ?? DEFAULTS.busyTimeoutMs;
  const migrations = opts.migrations ?? MIGRATIONS;

  if (readonly && path !== ':memory:' && !existsSync(path)) {
    throw new LogaggError('STORE_UNAVAILABLE', `database ${path} does not exist yet; run \`logagg consume\` or \`logagg serve\` once to create it`, {
      details: { path },
    });
  }
  if (!readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });

  let db: SqlDb;
  try {
    db = openSqlite(path, { readonly, nativeBinding: opts.nativeBinding, busyTimeoutMs, encryption: opts.encryption });
  } catch (e) {
    throw toStoreError(e, `opening database ${path}`);
  }
  try {
    // Before any statement is prepared: the rollup upsert and reads name these functions.
    registerHistogramFunctions(db);
    const blocks = new BlockReader(db, opts.blockCache ?? DEFAULT_BLOCK_CACHE);
    blocks.register();
    let version: number;
    if (readonly) {
      db.exec(`PRAGMA cache_size = ${-Math.trunc(cacheMb * 1024)}`);
      db.exec('PRAGMA temp_store = MEMORY');
      db.exec('PRAGMA query_only = ON');
      version = schemaVersion(db);
      if (version === 0) {
        throw new LogaggError('STORE_UNAVAILABLE', `database ${path} has no schema yet; run \`logagg consume\` or \`logagg serve\` once to create it`, {
          details: { path },
        });
      }
      if (version > latestVersion(migrations)) throw newerSchemaError(version, latestVersion(migrations));
      if (version < latestVersion(migrations)) {
        throw new LogaggError('STORE_UNAVAILABLE', `database ${path} has schema version ${version}, this logagg needs ${latestVersion(migrations)}; start \`logagg consume\` or \`logagg serve\` once to migrate it`, {
          details: { path, found: version },
        });
      }
    } else {
      // WAL lets read-only connections read while this one writes; NORMAL sync is durable
      // across process crashes (a power cut may lose the last transactions, never corrupt).
      const mode = String(db.pragmaValue('journal_mode = WAL')).toLowerCase();
      if (mode !== 'wal' && path !== ':memory:') {
        throw new LogaggError('STORE_FAILED', `database ${path}: could not switch to WAL (journal_mode is ${mode})`);
      }
      db.exec('PRAGMA synchronous = NORMAL');
      db.exec('PRAGMA foreign_keys = ON');
      db.exec(`PRAGMA cache_size = ${-Math.trunc(cacheMb * 1024)}`);
      db.exec('PRAGMA temp_store = MEMORY');
      // Truncate the WAL file back to 64 MiB after checkpoints, so a burst does not leave it huge.
      db.exec('PRAGMA journal_size_limit = 67108864');
      migrate(db, migrations);
      version = schemaVersion(db);
      // A new database, or one converted already, has no v1 rows: nothing for convert-v1.ts.
      if (db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'logs_v1'").get() !== undefined && db.prepare('SELECT 1 FROM logs_v1 LIMIT 1').get() === undefined) {
        db.exec('DROP TABLE logs_v1');
      }
    }
    const store = makeStore(path, readonly, db, version, opts.blockEvents ?? DEFAULT_BLOCK_EVENTS);
    attachBlockReader(db, blocks);
    return store;
  } catch (e) {
    db.close();
    throw toStoreError(e, `opening database ${path}`);
  }
}

function makeStore(path: string, readonly: boolean, db: SqlDb, version: number, blockEvents: number): Connection {
  const cache = new Map<string, SqlStatement>();
  let open = true;
  return {
    path,
    readonly,
    db,
    schemaVersion: version,
    blockEvents,
    statement(sql: string): SqlStatement {
      const hit = cache.get(sql);
      if (hit) {
        // Re-insert: Map keeps insertion order, so the oldest key is the least recently used.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = db.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > MAX_CACHED_STATEMENTS) cache.delete(cache.keys().next().value!);
      return stmt;
    },
    close(): void {
      if (!open) return;
      open = false;
      cache.clear();
      db.close();
    },
  };
}
