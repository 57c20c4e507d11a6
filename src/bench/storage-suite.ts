/**
 * `npm run bench -- --suite storage`: where the bytes of a database go, and what the storage
 * v2 candidates (issue 12) would take for the same events. No Kafka: the mix is normalized
 * in-process and written by the store's LogWriter, in the writer's 5,000-event transactions,
 * into a temporary database, which is then measured with dbstat. Bytes only; nothing is timed.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlOf } from '../store/connection.js';
import { openStore } from '../store/store.js';
import type { MixName } from '../tools/sample-producer.js';
import { brotliCodec, compressInBlocks, deflateCodec, sampleLinesDictionary, trainDictionary, type BlockCodec, type BlockResult } from './block-compression.js';
import { ftsVariantSize, FTS_VARIANTS, type FtsDoc, type FtsVariantSize } from './fts-variants.js';
import { writeMix } from './write-mix.js';
import { columnSizes, hasDbstat, messageOverlap, objectSizes, type ColumnSize, type MessageOverlap, type ObjectSize } from './storage-breakdown.js';

/** Lines the deflate dictionary is trained on: the first ones, as a new database would see them. */
const DICTIONARY_SAMPLE = 10_000;
/** Events per block for the structured columns' one measurement. */
const STRUCTURED_BLOCK = 1024;

export interface StorageSuiteOptions {
  count: number;
  mix: MixName;
  blockSizes?: readonly number[];
  /** Event time of the first message, epoch ms; default now - count. */
  start?: number;
  log?: (msg: string) => void;
}

export interface StorageReport {
  mix: MixName;
  events: number;
  /** The messages' bytes as received (UTF-8). */
  rawBytes: number;
  /** The database file after the writer closed (WAL checkpointed into it). */
  fileBytes: number;
  objects: ObjectSize[];
  /** Columns of `logs`; the table's bytes not covered by them are its overhead. */
  columns: ColumnSize[];
  logsTableBytes: number;
  /** Which messages raw already holds. */
  message: MessageOverlap;
  compression: BlockResult[];
  /** attributes, metrics, threats, tags, asset as stored, in blocks of STRUCTURED_BLOCK. */
  structured: BlockResult[];
  fts: FtsVariantSize[];
}

export function runStorageSuite(opts: StorageSuiteOptions): StorageReport {
  const log = opts.log ?? (() => undefined);
  const blockSizes = opts.blockSizes ?? [256, 1024, 4096];
  const dir = mkdtempSync(join(tmpdir(), 'logagg-bench-storage-'));
  const path = join(dir, 'store.db');
  try {
    log(`writing ${opts.count} events of the ${opts.mix} mix…`);
    const lines: string[] = [];
    const store = openStore(path);
    try {
      writeMix(store, opts.mix, opts.count, { start: opts.start ?? Date.now() - opts.count, onMessage: (v) => lines.push(v) });
    } finally {
      store.close();
    }
    const fileBytes = statSync(path).size;

    log('measuring the database with dbstat…');
    const reader = openStore(path);
    let objects: ObjectSize[];
    let columns: ColumnSize[];
    let docs: FtsDoc[];
    let events: number;
    let structuredLines: string[];
    let message: MessageOverlap;
    try {
      const db = sqlOf(reader).db;
      if (!hasDbstat(db)) throw new Error("this SQLite has no dbstat table (SQLITE_ENABLE_DBSTAT_VTAB); the storage suite needs it");
      objects = objectSizes(db);
      columns = columnSizes(db, 'logs');
      message = messageOverlap(db);
      events = Number(db.prepare('SELECT count(*) FROM logs').pluck().get());
      // The texts today's index holds, as the writer gave them to it.
      docs = db.prepare('SELECT message, host, process FROM logs ORDER BY id').all() as FtsDoc[];
      structuredLines = db.prepare(`SELECT concat_ws(char(9), attributes, metrics, threats, tags, asset) FROM logs ORDER BY id`).pluck().all() as string[];
    } finally {
      reader.close();
    }

    const rawBytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
    const sample = lines.slice(0, DICTIONARY_SAMPLE);
    const trained = { label: 'trained', bytes: trainDictionary(sample) };
    const sampled = { label: 'sample-lines', bytes: sampleLinesDictionary(sample) };
    const codecs: BlockCodec[] = [
      deflateCodec(1), deflateCodec(6), deflateCodec(9), brotliCodec(4), brotliCodec(9),
      deflateCodec(6, trained), deflateCodec(9, trained), deflateCodec(6, sampled),
    ];
    const compression: BlockResult[] = [];
    for (const codec of codecs) {
      log(`compressing in blocks: ${codec.name}…`);
      for (const size of blockSizes) compression.push(compressInBlocks(lines, size, codec));
    }
    // What else a block would hold: the structured columns as stored today, one event a line.
    log('compressing the structured columns in blocks…');
    const structured: BlockResult[] = [deflateCodec(6), brotliCodec(9)].map((c) => compressInBlocks(structuredLines, STRUCTURED_BLOCK, c));

    const fts: FtsVariantSize[] = [];
    for (const v of FTS_VARIANTS) {
      log(`FTS5 variant: ${v.name}…`);
      fts.push(ftsVariantSize(docs, v));
    }
    const logsTableBytes = objects.filter((o) => o.group === 'logs').reduce((n, o) => n + o.bytes, 0);
    return { mix: opts.mix, events, rawBytes, fileBytes, objects, columns, logsTableBytes, message, compression, structured, fts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const GROUP_LABELS: Record<string, string> = {
  logs: '`logs` table',
  'logs indexes': '`logs` indexes',
  fts: 'FTS5 index (`logs_fts_*`)',
  rollups: 'rollups',
  other: 'other tables',
  'free pages': 'free pages',
};

const perEvent = (bytes: number, events: number): string => (events === 0 ? '—' : (bytes / events).toFixed(1));
const share = (part: number, whole: number): string => (whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)} %`);
const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

/** The report as Markdown tables, in the order docs/90-bench.md shows them. */
export function formatStorageReport(r: StorageReport): string {
  const n = r.events;
  const out: string[] = [];
  const mixName = r.mix === 'real' ? 'real-shaped text lines' : 'the formats mix';
  out.push(
    `${n.toLocaleString('en-US')} events of ${mixName}, ${perEvent(r.rawBytes, n)} raw B/event; database ${mib(r.fileBytes)} MiB = ${perEvent(r.fileBytes, n)} B/event = ${(r.fileBytes / Math.max(1, r.rawBytes)).toFixed(2)}× the raw bytes`,
  );
  out.push('');
  out.push('| part | MiB | B/event | share of the file |');
  out.push('|---|---:|---:|---:|');
  const groups = new Map<string, number>();
  for (const o of r.objects) groups.set(o.group, (groups.get(o.group) ?? 0) + o.bytes);
  const total = r.objects.reduce((s, o) => s + o.bytes, 0);
  for (const [g, bytes] of [...groups].sort((a, b) => b[1] - a[1])) out.push(`| ${GROUP_LABELS[g] ?? g} | ${mib(bytes)} | ${perEvent(bytes, n)} | ${share(bytes, total)} |`);
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
  out.push('| `logs` column | rows with a value | stored B/event | share of the `logs` table |');
  out.push('|---|---:|---:|---:|');
  const colSum = r.columns.reduce((s, c) => s + c.bytes, 0);
  for (const c of r.columns) out.push(`| ${c.column} | ${share(c.present, n)} | ${perEvent(c.bytes, n)} | ${share(c.bytes, r.logsTableBytes)} |`);
  out.push(`| (cell headers, interior pages, free space) | | ${perEvent(r.logsTableBytes - colSum, n)} | ${share(r.logsTableBytes - colSum, r.logsTableBytes)} |`);
  out.push('');
  const m = r.message;
  out.push(
    `\`message\` against \`raw\`: ${share(m.equal, n)} of the events carry raw itself as their message, ${share(m.inside, n)} a part of raw, ${share(m.other, n)} text raw does not hold as is (${perEvent(m.otherBytes, n)} of the ${perEvent(m.messageBytes, n)} message B/event).`,
  );
  out.push('');
  const sizes = [...new Set(r.compression.map((c) => c.blockEvents))];
  out.push(`Raw lines compressed in blocks (B/event and the ratio to the raw bytes; dictionaries from the first ${Math.min(DICTIONARY_SAMPLE, n).toLocaleString('en-US')} lines):`);
  out.push('');
  out.push(`| codec | ${sizes.map((s) => `${s} events/block`).join(' | ')} |`);
  out.push(`|---|${sizes.map(() => '---:').join('|')}|`);
  for (const codec of [...new Set(r.compression.map((c) => c.codec))]) {
    const cells = sizes.map((s) => {
      const c = r.compression.find((x) => x.codec === codec && x.blockEvents === s);
      return c === undefined ? '—' : `${perEvent(c.compressedBytes, n)} (${(c.compressedBytes / Math.max(1, c.rawBytes)).toFixed(3)})`;
    });
    out.push(`| ${codec} | ${cells.join(' | ')} |`);
  }
  out.push('');
  for (const s of r.structured) {
    out.push(`Structured columns (attributes, metrics, threats, tags, asset as stored: ${perEvent(s.rawBytes, n)} B/event) in ${s.blockEvents}-event blocks, ${s.codec}: ${perEvent(s.compressedBytes, n)} B/event (${(s.compressedBytes / Math.max(1, s.rawBytes)).toFixed(3)}).`);
  }
  out.push('');
  out.push('| FTS5 variant (same texts, unicode61) | B/event | vs today |');
  out.push('|---|---:|---:|');
  const today = r.fts[0]?.bytes ?? 0;
  for (const f of r.fts) out.push(`| ${f.variant} | ${perEvent(f.bytes, n)} | ${today === 0 ? '—' : (f.bytes / today).toFixed(2)} |`);
  return out.join('\n') + '\n';
}
