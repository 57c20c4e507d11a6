/**
 * What `logagg parse` computes: each line decoded by the consumer's own normalizer (with the
 * configured extractors), which parser claimed it, the fields it produced, and a summary over
 * all lines. Pure apart from the clock, which is passed in.
 */
import type { EventSource, Format, NormalizedEvent } from '../core/event.js';
import { normalizeMessageWithTrace } from '../core/normalize.js';
import type { ExtractorSet } from '../core/recognize/extractors.js';

export interface ParseOptions {
  topic: string;
  /** The topic's format setting (kafka.formats, or --format). */
  format: Format | 'auto';
  maxBytes: number;
  extractors: ExtractorSet | undefined;
  /** Epoch ms, taken as the receive time (year inference, missing timestamps). */
  receivedAt: number;
}

/** The fields a line produced: only those that hold something, attributes nested as decoded. */
export type ParsedFields = Record<string, unknown>;

export interface ParsedLine {
  /** `-` for standard input. */
  file: string;
  /** 1-based. */
  line: number;
  /** The recognizers that claimed the line (`extractor:myapp>sshd`); null when none did. */
  parser: string | null;
  format: Format;
  fields: ParsedFields;
  parse_error: string | null;
}

/** Fields the summary counts lines for: what a line's header and addresses give. */
export const SUMMARY_FIELDS = ['ts', 'level', 'host', 'process', 'user', 'src_ip'] as const;
export type SummaryField = (typeof SUMMARY_FIELDS)[number];

export interface ParseSummary {
  lines: number;
  parse_errors: number;
  /** Lines per parser (`-` for lines no recognizer claimed), most first. */
  parsers: { parser: string; lines: number }[];
  formats: { format: Format; lines: number }[];
  /** Lines on which each field was found (ts: taken from the line, not the receive time). */
  found: Record<SummaryField, number>;
}

export function parseLine(bytes: Uint8Array, file: string, line: number, opts: ParseOptions): ParsedLine {
  const source: EventSource = { kind: 'file', topic: opts.topic, partition: -1, offset: null };
  const { event, trace } = normalizeMessageWithTrace(bytes, {
    source,
    receivedAt: opts.receivedAt,
    format: opts.format,
    maxBytes: opts.maxBytes,
    extractors: opts.extractors,
  });
  return { file, line, parser: trace.parser, format: event.format, fields: producedFields(event), parse_error: event.parse_error };
}

/** The event's fields that hold something, in the event's order; ts only when read from the line. */
export function producedFields(e: NormalizedEvent): ParsedFields {
  const out: ParsedFields = {};
  if (!e.ts_fallback) out.ts = new Date(e.ts).toISOString();
  const put = (k: string, v: unknown): void => {
    if (v !== null && v !== undefined && v !== '') out[k] = v;
  };
  put('host', e.host);
  if (e.level !== null) out.level = e.level;
  put('level_name', e.level_name);
  put('process', e.process);
  put('pid', e.pid);
  put('user', e.user);
  put('src_ip', e.src_ip);
  put('src_port', e.src_port);
  put('dst_ip', e.dst_ip);
  put('dst_port', e.dst_port);
  put('domain', e.domain);
  put('file_hash', e.file_hash);
  if (Object.keys(e.metrics).length > 0) out.metrics = e.metrics;
  if (e.threats.length > 0) out.threats = e.threats;
  if (e.tags.length > 0) out.tags = e.tags;
  put('message', e.message);
  if (Object.keys(e.attributes).length > 0) out.attributes = e.attributes;
  return out;
}

/** Counts lines as they are parsed. */
export class ParseTally {
  private lines = 0;
  private errors = 0;
  private readonly parsers = new Map<string, number>();
  private readonly formats = new Map<Format, number>();
  private readonly found: Record<SummaryField, number> = { ts: 0, level: 0, host: 0, process: 0, user: 0, src_ip: 0 };

  add(p: ParsedLine): void {
    this.lines++;
    if (p.parse_error !== null) this.errors++;
    const parser = p.parser ?? '-';
    this.parsers.set(parser, (this.parsers.get(parser) ?? 0) + 1);
    this.formats.set(p.format, (this.formats.get(p.format) ?? 0) + 1);
    for (const f of SUMMARY_FIELDS) if (p.fields[f] !== undefined) this.found[f]++;
  }

  summary(): ParseSummary {
    const byCount = <K>(m: Map<K, number>): [K, number][] => [...m].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
    return {
      lines: this.lines,
      parse_errors: this.errors,
      parsers: byCount(this.parsers).map(([parser, lines]) => ({ parser, lines })),
      formats: byCount(this.formats).map(([format, lines]) => ({ format, lines })),
      found: { ...this.found },
    };
  }
}
