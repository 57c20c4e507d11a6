/**
 * What an operator wants to know about the database at a glance. Cheap by default: the log
 * count is estimated from the id range (ids only grow; retention leaves no holes inside the kept
 * range unless events arrive out of time order), `exact` counts every row instead (slow on
 * tens of millions of rows).
 */
import { statSync } from 'node:fs';
import { sqlOf } from './connection.js';
import { listOffsets, type OffsetRow } from './offsets.js';
import { toStoreError } from './sqlite.js';
import type { Store } from './store.js';

export interface StoreStats {
  path: string;
  schema_version: number;
  /** Database file plus its -wal and -shm files, bytes. */
  file_bytes: number;
  wal_bytes: number;
  page_size: number;
  page_count: number;
  /** Pages freed by retention and waiting for reuse. */
  freelist_count: number;
  logs: {
    /** max(id) - min(id) + 1: an upper bound on the row count. */
    estimate: number;
    /** Present when asked for with `exact`. */
    exact?: number;
    min_id: number | null;
    max_id: number | null;
    oldest_ts: number | null;
    newest_ts: number | null;
  };
  rollup_1m: { rows: number; oldest: number | null; newest: number | null };
  rollup_1h: { rows: number; oldest: number | null; newest: number | null };
  offsets: OffsetRow[];
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export function storeStats(store: Store, opts: { exact?: boolean } = {}): StoreStats {
  try {
    const one = (sql: string): unknown => sqlOf(store).statement(sql).pluck().get();
    const num = (sql: string): number | null => {
      const v = one(sql);
      return v === null || v === undefined ? null : Number(v);
    };
    const minId = num('SELECT min(id) FROM logs');
    const maxId = num('SELECT max(id) FROM logs');
    const rollup = (t: string) => ({
      rows: Number(one(`SELECT count(*) FROM ${t}`)),
      oldest: num(`SELECT min(bucket_start) FROM ${t}`),
      newest: num(`SELECT max(bucket_start) FROM ${t}`),
    });
    const wal = fileSize(store.path + '-wal');
    const logs: StoreStats['logs'] = {
      estimate: minId === null || maxId === null ? 0 : maxId - minId + 1,
      min_id: minId,
      max_id: maxId,
      oldest_ts: num('SELECT min(ts) FROM logs'),
      newest_ts: num('SELECT max(ts) FROM logs'),
    };
    if (opts.exact) logs.exact = Number(one('SELECT count(*) FROM logs'));
    return {
      path: store.path,
      schema_version: store.schemaVersion,
      file_bytes: fileSize(store.path) + wal + fileSize(store.path + '-shm'),
      wal_bytes: wal,
      page_size: Number(sqlOf(store).db.pragmaValue('page_size')),
      page_count: Number(sqlOf(store).db.pragmaValue('page_count')),
      freelist_count: Number(sqlOf(store).db.pragmaValue('freelist_count')),
      logs,
      rollup_1m: rollup('rollup_1m'),
      rollup_1h: rollup('rollup_1h'),
      offsets: listOffsets(store),
    };
  } catch (e) {
    throw toStoreError(e, 'reading store statistics');
  }
}
