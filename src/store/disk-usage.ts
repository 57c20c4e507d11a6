/**
 * How much of the database is in use, and where the oldest rows are: what the disk budget
 * (src/app/disk-budget.ts) decides from. SQLite does not shrink its file when rows are deleted;
 * the pages they held go to the free list and are reused before the file grows. So "in use" is
 * (page_count - freelist_count) × page_size, and the free pages are room the database can grow
 * into without taking more of the disk.
 */
import { sqlOf } from './connection.js';
import { toStoreError } from './sqlite.js';
import type { Store } from './store.js';

export interface DatabaseSpace {
  pageSize: number;
  /** Pages of the database as this connection sees it (WAL included). */
  pages: number;
  /** Pages on the free list. */
  freePages: number;
  /** (pages - freePages) × pageSize. */
  usedBytes: number;
  /** freePages × pageSize: room inside the file. */
  freeBytes: number;
}

export function databaseSpace(store: Store): DatabaseSpace {
  try {
    const c = sqlOf(store);
    const pragma = (name: string): number => Number(c.statement(`PRAGMA ${name}`).pluck().get());
    const pageSize = pragma('page_size');
    const pages = pragma('page_count');
    const freePages = pragma('freelist_count');
    return { pageSize, pages, freePages, usedBytes: (pages - freePages) * pageSize, freeBytes: freePages * pageSize };
  } catch (e) {
    throw toStoreError(e, 'measuring the database');
  }
}

/**
 * The event time below which the `n` oldest events lie (exclusive bound: ts of the n-th oldest
 * + 1), for deleting the oldest events through the retention path; null when there are none.
 */
export function oldestLogsBound(store: Store, n: number): number | null {
  try {
    const c = sqlOf(store);
    const ts = c.statement('SELECT ts FROM logs ORDER BY ts LIMIT 1 OFFSET ?').pluck().get(Math.max(0, n - 1)) as number | undefined;
    if (ts !== undefined) return ts + 1;
    // Fewer than n events: all of them.
    const max = c.statement('SELECT max(ts) FROM logs').pluck().get() as number | null;
    return max === null ? null : max + 1;
  } catch (e) {
    throw toStoreError(e, 'finding the oldest events');
  }
}

/** The oldest bucket of a rollup table + 1 (exclusive bound), or null when it is empty. */
export function oldestRollupBound(store: Store, table: 'rollup_1m' | 'rollup_1h'): number | null {
  try {
    const min = sqlOf(store).statement(`SELECT min(bucket_start) FROM ${table}`).pluck().get() as number | null;
    return min === null ? null : min + 1;
  } catch (e) {
    throw toStoreError(e, `finding the oldest ${table} bucket`);
  }
}
