import type { DecodeContext, Draft } from '../decode/draft.js';
import { claim, setOwn } from '../decode/draft.js';
import { isPlainObject, mapRecord } from '../decode/field-mapper.js';
import { mergeLine } from './envelope.js';
import { decodeJournaldBytes, mapJournald } from './envelope-journald.js';

/**
 * The JSON shapes log shippers write, told apart by a few keys each sets (a handful of property
 * lookups, so plain JSON events pay almost nothing):
 *
 * | shape | keys |
 * |---|---|
 * | journald (`journalctl -o json`) | `__REALTIME_TIMESTAMP` or `MESSAGE` (upper case) |
 * | Docker json-file | `log` (string) and `stream` `stdout`/`stderr` |
 * | Fluent Bit | `log` (string) with `date` or `@timestamp`; `date` beside journald or Docker keys; `_p` (its CRI parser's F/P flag) beside `log` and `stream` |
 * | Vector | `message` with `source_type` |
 * | Filebeat / Elastic Agent (ECS) | `message` with an object `ecs`, `agent`, `input` or `@metadata`; or `@timestamp` with an object `host`, `log` or `event` |
 * | Logstash | `message` with `@version` |
 * | OTLP (POST /v1/logs, src/core/shipper/otlp-record.ts) | `message` with an object `otel` holding an object `resource` |
 * | Loki push (POST /loki/api/v1/push, src/core/shipper/loki-entry.ts) | `message` with an object `loki` holding an object `labels` |
 * | shipped (a document sent to the Elasticsearch bulk endpoint, `shipped`) | a string `message` or `log` |
 *
 * Everything else is plain JSON (field-mapper.ts only).
 */
export interface Envelope {
  /** Claimed in order: `['fluent-bit', 'docker']`. */
  readonly names: readonly string[];
  /** journald field names to map (envelope-journald.ts). */
  readonly journald: boolean;
  /** The runtime stamped the line as it was written: its time wins over the line's. */
  readonly captureTime: boolean;
}

const E = (names: string[], journald = false): Envelope => ({
  names,
  journald,
  captureTime: names.includes('docker') || names.includes('cri') || names.includes('journald'),
});
const JOURNALD = E(['journald'], true);
const FLUENT_JOURNALD = E(['fluent-bit', 'journald'], true);
const VECTOR_JOURNALD = E(['vector', 'journald'], true);
const DOCKER = E(['docker']);
const FLUENT_DOCKER = E(['fluent-bit', 'docker']);
const FLUENT_CRI = E(['fluent-bit', 'cri']);
const FLUENT = E(['fluent-bit']);
const VECTOR = E(['vector']);
const ECS = E(['ecs']);
const LOGSTASH = E(['logstash']);
// The record's time_unix_nano is the application's own stamp, with a zone and to the ns: it wins
// like a capture time. Only observed_time_unix_nano (a collector's read time): the line's wins.
const OTLP_EVENT: Envelope = { names: ['otlp'], journald: false, captureTime: true };
const OTLP_OBSERVED = E(['otlp']);
const LOKI = E(['loki']);
const SHIPPED = E(['shipped']);

/**
 * The shipper shape of a parsed JSON object, or null for plain JSON. `shipped`: the object came
 * from a shipper's output (see DecodeContext.shipped), so its `message` or `log` is a line even
 * without a shipper's marker keys.
 */
export function envelopeOf(o: Record<string, unknown>, shipped = false): Envelope | null {
  if (o.MESSAGE !== undefined || o.__REALTIME_TIMESTAMP !== undefined) {
    return o.date !== undefined ? FLUENT_JOURNALD : JOURNALD;
  }
  const log = o.log;
  if (typeof log === 'string') {
    const fluent = o.date !== undefined;
    if (o.stream === 'stdout' || o.stream === 'stderr') return o._p !== undefined ? FLUENT_CRI : fluent ? FLUENT_DOCKER : DOCKER;
    if (fluent || o['@timestamp'] !== undefined) return FLUENT;
    if (shipped && typeof o.message !== 'string') return SHIPPED;
  }
  if (typeof o.message !== 'string') return null;
  if (isPlainObject(o.otel) && isPlainObject(o.otel.resource)) return o.otel.time_unix_nano !== undefined ? OTLP_EVENT : OTLP_OBSERVED;
  if (isPlainObject(o.loki) && isPlainObject(o.loki.labels)) return LOKI;
  if (typeof o.source_type === 'string') return o.source_type === 'journald' ? VECTOR_JOURNALD : VECTOR;
  // Objects only: an application's own `"agent": "Mozilla/5.0 …"` is no Beat.
  if (isPlainObject(o.ecs) || isPlainObject(o.agent) || isPlainObject(o.input) || isPlainObject(o['@metadata'])) return ECS;
  if (o['@version'] !== undefined) return LOGSTASH;
  if (o['@timestamp'] !== undefined && (isPlainObject(o.host) || isPlainObject(o.log) || isPlainObject(o.event))) return ECS;
  return shipped ? SHIPPED : null;
}

/**
 * Maps an envelope's fields (alias table, plus journald's names), then decodes the line it
 * carries and merges it in (envelope.ts). Mutates `record`, which the caller owns.
 */
export function decodeEnvelope(record: Record<string, unknown>, env: Envelope, draft: Draft, ctx: DecodeContext): void {
  for (const n of env.names) claim(draft, n);
  if (env.journald) decodeJournaldBytes(record);
  mapRecord(record, draft, ctx);
  if (env.journald) mapJournald(record, draft, ctx);
  if (record._p === 'P' || record._p === 'F') {
    // Fluent Bit's CRI parser keeps the runtime's flag as `_p`; named as cri.ts names it.
    if (record._p === 'P') setOwn(record, 'cri', { partial: true });
    delete record._p;
  }
  const line = draft.message;
  if (line === null) return;
  dropCopy(record, line);
  mergeLine(draft, line, ctx, env.captureTime);
}

/** ECS `event.original` (and Logstash's) often repeats the message: raw has it once already. */
function dropCopy(record: Record<string, unknown>, line: string): void {
  const ev = record.event;
  if (isPlainObject(ev) && ev.original === line) {
    delete ev.original;
    if (Object.keys(ev).length === 0) delete record.event;
  }
  if (record['event.original'] === line) delete record['event.original'];
}
