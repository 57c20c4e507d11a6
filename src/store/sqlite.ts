/**
 * The only module that imports the SQLite drivers. Everything else in the store reaches SQLite
 * through the narrow interfaces below, so the driver can be swapped or loaded differently
 * (the single executable passes a `nativeBinding` object: RECIPES.md).
 *
 * Two drivers with one API: better-sqlite3 for plain databases, and its fork
 * better-sqlite3-multiple-ciphers (SQLite3 Multiple Ciphers) for encrypted ones. The fork's
 * JavaScript is imported here so bundlers include it; its native addon loads only on the first
 * encrypted open (docs/encryption.md).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';
import CipherDatabase from 'better-sqlite3-multiple-ciphers';
import { LogaggError } from '../errors.js';
import { getNativeBinding, SQLITE_ADDON } from '../runtime/native.js';
import { STORE_CIPHERS, STORE_KEY_BYTES, type StoreEncryption } from './cipher.js';

/** The name the single executable ships the encryption driver's addon under (getNativeBinding). */
export const CIPHER_ADDON = 'better-sqlite3-multiple-ciphers';

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
  /**
   * Registers a deterministic scalar SQL function taking exactly `fn.length` arguments (BLOBs
   * arrive as Buffers; a returned Uint8Array is a BLOB, null is NULL). It must not throw.
   */
  defineDeterministicFunction(name: string, fn: (...args: never[]) => unknown): void;
  close(): void;
}

export interface OpenSqliteOptions {
  readonly: boolean;
  /**
   * The loaded addon's exports or a path to the .node file. Default: the single executable's
   * shipped addon (src/runtime/native.ts), else the driver's own from node_modules.
   */
  nativeBinding?: unknown;
  /** How long a statement waits for a lock before failing with SQLITE_BUSY, ms. */
  busyTimeoutMs: number;
  /**
   * Encrypt the file (and its WAL) with this key and cipher: opens through the cipher driver,
   * whose addon nativeBinding then is. Ignored for ':memory:', which never reaches the disk.
   */
  encryption?: StoreEncryption;
}

/** The first 16 bytes of every plain SQLite database file. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Opens the file with the driver the options ask for and proves the connection can read it,
 * so a wrong or missing key fails here with a message that says so (CONFIG_INVALID for a
 * wrong key or a plain file given a key, STORE_FAILED for an unreadable file without one),
 * rather than as SQLITE_NOTADB from whichever statement happens to read first.
 */
export function openSqlite(file: string, opts: OpenSqliteOptions): SqlDb {
  const options: Record<string, unknown> = {
    readonly: opts.readonly,
    fileMustExist: opts.readonly,
    timeout: opts.busyTimeoutMs,
  };
  const encryption = file === ':memory:' ? undefined : opts.encryption;
  const nativeBinding = opts.nativeBinding ?? getNativeBinding(encryption ? CIPHER_ADDON : SQLITE_ADDON);
  if (nativeBinding !== undefined) options.nativeBinding = nativeBinding;

  let db: Database.Database;
  if (encryption) {
    if (encryption.key.length !== STORE_KEY_BYTES) {
      throw new LogaggError('CONFIG_INVALID', `database ${file}: the encryption key is ${encryption.key.length} bytes; it must be ${STORE_KEY_BYTES}`);
    }
    // The cipher name goes into a pragma's text: only the listed names may.
    if (!STORE_CIPHERS.includes(encryption.cipher)) {
      throw new LogaggError('CONFIG_INVALID', `database ${file}: unknown cipher ${JSON.stringify(encryption.cipher)}; use one of ${STORE_CIPHERS.join(', ')}`);
    }
    // The typings only allow a string nativeBinding; the driver also accepts the addon object.
    // The fork's Database has better-sqlite3's API (plus key/rekey): one wrapper serves both.
    db = new CipherDatabase(file, options as CipherDatabase.Options) as unknown as Database.Database;
    try {
      // Before anything reads a page: the cipher first, then the key, which activates it.
      // x'…' passes the 32 bytes as the raw key, skipping the passphrase KDF (PBKDF2).
      db.pragma(`cipher = '${encryption.cipher}'`);
      db.pragma(`key = "x'${encryption.key.toString('hex')}'"`);
      // Plain SQLite ignores both pragmas: were the addon a plain one (a wrong nativeBinding),
      // everything would be written in clear. Refuse rather than store plaintext.
      const active = db.pragma('cipher', { simple: true });
      if (active !== encryption.cipher) {
        throw new LogaggError('INTERNAL', `database ${file}: the SQLite addon loaded for encryption does not encrypt (cipher is ${String(active)}); it must be ${CIPHER_ADDON}'s`);
      }
    } catch (e) {
      db.close();
      throw e;
    }
  } else {
    db = new Database(file, options as Database.Options);
  }
  try {
    db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
  } catch (e) {
    db.close();
    throw (sqliteCode(e) === 'SQLITE_NOTADB' && unreadableError(file, encryption !== undefined, e)) || e;
  }
  return wrap(db);
}

/**
 * Why a file that exists cannot be read, told by its header: plain SQLite or not. Null for a
 * plain header read without a key: that file is damaged, and the driver's error says so.
 */
function unreadableError(file: string, keyed: boolean, cause: unknown): LogaggError | null {
  const plain = startsWithSqliteMagic(file);
  if (!keyed && plain) return null;
  const details = { path: file, config: 'storage.encryption', sqlite: 'SQLITE_NOTADB' };
  if (keyed && plain) {
    return new LogaggError(
      'CONFIG_INVALID',
      `cannot decrypt database ${file}: it is not encrypted, but storage.encryption.enabled is true; encrypt it first (docs/encryption.md) or set storage.encryption.enabled: false`,
      { details, cause },
    );
  }
  if (keyed) {
    return new LogaggError(
      'CONFIG_INVALID',
      `cannot decrypt database ${file}: wrong key or not encrypted; check storage.encryption.key_file (or LOGAGG_STORAGE_ENCRYPTION_KEY) and storage.encryption.cipher`,
      { details, cause },
    );
  }
  // Without the key an encrypted file and a damaged one look the same: not only a config problem.
  return new LogaggError(
    'STORE_FAILED',
    `cannot read database ${file}: it is encrypted (or not a SQLite database); set storage.encryption.enabled: true with its key in storage.encryption.key_file or LOGAGG_STORAGE_ENCRYPTION_KEY`,
    { details, cause },
  );
}

function startsWithSqliteMagic(file: string): boolean {
  const head = Buffer.alloc(SQLITE_MAGIC.length);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_MAGIC);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
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
    defineDeterministicFunction: (name, fn) => {
      db.function(name, { deterministic: true }, fn as (...args: unknown[]) => unknown);
    },
    close: () => {
      db.close();
    },
  };
}

/** The SQLite result code of a driver error (`SQLITE_BUSY`, `SQLITE_IOERR_WRITE`, …), if any. */
export function sqliteCode(e: unknown): string | null {
  // Each driver has its own SqliteError class.
  if (e instanceof Database.SqliteError || e instanceof CipherDatabase.SqliteError) return e.code;
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
