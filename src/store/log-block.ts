/**
 * A block of stored events (table log_blocks, storage v2): everything about an event that no
 * filter reads, for up to storage.block_events events, compressed once. Pure apart from
 * node:zlib.
 *
 * Layout (codec 3, written since): a header line of JSON with the block's counting columns
 * (ids, receive times and Kafka offsets as differences from the previous value, which compress
 * to almost nothing) and the names of the fields present in the block, then one line per event:
 * a JSON array of those fields' values. A field that is null for every event of the block is
 * left out. A read needs one event's line, not the block's: after decompressing, it parses that
 * line only (measured on the API bench data: decompress ~1.1 ms, utf-8 decoding and parsing the
 * whole block as JSON ~2 ms more, and most of the garbage collection, for a 1,024-event block).
 * Lines cost ~2 B/event more after compression than the columnar JSON of codecs 1 and 2, which
 * put one array per field side by side (still read).
 *
 * The message is derived from raw where it can be (docs/90-bench.md, "Where the bytes go": 90 %
 * of the messages are raw itself or a part of it): null when equal to raw, [start, length] when
 * raw holds it, the text otherwise.
 *
 * The codec byte of each block says how its payload was compressed and laid out, so another
 * can be added without rewriting old blocks. Brotli quality 4 was chosen by measurement (the
 * storage bench, docs/90-bench.md): on these payloads it is 1–12 % smaller than raw deflate 6
 * (codec 1, still read) and faster both ways; brotli 9 is another 15 % smaller but ~10× slower
 * to compress, which the ingest path cannot afford.
 */
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Format, LevelName, StoredEvent } from '../core/event.js';
import { LogaggError } from '../errors.js';
import { COLUMNS } from './log-row.js';

/** Deflate (raw, level 6), columnar JSON: the first storage v2 blocks. */
export const CODEC_DEFLATE = 1;
/** Brotli 4, columnar JSON. */
export const CODEC_BROTLI = 2;
/** Brotli 4, a header line and one line per event (written since). */
export const CODEC_BROTLI_LINES = 3;
export type Codec = typeof CODEC_DEFLATE | typeof CODEC_BROTLI | typeof CODEC_BROTLI_LINES;

export const DEFAULT_BLOCK_EVENTS = 512;

const col = (name: (typeof COLUMNS)[number]): number => COLUMNS.indexOf(name);
const C = {
  ts_fallback: col('ts_fallback'),
  received_at: col('received_at'),
  source_kind: col('source_kind'),
  topic: col('topic'),
  partition: col('partition'),
  offset: col('offset'),
  source_peer: col('source_peer'),
  level_name: col('level_name'),
  message: col('message'),
  process: col('process'),
  pid: col('pid'),
  user: col('user'),
  src_ip: col('src_ip'),
  dst_ip: col('dst_ip'),
  src_port: col('src_port'),
  dst_port: col('dst_port'),
  domain: col('domain'),
  file_hash: col('file_hash'),
  metrics: col('metrics'),
  threats: col('threats'),
  asset: col('asset'),
  attributes: col('attributes'),
  raw: col('raw'),
  raw_truncated: col('raw_truncated'),
  parse_error: col('parse_error'),
};

/** Plain values stored as they are (JSON strings, numbers or null). */
const PLAIN = ['ts_fallback', 'source_kind', 'partition', 'source_peer', 'level_name', 'process', 'pid', 'user', 'src_ip', 'dst_ip', 'src_port', 'dst_port', 'domain', 'file_hash', 'raw', 'raw_truncated', 'parse_error'] as const;
/**
 * Columns whose row parameter is JSON text (or null): kept as text inside the payload, so a
 * cached block holds one compact string per event rather than its objects (several times the
 * memory), log_attrs hands the attributes to SQLite without re-encoding them, and an event's
 * objects are parsed only when it is read.
 */
const JSON_TEXT = ['metrics', 'threats', 'asset', 'attributes'] as const;

/** One event of a block as the writer has it: its id and its row parameters (log-row.ts COLUMNS order). */
export interface BlockInput {
  id: number;
  params: ArrayLike<unknown>;
  /** Index of the event's first parameter in params. */
  at: number;
}

function deltas(values: readonly number[]): string {
  let prev = 0;
  const out: number[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = values[i]! - prev;
    prev = values[i]!;
  }
  return '[' + out.join(',') + ']';
}

/** The message as stored: null when it is raw, [start, length] when raw holds it, else the text. */
export function messageRef(message: string, raw: string): string {
  if (message === raw) return 'null';
  const at = message.length === 0 ? 0 : raw.indexOf(message);
  return at >= 0 ? `[${at},${message.length}]` : JSON.stringify(message);
}

/** The counting columns (ids, receive times, offsets) as JSON members, differences where they count up. */
function countingMembers(events: readonly BlockInput[]): string[] {
  const parts: string[] = [`"n":${events.length}`];
  parts.push(`"id":${deltas(events.map((e) => e.id))}`);
  parts.push(`"received_at":${deltas(events.map((e) => Number(e.params[e.at + C.received_at])))}`);
  // Offsets: differences when every one is an exact JS number (always, in practice), else text.
  const offsets = events.map((e) => e.params[e.at + C.offset] as bigint | number | null);
  if (offsets.some((o) => o !== null)) {
    if (offsets.every((o) => o === null || Number.isSafeInteger(Number(o)))) {
      let prev = 0;
      const out = offsets.map((o) => {
        if (o === null) return 'null';
        const v = Number(o);
        const d = v - prev;
        prev = v;
        return String(d);
      });
      parts.push(`"offset":[${out.join(',')}]`);
    } else {
      parts.push(`"offset_text":[${offsets.map((o) => (o === null ? 'null' : JSON.stringify(String(o)))).join(',')}]`);
    }
  }
  return parts;
}

/** The other fields, each as its events' JSON values, leaving out a field null in every event. */
function fieldValues(events: readonly BlockInput[]): [name: string, values: string[]][] {
  const out: [string, string[]][] = [];
  // PLAIN values are JSON values; JSON_TEXT values are JSON text, stored as a JSON string.
  for (const name of [...PLAIN, ...JSON_TEXT]) {
    const c = C[name];
    let any = false;
    const vals = events.map((e) => {
      const v = e.params[e.at + c];
      if (v === null || v === undefined) return 'null';
      any = true;
      return JSON.stringify(v);
    });
    if (any) out.push([name, vals]);
  }
  let anyMessage = false;
  const messages = events.map((e) => {
    const m = messageRef(String(e.params[e.at + C.message]), String(e.params[e.at + C.raw]));
    if (m !== 'null') anyMessage = true;
    return m;
  });
  if (anyMessage) out.push(['message', messages]);
  return out;
}

/** The columnar JSON text of a block (codecs 1 and 2). */
export function encodeBlockJson(events: readonly BlockInput[]): string {
  const parts = countingMembers(events);
  for (const [name, vals] of fieldValues(events)) parts.push(`"${name}":[${vals.join(',')}]`);
  return '{' + parts.join(',') + '}';
}

/** The line layout of a block (codec 3): a header line, then one JSON array per event. */
export function encodeBlockLines(events: readonly BlockInput[]): string {
  const fields = fieldValues(events);
  const header = '{' + [...countingMembers(events), `"fields":${JSON.stringify(fields.map(([name]) => name))}`].join(',') + '}';
  const lines: string[] = new Array(events.length + 1);
  lines[0] = header;
  for (let i = 0; i < events.length; i++) {
    let line = '[';
    for (let f = 0; f < fields.length; f++) line += (f === 0 ? '' : ',') + fields[f]![1][i];
    lines[i + 1] = line + ']';
  }
  return lines.join('\n');
}

/** The block's text in the layout its codec says. */
export function encodeBlock(events: readonly BlockInput[], codec: Codec): string {
  return codec === CODEC_BROTLI_LINES ? encodeBlockLines(events) : encodeBlockJson(events);
}

/** The codec new blocks are written with. */
export const STORED_CODEC: Codec = CODEC_BROTLI_LINES;

export function compress(text: string, codec: Codec): Buffer {
  const buf = Buffer.from(text, 'utf8');
  if (codec === CODEC_DEFLATE) return deflateRawSync(buf, { level: 6 });
  return brotliCompressSync(buf, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: 4,
      [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: buf.length,
    },
  });
}

/** The payload's bytes, decompressed. */
export function decompressBytes(payload: Uint8Array, codec: number): Buffer {
  if (codec === CODEC_DEFLATE) return inflateRawSync(payload);
  if (codec === CODEC_BROTLI || codec === CODEC_BROTLI_LINES) return brotliDecompressSync(payload);
  throw new LogaggError('STORE_FAILED', `a log block has codec ${codec}, which this logagg cannot read; upgrade logagg`);
}

export function decompress(payload: Uint8Array, codec: number): string {
  return decompressBytes(payload, codec).toString('utf8');
}

/** The per-event lines of a codec-3 block: parsed one at a time, the last one kept. */
interface BlockLines {
  bytes: Buffer;
  /** Byte offset of each event's line, and one past the last line's end. */
  starts: Int32Array;
  field: Map<string, number>;
  lastSlot: number;
  lastValues: unknown[];
}

/** A decoded block: ids (ascending) and the fields, ready to build events from. */
export interface DecodedBlock {
  firstId: number;
  lastId: number;
  ids: number[];
  /** Codecs 1 and 2: one array per field. */
  cols: Record<string, unknown[] | undefined>;
  /** Codec 3: one line per event. */
  lines?: BlockLines;
  receivedAt: number[];
  offsets: (string | null)[];
}

function undelta(d: readonly number[]): number[] {
  const out: number[] = new Array(d.length);
  let acc = 0;
  for (let i = 0; i < d.length; i++) out[i] = acc += d[i]!;
  return out;
}

type Counting = { n: number; id: number[]; received_at: number[]; offset?: (number | null)[]; offset_text?: (string | null)[] };

function offsetsOf(h: Counting): (string | null)[] {
  if (h.offset) {
    let prev = 0;
    return h.offset.map((d) => (d === null ? null : String((prev += d))));
  }
  return h.offset_text ?? new Array<string | null>(h.n).fill(null);
}

export function decodeBlock(firstId: number, lastId: number, codec: number, payload: Uint8Array): DecodedBlock {
  if (codec === CODEC_BROTLI_LINES) return decodeLines(firstId, lastId, decompressBytes(payload, codec));
  const cols = JSON.parse(decompress(payload, codec)) as Record<string, unknown[]> & Counting;
  const ids = undelta(cols.id);
  const receivedAt = undelta(cols.received_at);
  const offsets = offsetsOf(cols);
  // The differences are not needed once summed: a cached block holds one copy.
  const rest = cols as Record<string, unknown[] | undefined>;
  delete rest.id;
  delete rest.received_at;
  delete rest.offset;
  delete rest.offset_text;
  return { firstId, lastId, ids, cols: rest, receivedAt, offsets };
}

const NEWLINE = 0x0a; // never inside a line: JSON escapes it in strings

function decodeLines(firstId: number, lastId: number, bytes: Buffer): DecodedBlock {
  let end = bytes.indexOf(NEWLINE);
  if (end < 0) end = bytes.length;
  const header = JSON.parse(bytes.toString('utf8', 0, end)) as Counting & { fields: string[] };
  const starts = new Int32Array(header.n + 1);
  let at = end + 1;
  let ok = at <= bytes.length;
  for (let i = 0; i < header.n && ok; i++) {
    starts[i] = at;
    const nl = bytes.indexOf(NEWLINE, at);
    // The last line has no newline after it; any other line must.
    at = nl < 0 ? bytes.length + 1 : nl + 1;
    ok = i === header.n - 1 ? nl < 0 : nl >= 0;
  }
  starts[header.n] = at;
  if (!ok) throw new LogaggError('STORE_FAILED', `log block ${firstId}: ${header.n} events announced, the lines say otherwise`);
  return {
    firstId,
    lastId,
    ids: undelta(header.id),
    cols: {},
    lines: { bytes, starts, field: new Map(header.fields.map((f, i) => [f, i])), lastSlot: -1, lastValues: [] },
    receivedAt: undelta(header.received_at),
    offsets: offsetsOf(header),
  };
}

/** The block's fields as columns (for measuring what its bytes hold), whatever its layout. */
export function blockColumns(payload: Uint8Array, codec: number): Record<string, unknown[]> {
  const b = decodeBlock(0, 0, codec, payload);
  if (!b.lines) return b.cols as Record<string, unknown[]>;
  const cols: Record<string, unknown[]> = {};
  for (const [name, f] of b.lines.field) cols[name] = b.ids.map((_, slot) => lineValues(b.lines!, slot)[f]);
  return cols;
}

function lineValues(l: BlockLines, slot: number): unknown[] {
  if (l.lastSlot !== slot) {
    l.lastValues = JSON.parse(l.bytes.toString('utf8', l.starts[slot]!, l.starts[slot + 1]! - 1)) as unknown[];
    l.lastSlot = slot;
  }
  return l.lastValues;
}

/** Index of id in the block, or -1 (ids may have gaps: converted blocks, retention). */
export function slotOf(b: DecodedBlock, id: number): number {
  let lo = 0;
  let hi = b.ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = b.ids[mid]!;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

const at = <T>(b: DecodedBlock, name: string, slot: number): T | null => {
  if (b.lines) {
    const f = b.lines.field.get(name);
    return f === undefined ? null : ((lineValues(b.lines, slot)[f] ?? null) as T | null);
  }
  const c = b.cols[name];
  return c === undefined ? null : ((c[slot] ?? null) as T | null);
};

/** The event's process (program) name, or null. */
export function processAt(b: DecodedBlock, slot: number): string | null {
  return at<string>(b, 'process', slot);
}

/** The event's message, from raw and the stored reference. */
export function messageAt(b: DecodedBlock, slot: number): string {
  const raw = at<string>(b, 'raw', slot) ?? '';
  const m = at<string | [number, number]>(b, 'message', slot);
  if (m === null) return raw;
  if (typeof m === 'string') return m;
  return raw.slice(m[0], m[0] + m[1]);
}

/** The attributes' JSON text, '{}' when the event has none. */
export function attributesTextAt(b: DecodedBlock, slot: number): string {
  return at<string>(b, 'attributes', slot) ?? '{}';
}

function parsed<T>(b: DecodedBlock, name: string, slot: number, empty: T): T {
  const text = at<string>(b, name, slot);
  return text === null ? empty : (JSON.parse(text) as T);
}

/** The per-event row (table logs) with its dictionary values resolved. */
export interface EventRow {
  id: number;
  ts: number;
  host: string | null;
  level: number | null;
  topic: string;
  format: string;
  tags: string[];
}

/** The StoredEvent at a slot, field for field as v1 rows read back (log-row.ts of schema 7). */
export function eventAt(b: DecodedBlock, slot: number, row: EventRow): StoredEvent {
  const source: StoredEvent['source'] = {
    kind: at<string>(b, 'source_kind', slot) ?? '',
    topic: row.topic,
    partition: at<number>(b, 'partition', slot) ?? -1,
    offset: b.offsets[slot] ?? null,
  };
  const peer = at<string>(b, 'source_peer', slot);
  if (peer !== null) source.peer = peer;
  return {
    id: row.id,
    ts: row.ts,
    ts_fallback: at<number>(b, 'ts_fallback', slot) === 1,
    received_at: b.receivedAt[slot]!,
    source,
    format: row.format as Format,
    host: row.host,
    level: row.level,
    level_name: at<LevelName>(b, 'level_name', slot),
    message: messageAt(b, slot),
    metrics: parsed<StoredEvent['metrics']>(b, 'metrics', slot, {}),
    process: at<string>(b, 'process', slot),
    pid: at<number>(b, 'pid', slot),
    user: at<string>(b, 'user', slot),
    src_ip: at<string>(b, 'src_ip', slot),
    dst_ip: at<string>(b, 'dst_ip', slot),
    src_port: at<number>(b, 'src_port', slot),
    dst_port: at<number>(b, 'dst_port', slot),
    domain: at<string>(b, 'domain', slot),
    file_hash: at<string>(b, 'file_hash', slot),
    threats: parsed<StoredEvent['threats']>(b, 'threats', slot, []),
    tags: row.tags,
    asset: parsed<StoredEvent['asset']>(b, 'asset', slot, null),
    attributes: parsed<StoredEvent['attributes']>(b, 'attributes', slot, {}),
    raw: at<string>(b, 'raw', slot) ?? '',
    raw_truncated: at<number>(b, 'raw_truncated', slot) === 1,
    parse_error: at<string>(b, 'parse_error', slot),
  };
}

/** The text the full-text index holds for an event: message, process and host joined by spaces. */
export function ftsText(message: string, process: string | null, host: string | null): string {
  let t = message;
  if (process !== null && process !== '') t += ' ' + process;
  if (host !== null && host !== '') t += ' ' + host;
  return t;
}
