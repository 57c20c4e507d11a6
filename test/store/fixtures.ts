// Shared fixtures of the store tests: events and stores on real SQLite files in temp dirs.
import path from 'node:path';
import { emptyEvent, type NormalizedEvent } from '../../src/core/event.js';
import { sqlOf, type Connection } from '../../src/store/connection.js';
import { openStore, type OpenStoreOptions, type Store } from '../../src/store/store.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';

export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0); // 2025-01-15T12:00:00Z, on an hour boundary

let offsetCounter = 0;

/** A realistic event; every field can be overridden. Offsets are unique unless given. */
export function makeEvent(over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  const offset = String(offsetCounter++);
  return emptyEvent({
    ts: T0,
    received_at: T0 + 5,
    source: { kind: 'kafka', topic: 'system-metrics', partition: 0, offset },
    format: 'json',
    host: 'web-01',
    level: 6,
    level_name: 'info',
    message: 'request served',
    process: 'nginx',
    pid: 1234,
    raw: '{"msg":"request served"}',
    ...over,
  });
}

/** A fresh database file in a temp dir; closed and removed after the test. */
export function tempDbPath(): string {
  return path.join(tempDir('logagg-store-'), 'logagg.db');
}

/** Typed with its connection (src/store/connection.ts): tests look at the rows with SQL. */
export function openTemp(file = tempDbPath(), opts: OpenStoreOptions = {}): Connection {
  const store = sqlOf(openStore(file, opts));
  deferCleanup(() => store.close());
  return store;
}

/** Runs fn and returns the LogaggError it threw (fails the test when it throws nothing else). */
export function caught(fn: () => unknown): { code: string; message: string; details: Record<string, unknown>; canRetry: boolean } {
  try {
    fn();
  } catch (e) {
    return e as never;
  }
  throw new Error('expected an error, none was thrown');
}

/**
 * The full-text index (contentless, storage v2) holds exactly the rows of logs, and passes
 * FTS5's own integrity check. Throws when they differ.
 */
export function checkFts(store: Store): void {
  const c = sqlOf(store);
  c.db.exec("INSERT INTO logs_fts(logs_fts) VALUES ('integrity-check')");
  const indexed = c.db.prepare('SELECT rowid FROM logs_fts ORDER BY rowid').pluck().all();
  const rows = c.db.prepare('SELECT id FROM logs ORDER BY id').pluck().all();
  if (JSON.stringify(indexed) !== JSON.stringify(rows)) throw new Error(`the FTS index holds ${indexed.length} rows, logs ${rows.length}`);
}
