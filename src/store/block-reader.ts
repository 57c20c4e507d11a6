/**
 * The read side of storage v2: per connection, a bounded LRU of decoded blocks
 * (storage.block_cache), the dictionary's values, and the SQL functions that look into blocks.
 *
 * better-sqlite3 lets no JS function run a statement on the connection that is calling it
 * ("connection is busy"), so the SQL functions never fetch a block themselves: the SQL that
 * calls them passes BLOCK_ARG, which is a cache probe and, only on a miss, a correlated
 * subquery that hands the block's columns to log_block_load. SQLite evaluates CASE lazily, so
 * a cached block costs no read; both run inside the one statement, on its snapshot, which
 * makes a second connection unnecessary (and works for :memory: and encrypted files alike).
 * Events materialized after a query (pages, getLog) fetch their blocks on the same connection
 * once the query has returned.
 */
import type { StoredEvent } from '../core/event.js';
import { attributesTextAt, decodeBlock, eventAt, ftsText, messageAt, processAt, slotOf, type DecodedBlock } from './log-block.js';
import { ftsMatches } from './fts-text.js';
import { parseFtsQuery, type FtsNode } from './fts-query.js';
import { sqlOf, type Store } from './connection.js';
import type { SqlDb, SqlStatement } from './sqlite.js';

export const DEFAULT_BLOCK_CACHE = 64;

/** The logs columns readers select (LOG_ROW_SELECT) before materializing. */
export interface LogRowV2 {
  id: number;
  ts: number;
  host_id: number | null;
  level: number | null;
  topic_id: number;
  format: number;
  tagset_id: number | null;
}

export const LOG_ROW_SELECT = 'logs.id AS id, logs.ts AS ts, logs.host_id AS host_id, logs.level AS level, logs.topic_id AS topic_id, logs.format AS format, logs.tagset_id AS tagset_id';

/** The block holding `idExpr`, for the SQL functions below: loaded into the cache on a miss. */
export function blockArg(idExpr: string): string {
  return `CASE WHEN log_block_cached(${idExpr}) THEN 1 ELSE (SELECT log_block_load(first_id, last_id, codec, payload) FROM log_blocks WHERE first_id <= ${idExpr} ORDER BY first_id DESC LIMIT 1) END`;
}

/** SQL: the event's attributes as JSON text ('{}' when none), for json_type/json_extract. */
export const attrsExpr = (idExpr = 'logs.id') => `log_attrs(${idExpr}, ${blockArg(idExpr)})`;

export interface BlockCacheStats {
  capacity: number;
  size: number;
  hits: number;
  misses: number;
}

export class BlockReader {
  private readonly blocks = new Map<number, DecodedBlock>();
  private readonly dict = new Map<number, string>();
  private fetchStmt: SqlStatement | null = null;
  private dictStmt: SqlStatement | null = null;
  hits = 0;
  misses = 0;
  private readonly queries = new Map<string, FtsNode>();

  constructor(
    private readonly db: SqlDb,
    readonly capacity = DEFAULT_BLOCK_CACHE,
  ) {}

  stats(): BlockCacheStats {
    return { capacity: this.capacity, size: this.blocks.size, hits: this.hits, misses: this.misses };
  }

  /** Forgets every block: after a rolled-back write, whose ids will be given again. */
  clear(): void {
    this.blocks.clear();
  }

  private covering(id: number): DecodedBlock | undefined {
    for (const b of this.blocks.values()) {
      if (b.firstId <= id && id <= b.lastId) {
        // Most recently used last.
        this.blocks.delete(b.firstId);
        this.blocks.set(b.firstId, b);
        return b;
      }
    }
    return undefined;
  }

  private put(b: DecodedBlock): void {
    this.blocks.set(b.firstId, b);
    while (this.blocks.size > this.capacity) this.blocks.delete(this.blocks.keys().next().value!);
  }

  /** The block holding id from the cache, else read on this connection (not inside a statement). */
  block(id: number): DecodedBlock | undefined {
    const hit = this.covering(id);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.misses++;
    this.fetchStmt ??= this.db.prepare('SELECT first_id, last_id, codec, payload FROM log_blocks WHERE first_id <= ? ORDER BY first_id DESC LIMIT 1');
    const r = this.fetchStmt.get(id) as { first_id: number; last_id: number; codec: number; payload: Buffer } | undefined;
    if (!r || r.last_id < id) return undefined;
    const b = decodeBlock(r.first_id, r.last_id, r.codec, r.payload);
    this.put(b);
    return b;
  }

  /** A dictionary value by id (values never change, so they are kept). */
  dictValue(id: number | null): string | null {
    if (id === null) return null;
    const hit = this.dict.get(id);
    if (hit !== undefined) return hit;
    this.dictStmt ??= this.db.prepare('SELECT value FROM log_dict WHERE id = ?').pluck();
    const v = this.dictStmt.get(id) as string | undefined;
    if (v === undefined) return null;
    this.dict.set(id, v);
    return v;
  }

  /**
   * The events of these rows, in the same order. A row whose block is gone (retention deleted
   * it between the row read and this read) is left out.
   */
  materialize(rows: readonly LogRowV2[]): StoredEvent[] {
    const out: StoredEvent[] = [];
    for (const r of rows) {
      const b = this.block(r.id);
      if (!b) continue;
      const slot = slotOf(b, r.id);
      if (slot < 0) continue;
      const tags = r.tagset_id === null ? [] : (JSON.parse(this.dictValue(r.tagset_id) ?? '[]') as string[]);
      out.push(
        eventAt(b, slot, {
          id: r.id,
          ts: r.ts,
          host: this.dictValue(r.host_id),
          level: r.level,
          topic: this.dictValue(r.topic_id) ?? '',
          format: this.dictValue(r.format) ?? 'text',
          tags,
        }),
      );
    }
    return out;
  }

  /**
   * Whether the event's text (message, process, host) matches a full-text query exactly, read
   * from its block on this connection (not inside a statement). false when the block is gone.
   */
  textMatches(row: LogRowV2, tree: FtsNode): boolean {
    const b = this.block(row.id);
    if (!b) return false;
    const slot = slotOf(b, row.id);
    return slot >= 0 && textMatchesAt(b, slot, tree, this.dictValue(row.host_id));
  }

  /** Registers the SQL functions of BLOCK_ARG, log_attrs and log_text_match on the connection. */
  register(): void {
    const slotIn = (id: number): [DecodedBlock, number] | null => {
      const b = this.covering(id);
      if (!b) return null;
      const slot = slotOf(b, id);
      return slot < 0 ? null : [b, slot];
    };
    this.db.defineFunction('log_block_cached', (id) => {
      const hit = this.covering(Number(id)) !== undefined;
      if (hit) this.hits++;
      return hit ? 1 : 0;
    });
    this.db.defineFunction('log_block_load', (first, last, codec, payload) => {
      this.misses++;
      this.put(decodeBlock(Number(first), Number(last), Number(codec), payload as Buffer));
      return 1;
    });
    this.db.defineFunction('log_attrs', (id) => {
      const s = slotIn(Number(id));
      return s ? attributesTextAt(s[0], s[1]) : null;
    });
    this.db.defineFunction('log_text_match', (id, _block, q, host) => {
      const s = slotIn(Number(id));
      if (!s) return 0;
      const [b, slot] = s;
      let tree = this.queries.get(String(q));
      if (!tree) {
        tree = parseFtsQuery(String(q));
        if (this.queries.size > 64) this.queries.clear();
        this.queries.set(String(q), tree);
      }
      return textMatchesAt(b, slot, tree, (host ?? null) as string | null) ? 1 : 0;
    });
  }
}

/** Whether the event at a slot (its message, process and host) matches a full-text query exactly. */
function textMatchesAt(b: DecodedBlock, slot: number, tree: FtsNode, host: string | null): boolean {
  return ftsMatches(tree, ftsText(messageAt(b, slot), processAt(b, slot), host));
}

/** The block cache counters of an open store's connection. */
export function blockCacheStats(store: object): BlockCacheStats {
  return blockReaderOf(sqlOf(store as Store)).stats();
}

/** Keyed by the driver handle, which every wrapper of a connection shares. */
const readers = new WeakMap<SqlDb, BlockReader>();

export function attachBlockReader(db: SqlDb, reader: BlockReader): void {
  readers.set(db, reader);
}

export function blockReaderOf(conn: { readonly db: SqlDb }): BlockReader {
  const r = readers.get(conn.db);
  if (!r) throw new Error('no block reader on this connection (opened outside openStore)');
  return r;
}
