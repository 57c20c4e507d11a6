import { capText, setOwn, type DecodeContext, type Draft } from './decode/draft.js';
import { decodeByFormat } from './decode/dispatch.js';
import { decodeUtf8 } from './decode/utf8.js';
import type { EventSource, Format, NormalizedEvent } from './event.js';
import { emptyEvent, LEVEL_NAMES } from './event.js';
import type { ExtractorSet } from './recognize/extractors.js';
import { DEFAULT_MAX_FUTURE_SKEW_MS, isAbsurdTs } from './time.js';

export interface NormalizeOptions {
  source: EventSource;
  /** Epoch ms; the clock is passed in. */
  receivedAt: number;
  /** Pinned per topic in config, else auto-detected per message. */
  format?: Format | 'auto';
  /** Size cap in bytes: larger messages are stored cut, with raw_truncated and parse_error. */
  maxBytes: number;
  /** Timestamps further than this into the future, or before year 2000, are "absurd". Default one day. */
  maxFutureSkewMs?: number;
  /** The operator's extractors (config `extract:`), compiled once; absent when none is configured. */
  extractors?: ExtractorSet | undefined;
}

/** Sources whose messages are documents a log shipper sent (see DecodeContext.shipped). */
export const SHIPPED_SOURCE_KINDS: ReadonlySet<string> = new Set(['es-bulk']);

/** What normalizeMessageWithTrace tells besides the event. */
export interface NormalizeTrace {
  /** The recognizers that claimed the message, outermost first (`json>ecs>syslog-file>sshd`); null when none did. */
  parser: string | null;
}

/** Longest message summary made from the text when a structured message has no message key. */
export const SUMMARY_MAX_CHARS = 1024;

/**
 * One message (bytes from Kafka or a listener) to one event. Never throws.
 *
 * - null / empty / blank → parse_error 'empty message'.
 * - Over `maxBytes` → raw cut on a UTF-8 boundary, raw_truncated, parse_error naming both sizes;
 *   nothing is parsed (format: the pinned one, else text).
 * - Invalid UTF-8 → decoded with U+FFFD replacements, parse_error 'invalid UTF-8 at byte N…',
 *   and the replaced text is still decoded as usual.
 * - A decoding failure → parse_error from the decoder, message = the whole text.
 * - ts: from the message; else (missing, unparseable, absurd) receivedAt with ts_fallback.
 *   A timestamp value that is unusable and no longer under its own key is kept as
 *   attributes._original_ts.
 */
export function normalizeMessage(bytes: Uint8Array | null, opts: NormalizeOptions): NormalizedEvent {
  return normalizeTraced(bytes, opts, null);
}

/** normalizeMessage, plus which parser claimed the message (`logagg parse`); ingest does not need it. */
export function normalizeMessageWithTrace(bytes: Uint8Array | null, opts: NormalizeOptions): { event: NormalizedEvent; trace: NormalizeTrace } {
  const trace: NormalizeTrace = { parser: null };
  const event = normalizeTraced(bytes, opts, trace);
  return { event, trace };
}

function normalizeTraced(bytes: Uint8Array | null, opts: NormalizeOptions, trace: NormalizeTrace | null): NormalizedEvent {
  try {
    return normalizeUnsafe(bytes, opts, trace);
  } catch (e) {
    // Decoders are written not to throw; this keeps the promise if one ever does.
    let raw = '';
    try {
      raw = bytes === null ? '' : decodeUtf8(bytes, opts.maxBytes).text;
    } catch {
      raw = '';
    }
    return baseEvent(opts, pinnedOr(opts, 'text'), raw, `internal decoder error: ${String((e as Error)?.message ?? e)}`);
  }
}

function normalizeUnsafe(bytes: Uint8Array | null, opts: NormalizeOptions, trace: NormalizeTrace | null): NormalizedEvent {
  if (bytes === null || bytes.length === 0) return baseEvent(opts, pinnedOr(opts, 'text'), '', 'empty message');
  const dec = decodeUtf8(bytes, opts.maxBytes);
  const utf8Error = dec.invalidAt >= 0 ? `invalid UTF-8 at byte ${dec.invalidAt} (replaced with U+FFFD)` : null;
  if (dec.truncated) {
    const err = `message of ${bytes.length} bytes exceeds cap of ${opts.maxBytes} bytes`;
    const ev = baseEvent(opts, pinnedOr(opts, 'text'), dec.text, utf8Error === null ? err : `${err}; ${utf8Error}`);
    ev.raw_truncated = true;
    return ev;
  }
  if (dec.text.trim().length === 0) return baseEvent(opts, pinnedOr(opts, 'text'), dec.text, joinErrors('empty message', utf8Error));

  const receivedAt = opts.receivedAt;
  const ctx: DecodeContext = opts.extractors === undefined ? { receivedAt } : { receivedAt, extractors: opts.extractors, topic: opts.source.topic };
  if (SHIPPED_SOURCE_KINDS.has(opts.source.kind)) ctx.shipped = true;
  const draft = decodeByFormat(dec.text, opts.format ?? 'auto', ctx);
  if (trace !== null) trace.parser = draft.parser;
  return fromDraft(draft, dec.text, opts, joinErrors(utf8Error, draft.error));
}

function fromDraft(d: Draft, text: string, opts: NormalizeOptions, parseError: string | null): NormalizedEvent {
  const receivedAt = opts.receivedAt;
  const attributes = d.attributes;
  let ts = d.ts;
  let fallback = false;
  if (ts === null || isAbsurdTs(ts, receivedAt, opts.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS)) {
    ts = receivedAt;
    fallback = true;
    if (d.tsOriginal !== undefined) setOwn(attributes, '_original_ts', d.tsOriginal);
  }
  let message = d.message;
  if (message === null) message = d.error !== null ? text : capText(text.trim(), SUMMARY_MAX_CHARS);
  return {
    ts,
    ts_fallback: fallback,
    received_at: receivedAt,
    source: opts.source,
    format: d.format,
    host: d.host,
    level: d.level,
    level_name: d.level === null ? null : (LEVEL_NAMES[d.level] ?? null),
    message,
    metrics: d.metrics,
    process: d.process,
    pid: d.pid,
    user: d.user,
    src_ip: d.src_ip,
    dst_ip: d.dst_ip,
    src_port: d.src_port,
    dst_port: d.dst_port,
    domain: d.domain,
    file_hash: d.file_hash,
    threats: d.threats,
    tags: d.tags,
    asset: null,
    attributes,
    raw: text,
    raw_truncated: false,
    parse_error: parseError,
  };
}

/** An event that carries only the text: message = raw, ts = receive time. */
function baseEvent(opts: NormalizeOptions, format: Format, raw: string, parseError: string | null): NormalizedEvent {
  return emptyEvent({
    ts: opts.receivedAt,
    ts_fallback: true,
    received_at: opts.receivedAt,
    source: opts.source,
    format,
    message: raw,
    raw,
    parse_error: parseError,
  });
}

function pinnedOr(opts: NormalizeOptions, dflt: Format): Format {
  return opts.format === undefined || opts.format === 'auto' ? dflt : opts.format;
}

function joinErrors(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  return b === null ? a : `${a}; ${b}`;
}
