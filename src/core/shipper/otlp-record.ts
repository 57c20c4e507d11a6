/**
 * One OTLP log record (with its resource and scope) → the JSON message logagg stores for it.
 * The message goes through the ordinary pipeline: the JSON decoder recognizes it as the `otlp`
 * envelope (src/core/recognize/envelope-json.ts), maps the fields below through the alias table
 * and runs a string body through the line recognizers, so an sshd line inside OTLP is understood
 * as if it came by syslog. What this writes:
 *
 * | key | from |
 * |---|---|
 * | `timestamp` | time_unix_nano, else observed_time_unix_nano (RFC 3339, nine fraction digits) |
 * | `host` | resource host.name, else host.hostname |
 * | `process` | resource service.name (not the SDKs' `unknown_service…` default), else process.executable.name |
 * | `level` | severity_number by range (below), else severity_text read as a level word |
 * | `message` | a string body |
 * | every record attribute | under its own key (ECS-ish names such as user.name, source.ip map as in any JSON message) |
 * | every key of a map body | likewise; a body that is neither string nor map is kept as `body` |
 * | `trace_id`, `span_id` | hex |
 * | `otel` | `resource`, `scope` {name, version, attributes}, `severity_number`, `severity_text`, `time_unix_nano`, `observed_time_unix_nano`, `event_name`, `flags`: all kept |
 *
 * A record attribute or body key that would overwrite one of these keys is kept under
 * `otel.shadowed` instead.
 */
import { setOwn } from '../decode/draft.js';
import { parseLevel } from '../decode/level.js';
import { nanosToIso } from './nanos.js';

/** A record as both decoders (protobuf, JSON) hand it over: AnyValues already plain values. */
export interface OtlpLogRecord {
  timeUnixNano: bigint | null;
  observedTimeUnixNano: bigint | null;
  severityNumber: number;
  severityText: string;
  eventName: string;
  /** undefined when the record has no body. */
  body: unknown;
  attributes: Record<string, unknown>;
  /** Lower-case hex; '' when absent. */
  traceId: string;
  spanId: string;
  flags: number;
}

export interface OtlpScope {
  name: string;
  version: string;
  attributes: Record<string, unknown>;
}

/**
 * OTLP SeverityNumber ranges (the log data model: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN,
 * 17–20 ERROR, 21–24 FATAL) → syslog levels. INFO2–4 are notice, as the data model maps syslog
 * Notice to INFO2; FATAL is critical, as logagg reads the word `fatal`.
 */
export function severityNumberToLevel(n: number): number | null {
  if (!Number.isInteger(n) || n < 1 || n > 24) return null;
  if (n <= 8) return 7;
  if (n === 9) return 6;
  if (n <= 12) return 5;
  if (n <= 16) return 4;
  if (n <= 20) return 3;
  return 2;
}

/** Why a record is refused (counted in partial_success), or null when it is taken. */
export function otlpRecordProblem(r: OtlpLogRecord): string | null {
  if (r.traceId !== '' && r.traceId.length !== 32) return 'trace_id must be 16 bytes';
  if (r.spanId !== '' && r.spanId.length !== 16) return 'span_id must be 8 bytes';
  const emptyBody = r.body === undefined || r.body === '';
  if (emptyBody && Object.keys(r.attributes).length === 0 && r.eventName === '') return 'the record has no body, attributes or event name';
  return null;
}

/** The JSON object stored for the record (see the table above). */
export function otlpRecordMessage(r: OtlpLogRecord, resource: Record<string, unknown>, scope: OtlpScope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const time = r.timeUnixNano ?? r.observedTimeUnixNano;
  const iso = time === null ? null : nanosToIso(time);
  if (iso !== null) out.timestamp = iso;
  const host = firstString(resource['host.name'], resource['host.hostname']);
  if (host !== null) out.host = host;
  const service = firstString(resource['service.name']);
  const program = service !== null && !service.startsWith('unknown_service') ? service : firstString(resource['process.executable.name']);
  if (program !== null) out.process = program;
  const level = severityNumberToLevel(r.severityNumber) ?? (r.severityText === '' ? null : parseLevel(r.severityText));
  if (level !== null) out.level = level;
  if (typeof r.body === 'string' && r.body !== '') out.message = r.body;
  if (r.traceId !== '') out.trace_id = r.traceId;
  if (r.spanId !== '') out.span_id = r.spanId;

  const otel: Record<string, unknown> = { resource, scope: scopeObject(scope) };
  if (r.severityNumber !== 0) otel.severity_number = r.severityNumber;
  if (r.severityText !== '') otel.severity_text = r.severityText;
  if (r.timeUnixNano !== null) otel.time_unix_nano = r.timeUnixNano.toString();
  if (r.observedTimeUnixNano !== null) otel.observed_time_unix_nano = r.observedTimeUnixNano.toString();
  if (r.eventName !== '') otel.event_name = r.eventName;
  if (r.flags !== 0) otel.flags = r.flags;

  const shadowed: Record<string, unknown> = {};
  const put = (k: string, v: unknown) => {
    setOwn(k === 'otel' || Object.hasOwn(out, k) ? shadowed : out, k, v);
  };
  for (const [k, v] of Object.entries(r.attributes)) put(k, v);
  if (isMap(r.body)) for (const [k, v] of Object.entries(r.body)) put(k, v);
  else if (r.body !== undefined && typeof r.body !== 'string') put('body', r.body);
  if (Object.keys(shadowed).length > 0) otel.shadowed = shadowed;
  out.otel = otel;
  return out;
}

function scopeObject(s: OtlpScope): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (s.name !== '') o.name = s.name;
  if (s.version !== '') o.version = s.version;
  if (Object.keys(s.attributes).length > 0) o.attributes = s.attributes;
  return o;
}

function firstString(...values: unknown[]): string | null {
  for (const v of values) if (typeof v === 'string' && v.trim() !== '') return v.trim();
  return null;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
