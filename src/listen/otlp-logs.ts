/**
 * POST /v1/logs bodies (OTLP/HTTP, protobuf or JSON, already decompressed) → one JSON message a
 * log record (src/core/shipper/otlp-record.ts), for the same direct-ingest path as
 * POST /api/v1/ingest. Both encodings are read into one shape: protobufjs' toObject of the binary
 * form has the OTLP/JSON field names, and the JSON form is read by hand because it differs where
 * the JSON mapping of proto3 would not (trace and span ids are hex, not base64; enums are numbers;
 * 64-bit integers may be numbers or strings). snake_case keys are read too (older senders).
 */
import { otlpRecordMessage, otlpRecordProblem, type OtlpLogRecord, type OtlpScope } from '../core/shipper/otlp-record.js';
import { nanosOf } from '../core/shipper/nanos.js';
import { ExportLogsServiceRequest, ExportLogsServiceResponse, RpcStatus } from './proto/otlp-logs.js';

export type OtlpEncoding = 'protobuf' | 'json';

export interface OtlpDecoded {
  /** One JSON message a record taken, in request order. */
  lines: Buffer[];
  /** Records refused (partial_success), and why the first one was. */
  rejected: number;
  firstProblem: string | null;
}

/** The body could not be read as an ExportLogsServiceRequest (400). */
export class UndecodableBody extends Error {}

/** Nesting deeper than this in an AnyValue is refused: bounds the recursion. */
const MAX_DEPTH = 64;

export function decodeOtlpLogs(body: Buffer, encoding: OtlpEncoding): OtlpDecoded {
  let request: unknown;
  if (encoding === 'protobuf') {
    try {
      const msg = ExportLogsServiceRequest.decode(body);
      request = ExportLogsServiceRequest.toObject(msg, { longs: String, bytes: String, defaults: false, oneofs: false });
    } catch (e) {
      throw new UndecodableBody(`not an ExportLogsServiceRequest in protobuf (${(e as Error).message})`);
    }
  } else {
    let text = body.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    try {
      request = JSON.parse(text);
    } catch (e) {
      throw new UndecodableBody(`not valid JSON (${(e as Error).message})`);
    }
  }
  const ids: IdEncoding = encoding === 'protobuf' ? 'base64' : 'hex';
  const out: OtlpDecoded = { lines: [], rejected: 0, firstProblem: null };
  const root = obj(request, 'the request');
  for (const rl of list(root.resourceLogs, 'resourceLogs')) {
    const resLogs = obj(rl, 'a resourceLogs element');
    const res = optObj(resLogs.resource, 'resource');
    const resource = res === null ? {} : keyValues(res.attributes, 0);
    for (const sl of list(resLogs.scopeLogs, 'scopeLogs')) {
      const scopeLogs = obj(sl, 'a scopeLogs element');
      const s = optObj(scopeLogs.scope, 'scope');
      const scope: OtlpScope = s === null ? { name: '', version: '', attributes: {} } : { name: str(s.name, 'scope.name'), version: str(s.version, 'scope.version'), attributes: keyValues(s.attributes, 0) };
      for (const lr of list(scopeLogs.logRecords, 'logRecords')) {
        const record = readRecord(obj(lr, 'a log record'), ids);
        const problem = otlpRecordProblem(record);
        if (problem !== null) {
          out.rejected++;
          out.firstProblem ??= problem;
          continue;
        }
        // A copy of the resource each: the decoder owns (and mutates) what it maps.
        out.lines.push(Buffer.from(JSON.stringify(otlpRecordMessage(record, structuredClone(resource), scope)), 'utf8'));
      }
    }
  }
  return out;
}

/** ExportLogsServiceResponse in the request's encoding; partial_success only when something was refused. */
export function otlpExportResponse(encoding: OtlpEncoding, rejected: number, message: string | null): Buffer | Record<string, unknown> {
  const partial = rejected > 0 ? { rejectedLogRecords: rejected, errorMessage: message ?? '' } : null;
  if (encoding === 'json') return partial === null ? {} : { partialSuccess: partial };
  const msg = ExportLogsServiceResponse.fromObject(partial === null ? {} : { partialSuccess: partial });
  return Buffer.from(ExportLogsServiceResponse.encode(msg).finish());
}

/** google.rpc.Status code INVALID_ARGUMENT: what every refusal of a request body is. */
export const STATUS_INVALID_ARGUMENT = 3;

/**
 * The body of an OTLP/HTTP 4xx: a google.rpc.Status in the request's encoding (the OTLP/HTTP
 * spec asks for it; collectors log its message).
 */
export function otlpStatus(encoding: OtlpEncoding, message: string): Buffer | Record<string, unknown> {
  const status = { code: STATUS_INVALID_ARGUMENT, message };
  if (encoding === 'json') return status;
  return Buffer.from(RpcStatus.encode(RpcStatus.fromObject(status)).finish());
}

type IdEncoding = 'base64' | 'hex';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const UINT32_MAX = 4294967295;

/**
 * Every field is checked for its type whether or not it is used, and null is read as absent
 * (proto3 JSON): the OpenAPI document states exactly this (src/api/openapi-shippers.ts).
 */
function readRecord(r: Record<string, unknown>, ids: IdEncoding): OtlpLogRecord {
  const sev = r.severityNumber;
  if (sev !== undefined && sev !== null && !(typeof sev === 'number' && Number.isInteger(sev) && sev >= INT32_MIN && sev <= INT32_MAX)) {
    throw new UndecodableBody('severityNumber must be an integer (OTLP/JSON enums are numbers)');
  }
  const flags = r.flags;
  if (flags !== undefined && flags !== null && !(typeof flags === 'number' && Number.isInteger(flags) && flags >= 0 && flags <= UINT32_MAX)) {
    throw new UndecodableBody('flags must be an unsigned 32-bit integer');
  }
  const body = r.body;
  return {
    timeUnixNano: nanos(r.timeUnixNano, 'timeUnixNano'),
    observedTimeUnixNano: nanos(r.observedTimeUnixNano, 'observedTimeUnixNano'),
    severityNumber: typeof sev === 'number' ? sev : 0,
    severityText: str(r.severityText, 'severityText'),
    eventName: str(r.eventName, 'eventName'),
    body: body === undefined || body === null ? undefined : anyValue(body, 0),
    attributes: keyValues(r.attributes, 0),
    traceId: id(r.traceId, ids, 'traceId'),
    spanId: id(r.spanId, ids, 'spanId'),
    flags: typeof flags === 'number' ? flags : 0,
  };
}

/** A KeyValue list → an object (a later duplicate key wins). */
function keyValues(v: unknown, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list(v, 'attributes')) {
    const o = obj(kv, 'a key/value');
    if (typeof o.key !== 'string') throw new UndecodableBody('a key/value has no string key');
    const value = o.value === undefined || o.value === null ? null : anyValue(o.value, depth + 1);
    Object.defineProperty(out, o.key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const INT_STRING = /^-?\d{1,20}$/;

/** An AnyValue → a plain value: the first field set, in field order; every field is type-checked. */
function anyValue(v: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new UndecodableBody(`values nested deeper than ${MAX_DEPTH}`);
  const o = obj(v, 'a value');
  const present = (x: unknown) => x !== undefined && x !== null;
  const { stringValue: s, boolValue: b, intValue: i, doubleValue: d, arrayValue: a, kvlistValue: kv, bytesValue: by } = o;
  if (present(s) && typeof s !== 'string') throw new UndecodableBody('stringValue must be a string');
  if (present(b) && typeof b !== 'boolean') throw new UndecodableBody('boolValue must be a boolean');
  if (present(i) && !((typeof i === 'number' && Number.isInteger(i)) || (typeof i === 'string' && INT_STRING.test(i)))) throw new UndecodableBody('intValue must be an integer');
  if (present(d) && typeof d !== 'number') throw new UndecodableBody('doubleValue must be a number');
  if (present(by) && typeof by !== 'string') throw new UndecodableBody('bytesValue must be a base64 string');
  const array = present(a) ? list(obj(a, 'arrayValue').values, 'arrayValue.values').map((x) => anyValue(x, depth + 1)) : undefined;
  const map = present(kv) ? keyValues(obj(kv, 'kvlistValue').values, depth + 1) : undefined;
  if (present(s)) return s;
  if (present(b)) return b;
  if (present(i)) {
    const n = Number(i);
    return Number.isSafeInteger(n) ? n : String(i);
  }
  if (present(d)) return d;
  if (array !== undefined) return array;
  if (map !== undefined) return map;
  if (present(by)) return by; // base64 in both encodings
  return null; // an empty AnyValue
}

function id(v: unknown, enc: IdEncoding, what: string): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string') throw new UndecodableBody(`${what} must be a string`);
  if (enc === 'hex') {
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(v)) throw new UndecodableBody(`${what} must be hex in OTLP/JSON`);
    return /^0*$/.test(v) ? '' : v.toLowerCase();
  }
  const hex = Buffer.from(v, 'base64').toString('hex');
  return /^0*$/.test(hex) ? '' : hex;
}

/** A fixed64 time: digits as a string, or a non-negative integer; 0 and values past 64 bits are absent. */
function nanos(v: unknown, what: string): bigint | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return nanosOf(v);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return nanosOf(BigInt(v));
  throw new UndecodableBody(`${what} must be unix epoch nanoseconds (a string of digits)`);
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UndecodableBody(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function optObj(v: unknown, what: string): Record<string, unknown> | null {
  return v === undefined || v === null ? null : obj(v, what);
}

function list(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new UndecodableBody(`${what} must be an array`);
  return v;
}

function str(v: unknown, what: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new UndecodableBody(`${what} must be a string`);
  return v;
}
