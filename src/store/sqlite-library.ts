/**
 * The SQLite library the store really loads (the driver's addon, or the one inside the single
 * executable), asked through an in-memory connection: for `logagg version`.
 */
import { openSqlite } from './sqlite.js';

export interface SqliteLibrary {
  /** sqlite_version(), e.g. 3.50.2. */
  version: string;
  /** Whether FTS5 (full-text search) is compiled in. */
  fts5: boolean;
}

export function sqliteLibrary(): SqliteLibrary {
  const db = openSqlite(':memory:', { readonly: false, busyTimeoutMs: 0 });
  try {
    const version = String(db.prepare('SELECT sqlite_version()').pluck().get());
    const fts5 = db.prepare("SELECT sqlite_compileoption_used('ENABLE_FTS5')").pluck().get() === 1;
    return { version, fts5 };
  } finally {
    db.close();
  }
}
