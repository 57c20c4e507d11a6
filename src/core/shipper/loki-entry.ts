/**
 * One Loki push entry (stream labels, timestamp, line, structured metadata) → the JSON message
 * logagg stores for it. Decoded as the `loki` envelope (src/core/recognize/envelope-json.ts):
 * the line goes through the line recognizers, so a syslog or sshd line pushed by Promtail is
 * understood as if it came by syslog; where the line names a host, program or level itself, the
 * line wins and the label's value is kept under `_envelope`.
 *
 * | key | from |
 * |---|---|
 * | `timestamp` | the entry's timestamp (RFC 3339, nine fraction digits) |
 * | `host` | label host, else hostname, else instance |
 * | `process` | label job, else app, else service_name |
 * | `level` | label level, else severity, else detected_level (a level word) |
 * | `message` | the line |
 * | every structured-metadata pair | under its own name (trace_id, …); one that would overwrite the keys above goes under `loki.shadowed` |
 * | `loki` | `labels` (all of them) and `ts` (the nanosecond timestamp as sent) |
 */
import { setOwn } from '../decode/draft.js';
import { parseLevel } from '../decode/level.js';
import { nanosToIso } from './nanos.js';

export interface LokiEntry {
  ts: bigint | null;
  line: string;
  metadata: Record<string, string>;
}

const HOST_LABELS = ['host', 'hostname', 'instance'];
const PROGRAM_LABELS = ['job', 'app', 'service_name'];
const LEVEL_LABELS = ['level', 'severity', 'detected_level'];

export function lokiEntryMessage(labels: Readonly<Record<string, string>>, e: LokiEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const iso = e.ts === null ? null : nanosToIso(e.ts);
  if (iso !== null) out.timestamp = iso;
  const host = firstLabel(labels, HOST_LABELS);
  if (host !== null) out.host = host;
  const program = firstLabel(labels, PROGRAM_LABELS);
  if (program !== null) out.process = program;
  for (const name of LEVEL_LABELS) {
    const v = labels[name];
    const level = v === undefined ? null : parseLevel(v);
    if (level !== null) {
      out.level = level;
      break;
    }
  }
  out.message = e.line;
  const loki: Record<string, unknown> = { labels: { ...labels } };
  if (e.ts !== null) loki.ts = e.ts.toString();
  const shadowed: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.metadata)) {
    setOwn(k === 'loki' || Object.hasOwn(out, k) ? shadowed : out, k, v);
  }
  if (Object.keys(shadowed).length > 0) loki.shadowed = shadowed;
  out.loki = loki;
  return out;
}

function firstLabel(labels: Readonly<Record<string, string>>, names: readonly string[]): string | null {
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  return null;
}
