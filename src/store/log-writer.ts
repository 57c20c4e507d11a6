/**
 * The ingest writer: one transaction per batch holding the events, their FTS rows,
 * the rollup updates, the Kafka offsets reached and whatever the caller's hook writes (alerts,
 * notification outbox). Either all of it is stored or none of it.
 */
import type { NormalizedEvent } from '../core/event.js';
import { LogaggError } from '../errors.js';
import { sqlOf, type BatchTx, type SqlTx } from './connection.js';
import { eventTimes, LOG_COLUMNS, toBatchRows, type BatchRows } from './batch-rows.js';
import { blockReaderOf } from './block-reader.js';
import { BlockWriter, coordinatesOf } from './block-writer.js';
import type { BlockInput } from './log-block.js';
import { newEvents } from './offset-ranges.js';
import { offsetParams, UPSERT_OFFSET, type OffsetUpdate } from './offsets.js';
import { RollupWriter } from './rollup-writer.js';
import type { SqlStatement } from './sqlite.js';
import { toStoreError } from './sqlite.js';
import type { Store } from './store.js';

/** Declared beside its statements (connection.ts), which only src/store reaches. */
export type { BatchTx };

export interface BatchInput {
  events: readonly NormalizedEvent[];
  offsets: readonly OffsetUpdate[];
  /** Runs last inside the transaction; throwing rolls the whole batch back. */
  inTransaction?: (tx: BatchTx) => void;
  /** Write time for offsets.updated_at, epoch ms; defaults to the clock. */
  now?: number;
}

export interface BatchResult {
  /** One per event, in input order; null for a duplicate (same topic, partition, offset). */
  ids: (number | null)[];
  inserted: number;
  ignored: number;
}

const NEXT_ID = `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'logs'), 0), coalesce((SELECT max(id) FROM logs), 0)) + 1`;

export class LogWriter {
  private readonly blocks: BlockWriter;
  private readonly upsertOffset: SqlStatement;
  private readonly rollups: RollupWriter;

  constructor(private readonly store: Store) {
    if (store.readonly) throw new LogaggError('INTERNAL', 'LogWriter needs the writer connection, not a read-only one');
    const c = sqlOf(store);
    this.blocks = new BlockWriter(c.blockEvents);
    this.upsertOffset = c.statement(UPSERT_OFFSET);
    this.rollups = new RollupWriter(c.db);
  }

  /**
   * Stores one batch atomically. Throws STORE_UNAVAILABLE with canRetry (busy, locked, disk full,
   * I/O error) or STORE_FAILED; in both cases nothing of the batch was stored.
   */
  writeBatch(input: BatchInput): BatchResult {
    const rows = toBatchRows(input.events);
    return this.writeRows(rows, input.offsets, input.inTransaction, input.now);
  }

  /**
   * Stores one batch given as flat rows (batch-rows.ts): what the writer thread receives.
   * Same guarantees as writeBatch.
   */
  writeRows(rows: BatchRows, offsets: readonly OffsetUpdate[], inTransaction?: (tx: BatchTx) => void, at?: number): BatchResult {
    const now = at ?? Date.now();
    const n = rows.n;
    // Validate before the transaction opens, so a bad offset never holds the write lock.
    const offsetRows = offsets.map((o) => offsetParams(o, now));
    const { params, nums } = rows;
    const c = sqlOf(this.store);
    const statement = (sql: string) => c.statement(sql);
    try {
      const result = c.db.immediateTransaction(() => {
        const ids: (number | null)[] = new Array(n).fill(null);
        const coords = new Array(n);
        for (let i = 0; i < n; i++) coords[i] = coordinatesOf(params, i * LOG_COLUMNS);
        const fresh = newEvents(statement, coords);
        const stored: number[] = [];
        const events: BlockInput[] = [];
        // Ids are given here, never reused: past the highest ever given (sqlite_sequence, which
        // the explicit ids of logs' AUTOINCREMENT key keep in step) and the highest present.
        let next = Number(c.statement(NEXT_ID).pluck().get());
        for (let i = 0; i < n; i++) {
          if (!fresh[i]) continue;
          ids[i] = next;
          stored.push(i);
          events.push({ id: next, params, at: i * LOG_COLUMNS });
          next++;
        }
        this.blocks.write(statement, events);
        // Only stored events count: a replayed duplicate must not be counted twice.
        this.rollups.applyRows(rows, stored);
        for (const p of offsetRows) this.upsertOffset.run(...p);
        if (inTransaction) {
          const tx: SqlTx = { events: eventTimes(nums, n), ids, now, statement: (sql) => c.statement(sql) };
          inTransaction(tx);
        }
        return { ids, inserted: stored.length, ignored: n - stored.length };
      });
      this.blocks.dict.commit();
      return result;
    } catch (e) {
      // Ids and dictionary entries of the rolled-back batch will be given again.
      this.blocks.dict.rollback();
      blockReaderOf(c).clear();
      throw toStoreError(e, `storing a batch of ${n} events`);
    }
  }
}
