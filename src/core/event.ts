/**
 * The normalized event: the vocabulary of the whole program (DESIGN.md).
 * Pure data; no methods, no I/O. Every decoder, enricher, rule and store speaks this.
 */

export const FORMATS = ['json', 'syslog5424', 'syslog3164', 'cef', 'logfmt', 'text'] as const;
export type Format = (typeof FORMATS)[number];

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Syslog severity scale (RFC 5424 §6.2.1): 0 emergency … 7 debug. */
export const LEVEL_NAMES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;
export type LevelName = (typeof LEVEL_NAMES)[number];

/** Where a message came from. Kafka coordinates, or another listener's (syslog, http) peer. */
export interface EventSource {
  /** 'kafka' | 'syslog-udp' | 'syslog-tcp' | 'http' | 'file' … */
  kind: string;
  /** Kafka topic, or listener name for other sources. */
  topic: string;
  /** Kafka partition; -1 for sources without partitions. */
  partition: number;
  /** Kafka offset as a decimal string (int64); null for sources without offsets. */
  offset: string | null;
  /** Peer address for network listeners (ip:port). */
  peer?: string;
}

/** Numeric metrics. Units: percentages 0–100, bytes for memory, bytes/s for network. */
export interface Metrics {
  cpu_pct?: number;
  mem_used?: number;
  mem_total?: number;
  mem_pct?: number;
  disk_pct?: number;
  net_in?: number;
  net_out?: number;
}
export const METRIC_KEYS = ['cpu_pct', 'mem_used', 'mem_total', 'mem_pct', 'disk_pct', 'net_in', 'net_out'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

export interface Threat {
  name: string;
  severity: Severity;
  tags: string[];
  /** 'message' when the log carried it; 'intel' when enrichment matched a threat-intel list. */
  origin: 'message' | 'intel';
  /** For intel matches: the list name and the indicator that matched. */
  list?: string;
  indicator?: string;
}

export interface AssetInfo {
  environment?: string;
  owner?: string;
  /** low | medium | high | critical */
  criticality?: string;
  tags?: string[];
}

export interface NormalizedEvent {
  /** When the event happened, epoch milliseconds UTC. */
  ts: number;
  /** True when ts is the receive time because the message had no usable timestamp. */
  ts_fallback: boolean;
  /** When logagg read it, epoch ms UTC. */
  received_at: number;
  source: EventSource;
  format: Format;
  /** Lower-cased hostname or IP; null when the message names none. */
  host: string | null;
  /** 0..7 syslog scale; null when unknown. */
  level: number | null;
  level_name: LevelName | null;
  message: string;
  metrics: Metrics;
  process: string | null;
  pid: number | null;
  user: string | null;
  src_ip: string | null;
  dst_ip: string | null;
  src_port: number | null;
  dst_port: number | null;
  domain: string | null;
  file_hash: string | null;
  threats: Threat[];
  tags: string[];
  /** Asset inventory entry for the host, set by enrichment. */
  asset: AssetInfo | null;
  /** Every other field of the message, JSON-serializable. */
  attributes: Record<string, unknown>;
  /** The original message as text (invalid UTF-8 replaced), cut at the configured cap. */
  raw: string;
  raw_truncated: boolean;
  /** Why decoding failed; null when it did not. */
  parse_error: string | null;
}

/**
 * An event that says nothing: every optional field null or empty, ts and received_at 0, a
 * source without coordinates, format text; `over` sets the rest. The normalizer starts its
 * text-only events (empty, oversized, undecodable messages) from it; tests build events with it.
 * A new field gets its empty value here, once.
 */
export function emptyEvent(over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return {
    ts: 0,
    ts_fallback: false,
    received_at: 0,
    source: { kind: '', topic: '', partition: -1, offset: null },
    format: 'text',
    host: null,
    level: null,
    level_name: null,
    message: '',
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
    asset: null,
    attributes: {},
    raw: '',
    raw_truncated: false,
    parse_error: null,
    ...over,
  };
}

/** A stored event: the normalized event plus its database identity. */
export interface StoredEvent extends NormalizedEvent {
  id: number;
}
