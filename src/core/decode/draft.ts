import type { Format, NormalizedEvent } from '../event.js';
import { emptyEvent } from '../event.js';
import type { ExtractorSet } from '../recognize/extractor-set.js';

/** The fields a decoder fills as the event will carry them (documented in event.ts). */
type DecodedFields = Pick<
  NormalizedEvent,
  'format' | 'host' | 'level' | 'metrics' | 'process' | 'pid' | 'user' | 'src_ip' | 'dst_ip' | 'src_port' | 'dst_port' | 'domain' | 'file_hash' | 'threats' | 'tags' | 'attributes'
>;

/**
 * What a decoder extracts from one message, before the normalizer applies the timestamp policy,
 * host normalization and defaults. Decoders fill it in place; every field starts empty.
 */
export interface Draft extends DecodedFields {
  /** Epoch ms read from the message; null when absent or unparseable. */
  ts: number | null;
  /** The timestamp value as found (string or number), kept when it turns out unusable. */
  tsOriginal: unknown;
  /** null = the decoder found no message text; the normalizer picks a summary. */
  message: string | null;
  /** Why (part of) decoding failed; null when it did not. */
  error: string | null;
  /**
   * Which recognizers claimed the message, outermost first, joined by `>` (e.g.
   * `json>ecs>syslog-file>sshd`); null when none did. Shown by `logagg parse`, not stored.
   */
  parser: string | null;
}

/** Decoder inputs besides the text. */
export interface DecodeContext {
  /** Epoch ms; used for year inference of year-less dates. */
  receivedAt: number;
  /**
   * Decodes the line a shipper envelope carries (a Docker `log`, an ECS `message`, a journald
   * `MESSAGE`, a CRI line's text) into a fresh draft, without program decoders (those run once,
   * on the merged draft). Set by `decodeByFormat`; absent two envelopes deep, so nesting is
   * bounded.
   */
  decodeLine?: LineDecoder;
  /** The operator's extractors (config `extract:`); absent when none is configured. */
  extractors?: ExtractorSet | undefined;
  /** The message's topic (or listener name), which extractors may be scoped to. */
  topic?: string | undefined;
  /**
   * The message is a document a log shipper sent (the Elasticsearch bulk endpoint): a JSON
   * object with a string `message` or `log` carries a line even without a shipper's marker keys
   * (src/core/recognize/envelope-json.ts, SHIPPED).
   */
  shipped?: boolean | undefined;
}

/** See DecodeContext.decodeLine. */
export type LineDecoder = (text: string, ctx: DecodeContext) => Draft;

/**
 * ctx with another line decoder. An object literal naming every field, not a spread: a spread
 * costs about as much as a small JSON.parse here, once per message. A field added to
 * DecodeContext is added here too.
 */
export function withLineDecoder(ctx: DecodeContext, decodeLine: LineDecoder | undefined): DecodeContext {
  return { receivedAt: ctx.receivedAt, decodeLine, extractors: ctx.extractors, topic: ctx.topic, shipped: ctx.shipped };
}

export function newDraft(format: Format): Draft {
  const e = emptyEvent();
  return {
    format,
    ts: null,
    tsOriginal: undefined,
    host: e.host,
    level: e.level,
    message: null,
    metrics: e.metrics,
    process: e.process,
    pid: e.pid,
    user: e.user,
    src_ip: e.src_ip,
    dst_ip: e.dst_ip,
    src_port: e.src_port,
    dst_port: e.dst_port,
    domain: e.domain,
    file_hash: e.file_hash,
    threats: e.threats,
    tags: e.tags,
    attributes: e.attributes,
    error: null,
    parser: null,
  };
}

/** Records that the recognizer `name` claimed (part of) the message. */
export function claim(draft: Draft, name: string): void {
  draft.parser = draft.parser === null ? name : `${draft.parser}>${name}`;
}

/**
 * Sets an own property even for the key `__proto__`, which plain assignment would turn into a
 * prototype change. Keys come from untrusted messages.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/** Cuts s to at most max UTF-16 units without splitting a surrogate pair. */
export function capText(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return s.slice(0, end);
}
