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
  {
    version: 2,
    name: 'alerts, alert events and changes, rule stats and overrides',
    sql: `
-- What detection raised (docs/alerts.md). Written by the ingest writer inside each batch's
-- transaction; state changes come from the API. Times are epoch ms UTC; first_seen and
-- last_seen are event times, created_at and updated_at the writer's clock.
CREATE TABLE alerts (
  -- AUTOINCREMENT: an alert id is never reused, so a link to it never points at another alert.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_id TEXT NOT NULL,
  rule_name TEXT NOT NULL,
  severity TEXT NOT NULL,            -- LOW | MEDIUM | HIGH | CRITICAL: the highest seen
  severity_rank INTEGER NOT NULL,    -- 1 LOW … 4 CRITICAL
  host TEXT,                         -- lower-case; NULL when the finding named none
  title TEXT NOT NULL,               -- from the finding that opened the alert
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  count INTEGER NOT NULL,            -- occurrences folded into this alert
  sample_event_ids TEXT NOT NULL,    -- JSON array of logs.id: the first 4 occurrences and the latest
  matched TEXT NOT NULL,             -- JSON object: field → value of the latest finding
  context TEXT,                      -- JSON object (anomaly baseline and score…) or NULL
  dedup_key TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
  acknowledged_by TEXT,
  acknowledged_at INTEGER,
  resolved_by TEXT,
  resolved_at INTEGER,
  state_changed_by TEXT,             -- the last change, whatever it was
  state_changed_at INTEGER,
  comment TEXT,                      -- given with the last change; alert_changes keeps them all
  change_seq INTEGER NOT NULL,       -- bumped at every insert or update: the position of the alert feed
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- An index on (x) is an index on (x, id): keyset pages on (last_seen, id) walk them.
CREATE INDEX alerts_last_seen ON alerts(last_seen);
CREATE INDEX alerts_state_last_seen ON alerts(state, last_seen);
CREATE INDEX alerts_severity_last_seen ON alerts(severity_rank, last_seen);
CREATE INDEX alerts_host_last_seen ON alerts(host, last_seen);
-- Serves the rule filter and the per-rule hourly cap (alerts a rule opened in an hour).
CREATE INDEX alerts_rule_first_seen ON alerts(rule_id, first_seen);
-- The alert a repeat folds into: the newest one of its key that is not resolved.
CREATE INDEX alerts_open_dedup ON alerts(dedup_key, id) WHERE state <> 'resolved';
CREATE UNIQUE INDEX alerts_change_seq ON alerts(change_seq);

-- Which alerts a log is a sample of (GET /logs/:id), kept equal to sample_event_ids: at most
-- five rows per alert. Rows whose log retention deleted are harmless and left alone.
CREATE TABLE alert_events (
  log_id INTEGER NOT NULL,
  alert_id INTEGER NOT NULL,
  PRIMARY KEY (log_id, alert_id)
) WITHOUT ROWID;

-- Every state change, with who, when and the comment.
CREATE TABLE alert_changes (
  id INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  by TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  comment TEXT
);
CREATE INDEX alert_changes_alert ON alert_changes(alert_id, id);

-- Per rule since the database was created: occurrences found, alerts opened, and occurrences
-- dropped by the per-rule hourly cap. Updated in the batch transaction, so exact across crashes.
CREATE TABLE rule_stats (
  rule_id TEXT PRIMARY KEY,
  hits INTEGER NOT NULL,
  alerts_opened INTEGER NOT NULL,
  suppressed INTEGER NOT NULL,
  last_hit INTEGER                   -- event time of the latest occurrence
) WITHOUT ROWID;

-- Rules enabled or disabled through the API; applied over the rule files at start and reload.
CREATE TABLE rule_overrides (
  rule_id TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at INTEGER NOT NULL
) WITHOUT ROWID;
`,
  },
  {
    version: 3,
    name: 'notification outbox, per-channel alert memory, delivery counters',
    sql: `
-- Alert notifications waiting to be sent, sent, or given up (docs/notify.md). A row is written
-- in the same transaction as the alert change it announces (the batch, or the state change),
-- so a crash never loses one; the sender marks it sent after the endpoint's 2xx.
CREATE TABLE notify_outbox (
  -- AUTOINCREMENT: the id is the delivery's idempotency key, so it is never reused.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id INTEGER NOT NULL,
  channel TEXT NOT NULL,             -- a name under notify.channels
  kind TEXT NOT NULL CHECK (kind IN ('trigger', 'resolve', 'renotify', 'escalate')),
  payload TEXT NOT NULL,             -- JSON: the alert as it was when enqueued, previous_severity
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,  -- epoch ms; meaningful while pending
  last_status INTEGER,               -- HTTP status of the last answer; NULL when none came
  last_error TEXT,                   -- why the last attempt failed (never a URL or a key)
  created_at INTEGER NOT NULL,       -- epoch ms, writer clock
  sent_at INTEGER,                   -- when the endpoint answered 2xx
  finished_at INTEGER                -- when it was sent or given up
);
-- The sender's scan: due rows per channel; and the per-alert order (a resolve waits for its trigger).
CREATE INDEX notify_outbox_due ON notify_outbox(channel, next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX notify_outbox_alert ON notify_outbox(alert_id, channel, id);
CREATE INDEX notify_outbox_created ON notify_outbox(created_at);
-- The latest failure per channel (logagg status, the API).
CREATE INDEX notify_outbox_failed ON notify_outbox(channel, id) WHERE state = 'failed';

-- What each channel was last told about each alert: re-notify and escalation decide from it,
-- and a resolve (or a reopen) is announced to exactly the channels that were told.
CREATE TABLE notify_alert_channels (
  alert_id INTEGER NOT NULL,
  channel TEXT NOT NULL,
  severity_rank INTEGER NOT NULL,    -- 1 LOW … 4 CRITICAL, as last told
  notified_at INTEGER NOT NULL,      -- epoch ms, writer clock, of the last trigger / renotify / escalate
  resolved INTEGER NOT NULL DEFAULT 0, -- 1 once the resolve was enqueued
  PRIMARY KEY (alert_id, channel)
) WITHOUT ROWID;

-- Deliveries per channel since the database was created, updated with each outcome: the
-- counters of /metrics and logagg status (outbox rows are pruned; these are not).
CREATE TABLE notify_stats (
  channel TEXT PRIMARY KEY,
  sent INTEGER NOT NULL,
  failed INTEGER NOT NULL,           -- given up
  retries INTEGER NOT NULL           -- failed attempts that were tried again
) WITHOUT ROWID;
`,
  },
  {
    version: 4,
    name: 'CPU and memory histograms in the rollups',
    sql: `
-- One histogram per metric and rollup row, for percentiles (p95) from the rollups alone: counts
-- per whole percentage point, bins 0 … 100 and one for values over 100, encoded as in
-- src/core/histogram.ts; NULL when the row has no sample of the metric. Merged on upsert with
-- hist_merge(), summed in reads with hist_sum() (src/store/rollup-histogram.ts). Rows written
-- before this version keep NULL, and groups holding them report no percentile.
ALTER TABLE rollup_1m ADD COLUMN cpu_hist BLOB;
ALTER TABLE rollup_1m ADD COLUMN mem_hist BLOB;
ALTER TABLE rollup_1h ADD COLUMN cpu_hist BLOB;
ALTER TABLE rollup_1h ADD COLUMN mem_hist BLOB;
`,
  },
  {
    version: 5,
    name: 'saved detection state',
    sql: `
-- The stateful rules' state (count windows, for: streaks, baselines, correlation groups), saved
-- inside a batch's transaction every detection.state.every_events / every (src/app/detection.ts),
-- one row per rule: data is src/core/detect/state-codec.ts text, hash the rule's definition hash
-- (a changed rule starts afresh). All rows share last_log_id, the newest logs.id the state has
-- seen: at start the events after it are replayed through the rules.
CREATE TABLE detection_state (
  rule_id TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  data TEXT NOT NULL,
  last_log_id INTEGER NOT NULL,
  saved_at INTEGER NOT NULL           -- epoch ms, wall clock
);
`,
  },
  {
    version: 6,
    name: 'silences, and what muted an alert',
    sql: `
-- Silences (docs/alerts.md, "Silences and maintenance windows"). A silence is never deleted:
-- expiring it early sets ends_at to that moment and records who did it, so who silenced what,
-- when and why stays on record. Its state (pending, active, expired) follows from the clock.
CREATE TABLE silences (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  matchers TEXT NOT NULL,            -- JSON object: rules, hosts, severities (lists)
  starts_at INTEGER NOT NULL,        -- epoch ms, inclusive
  ends_at INTEGER NOT NULL,          -- epoch ms, exclusive
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  comment TEXT NOT NULL,
  expired_by TEXT,                   -- who ended it early; NULL when it ran its course
  expired_at INTEGER
);
-- The alert writer reads the silences not yet over at every batch with findings.
CREATE INDEX silences_ends_at ON silences(ends_at);
-- silence:<id> or window:<name>: what muted the alert's last write (NULL = notified as usual).
ALTER TABLE alerts ADD COLUMN silenced_by TEXT;
`,
  },
  {
    version: 7,
    name: 'idempotency keys of HTTP ingest',
    sql: `
-- POST /api/v1/ingest with an Idempotency-Key: the key, the SHA-256 of what was sent and the
-- answer given, written in the same transaction as the request's events (src/store/ingest-keys.ts),
-- so a retry after a lost answer gets the same answer and stores nothing. Kept for
-- listeners.http.idempotency_window; expired rows are deleted by later keyed requests.
CREATE TABLE ingest_keys (
  key TEXT PRIMARY KEY,
  body_sha256 TEXT NOT NULL,
  stored INTEGER NOT NULL,
  duplicates INTEGER NOT NULL,
  parse_errors INTEGER NOT NULL,
  created_at INTEGER NOT NULL         -- epoch ms, wall clock
);
CREATE INDEX ingest_keys_created ON ingest_keys (created_at);
`,
  },
  {
    version: 8,
    name: 'local accounts and the sign-in audit',
    sql: `
-- Local accounts of the web console and the API (logagg user add|passwd|del|list; docs/api.md,
-- "Users and sign-in"). pw_hash is PHC-encoded scrypt with its own parameters, never the password.
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,                -- viewer | analyst | admin
  hosts TEXT,                        -- JSON array of host names or patterns; NULL = every host
  pw_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,       -- epoch ms
  updated_at INTEGER NOT NULL,       -- epoch ms; sessions issued before a change are refused
  disabled INTEGER NOT NULL DEFAULT 0
);
-- Every sign-in attempt: who (as typed), from where, and how it ended. Never the password.
CREATE TABLE login_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts INTEGER NOT NULL,               -- epoch ms
  name TEXT NOT NULL,
  peer TEXT NOT NULL,
  outcome TEXT NOT NULL,             -- success | failure | locked
  reason TEXT                        -- why it failed; NULL on success
);
CREATE INDEX login_audit_ts ON login_audit (ts);
CREATE INDEX login_audit_name_ts ON login_audit (name, ts);
`,
  },
  {
    version: 9,
    name: 'forwarding cursors',
    sql: `
-- One row per forwarding output (docs/operations.md, "Forwarding"): how far it has forwarded,
-- advanced only after the broker acknowledged, so a restart resumes there (at least once,
-- never ahead of the store), and its counters since the row was created (logagg status,
-- /metrics), and whether it is failing now (/readyz).
CREATE TABLE forward_cursors (
  output TEXT PRIMARY KEY,           -- a name under forward.outputs
  events_topic TEXT,                 -- as configured at the output's last start; NULL = no events
  alerts_topic TEXT,                 -- likewise; NULL = no alerts
  last_log_id INTEGER NOT NULL,      -- the newest logs.id forwarded (or passed over by the filter)
  last_alert_seq INTEGER NOT NULL,   -- the newest alerts.change_seq forwarded
  events_sent INTEGER NOT NULL DEFAULT 0,
  alerts_sent INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0, -- failed produce requests (each retried)
  last_error TEXT,                   -- why the last one failed (never a secret)
  last_error_at INTEGER,             -- epoch ms
  failing_since INTEGER,             -- epoch ms of the first failure since the last success; NULL when sending
  degraded_after INTEGER NOT NULL,   -- ms: forward.degraded_after, for /readyz on another connection
  last_sent_at INTEGER,              -- epoch ms of the last acknowledged request
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
`,
  },
  {
    version: 10,
    name: 'storage v2: events in compressed blocks',
    sql: `
-- Storage v2 (docs/schema.md, "Storage v2"). The v1 rows stay, as logs_v1, until the converter
-- (src/store/convert-v1.ts, run by consume, serve and \`logagg migrate\`) has moved them into the
-- new tables batch by batch; it drops logs_v1 when it is empty. Their full-text table, its
-- triggers and the indexes the conversion does not need go now.
DROP TRIGGER IF EXISTS logs_fts_ad;
DROP TRIGGER IF EXISTS logs_fts_au;
DROP TABLE IF EXISTS logs_fts;
DROP INDEX IF EXISTS logs_ts;
DROP INDEX IF EXISTS logs_host_ts;
DROP INDEX IF EXISTS logs_source_offset;
ALTER TABLE logs RENAME TO logs_v1;

-- One row per stored event: only what filters and stats read, small integers. The id is given
-- by the writer (AUTOINCREMENT keeps sqlite_sequence at the highest id ever given, so an id is
-- never reused after retention deleted the newest rows).
CREATE TABLE logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts INTEGER NOT NULL,               -- epoch ms UTC
  host_id INTEGER,                   -- log_dict 'host'; NULL when the event named none
  level INTEGER,                     -- 0 emergency … 7 debug
  threat_severity INTEGER,           -- highest threat: 1 LOW … 4 CRITICAL; NULL without threats
  topic_id INTEGER NOT NULL,         -- log_dict 'topic'
  format INTEGER NOT NULL,           -- log_dict 'format'
  tagset_id INTEGER,                 -- log_dict 'tagset' (JSON array); NULL without tags
  has_error INTEGER NOT NULL         -- 1 when the event failed to decode (parse_error)
);
-- The v1 sequence carries over: new ids continue after the highest v1 id ever given.
INSERT INTO sqlite_sequence (name, seq) SELECT 'logs', seq FROM sqlite_sequence WHERE name = 'logs_v1';
CREATE INDEX logs_ts ON logs(ts);
CREATE INDEX logs_host_ts ON logs(host_id, ts);

-- Strings many events share, stored once: hosts, topics, formats, tag sets.
CREATE TABLE log_dict (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  UNIQUE (kind, value)
);

-- The events themselves, up to storage.block_events a block, compressed once (codec 1: raw
-- deflate, level 6); payload is columnar JSON (src/store/log-block.ts). Ids inside a block
-- ascend and may have gaps; blocks never overlap.
CREATE TABLE log_blocks (
  first_id INTEGER PRIMARY KEY,
  last_id INTEGER NOT NULL,
  n INTEGER NOT NULL,
  min_ts INTEGER NOT NULL,
  max_ts INTEGER NOT NULL,
  codec INTEGER NOT NULL,
  payload BLOB NOT NULL
);

-- Per block and (topic, partition): the Kafka offsets it holds, lowest to highest. Replaces the
-- unique offset index: an offset inside a stored range was stored (src/store/offset-ranges.ts).
CREATE TABLE log_offset_ranges (
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  min_offset INTEGER NOT NULL,
  max_offset INTEGER NOT NULL,
  first_id INTEGER NOT NULL          -- the block's
);
CREATE INDEX log_offset_ranges_key ON log_offset_ranges(topic, partition, max_offset);
CREATE INDEX log_offset_ranges_block ON log_offset_ranges(first_id);

-- Full text: message, process and host joined by spaces, one document per event (rowid = id).
-- Contentless (the text is in the blocks) with deletes, without positions (detail=none, half
-- the size): phrases are checked against the decompressed text (src/store/fts-text.ts).
CREATE VIRTUAL TABLE logs_fts USING fts5(
  text,
  content='', contentless_delete=1,
  tokenize='unicode61 remove_diacritics 2',
  detail=none
);
-- Whatever deletes events (retention, repairs) deletes their index entries.
CREATE TRIGGER logs_fts_ad AFTER DELETE ON logs BEGIN
  DELETE FROM logs_fts WHERE rowid = old.id;
END;
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
