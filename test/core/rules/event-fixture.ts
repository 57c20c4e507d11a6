// Normalized events for rule tests: every field present, overridable.
import type { NormalizedEvent } from '../../../src/core/event.js';

export const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

export function ev(over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return {
    ts: T0,
    ts_fallback: false,
    received_at: T0,
    source: { kind: 'kafka', topic: 'test', partition: 0, offset: '0' },
    format: 'json',
    host: 'web-1',
    level: 6,
    level_name: 'info',
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

/** A metric event at T0 + sec seconds. */
export function metric(sec: number, metrics: NormalizedEvent['metrics'], over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return ev({ ts: T0 + sec * 1000, metrics, ...over });
}
