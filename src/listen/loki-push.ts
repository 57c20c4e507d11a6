/**
 * POST /loki/api/v1/push bodies → one JSON message a log line (src/core/shipper/loki-entry.ts),
 * for the same direct-ingest path as POST /api/v1/ingest. Two encodings, as Loki takes them:
 *
 * - JSON: `{"streams":[{"stream":{labels},"values":[["<ns>","line"(,{structured metadata})]]}]}`
 * - `application/x-protobuf`: logproto.PushRequest, snappy block-compressed (as Promtail, Alloy,
 *   Fluent Bit and winston-loki send it), with each stream's labels as a Prometheus label string.
 */
import snappy from 'snappyjs';
import { lokiEntryMessage, type LokiEntry } from '../core/shipper/loki-entry.js';
import { nanosOf } from '../core/shipper/nanos.js';
import { parseLabelString } from '../core/shipper/prom-labels.js';
import { UndecodableBody } from './otlp-logs.js';
import { PushRequest } from './proto/loki-push.js';

export type LokiEncoding = 'protobuf' | 'json';

/** The body is larger than the limit once decompressed (413). */
export class DecompressedTooLarge extends Error {}

/**
 * Snappy block format: the uncompressed length comes first as a varint, so an oversized body is
 * refused before anything is allocated for it.
 */
export function unsnappy(body: Buffer, limitBytes: number): Buffer {
  let len = 0;
  let shift = 0;
  let i = 0;
  for (;;) {
    if (i >= body.length || i > 4) throw new UndecodableBody('not snappy-compressed (bad length header)');
    const b = body[i++]!;
    len += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) break;
  }
  if (len > limitBytes) throw new DecompressedTooLarge(`${len} bytes once decompressed`);
  try {
    return Buffer.from(snappy.uncompress(body));
  } catch (e) {
    throw new UndecodableBody(`not snappy-compressed (${(e as Error).message})`);
  }
}

/** One JSON message a line, in request order. */
export function decodeLokiPush(body: Buffer, encoding: LokiEncoding): Buffer[] {
  const lines: Buffer[] = [];
  const push = (labels: Record<string, string>, e: LokiEntry) => lines.push(Buffer.from(JSON.stringify(lokiEntryMessage(labels, e)), 'utf8'));
  if (encoding === 'protobuf') {
    let req: { streams?: { labels?: string; entries?: { timestamp?: { seconds?: string; nanos?: number }; line?: string; structuredMetadata?: { name?: string; value?: string }[] }[] }[] };
    try {
      req = PushRequest.toObject(PushRequest.decode(body), { longs: String, defaults: false }) as typeof req;
    } catch (e) {
      throw new UndecodableBody(`not a logproto.PushRequest (${(e as Error).message})`);
    }
    for (const s of req.streams ?? []) {
      const parsed = parseLabelString(s.labels ?? '{}');
      if (!parsed.ok) throw new UndecodableBody(parsed.error);
      for (const e of s.entries ?? []) {
        const meta: Record<string, string> = {};
        for (const p of e.structuredMetadata ?? []) if (p.name) Object.defineProperty(meta, p.name, { value: p.value ?? '', enumerable: true, writable: true, configurable: true });
        push(parsed.labels, { ts: protoTs(e.timestamp), line: e.line ?? '', metadata: meta });
      }
    }
    return lines;
  }
  let req: unknown;
  try {
    req = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new UndecodableBody(`not valid JSON (${(e as Error).message})`);
  }
  if (!isObj(req)) throw new UndecodableBody('the body must be an object with streams');
  const streams = req.streams;
  if (!Array.isArray(streams)) throw new UndecodableBody('streams must be an array');
  for (const s of streams) {
    if (!isObj(s)) throw new UndecodableBody('a stream must be an object');
    const labels = s.stream === undefined || s.stream === null ? {} : stringMap(s.stream, 'stream');
    if (!Array.isArray(s.values)) throw new UndecodableBody('values must be an array');
    for (const v of s.values) {
      if (!Array.isArray(v) || v.length < 2 || v.length > 3 || typeof v[1] !== 'string') {
        throw new UndecodableBody('each value must be ["<unix epoch ns>", "line"] or ["<ns>", "line", {structured metadata}]');
      }
      if (typeof v[0] !== 'string' || !/^\d{1,20}$/.test(v[0])) throw new UndecodableBody('a timestamp must be unix epoch nanoseconds as a string of digits');
      // "0" (and a value past 64 bits) is no time: the receive time is used.
      push(labels, { ts: nanosOf(v[0]), line: v[1], metadata: v.length === 3 ? stringMap(v[2], 'structured metadata') : {} });
    }
  }
  return lines;
}

function protoTs(t: { seconds?: string; nanos?: number } | undefined): bigint | null {
  if (t === undefined) return null;
  const s = BigInt(t.seconds ?? '0');
  const n = BigInt(t.nanos ?? 0);
  return nanosOf((s * 1_000_000_000n + n).toString());
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown, what: string): Record<string, string> {
  if (!isObj(v)) throw new UndecodableBody(`${what} must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw new UndecodableBody(`${what}: ${k.slice(0, 40)} must be a string`);
    Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
