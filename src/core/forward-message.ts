/**
 * What forwarding publishes (docs/operations.md, "Forwarding"): one JSON message per stored
 * event and per alert change, versioned by `schema`, with a key that is the same however often,
 * and from whichever appliance, the message is sent. A central engine that keeps one row per key
 * (ClickHouse ReplacingMergeTree, an OpenSearch _id) therefore holds each event once, though
 * forwarding is at least once and two appliances of one consumer group may both have stored a
 * message the group handed over between them.
 *
 * Pure: no I/O. src/forward/forwarder.ts reads the store and sends these.
 */
import { createHash } from 'node:crypto';
import type { AlertRecord } from './alert.js';
import type { EventSource, StoredEvent } from './event.js';

export const EVENT_SCHEMA = 'logagg.event.v1';
export const ALERT_SCHEMA = 'logagg.alert.v1';
/** Message headers: the appliance and the schema, for routing without parsing the value. */
export const HEADER_APPLIANCE = 'logagg-appliance';
export const HEADER_SCHEMA = 'logagg-schema';

/**
 * The stable id of an event, from where it came from, never from where it was stored:
 *   - a Kafka message: `kafka:<topic>/<partition>/<offset>` (a Kafka topic name has no `/`),
 *     the same whichever appliance of the group stored it;
 *   - any other source (syslog, HTTP): `sha256:<hex>` of the JSON array [source kind, peer,
 *     received_at, raw], fixed when the message was received and stored with it.
 */
export function eventId(e: { source: EventSource; received_at: number; raw: string }): string {
  const s = e.source;
  if (s.kind === 'kafka' && s.offset !== null) return `kafka:${s.topic}/${s.partition}/${s.offset}`;
  const h = createHash('sha256').update(JSON.stringify([s.kind, s.peer ?? null, e.received_at, e.raw])).digest('hex');
  return `sha256:${h}`;
}

/** One message of an events topic (schema logagg.event.v1). */
export interface EventMessage {
  schema: typeof EVENT_SCHEMA;
  event_id: string;
  appliance: string;
  /** The event's id in the appliance's own database (GET /api/v1/logs/:id there). */
  appliance_log_id: number;
  ts: number;
  ts_fallback: boolean;
  received_at: number;
  source: EventSource;
  format: StoredEvent['format'];
  host: string | null;
  level: number | null;
  level_name: StoredEvent['level_name'];
  message: string;
  metrics: StoredEvent['metrics'];
  process: string | null;
  pid: number | null;
  user: string | null;
  src_ip: string | null;
  dst_ip: string | null;
  src_port: number | null;
  dst_port: number | null;
  domain: string | null;
  file_hash: string | null;
  threats: StoredEvent['threats'];
  tags: string[];
  asset: StoredEvent['asset'];
  attributes: Record<string, unknown>;
  raw: string;
  raw_truncated: boolean;
  parse_error: string | null;
}

export interface OutMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export function eventMessage(e: StoredEvent, appliance: string): EventMessage {
  const { id, source, ...rest } = e;
  const s: EventSource = { kind: source.kind, topic: source.topic, partition: source.partition, offset: source.offset, ...(source.peer !== undefined ? { peer: source.peer } : {}) };
  return {
    schema: EVENT_SCHEMA,
    event_id: eventId(e),
    appliance,
    appliance_log_id: id,
    ts: rest.ts,
    ts_fallback: rest.ts_fallback,
    received_at: rest.received_at,
    source: s,
    format: rest.format,
    host: rest.host,
    level: rest.level,
    level_name: rest.level_name,
    message: rest.message,
    metrics: rest.metrics,
    process: rest.process,
    pid: rest.pid,
    user: rest.user,
    src_ip: rest.src_ip,
    dst_ip: rest.dst_ip,
    src_port: rest.src_port,
    dst_port: rest.dst_port,
    domain: rest.domain,
    file_hash: rest.file_hash,
    threats: rest.threats,
    tags: rest.tags,
    asset: rest.asset,
    attributes: rest.attributes,
    raw: rest.raw,
    raw_truncated: rest.raw_truncated,
    parse_error: rest.parse_error,
  };
}

/** One message of an alerts topic (schema logagg.alert.v1): the alert as a change left it. */
export interface AlertMessage {
  schema: typeof ALERT_SCHEMA;
  /** `<appliance>/<id>`: alert ids are numbered per appliance. The message key. */
  alert_key: string;
  appliance: string;
  /** The alert's change sequence in its appliance: grows with every change; the newest wins. */
  version: number;
  alert: AlertRecord;
}

export function alertMessage(a: AlertRecord, seq: number, appliance: string): AlertMessage {
  return { schema: ALERT_SCHEMA, alert_key: `${appliance}/${a.id}`, appliance, version: seq, alert: a };
}

export function eventOut(e: StoredEvent, appliance: string): OutMessage {
  const m = eventMessage(e, appliance);
  return { key: m.event_id, value: JSON.stringify(m), headers: { [HEADER_APPLIANCE]: appliance, [HEADER_SCHEMA]: EVENT_SCHEMA } };
}

export function alertOut(a: AlertRecord, seq: number, appliance: string): OutMessage {
  const m = alertMessage(a, seq, appliance);
  return { key: m.alert_key, value: JSON.stringify(m), headers: { [HEADER_APPLIANCE]: appliance, [HEADER_SCHEMA]: ALERT_SCHEMA } };
}
