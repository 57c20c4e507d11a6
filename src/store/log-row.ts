/**
 * The mapping between a NormalizedEvent and a `logs` row, both ways. Empty objects and arrays
 * are stored as NULL (smaller rows, cheap `IS NULL` tests) and come back as {} / [].
 */
import { SEVERITIES, type Format, type LevelName, type NormalizedEvent, type Severity, type StoredEvent, type Threat } from '../core/event.js';

/** Column order of INSERT_LOG; keep the two in step. */
export const COLUMNS = [
  'ts', 'ts_fallback', 'received_at', 'source_kind', 'topic', 'partition', 'offset', 'source_peer', 'format',
  'host', 'level', 'level_name', 'message', 'process', 'pid', 'user', 'src_ip', 'dst_ip', 'src_port', 'dst_port',
  'domain', 'file_hash', 'metrics', 'threats', 'threat_severity', 'tags', 'asset', 'attributes', 'raw',
  'raw_truncated', 'parse_error',
] as const;

/**
 * Inserts one event; a second copy of the same Kafka coordinates is skipped. The conflict target
 * names only the offset index, so any other constraint failure still raises (nothing is dropped
 * silently, unlike INSERT OR IGNORE).
 */
export const INSERT_LOG = `INSERT INTO logs (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (topic, partition, offset) WHERE offset IS NOT NULL DO NOTHING`;

/** Indexes one stored event's text; run right after INSERT_LOG stored it (migrations.ts says why). */
export const INSERT_LOG_FTS = 'INSERT INTO logs_fts (rowid, message, host, process) VALUES (?, ?, ?, ?)';

/** The SELECT list that readLogRow expects; offsets come back as exact decimal text. */
export const LOG_SELECT = `id, ts, ts_fallback, received_at, source_kind, topic, partition, CAST(offset AS TEXT) AS offset,
  source_peer, format, host, level, level_name, message, process, pid, user, src_ip, dst_ip, src_port, dst_port,
  domain, file_hash, metrics, threats, threat_severity, tags, asset, attributes, raw, raw_truncated, parse_error`;

/** 1 LOW … 4 CRITICAL: the rank stored in threat_severity. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s) + 1;
}

export function maxThreatRank(threats: readonly Threat[]): number | null {
  let max = 0;
  for (const t of threats) max = Math.max(max, severityRank(t.severity));
  return max === 0 ? null : max;
}

function jsonOrNull(v: object | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0) return null;
  return JSON.stringify(v);
}

/** Kafka offsets are int64 as decimal strings: bound exactly as BigInt. */
function offsetParam(offset: string | null): bigint | null {
  return offset === null ? null : BigInt(offset);
}

/** The positional parameters of INSERT_LOG for one event. */
export function logRowParams(e: NormalizedEvent): unknown[] {
  return [
    Math.trunc(e.ts),
    e.ts_fallback ? 1 : 0,
    Math.trunc(e.received_at),
    e.source.kind,
    e.source.topic,
    e.source.partition,
    offsetParam(e.source.offset),
    e.source.peer ?? null,
    e.format,
    e.host,
    e.level,
    e.level_name,
    e.message,
    e.process,
    e.pid,
    e.user,
    e.src_ip,
    e.dst_ip,
    e.src_port,
    e.dst_port,
    e.domain,
    e.file_hash,
    jsonOrNull(e.metrics),
    jsonOrNull(e.threats),
    maxThreatRank(e.threats),
    jsonOrNull(e.tags),
    e.asset === null ? null : JSON.stringify(e.asset),
    jsonOrNull(e.attributes),
    e.raw,
    e.raw_truncated ? 1 : 0,
    e.parse_error,
  ];
}

/** A row as selected with LOG_SELECT. */
export interface LogRow {
  id: number;
  ts: number;
  ts_fallback: number;
  received_at: number;
  source_kind: string;
  topic: string;
  partition: number;
  offset: string | null;
  source_peer: string | null;
  format: string;
  host: string | null;
  level: number | null;
  level_name: string | null;
  message: string;
  process: string | null;
  pid: number | null;
  user: string | null;
  src_ip: string | null;
  dst_ip: string | null;
  src_port: number | null;
  dst_port: number | null;
  domain: string | null;
  file_hash: string | null;
  metrics: string | null;
  threats: string | null;
  threat_severity: number | null;
  tags: string | null;
  asset: string | null;
  attributes: string | null;
  raw: string;
  raw_truncated: number;
  parse_error: string | null;
}

export function readLogRow(r: LogRow): StoredEvent {
  const source: StoredEvent['source'] = { kind: r.source_kind, topic: r.topic, partition: r.partition, offset: r.offset };
  if (r.source_peer !== null) source.peer = r.source_peer;
  return {
    id: r.id,
    ts: r.ts,
    ts_fallback: r.ts_fallback === 1,
    received_at: r.received_at,
    source,
    format: r.format as Format,
    host: r.host,
    level: r.level,
    level_name: r.level_name as LevelName | null,
    message: r.message,
    metrics: r.metrics === null ? {} : JSON.parse(r.metrics),
    process: r.process,
    pid: r.pid,
    user: r.user,
    src_ip: r.src_ip,
    dst_ip: r.dst_ip,
    src_port: r.src_port,
    dst_port: r.dst_port,
    domain: r.domain,
    file_hash: r.file_hash,
    threats: r.threats === null ? [] : JSON.parse(r.threats),
    tags: r.tags === null ? [] : JSON.parse(r.tags),
    asset: r.asset === null ? null : JSON.parse(r.asset),
    attributes: r.attributes === null ? {} : JSON.parse(r.attributes),
    raw: r.raw,
    raw_truncated: r.raw_truncated === 1,
    parse_error: r.parse_error,
  };
}
