/**
 * Idempotency keys of POST /api/v1/ingest (table ingest_keys, migration 7), and the content keys
 * of the shipper endpoints (`otlp:<sha256>`, `loki:<sha256>`; api/routes/shipper-push.ts). A key row is written
 * inside the transaction that stores the request's events (src/ingest/commit-job.ts), so the
 * database never holds the events without the key or the key without the events: after a crash
 * either both are there (a retry is answered from the row) or neither (the retry stores them).
 */
import { sqlOf, sqlTx, type BatchTx } from './connection.js';
import type { Store } from './store.js';

/** One keyed request inside a commit job: its messages are events[start, start + count). */
export interface IngestKeyWrite {
  key: string;
  /** Hex SHA-256 of the media type and body, to tell a retry from a different request. */
  bodySha256: string;
  start: number;
  count: number;
  parseErrors: number;
  /** Rows created before this (epoch ms) are expired: deleted here, overwritten when reused. */
  expiredBefore: number;
}

export interface IngestKeyRow {
  key: string;
  body_sha256: string;
  stored: number;
  duplicates: number;
  parse_errors: number;
  created_at: number;
}

/** Expired rows deleted per keyed request: keeps the table at about one window of keys. */
const PRUNE_PER_WRITE = 100;

const INSERT_KEY = `INSERT INTO ingest_keys (key, body_sha256, stored, duplicates, parse_errors, created_at) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (key) DO UPDATE SET body_sha256 = excluded.body_sha256, stored = excluded.stored, duplicates = excluded.duplicates,
    parse_errors = excluded.parse_errors, created_at = excluded.created_at
  WHERE ingest_keys.created_at < ?`;
const PRUNE_KEYS = 'DELETE FROM ingest_keys WHERE key IN (SELECT key FROM ingest_keys WHERE created_at < ? ORDER BY created_at LIMIT ?)';

/**
 * Inside the batch's transaction: one row per keyed request with the answer it gets (stored and
 * duplicates counted from the ids the insert gave), and a few expired rows deleted.
 */
export function writeIngestKeys(tx: BatchTx, keys: readonly IngestKeyWrite[]): void {
  if (keys.length === 0) return;
  const t = sqlTx(tx);
  const insert = t.statement(INSERT_KEY);
  let oldest = Infinity;
  for (const k of keys) {
    let stored = 0;
    for (let i = k.start; i < k.start + k.count; i++) if (tx.ids[i] !== null) stored++;
    insert.run(k.key, k.bodySha256, stored, k.count - stored, k.parseErrors, tx.now, k.expiredBefore);
    oldest = Math.min(oldest, k.expiredBefore);
  }
  t.statement(PRUNE_KEYS).run(oldest, PRUNE_PER_WRITE);
}

/** The row of a key that has not expired; null when there is none. */
export function findIngestKey(store: Store, key: string, expiredBefore: number): IngestKeyRow | null {
  const row = sqlOf(store)
    .statement('SELECT key, body_sha256, stored, duplicates, parse_errors, created_at FROM ingest_keys WHERE key = ? AND created_at >= ?')
    .get(key, expiredBefore) as IngestKeyRow | undefined;
  return row ?? null;
}
