import type { Format, NormalizedEvent } from '../event.js';

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
}

/** Decoder inputs besides the text. */
export interface DecodeContext {
  /** Epoch ms; used for year inference of year-less dates. */
  receivedAt: number;
}

export function newDraft(format: Format): Draft {
  return {
    format,
    ts: null,
    tsOriginal: undefined,
    host: null,
    level: null,
    message: null,
    metrics: {},
    process: null,
    pid: null,
    user: null,
    src_ip: null,
    dst_ip: null,
    src_port: null,
    dst_port: null,
    domain: null,
    file_hash: null,
    threats: [],
    tags: [],
    attributes: {},
    error: null,
  };
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
