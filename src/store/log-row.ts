/**
 * An event as flat column values: the columns of the v1 `logs` row (schema 1–7), which is also
 * what crosses to the writer thread (batch-rows.ts) and what the block writer reads
 * (block-writer.ts, log-block.ts). Empty objects and arrays are NULL (JSON text otherwise) and
 * come back as {} / [] (log-block.ts eventAt).
 */
import { SEVERITIES, type NormalizedEvent, type Severity, type Threat } from '../core/event.js';

/** Column order of logRowParams (and of the v1 table, which convert-v1.ts reads). */
export const COLUMNS = [
  'ts', 'ts_fallback', 'received_at', 'source_kind', 'topic', 'partition', 'offset', 'source_peer', 'format',
  'host', 'level', 'level_name', 'message', 'process', 'pid', 'user', 'src_ip', 'dst_ip', 'src_port', 'dst_port',
  'domain', 'file_hash', 'metrics', 'threats', 'threat_severity', 'tags', 'asset', 'attributes', 'raw',
  'raw_truncated', 'parse_error',
] as const;

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

/** The column values of one event, in COLUMNS order. */
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
