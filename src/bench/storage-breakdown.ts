/**
 * Where a database's bytes go (issue 12): pages per table and index from SQLite's `dbstat`
 * virtual table (compiled into better-sqlite3's bundled SQLite), and the stored bytes of each
 * column of a table, computed from SQLite's record format. Bytes only; for the storage suite.
 */
import type { SqlDb } from '../store/sqlite.js';

/**
 * What an object is, for grouping: the per-event rows (`logs`), their indexes, the compressed
 * blocks, the dictionary, the offset ranges, the FTS5 index, …
 */
export type ObjectGroup = 'logs' | 'logs indexes' | 'blocks' | 'dict' | 'offset ranges' | 'fts' | 'rollups' | 'other' | 'free pages';

export interface ObjectSize {
  /** Table or index name (`(freelist)` for pages retention freed). */
  name: string;
  group: ObjectGroup;
  pages: number;
  /** pages × page size: what the object takes in the file. */
  bytes: number;
  /** Bytes of cell content (records, keys) in those pages. */
  payload: number;
  /** Bytes left unused in those pages. */
  unused: number;
}

interface DbstatRow {
  name: string;
  pages: number;
  bytes: number;
  payload: number;
  unused: number;
}

interface SchemaRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

/** True when the connection's SQLite has the dbstat virtual table (SQLITE_ENABLE_DBSTAT_VTAB). */
export function hasDbstat(db: SqlDb): boolean {
  try {
    db.prepare('SELECT count(*) FROM dbstat LIMIT 1').get();
    return true;
  } catch {
    return false;
  }
}

/**
 * Every table and index of the main database with its pages, largest first, plus the free
 * pages. The sizes add up to the file (page_count × page_size), WAL aside.
 */
export function objectSizes(db: SqlDb): ObjectSize[] {
  const rows = db
    .prepare(
      `SELECT name, count(*) AS pages, sum(pgsize) AS bytes, sum(payload) AS payload, sum(unused) AS unused
         FROM dbstat WHERE schema = 'main' GROUP BY name`,
    )
    .all() as DbstatRow[];
  const schema = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema').all() as SchemaRow[];
  const fts = schema.filter((s) => s.type === 'table' && /\bUSING\s+fts5\b/i.test(s.sql ?? '')).map((s) => s.name);
  const byName = new Map(schema.map((s) => [s.name, s]));
  const groupOf = (name: string): ObjectGroup => {
    const s = byName.get(name);
    const table = s?.tbl_name ?? name;
    if (fts.some((f) => table === f || table.startsWith(`${f}_`))) return 'fts';
    if (table === 'logs') return s?.type === 'index' ? 'logs indexes' : 'logs';
    if (table === 'log_blocks') return 'blocks';
    if (table === 'log_dict') return 'dict';
    if (table === 'log_offset_ranges') return 'offset ranges';
    if (table.startsWith('rollup_')) return 'rollups';
    return 'other';
  };
  const out: ObjectSize[] = rows.map((r) => ({ ...r, group: groupOf(r.name) }));
  const pageSize = Number(db.pragmaValue('page_size'));
  const freePages = Number(db.pragmaValue('page_count')) - rows.reduce((n, r) => n + r.pages, 0);
  if (freePages > 0) out.push({ name: '(freelist)', group: 'free pages', pages: freePages, bytes: freePages * pageSize, payload: 0, unused: freePages * pageSize });
  return out.sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
}

export interface ColumnSize {
  column: string;
  /** Rows where the column is not NULL. */
  present: number;
  /** Value bytes plus the serial-type byte(s) in the record header, over all rows. */
  bytes: number;
}

const quoteId = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * The bytes each column takes in the table's records: text and blobs their length, integers
 * 0–8 bytes by magnitude (0 and 1 take none), reals 8, NULL none, plus each value's type code in
 * the record header (1 byte; 2 for text longer than 57 bytes, 3 beyond 8,185). An INTEGER
 * PRIMARY KEY is the row's key, not in the record, and is left out. What the columns do not
 * cover (cell headers, interior pages, free space) is the table's size minus their sum.
 */
export function columnSizes(db: SqlDb, table: string): ColumnSize[] {
  const info = db.prepare(`SELECT name, type, pk FROM pragma_table_info(?)`).all(table) as { name: string; type: string; pk: number }[];
  if (info.length === 0) throw new Error(`no table ${table}`);
  const rowidAlias = info.filter((c) => c.pk > 0).length === 1 ? info.find((c) => c.pk > 0 && c.type.toUpperCase() === 'INTEGER')?.name : undefined;
  const columns = info.map((c) => c.name).filter((c) => c !== rowidAlias);
  const valueBytes = (c: string): string => {
    const q = quoteId(c);
    return `CASE typeof(${q})
      WHEN 'null' THEN 1
      WHEN 'real' THEN 9
      WHEN 'integer' THEN 1 + CASE
        WHEN ${q} IN (0, 1) THEN 0
        WHEN ${q} BETWEEN -128 AND 127 THEN 1
        WHEN ${q} BETWEEN -32768 AND 32767 THEN 2
        WHEN ${q} BETWEEN -8388608 AND 8388607 THEN 3
        WHEN ${q} BETWEEN -2147483648 AND 2147483647 THEN 4
        WHEN ${q} BETWEEN -140737488355328 AND 140737488355327 THEN 6
        ELSE 8 END
      ELSE octet_length(${q}) + CASE WHEN octet_length(${q}) <= 57 THEN 1 WHEN octet_length(${q}) <= 8185 THEN 2 ELSE 3 END
    END`;
  };
  const select = columns.map((c, i) => `count(${quoteId(c)}) AS n${i}, coalesce(sum(${valueBytes(c)}), 0) AS b${i}`).join(', ');
  const row = db.prepare(`SELECT ${select} FROM ${quoteId(table)}`).get() as Record<string, number>;
  return columns
    .map((column, i) => ({ column, present: Number(row[`n${i}`]), bytes: Number(row[`b${i}`]) }))
    .sort((a, b) => b.bytes - a.bytes || (a.column < b.column ? -1 : 1));
}

export interface MessageOverlap {
  events: number;
  /** message is raw itself (a JSON document, a plain line). */
  equal: number;
  /** message is a part of raw (a syslog line's text after its header): an offset and a length would do. */
  inside: number;
  /** message is not found in raw as is (unescaped from JSON, built from fields): it must be kept. */
  other: number;
  /** UTF-8 bytes of the messages of `other`. */
  otherBytes: number;
  /** UTF-8 bytes of every message. */
  messageBytes: number;
}

/**
 * How much of `logs.message` a block of raw lines could give back without storing it again
 * (issue 12: "the message derived from raw where it is derivable").
 */
export function messageOverlap(db: SqlDb): MessageOverlap {
  const r = db
    .prepare(
      `SELECT count(*) AS events,
              coalesce(sum(message = raw), 0) AS equal,
              coalesce(sum(message <> raw AND instr(raw, message) > 0), 0) AS inside,
              coalesce(sum(instr(raw, message) = 0), 0) AS other,
              coalesce(sum(CASE WHEN instr(raw, message) = 0 THEN octet_length(message) END), 0) AS otherBytes,
              coalesce(sum(octet_length(message)), 0) AS messageBytes
         FROM logs`,
    )
    .get() as Record<keyof MessageOverlap, number>;
  return { events: r.events, equal: r.equal, inside: r.inside, other: r.other, otherBytes: r.otherBytes, messageBytes: r.messageBytes };
}
