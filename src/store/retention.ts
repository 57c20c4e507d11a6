/**
 * Retention: deletes old raw logs (their FTS rows go with them, by trigger; a block once none of
 * its events is left, with its offset ranges; a block with events left stays whole) and old rollups in
 * small chunks, each in its own short transaction, so the writer lock is never held for long
 * and ingest keeps flowing between chunks. Freed pages are reused by new rows; the file does
 * not shrink (no VACUUM).
 */
import { badRequest } from '../errors.js';
import { sqlOf } from './connection.js';
import { toStoreError } from './sqlite.js';
import type { Store } from './store.js';

const DAY_MS = 86_400_000;
export const DEFAULT_CHUNK = 5000;

export interface PruneOnceOptions {
  /** Cutoff, epoch ms: logs with ts < olderThanMs are deleted. */
  olderThanMs: number;
  /** Rows per transaction. */
  chunk?: number;
}

export interface PruneOptions {
  /** Cutoffs, epoch ms; null or absent keeps that table forever. */
  olderThanMs?: number | null;
  rollup1mOlderThanMs?: number | null;
  rollup1hOlderThanMs?: number | null;
  chunk?: number;
}

export interface PruneSummary {
  logs: number;
  rollup_1m: number;
  rollup_1h: number;
}

/** Cutoffs from retention days (config `retention.*`); 0 days keeps forever. `now` is passed in. */
export function retentionCutoffs(
  now: number,
  days: { logs: number; rollup1m: number; rollup1h: number },
): Required<Omit<PruneOptions, 'chunk'>> {
  const cut = (d: number): number | null => (d > 0 ? now - Math.round(d * DAY_MS) : null);
  return { olderThanMs: cut(days.logs), rollup1mOlderThanMs: cut(days.rollup1m), rollup1hOlderThanMs: cut(days.rollup1h) };
}

function checkChunk(chunk: number): number {
  if (!Number.isInteger(chunk) || chunk < 1 || chunk > 1_000_000) throw badRequest('chunk', 'must be an integer 1 … 1000000');
  return chunk;
}

function checkCutoff(name: string, v: number): number {
  if (!Number.isSafeInteger(v)) throw badRequest(name, 'must be epoch milliseconds (an integer)');
  return v;
}

function deleteChunk(store: Store, sql: string, cutoff: number, chunk: number, doing: string): number {
  try {
    return sqlOf(store).db.immediateTransaction(() => sqlOf(store).statement(sql).run(cutoff, chunk).changes);
  } catch (e) {
    throw toStoreError(e, doing);
  }
}

const DELETE_LOGS = 'DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE ts < ? ORDER BY ts LIMIT ?) RETURNING id';
const BLOCK_OF = 'SELECT first_id, last_id, length(payload) AS bytes FROM log_blocks WHERE first_id <= ? ORDER BY first_id DESC LIMIT 1';

/** What one chunk of log retention deleted. */
export interface PrunedLogs {
  logs: number;
  /** Blocks deleted because none of their events was left, and their compressed bytes. */
  blocks: number;
  block_bytes: number;
}

/**
 * Deletes up to `chunk` of the oldest logs before the cutoff and the blocks left empty, in one
 * transaction.
 */
export function pruneLogsOnce(store: Store, opts: PruneOnceOptions): PrunedLogs {
  const chunk = checkChunk(opts.chunk ?? DEFAULT_CHUNK);
  const cutoff = checkCutoff('olderThanMs', opts.olderThanMs);
  const c = sqlOf(store);
  try {
    return c.db.immediateTransaction(() => {
      const ids = (c.statement(DELETE_LOGS).pluck().all(cutoff, chunk) as number[]).sort((a, b) => a - b);
      const out: PrunedLogs = { logs: ids.length, blocks: 0, block_bytes: 0 };
      let i = 0;
      while (i < ids.length) {
        const b = c.statement(BLOCK_OF).get(ids[i]) as { first_id: number; last_id: number; bytes: number } | undefined;
        if (!b || b.last_id < ids[i]!) {
          i++;
          continue;
        }
        while (i < ids.length && ids[i]! <= b.last_id) i++;
        const left = c.statement('SELECT 1 FROM logs WHERE id BETWEEN ? AND ? LIMIT 1').get(b.first_id, b.last_id);
        if (left === undefined) {
          c.statement('DELETE FROM log_blocks WHERE first_id = ?').run(b.first_id);
          c.statement('DELETE FROM log_offset_ranges WHERE first_id = ?').run(b.first_id);
          out.blocks++;
          out.block_bytes += b.bytes;
        }
      }
      return out;
    });
  } catch (e) {
    throw toStoreError(e, 'pruning old logs');
  }
}
const deleteRollups = (table: 'rollup_1m' | 'rollup_1h') =>
  `DELETE FROM ${table} WHERE (bucket_start, host) IN (SELECT bucket_start, host FROM ${table} WHERE bucket_start < ? ORDER BY bucket_start LIMIT ?)`;

/** Deletes up to `chunk` of the oldest logs before the cutoff, in one transaction; returns how many. */
export function pruneOnce(store: Store, opts: PruneOnceOptions): number {
  return pruneLogsOnce(store, opts).logs;
}

/** Deletes up to `chunk` rollup rows with a bucket before the cutoff; returns how many. */
export function pruneRollupsOnce(store: Store, table: 'rollup_1m' | 'rollup_1h', olderThanMs: number, chunk = DEFAULT_CHUNK): number {
  return deleteChunk(store, deleteRollups(table), checkCutoff('olderThanMs', olderThanMs), checkChunk(chunk), `pruning ${table}`);
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Prunes until nothing older than the cutoffs is left, yielding to the event loop between
 * chunks so a consumer in the same process keeps writing batches. onProgress gets running totals.
 */
export async function pruneAll(store: Store, opts: PruneOptions, onProgress?: (done: PruneSummary) => void): Promise<PruneSummary> {
  const chunk = checkChunk(opts.chunk ?? DEFAULT_CHUNK);
  const done: PruneSummary = { logs: 0, rollup_1m: 0, rollup_1h: 0 };
  const steps: [keyof PruneSummary, number | null | undefined, () => number][] = [
    ['logs', opts.olderThanMs, () => pruneOnce(store, { olderThanMs: opts.olderThanMs!, chunk })],
    ['rollup_1m', opts.rollup1mOlderThanMs, () => pruneRollupsOnce(store, 'rollup_1m', opts.rollup1mOlderThanMs!, chunk)],
    ['rollup_1h', opts.rollup1hOlderThanMs, () => pruneRollupsOnce(store, 'rollup_1h', opts.rollup1hOlderThanMs!, chunk)],
  ];
  for (const [key, cutoff, step] of steps) {
    if (cutoff === null || cutoff === undefined) continue;
    for (;;) {
      const n = step();
      done[key] += n;
      if (n > 0) onProgress?.({ ...done });
      if (n < chunk) break;
      await nextTick();
    }
  }
  return done;
}

/** Rows that the cutoffs would delete, per table: the progress bar's total. */
export function countPrunable(store: Store, cut: PruneOptions): PruneSummary {
  const count = (sql: string, cutoff: number | null | undefined): number =>
    cutoff === null || cutoff === undefined ? 0 : Number(sqlOf(store).statement(sql).pluck().get(cutoff));
  try {
    return {
      logs: count('SELECT count(*) FROM logs WHERE ts < ?', cut.olderThanMs),
      rollup_1m: count('SELECT count(*) FROM rollup_1m WHERE bucket_start < ?', cut.rollup1mOlderThanMs),
      rollup_1h: count('SELECT count(*) FROM rollup_1h WHERE bucket_start < ?', cut.rollup1hOlderThanMs),
    };
  } catch (e) {
    throw toStoreError(e, 'counting old rows');
  }
}
