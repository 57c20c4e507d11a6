// Tests ask questions of stored events in SQL, over the columns of the one-row-per-event table
// of schema 7 (message, attributes, offset, …). Storage v2 keeps events in compressed blocks, so
// this reads every event back through the store (logsAfter) into an in-memory table of those
// columns, named `logs`, and runs the SQL there. Test-only: it reads the whole database.
import Database from 'better-sqlite3';
import { logsAfter } from '../../src/store/log-follow.js';
import { COLUMNS, logRowParams } from '../../src/store/log-row.js';
import { openStore, type Store } from '../../src/store/store.js';

const TYPES: Record<string, string> = { offset: 'INTEGER', partition: 'INTEGER', ts: 'INTEGER', level: 'INTEGER', pid: 'INTEGER' };

/** An in-memory database whose `logs` table holds every stored event, v1 columns, same ids. */
export function v1Table(store: Store): Database.Database {
  const mem = new Database(':memory:');
  mem.exec(`CREATE TABLE logs (id INTEGER PRIMARY KEY, ${COLUMNS.map((c) => `"${c}" ${TYPES[c] ?? ''}`).join(', ')})`);
  const insert = mem.prepare(`INSERT INTO logs (id, ${COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES (?, ${COLUMNS.map(() => '?').join(', ')})`);
  let after = 0;
  for (;;) {
    const page = logsAfter(store, {}, after, 10_000);
    mem.transaction(() => {
      for (const e of page) insert.run(e.id, ...logRowParams(e));
    })();
    if (page.length < 10_000) break;
    after = page[page.length - 1]!.id;
  }
  return mem;
}

/** Runs SQL over the v1 view of a store's events. */
export function queryV1(store: Store, sql: string, ...params: unknown[]): unknown[] {
  const mem = v1Table(store);
  try {
    return mem.prepare(sql).all(...params);
  } finally {
    mem.close();
  }
}

/** The first column of the first row of SQL over the v1 view of the database file's events; null when it cannot be read. */
export function queryV1File(dbPath: string, sql: string, ...params: unknown[]): unknown[] | null {
  let store: Store | null = null;
  try {
    store = openStore(dbPath, { readonly: true });
    return queryV1(store, sql, ...params);
  } catch {
    return null;
  } finally {
    store?.close();
  }
}

/** The v1 view of a database file's events as an in-memory database (close it after use). */
export function v1File(dbPath: string): Database.Database {
  const store = openStore(dbPath, { readonly: true });
  try {
    return v1Table(store);
  } finally {
    store.close();
  }
}

/** The single value an SQL count over the v1 view of a database file's events returns; 0 when it cannot be read. */
export function countV1File(dbPath: string, sql: string, ...params: unknown[]): number {
  const rows = queryV1File(dbPath, sql, ...params) as Record<string, unknown>[] | null;
  const first = rows?.[0];
  return first === undefined ? 0 : Number(Object.values(first)[0]);
}
