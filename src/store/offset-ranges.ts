/**
 * Exactly-once without a per-event offset index (storage v2): each block records, per
 * (topic, partition) it holds, the lowest and highest Kafka offset stored in it (table
 * log_offset_ranges). A partition is consumed in order, so an offset inside a stored range was
 * stored already: a redelivery after a crash or a rebalance is recognised and skipped. Retention
 * deletes a block's ranges with the block.
 *
 * The ranges of the partitions in a batch are read inside the batch's transaction, only those
 * overlapping the batch's offsets (an index range; usually none): unlike a copy kept in memory,
 * this is never stale when another process wrote the partition or a batch rolled back.
 */
import type { SqlStatement } from './sqlite.js';

type Statements = (sql: string) => SqlStatement;

export interface Coordinates {
  topic: string;
  partition: number;
  offset: bigint;
  /**
   * Offsets read in order (Kafka): a block's range covers every offset between its ends. Other
   * sources with an offset (an Elasticsearch client's `_id`, hashed) are not in order: each is
   * kept as a range of its own, so only that exact offset counts as stored.
   */
  sequential: boolean;
}

const key = (c: Coordinates) => (c.sequential ? c.topic + '\0' + c.partition : c.topic + '\0' + c.partition + '\0' + c.offset);

type Span = { topic: string; partition: number; lo: bigint; hi: bigint };

/** The lowest and highest offset per key (a partition, or one offset of an unordered source). */
function spansOf(coords: readonly (Coordinates | null)[]): Map<string, Span> {
  const spans = new Map<string, Span>();
  for (const c of coords) {
    if (c === null) continue;
    const k = key(c);
    const s = spans.get(k);
    if (!s) spans.set(k, { topic: c.topic, partition: c.partition, lo: c.offset, hi: c.offset });
    else {
      if (c.offset < s.lo) s.lo = c.offset;
      if (c.offset > s.hi) s.hi = c.offset;
    }
  }
  return spans;
}

/**
 * Which of the events are new: false for an offset inside a stored range or seen earlier in the
 * same list. Events without an offset (null) are always new.
 */
export function newEvents(statement: Statements, coords: readonly (Coordinates | null)[]): boolean[] {
  const spans = spansOf(coords);
  const stored = new Map<string, [bigint, bigint][]>();
  const find = statement(
    'SELECT CAST(min_offset AS TEXT) AS lo, CAST(max_offset AS TEXT) AS hi FROM log_offset_ranges WHERE topic = ? AND partition = ? AND max_offset >= ? AND min_offset <= ?',
  );
  for (const [k, s] of spans) {
    const rows = find.all(s.topic, s.partition, s.lo, s.hi) as { lo: string; hi: string }[];
    if (rows.length > 0) stored.set(k, rows.map((r) => [BigInt(r.lo), BigInt(r.hi)]));
  }
  const seen = new Set<string>();
  return coords.map((c) => {
    if (c === null) return true;
    const k = key(c);
    const ranges = stored.get(k);
    if (ranges?.some(([lo, hi]) => lo <= c.offset && c.offset <= hi)) return false;
    const id = k + '\0' + c.offset;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The range rows of one block: one per (topic, partition) among its events. */
export function blockRanges(coords: readonly (Coordinates | null)[]): Span[] {
  const spans = spansOf(coords);
  return [...spans.values()];
}

export const INSERT_RANGE = 'INSERT INTO log_offset_ranges (topic, partition, min_offset, max_offset, first_id) VALUES (?, ?, ?, ?, ?)';
