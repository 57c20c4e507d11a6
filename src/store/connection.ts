/**
 * The SQL door of an open store and of a batch's transaction, for the modules of src/store
 * only: the rest of the code holds a Store (src/store/store.ts) or a BatchTx
 * (src/store/log-writer.ts), typed without it, and asks store functions by name. So no SQL
 * text runs outside src/store. The objects are the same at run time; the accessors check that
 * they came from this package (a store from openStore, a transaction from LogWriter).
 */
import { LogaggError } from '../errors.js';
import type { BatchTx } from './log-writer.js';
import type { SqlDb, SqlStatement } from './sqlite.js';
import type { Store } from './store.js';

/** Statements on one connection, prepared once per SQL text. */
export type Statements = (sql: string) => SqlStatement;

export interface Connection extends Store {
  readonly db: SqlDb;
  /**
   * A prepared statement for this SQL text, prepared once per connection and shared by every
   * caller using the same text: only call pluck() on SQL whose every user wants plucked rows.
   */
  statement(sql: string): SqlStatement;
}

/** A batch's transaction with its statements (on the writer connection, inside the transaction). */
export interface SqlTx extends BatchTx {
  statement(sql: string): SqlStatement;
}

export function sqlOf(store: Store): Connection {
  const c = store as Partial<Connection>;
  if (typeof c.statement !== 'function' || c.db === undefined) throw new LogaggError('STORE_FAILED', 'not a store opened by openStore');
  return store as Connection;
}

export function sqlTx(tx: BatchTx): SqlTx {
  if (typeof (tx as Partial<SqlTx>).statement !== 'function') throw new LogaggError('STORE_FAILED', 'not a transaction of LogWriter');
  return tx as SqlTx;
}
