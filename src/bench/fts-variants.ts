/**
 * The size of an FTS5 index over the same texts, built in a few configurations (issue 12):
 * what today's external-content `detail=full` index costs against `detail=column`,
 * `detail=none` and contentless tables, over message, host and process or the message alone.
 * Each variant is built in a database of its own, in transactions of the writer's batch size,
 * and measured with dbstat (only the index's shadow tables count, never the content).
 */
import { openSqlite, type SqlDb } from '../store/sqlite.js';
import { objectSizes } from './storage-breakdown.js';

export interface FtsDoc {
  message: string;
  host: string | null;
  process: string | null;
}

export interface FtsVariant {
  name: string;
  /** Indexed columns, in order. */
  columns: readonly ('message' | 'host' | 'process')[];
  /** The options after the column list (content, detail, …). */
  options: string;
  /** External content: the index reads deleted rows' text from this content table. */
  external: boolean;
  /**
   * Events per indexed document (default 1). Above 1 the index points at blocks, not events: a
   * query finds candidate blocks and decompresses them to find the events, as a block store
   * could (issue 12).
   */
  eventsPerDoc?: number;
}

// The tokenizer logagg uses (src/store/migrations.ts).
const TOKENIZE = "tokenize='unicode61 remove_diacritics 2'";
const ALL = ['message', 'host', 'process'] as const;

export const FTS_VARIANTS: readonly FtsVariant[] = [
  { name: 'external content, detail=full (today)', columns: ALL, options: `content='docs', content_rowid='id', ${TOKENIZE}, detail=full`, external: true },
  { name: 'external content, detail=column', columns: ALL, options: `content='docs', content_rowid='id', ${TOKENIZE}, detail=column`, external: true },
  { name: 'external content, detail=none', columns: ALL, options: `content='docs', content_rowid='id', ${TOKENIZE}, detail=none`, external: true },
  // contentless_delete: retention must be able to delete rows from the index.
  { name: 'contentless (delete), detail=full', columns: ALL, options: `content='', contentless_delete=1, ${TOKENIZE}, detail=full`, external: false },
  { name: 'contentless (delete), detail=none', columns: ALL, options: `content='', contentless_delete=1, ${TOKENIZE}, detail=none`, external: false },
  { name: 'message only, contentless (delete), detail=full', columns: ['message'], options: `content='', contentless_delete=1, ${TOKENIZE}, detail=full`, external: false },
  { name: 'message only, contentless (delete), detail=none', columns: ['message'], options: `content='', contentless_delete=1, ${TOKENIZE}, detail=none`, external: false },
  ...[64, 256, 1024].map((k) => ({
    name: `message only, one document per ${k} events, contentless (delete), detail=none`,
    columns: ['message'] as const,
    options: `content='', contentless_delete=1, ${TOKENIZE}, detail=none`,
    external: false,
    eventsPerDoc: k,
  })),
];

/** The documents an index of `eventsPerDoc` events a document holds: each column's texts joined by newlines. */
export function groupDocs(docs: readonly FtsDoc[], eventsPerDoc: number): FtsDoc[] {
  if (!Number.isInteger(eventsPerDoc) || eventsPerDoc < 1) throw new RangeError(`eventsPerDoc must be a positive integer, not ${eventsPerDoc}`);
  if (eventsPerDoc === 1) return docs.slice();
  const out: FtsDoc[] = [];
  const join = (part: readonly FtsDoc[], c: keyof FtsDoc): string | null => {
    const texts = part.map((d) => d[c]).filter((t): t is string => t !== null);
    return texts.length === 0 ? null : texts.join('\n');
  };
  for (let i = 0; i < docs.length; i += eventsPerDoc) {
    const part = docs.slice(i, i + eventsPerDoc);
    out.push({ message: join(part, 'message') ?? '', host: join(part, 'host'), process: join(part, 'process') });
  }
  return out;
}

export interface FtsVariantSize {
  variant: string;
  /** Events indexed (in docs.length / eventsPerDoc documents). */
  docs: number;
  /** Pages of the index's shadow tables (data, idx, docsize, config), bytes. */
  bytes: number;
}

/** Builds `variant` over `docs` in a fresh in-memory database and returns the index's size. */
export function ftsVariantSize(events: readonly FtsDoc[], variant: FtsVariant, batch = 5000): FtsVariantSize {
  const per = variant.eventsPerDoc ?? 1;
  const docs = groupDocs(events, per);
  // The writer's transactions hold `batch` events, whatever a document holds.
  const docBatch = Math.max(1, Math.round(batch / per));
  const db: SqlDb = openSqlite(':memory:', { readonly: false, busyTimeoutMs: 0 });
  try {
    const cols = variant.columns.join(', ');
    const marks = variant.columns.map(() => '?').join(', ');
    if (variant.external) db.exec(`CREATE TABLE docs (id INTEGER PRIMARY KEY, ${cols})`);
    db.exec(`CREATE VIRTUAL TABLE fts USING fts5(${cols}, ${variant.options})`);
    const insertDoc = variant.external ? db.prepare(`INSERT INTO docs (id, ${cols}) VALUES (?, ${marks})`) : null;
    const insertFts = db.prepare(`INSERT INTO fts (rowid, ${cols}) VALUES (?, ${marks})`);
    for (let i = 0; i < docs.length; i += docBatch) {
      db.immediateTransaction(() => {
        for (let j = i; j < Math.min(i + docBatch, docs.length); j++) {
          const d = docs[j] as FtsDoc;
          const values = variant.columns.map((c) => d[c]);
          insertDoc?.run(j + 1, ...values);
          insertFts.run(j + 1, ...values);
        }
      });
    }
    const bytes = objectSizes(db).filter((o) => o.group === 'fts').reduce((n, o) => n + o.bytes, 0);
    return { variant: variant.name, docs: events.length, bytes };
  } finally {
    db.close();
  }
}
