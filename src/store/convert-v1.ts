/**
 * Converting a v1 database (schema 7: one wide `logs` row per event) to storage v2. Migration 8
 * renamed the old table to logs_v1; this moves its rows, lowest id first, into the new tables
 * (rows, blocks, full text, offset ranges) in batches. Each batch is one transaction that writes
 * the new rows and deletes the old ones, so a crash (kill -9 included) loses or doubles nothing
 * and running it again continues where it stopped. Ids are kept: alerts' samples and saved
 * detection state point at them. The rollups, offsets and alerts were already right. When
 * logs_v1 is empty it is dropped.
 */
import { BlockWriter } from './block-writer.js';
import { blockReaderOf } from './block-reader.js';
import { sqlOf } from './connection.js';
import type { BlockInput } from './log-block.js';
import { COLUMNS } from './log-row.js';
import { toStoreError } from './sqlite.js';
import type { Store } from './store.js';

export const DEFAULT_CONVERT_BATCH = 8192;

const V1_SELECT = `SELECT id, ${COLUMNS.map((c) => (c === 'offset' ? 'CAST(offset AS TEXT) AS offset' : c)).join(', ')} FROM logs_v1 ORDER BY id LIMIT ?`;

function hasV1(store: Store): boolean {
  return sqlOf(store).statement("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'logs_v1'").get() !== undefined;
}

/** Rows still to convert (0 when there is no v1 table). */
export function pendingV1(store: Store): number {
  try {
    return hasV1(store) ? Number(sqlOf(store).statement('SELECT count(*) FROM logs_v1').pluck().get()) : 0;
  } catch (e) {
    throw toStoreError(e, 'counting the events to convert');
  }
}

/**
 * Converts up to `batch` of the oldest v1 rows in one transaction; returns how many. Drops
 * logs_v1 once it is empty.
 */
export function convertV1Batch(store: Store, writer: BlockWriter, batch = DEFAULT_CONVERT_BATCH): number {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError('batch must be a positive integer');
  const c = sqlOf(store);
  const statement = (sql: string) => c.statement(sql);
  try {
    const n = c.db.immediateTransaction(() => {
      if (!hasV1(store)) return 0;
      const rows = c.statement(V1_SELECT).all(batch) as Record<string, unknown>[];
      const events: BlockInput[] = rows.map((r) => {
        const params = COLUMNS.map((col) => (col === 'offset' ? (r.offset === null ? null : BigInt(r.offset as string)) : r[col]));
        return { id: Number(r.id), params, at: 0 };
      });
      if (events.length > 0) {
        writer.write(statement, events);
        c.statement('DELETE FROM logs_v1 WHERE id <= ?').run(events[events.length - 1]!.id);
      }
      if (events.length < batch) {
        // The prepared statements naming logs_v1 die with it.
        c.db.exec('DROP TABLE logs_v1');
      }
      return events.length;
    });
    writer.dict.commit();
    return n;
  } catch (e) {
    writer.dict.rollback();
    blockReaderOf(c).clear();
    throw toStoreError(e, 'converting v1 events to storage v2');
  }
}

export interface ConvertProgress {
  done: number;
  total: number;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Converts every v1 row, yielding between batches; onProgress gets running totals. */
export async function convertV1(store: Store, opts: { batch?: number; onProgress?: (p: ConvertProgress) => void } = {}): Promise<ConvertProgress> {
  const total = pendingV1(store);
  const progress: ConvertProgress = { done: 0, total };
  if (!hasV1(store)) return progress;
  const writer = new BlockWriter(sqlOf(store).blockEvents);
  const batch = opts.batch ?? DEFAULT_CONVERT_BATCH;
  for (;;) {
    const n = convertV1Batch(store, writer, batch);
    progress.done += n;
    if (n > 0) opts.onProgress?.({ ...progress });
    if (n < batch) break;
    await nextTick();
  }
  return progress;
}
