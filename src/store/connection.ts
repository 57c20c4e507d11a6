/**
 * The SQL door of an open store and of a batch's transaction, for the modules of src/store
 * only: the rest of the code holds a Store (from openStore, src/store/store.ts) or a BatchTx
 * (from LogWriter, src/store/log-writer.ts), typed without it, and asks store functions by
 * name; both types are declared here, beside the door, and exported from those two modules.
 * So no SQL text runs outside src/store. The objects are the same at run time; the accessors
 * check that they came from this package (a store from openStore, a transaction from LogWriter).
 */
import { LogaggError } from '../errors.js';
import type { SqlDb, SqlStatement } from './sqlite.js';

/**
 * An open database as the rest of the code holds it: passed to the store's functions, which
 * reach its connection through sqlOf below. It has no SQL door of its own.
 */
export interface Store {
  readonly path: string;
  readonly readonly: boolean;
  /** Schema version found (reader) or reached (writer) at open. */
  readonly schemaVersion: number;
  close(): void;
}

/**
 * What a batch hook sees: the ids just assigned. Handed to store functions (applyFindings,
 * the outbox, the detection state), which write on the same connection inside the transaction.
 */
export interface BatchTx {
  /** The batch's events (their event times), in input order. */
  readonly events: ArrayLike<{ readonly ts: number }>;
  /** The id of each event, in input order; null where a duplicate was skipped. */
  readonly ids: readonly (number | null)[];
  /** The time the batch was written, epoch ms. */
  readonly now: number;
}

/** Statements on one connection, prepared once per SQL text. */
export type Statements = (sql: string) => SqlStatement;

export interface Connection extends Store {
  readonly db: SqlDb;
  /** Events per compressed block (storage.block_events) for what this connection writes. */
  readonly blockEvents: number;
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
