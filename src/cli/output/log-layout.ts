/**
 * How a log (in the API's JSON shape, so local and remote results print the same) is laid out
 * as a table row and as a CSV record. JSON and NDJSON write the API's shape unchanged.
 */
import { SEVERITIES, type Severity } from '../../core/event.js';
import type { ApiLog } from '../../query/render.js';
import { levelStyle, severityStyle } from '../../client/colors.js';
import type { RecordLayout } from './record-output.js';

/** The most severe threat of an event; null when it has none. */
export function topThreat(log: Pick<ApiLog, 'threats'>): Severity | null {
  let best = -1;
  for (const t of log.threats ?? []) best = Math.max(best, SEVERITIES.indexOf(t.severity));
  return best < 0 ? null : SEVERITIES[best]!;
}

const json = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && Object.keys(v).length === 0) return null;
  return JSON.stringify(v);
};

export const LOG_LAYOUT: RecordLayout<ApiLog> = {
  table: [
    { header: 'ID', value: (l) => String(l.id), max: 12 },
    { header: 'TIME', value: (l) => l.ts, max: 24 },
    { header: 'HOST', value: (l) => l.host ?? '-', max: 28 },
    { header: 'LEVEL', value: (l) => l.level_name ?? '-', max: 9, style: (l) => levelStyle(l.level) },
    { header: 'THREAT', value: (l) => topThreat(l) ?? '', max: 8, style: (l) => severityStyle(topThreat(l)) },
    { header: 'MESSAGE', value: (l) => (l.parse_error !== null && l.message === '' ? `[parse error: ${l.parse_error}]` : l.message), flex: true, min: 20, style: (l) => (l.level !== null && l.level <= 3 ? levelStyle(l.level) : null) },
  ],
  csv: [
    { header: 'id', value: (l) => l.id },
    { header: 'ts', value: (l) => l.ts },
    { header: 'received_at', value: (l) => l.received_at },
    { header: 'topic', value: (l) => l.source.topic },
    { header: 'partition', value: (l) => l.source.partition },
    { header: 'offset', value: (l) => l.source.offset },
    { header: 'format', value: (l) => l.format },
    { header: 'host', value: (l) => l.host },
    { header: 'level', value: (l) => l.level },
    { header: 'level_name', value: (l) => l.level_name },
    { header: 'threat_severity', value: (l) => topThreat(l) },
    { header: 'message', value: (l) => l.message },
    { header: 'process', value: (l) => l.process },
    { header: 'pid', value: (l) => l.pid },
    { header: 'user', value: (l) => l.user },
    { header: 'src_ip', value: (l) => l.src_ip },
    { header: 'dst_ip', value: (l) => l.dst_ip },
    { header: 'src_port', value: (l) => l.src_port },
    { header: 'dst_port', value: (l) => l.dst_port },
    { header: 'domain', value: (l) => l.domain },
    { header: 'file_hash', value: (l) => l.file_hash },
    { header: 'metrics', value: (l) => json(l.metrics) },
    { header: 'threats', value: (l) => json(l.threats) },
    { header: 'tags', value: (l) => json(l.tags) },
    { header: 'attributes', value: (l) => json(l.attributes) },
    { header: 'parse_error', value: (l) => l.parse_error },
  ],
};
