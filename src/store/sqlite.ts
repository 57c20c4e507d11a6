/**
 * The only module that imports better-sqlite3. Everything else in the store reaches SQLite
 * through the narrow interfaces below, so the driver can be swapped or loaded differently
 * (the single executable passes a `nativeBinding` object: RECIPES.md).
 */
import Database from 'better-sqlite3';
import { LogaggError } from '../errors.js';

/** A prepared statement: positional (`?`) or named (`@name`) parameters. */
export interface SqlStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
  /** Return only the first column of each row. */
  pluck(toggle?: boolean): SqlStatement;
}

/** The handle the store code needs, and no more. */
export interface SqlDb {
  readonly readonly: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): SqlStatement;
  exec(sql: string): void;
  /** `PRAGMA name` → first value (e.g. `pragma('user_version')` → 3). */
  pragmaValue(name: string): unknown;
  /** Runs fn inside BEGIN IMMEDIATE … COMMIT; rolls back when fn throws. */
  immediateTransaction<T>(fn: () => T): T;
  /** Registers a non-deterministic scalar SQL function implemented in JS. */
  defineFunction(name: string, fn: (...args: unknown[]) => unknown): void;
  close(): void;
}

export interface OpenSqliteOptions {
  readonly: boolean;
  /** The loaded addon's exports (single executable) or a path to the .node file. */
  nativeBinding?: unknown;
  /** How long a statement waits for a lock before failing with SQLITE_BUSY, ms. */
  busyTimeoutMs: number;
}

export function openSqlite(file: string, opts: OpenSqliteOptions): SqlDb {
  const options: Record<string, unknown> = {
    readonly: opts.readonly,
    fileMustExist: opts.readonly,
    timeout: opts.busyTimeoutMs,
  };
  if (opts.nativeBinding !== undefined) options.nativeBinding = opts.nativeBinding;
  // The typings only allow a string nativeBinding; the driver also accepts the addon object.
  const db = new Database(file, options as Database.Options);
  return wrap(db);
}

function wrap(db: Database.Database): SqlDb {
  return {
    get readonly() {
      return db.readonly;
    },
    get inTransaction() {
      return db.inTransaction;
    },
    prepare: (sql) => db.prepare(sql) as unknown as SqlStatement,
    exec: (sql) => {
      db.exec(sql);
    },
    pragmaValue: (name) => db.pragma(name, { simple: true }),
    immediateTransaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    defineFunction: (name, fn) => {
      db.function(name, { deterministic: false, varargs: true }, fn);
    },
    close: () => {
      db.close();
    },
  };
}

/** The SQLite result code of a driver error (`SQLITE_BUSY`, `SQLITE_IOERR_WRITE`, …), if any. */
export function sqliteCode(e: unknown): string | null {
  if (e instanceof Database.SqliteError) return e.code;
  return null;
}

/** Primary result codes after which the same work may succeed later. */
const RETRYABLE = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR'];

export function isRetryableSqliteCode(code: string | null): boolean {
  return code !== null && RETRYABLE.some((p) => code === p || code.startsWith(p + '_'));
}

/**
 * Turns a driver error into a LogaggError: STORE_UNAVAILABLE with canRetry for busy, locked,
 * full disk and I/O errors; STORE_FAILED otherwise. LogaggErrors pass through unchanged.
 */
export function toStoreError(e: unknown, doing: string): LogaggError {
  if (e instanceof LogaggError) return e;
  const code = sqliteCode(e);
  const msg = e instanceof Error ? e.message : String(e);
  if (isRetryableSqliteCode(code)) {
    return new LogaggError('STORE_UNAVAILABLE', `${doing}: ${msg} (${code}); retry later, and check free disk space`, {
      details: { sqlite: code },
      canRetry: true,
      cause: e,
    });
  }
  return new LogaggError('STORE_FAILED', `${doing}: ${msg}`, { details: code ? { sqlite: code } : {}, cause: e });
}
