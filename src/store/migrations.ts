/**
 * Numbered schema migrations. `PRAGMA user_version` records the last one applied.
 *
 * To change the schema, append an entry with the next version number; never edit or reorder
 * an entry that has shipped. Each migration runs in the writer's opening transaction, together
 * with the version bump, so a crash leaves the database at the previous version.
 * docs/schema.md describes the tables.
 */
import { LogaggError } from '../errors.js';
import type { SqlDb } from './sqlite.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'logs, fts, offsets, rollups',
    sql: `
CREATE TABLE logs (
  -- AUTOINCREMENT: an id is never reused after retention deleted the newest rows.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts INTEGER NOT NULL,               -- epoch ms UTC
  ts_fallback INTEGER NOT NULL,      -- 1 when ts is the receive time
  received_at INTEGER NOT NULL,      -- epoch ms UTC
  source_kind TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,        -- -1 for sources without partitions
  offset INTEGER,                    -- Kafka offset (int64); NULL for sources without offsets
  source_peer TEXT,
  format TEXT NOT NULL,
  host TEXT,
  level INTEGER,                     -- 0 emergency … 7 debug
  level_name TEXT,
  message TEXT NOT NULL,
  process TEXT,
  pid INTEGER,
  user TEXT,
  src_ip TEXT,
  dst_ip TEXT,
  src_port INTEGER,
  dst_port INTEGER,
  domain TEXT,
  file_hash TEXT,
  metrics TEXT,                      -- JSON object; NULL when empty
  threats TEXT,                      -- JSON array; NULL when empty
  threat_severity INTEGER,           -- highest threat: 1 LOW … 4 CRITICAL; NULL without threats
  tags TEXT,                         -- JSON array of strings; NULL when empty
  asset TEXT,                        -- JSON object or NULL
  attributes TEXT,                   -- JSON object; NULL when empty
  raw TEXT NOT NULL,
  raw_truncated INTEGER NOT NULL,
  parse_error TEXT
);
-- An index on (ts) is an index on (ts, id): the rowid ends every index entry.
CREATE INDEX logs_ts ON logs(ts);
CREATE INDEX logs_host_ts ON logs(host, ts);
CREATE UNIQUE INDEX logs_source_offset ON logs(topic, partition, offset) WHERE offset IS NOT NULL;

CREATE VIRTUAL TABLE logs_fts USING fts5(
  message, host, process,
  content='logs', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2',
  detail=full
);
-- External content. Rows are added to the index by LogWriter, right after each insert: an
-- AFTER INSERT trigger made every insert a statement transaction, and FTS5 flushes its pending
-- terms at each one, which measured 4x slower. Deletes and updates (retention, repairs) are
-- kept in step by triggers, so no code path can forget them; a 'delete' must be given the
-- values that were indexed, which OLD holds.
CREATE TRIGGER logs_fts_ad AFTER DELETE ON logs BEGIN
  INSERT INTO logs_fts(logs_fts, rowid, message, host, process) VALUES ('delete', old.id, old.message, old.host, old.process);
END;
CREATE TRIGGER logs_fts_au AFTER UPDATE OF message, host, process ON logs BEGIN
  INSERT INTO logs_fts(logs_fts, rowid, message, host, process) VALUES ('delete', old.id, old.message, old.host, old.process);
  INSERT INTO logs_fts(rowid, message, host, process) VALUES (new.id, new.message, new.host, new.process);
END;

-- The next Kafka offset to read per (group, topic, partition): last stored offset + 1.
CREATE TABLE offsets (
  consumer_group TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  next_offset INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,       -- epoch ms
  PRIMARY KEY (consumer_group, topic, partition)
) WITHOUT ROWID;

-- Rollups per host ('' when the event named none) and bucket. Keyed time-first so range
-- reads and retention walk the key; per-host reads filter inside the range.
-- *_n counts the events that carried the metric; averages are *_sum / *_n at read time.
CREATE TABLE rollup_1m (
  bucket_start INTEGER NOT NULL,     -- epoch ms, multiple of 60 000
  host TEXT NOT NULL,
  count INTEGER NOT NULL,
  errors INTEGER NOT NULL,           -- events with level <= 3 (error or worse)
  threats INTEGER NOT NULL,          -- events carrying at least one threat
  cpu_n INTEGER NOT NULL, cpu_sum REAL, cpu_min REAL, cpu_max REAL,
  mem_n INTEGER NOT NULL, mem_sum REAL, mem_min REAL, mem_max REAL,
  net_in_n INTEGER NOT NULL, net_in_sum REAL, net_in_max REAL,
  net_out_n INTEGER NOT NULL, net_out_sum REAL, net_out_max REAL,
  PRIMARY KEY (bucket_start, host)
) WITHOUT ROWID;
CREATE TABLE rollup_1h (
  bucket_start INTEGER NOT NULL,     -- epoch ms, multiple of 3 600 000
  host TEXT NOT NULL,
  count INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  threats INTEGER NOT NULL,
  cpu_n INTEGER NOT NULL, cpu_sum REAL, cpu_min REAL, cpu_max REAL,
  mem_n INTEGER NOT NULL, mem_sum REAL, mem_min REAL, mem_max REAL,
  net_in_n INTEGER NOT NULL, net_in_sum REAL, net_in_max REAL,
  net_out_n INTEGER NOT NULL, net_out_sum REAL, net_out_max REAL,
  PRIMARY KEY (bucket_start, host)
) WITHOUT ROWID;
`,
  },
];

/** The schema version this code writes and understands. */
export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

export function schemaVersion(db: SqlDb): number {
  return Number(db.pragmaValue('user_version'));
}

/** Checks the list itself: versions 1, 2, 3 … with no gap. A broken list is a programming error. */
export function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration #${i} (${m.name}) has version ${m.version}, expected ${i + 1}`);
  });
}

/**
 * Applies every migration newer than the database, in one immediate transaction.
 * Returns the versions applied (empty when the schema was current).
 */
export function migrate(db: SqlDb, migrations: readonly Migration[] = MIGRATIONS): number[] {
  checkMigrations(migrations);
  const latest = latestVersion(migrations);
  return db.immediateTransaction(() => {
    // Read inside the transaction: another writer may have migrated since we looked.
    const current = schemaVersion(db);
    if (current > latest) throw newerSchemaError(current, latest);
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      applied.push(m.version);
    }
    if (applied.length > 0) db.exec(`PRAGMA user_version = ${latest}`);
    return applied;
  });
}

export function newerSchemaError(found: number, known: number): LogaggError {
  return new LogaggError(
    'STORE_FAILED',
    `the database has schema version ${found} but this logagg knows only up to ${known}; upgrade logagg`,
    { details: { found, known } },
  );
}
