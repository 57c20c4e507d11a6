/**
 * Kafka offsets kept in the database, written in the same transaction as the events they
 * cover. `next_offset` is the offset of the next message to read (last stored + 1), so the
 * consumer seeks straight to it on start.
 */
import { badRequest } from '../errors.js';
import { sqlOf } from './connection.js';
import type { Store } from './store.js';

export interface OffsetUpdate {
  group: string;
  topic: string;
  partition: number;
  /** int64 as a decimal string. */
  nextOffset: string;
}

export const UPSERT_OFFSET = `INSERT INTO offsets (consumer_group, topic, partition, next_offset, updated_at)
  VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET next_offset = excluded.next_offset, updated_at = excluded.updated_at`;

const INT64_DECIMAL = /^(0|[1-9][0-9]{0,18})$/;

/** The parameters of UPSERT_OFFSET; throws BAD_REQUEST for an offset that is not an int64. */
export function offsetParams(o: OffsetUpdate, now: number): unknown[] {
  if (!INT64_DECIMAL.test(o.nextOffset) || BigInt(o.nextOffset) > 9223372036854775807n) {
    throw badRequest('nextOffset', `not a non-negative 64-bit integer: ${JSON.stringify(o.nextOffset)}`);
  }
  return [o.group, o.topic, o.partition, BigInt(o.nextOffset), now];
}

/** topic → partition → next offset (decimal string) for one consumer group. */
export function readOffsets(store: Store, group: string): Map<string, Map<number, string>> {
  const rows = sqlOf(store)
    .statement('SELECT topic, partition, CAST(next_offset AS TEXT) AS next_offset FROM offsets WHERE consumer_group = ? ORDER BY topic, partition')
    .all(group) as { topic: string; partition: number; next_offset: string }[];
  const out = new Map<string, Map<number, string>>();
  for (const r of rows) {
    let parts = out.get(r.topic);
    if (!parts) out.set(r.topic, (parts = new Map()));
    parts.set(r.partition, r.next_offset);
  }
  return out;
}

export interface OffsetRow {
  group: string;
  topic: string;
  partition: number;
  next_offset: string;
  updated_at: number;
}

/** Every stored offset, for status displays. */
export function listOffsets(store: Store): OffsetRow[] {
  return sqlOf(store)
    .statement(
      'SELECT consumer_group AS "group", topic, partition, CAST(next_offset AS TEXT) AS next_offset, updated_at FROM offsets ORDER BY consumer_group, topic, partition',
    )
    .all() as OffsetRow[];
}
