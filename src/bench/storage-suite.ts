/**
 * `npm run bench -- --suite storage`: where the bytes of a database go (storage v2, issue 12).
 * No Kafka: the mix is normalized in-process and written by the store's LogWriter, in the
 * writer's 5,000-event transactions, into a temporary database, which is then measured with
 * dbstat: per-event rows and their indexes, compressed blocks, dictionary, offset ranges, FTS5.
 * The blocks' payloads are then decoded to show which fields their bytes hold, and compressed
 * again with the other candidate codecs (size, and the CPU time of compressing and
 * decompressing them: an indication only on a shared machine). Bytes are deterministic.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, inflateRawSync } from 'node:zlib';
import { sqlOf } from '../store/connection.js';
import { blockColumns, decompressBytes } from '../store/log-block.js';
import { openStore } from '../store/store.js';
import type { MixName } from '../tools/sample-producer.js';
import { brotliCodec, deflateCodec, type BlockCodec } from './block-compression.js';
import { writeMix } from './write-mix.js';
import { columnSizes, hasDbstat, objectSizes, type ColumnSize, type ObjectSize } from './storage-breakdown.js';

export interface StorageSuiteOptions {
  count: number;
  mix: MixName;
  /** Event time of the first message, epoch ms; default now - count. */
  start?: number;
  log?: (msg: string) => void;
}

export interface PayloadField {
  field: string;
  /** Bytes of the field's JSON array in the decompressed payloads (before compression). */
  jsonBytes: number;
}

export interface CodecResult {
  codec: string;
  /** The blocks' payloads compressed with it, bytes. */
  bytes: number;
  /** CPU time per 1,000 events, ms (single runs on a shared machine: indicative). */
  compressMsPer1k: number;
  decompressMsPer1k: number;
}

export interface StorageReport {
  mix: MixName;
  events: number;
  /** The messages' bytes as received (UTF-8). */
  rawBytes: number;
  /** The database file after the writer closed (WAL checkpointed into it). */
  fileBytes: number;
  objects: ObjectSize[];
  /** Columns of the per-event `logs` rows. */
  columns: ColumnSize[];
  blocks: number;
  /** Sum of the stored payloads. */
  payloadBytes: number;
  /** Sum of the decompressed payloads. */
  payloadJsonBytes: number;
  fields: PayloadField[];
  codecs: CodecResult[];
}

/** The candidate codecs, the stored one (brotli 4, log-block.ts STORED_CODEC) first. */
const CODECS: { codec: BlockCodec; inflate: (b: Buffer) => Buffer }[] = [
  { codec: brotliCodec(4), inflate: (b) => brotliDecompressSync(b) },
  { codec: deflateCodec(6), inflate: (b) => inflateRawSync(b) },
  { codec: deflateCodec(9), inflate: (b) => inflateRawSync(b) },
  { codec: brotliCodec(9), inflate: (b) => brotliDecompressSync(b) },
];

export function runStorageSuite(opts: StorageSuiteOptions): StorageReport {
  const log = opts.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'logagg-bench-storage-'));
  const path = join(dir, 'store.db');
  try {
    log(`writing ${opts.count} events of the ${opts.mix} mix…`);
    let rawBytes = 0;
    const store = openStore(path);
    try {
      writeMix(store, opts.mix, opts.count, { start: opts.start ?? Date.now() - opts.count, onMessage: (v) => (rawBytes += Buffer.byteLength(v)) });
    } finally {
      store.close();
    }
    const fileBytes = statSync(path).size;

    log('measuring the database with dbstat…');
    const reader = openStore(path);
    try {
      const db = sqlOf(reader).db;
      if (!hasDbstat(db)) throw new Error("this SQLite has no dbstat table (SQLITE_ENABLE_DBSTAT_VTAB); the storage suite needs it");
      const objects = objectSizes(db);
      const columns = columnSizes(db, 'logs');
      const events = Number(db.prepare('SELECT count(*) FROM logs').pluck().get());

      log('decoding the blocks…');
      const fieldBytes = new Map<string, number>();
      const jsons: Buffer[] = [];
      let payloadBytes = 0;
      for (const b of db.prepare('SELECT codec, payload FROM log_blocks ORDER BY first_id').iterate() as Iterable<{ codec: number; payload: Buffer }>) {
        payloadBytes += b.payload.length;
        jsons.push(decompressBytes(b.payload, b.codec));
        // By field, as JSON arrays whatever the layout (the lines' brackets and commas aside).
        for (const [k, v] of Object.entries(blockColumns(b.payload, b.codec))) {
          if (k === 'n') continue;
          fieldBytes.set(k, (fieldBytes.get(k) ?? 0) + Buffer.byteLength(JSON.stringify(v)));
        }
      }
      const payloadJsonBytes = jsons.reduce((n, j) => n + j.length, 0);
      const fields = [...fieldBytes].map(([field, jsonBytes]) => ({ field, jsonBytes })).sort((a, b) => b.jsonBytes - a.jsonBytes);

      const codecs: CodecResult[] = [];
      for (const { codec, inflate } of CODECS) {
        log(`compressing the payloads again: ${codec.name}…`);
        let t0 = performance.now();
        const packed = jsons.map((j) => codec.compress(j));
        const compressMs = performance.now() - t0;
        t0 = performance.now();
        for (const p of packed) inflate(p);
        const decompressMs = performance.now() - t0;
        const per1k = (ms: number) => (events === 0 ? 0 : (ms * 1000) / events);
        codecs.push({ codec: codec.name, bytes: packed.reduce((n, p) => n + p.length, 0), compressMsPer1k: per1k(compressMs), decompressMsPer1k: per1k(decompressMs) });
      }
      return { mix: opts.mix, events, rawBytes, fileBytes, objects, columns, blocks: jsons.length, payloadBytes, payloadJsonBytes, fields, codecs };
    } finally {
      reader.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const GROUP_LABELS: Record<string, string> = {
  blocks: 'compressed blocks (`log_blocks`)',
  logs: 'per-event rows (`logs`)',
  'logs indexes': 'row indexes (`logs_ts`, `logs_host_ts`)',
  fts: 'FTS5 index (`logs_fts_*`)',
  dict: 'dictionary (`log_dict`)',
  'offset ranges': 'offset ranges (`log_offset_ranges`)',
  rollups: 'rollups',
  other: 'other tables',
  'free pages': 'free pages',
};

const perEvent = (bytes: number, events: number): string => (events === 0 ? '—' : (bytes / events).toFixed(1));
const share = (part: number, whole: number): string => (whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)} %`);
const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const ratio = (part: number, raw: number): string => (raw === 0 ? '—' : `${(part / raw).toFixed(3)}×`);

/** The report as Markdown tables, in the order docs/90-bench.md shows them. */
export function formatStorageReport(r: StorageReport): string {
  const n = r.events;
  const out: string[] = [];
  const mixName = r.mix === 'real' ? 'real-shaped text lines' : 'the formats mix';
  out.push(
    `${n.toLocaleString('en-US')} events of ${mixName}, ${perEvent(r.rawBytes, n)} raw B/event; database ${mib(r.fileBytes)} MiB = ${perEvent(r.fileBytes, n)} B/event = ${(r.fileBytes / Math.max(1, r.rawBytes)).toFixed(2)}× the raw bytes`,
  );
  out.push('');
  out.push('| part | MiB | B/event | × raw | share of the file |');
  out.push('|---|---:|---:|---:|---:|');
  const groups = new Map<string, number>();
  for (const o of r.objects) groups.set(o.group, (groups.get(o.group) ?? 0) + o.bytes);
  const total = r.objects.reduce((s, o) => s + o.bytes, 0);
  for (const [g, bytes] of [...groups].sort((a, b) => b[1] - a[1])) out.push(`| ${GROUP_LABELS[g] ?? g} | ${mib(bytes)} | ${perEvent(bytes, n)} | ${ratio(bytes, r.rawBytes)} | ${share(bytes, total)} |`);
  out.push('');
  out.push('| table or index | B/event | share of the file | unused in its pages |');
  out.push('|---|---:|---:|---:|');
  // Dozens of empty alert and notification tables take a page each: counted, not listed.
  const listed = r.objects.filter((x) => x.bytes / total >= 0.005);
  for (const o of listed) out.push(`| ${o.name} | ${perEvent(o.bytes, n)} | ${share(o.bytes, total)} | ${share(o.unused, o.bytes)} |`);
  const rest = r.objects.filter((x) => !listed.includes(x));
  const restBytes = rest.reduce((s, o) => s + o.bytes, 0);
  if (rest.length) out.push(`| (${rest.length} more, each under 0.5 %) | ${perEvent(restBytes, n)} | ${share(restBytes, total)} | |`);
  out.push('');
  const rowsBytes = r.objects.filter((o) => o.group === 'logs').reduce((s, o) => s + o.bytes, 0);
  out.push('| `logs` row column | rows with a value | stored B/event |');
  out.push('|---|---:|---:|');
  const colSum = r.columns.reduce((s, c) => s + c.bytes, 0);
  for (const c of r.columns) out.push(`| ${c.column} | ${share(c.present, n)} | ${perEvent(c.bytes, n)} |`);
  out.push(`| (key, cell headers, interior pages, free space) | | ${perEvent(rowsBytes - colSum, n)} |`);
  out.push('');
  out.push(
    `${r.blocks.toLocaleString('en-US')} blocks: ${perEvent(r.payloadJsonBytes, n)} B/event of block text (a header line and a JSON line per event) compressed to ${perEvent(r.payloadBytes, n)} (${ratio(r.payloadBytes, r.rawBytes)} raw). The fields' JSON values by field (before compression; ids, receive times and offsets, in the header as differences, not counted):`,
  );
  out.push('');
  out.push('| payload field | JSON B/event | share |');
  out.push('|---|---:|---:|');
  for (const f of r.fields) out.push(`| ${f.field} | ${perEvent(f.jsonBytes, n)} | ${share(f.jsonBytes, r.payloadJsonBytes)} |`);
  out.push('');
  out.push('The same payloads with the other codecs (CPU ms per 1,000 events, one run: indicative):');
  out.push('');
  out.push('| codec | B/event | × raw | compress ms/1k | decompress ms/1k |');
  out.push('|---|---:|---:|---:|---:|');
  for (const c of r.codecs) out.push(`| ${c.codec}${c === r.codecs[0] ? ' (stored)' : ''} | ${perEvent(c.bytes, n)} | ${ratio(c.bytes, r.rawBytes)} | ${c.compressMsPer1k.toFixed(2)} | ${c.decompressMsPer1k.toFixed(2)} |`);
  return out.join('\n') + '\n';
}
