/**
 * Writing stored events in the storage v2 layout, inside the caller's transaction: one small
 * `logs` row per event (what filters and stats read), its full-text entry, and the events in
 * compressed blocks of up to storage.block_events with their Kafka offset ranges. Used by the
 * ingest writer (LogWriter) and by the converter of v1 databases (convert-v1.ts), which gives
 * ids of its own.
 */
import { compress, encodeBlock, ftsText, STORED_CODEC, type BlockInput } from './log-block.js';
import { DictWriter } from './log-dict.js';
import { COLUMNS } from './log-row.js';
import { blockRanges, INSERT_RANGE, type Coordinates } from './offset-ranges.js';
import type { SqlStatement } from './sqlite.js';

type Statements = (sql: string) => SqlStatement;

const col = (name: (typeof COLUMNS)[number]): number => COLUMNS.indexOf(name);
const C_TS = col('ts');
const C_TOPIC = col('topic');
const C_PARTITION = col('partition');
const C_OFFSET = col('offset');
const C_FORMAT = col('format');
const C_HOST = col('host');
const C_LEVEL = col('level');
const C_MESSAGE = col('message');
const C_PROCESS = col('process');
const C_SEVERITY = col('threat_severity');
const C_TAGS = col('tags');
const C_PARSE_ERROR = col('parse_error');
const C_SOURCE_KIND = col('source_kind');

export const INSERT_ROW = 'INSERT INTO logs (id, ts, host_id, level, threat_severity, topic_id, format, tagset_id, has_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
export const INSERT_FTS = 'INSERT INTO logs_fts (rowid, text) VALUES (?, ?)';
export const INSERT_BLOCK = 'INSERT INTO log_blocks (first_id, last_id, n, min_ts, max_ts, codec, payload) VALUES (?, ?, ?, ?, ?, ?, ?)';

/** The Kafka coordinates of an event's parameters, or null for a source without offsets. */
export function coordinatesOf(params: ArrayLike<unknown>, at: number): Coordinates | null {
  const offset = params[at + C_OFFSET];
  if (offset === null || offset === undefined) return null;
  return { topic: String(params[at + C_TOPIC]), partition: Number(params[at + C_PARTITION]), offset: BigInt(offset as bigint), sequential: params[at + C_SOURCE_KIND] === 'kafka' };
}

export interface WrittenBlocks {
  blocks: number;
  payloadBytes: number;
}

export class BlockWriter {
  readonly dict = new DictWriter();

  constructor(readonly blockEvents: number) {}

  /** Writes events with their ids (ascending), inside the caller's transaction. */
  write(statement: Statements, events: readonly BlockInput[]): WrittenBlocks {
    const insertRow = statement(INSERT_ROW);
    const insertFts = statement(INSERT_FTS);
    for (const e of events) {
      const p = e.params;
      const a = e.at;
      const host = p[a + C_HOST] as string | null;
      const tags = p[a + C_TAGS] as string | null;
      insertRow.run(
        e.id,
        p[a + C_TS],
        host === null ? null : this.dict.id(statement, 'host', host),
        p[a + C_LEVEL],
        p[a + C_SEVERITY],
        this.dict.id(statement, 'topic', String(p[a + C_TOPIC])),
        this.dict.id(statement, 'format', String(p[a + C_FORMAT])),
        tags === null ? null : this.dict.id(statement, 'tagset', tags),
        p[a + C_PARSE_ERROR] === null ? 0 : 1,
      );
      insertFts.run(e.id, ftsText(String(p[a + C_MESSAGE]), p[a + C_PROCESS] as string | null, host));
    }
    const insertBlock = statement(INSERT_BLOCK);
    const insertRange = statement(INSERT_RANGE);
    let payloadBytes = 0;
    let blocks = 0;
    for (let s = 0; s < events.length; s += this.blockEvents) {
      const chunk = events.slice(s, s + this.blockEvents);
      let minTs = Infinity;
      let maxTs = -Infinity;
      for (const e of chunk) {
        const ts = Number(e.params[e.at + C_TS]);
        if (ts < minTs) minTs = ts;
        if (ts > maxTs) maxTs = ts;
      }
      const payload = compress(encodeBlock(chunk, STORED_CODEC), STORED_CODEC);
      const first = chunk[0]!.id;
      insertBlock.run(first, chunk[chunk.length - 1]!.id, chunk.length, minTs, maxTs, STORED_CODEC, payload);
      for (const r of blockRanges(chunk.map((e) => coordinatesOf(e.params, e.at)))) insertRange.run(r.topic, r.partition, r.lo, r.hi, first);
      payloadBytes += payload.length;
      blocks++;
    }
    return { blocks, payloadBytes };
  }
}
