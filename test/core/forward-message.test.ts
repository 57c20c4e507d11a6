import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { emptyEvent, type StoredEvent } from '../../src/core/event.js';
import { alertOut, eventId, eventMessage, eventOut, ALERT_SCHEMA, EVENT_SCHEMA } from '../../src/core/forward-message.js';
import type { AlertRecord } from '../../src/core/alert.js';

const sha = (parts: unknown[]): string => 'sha256:' + createHash('sha256').update(JSON.stringify(parts)).digest('hex');

describe('eventId: stable, from the source coordinates', () => {
  test.each<[string, Partial<StoredEvent>, string]>([
    ['kafka: topic/partition/offset', { source: { kind: 'kafka', topic: 'threat-logs', partition: 2, offset: '9007199254740993' } }, 'kafka:threat-logs/2/9007199254740993'],
    ['kafka offset 0', { source: { kind: 'kafka', topic: 'a.b_c-d', partition: 0, offset: '0' } }, 'kafka:a.b_c-d/0/0'],
    [
      'syslog: hash of kind, peer, received_at, raw',
      { received_at: 1700, raw: '<34>x', source: { kind: 'syslog-udp', topic: 'syslog', partition: -1, offset: null, peer: '10.0.0.1:514' } },
      sha(['syslog-udp', '10.0.0.1:514', 1700, '<34>x']),
    ],
    ['http without a peer', { received_at: 5, raw: 'r', source: { kind: 'http', topic: 'http', partition: -1, offset: null } }, sha(['http', null, 5, 'r'])],
    // a kafka-kind event without an offset (none is known) falls back to the hash, never "kafka:…/null"
    ['kafka kind, no offset', { received_at: 5, raw: 'r', source: { kind: 'kafka', topic: 't', partition: 0, offset: null } }, sha(['kafka', null, 5, 'r'])],
  ])('%s', (_name, over, want) => {
    expect(eventId({ ...emptyEvent(), id: 1, ...over })).toBe(want);
  });

  test('the same event stored by two appliances, under different local ids, gets the same id', () => {
    const e = emptyEvent({ source: { kind: 'kafka', topic: 't', partition: 1, offset: '42' }, raw: 'x' });
    expect(eventOut({ ...e, id: 7 }, 'edge-a').key).toBe(eventOut({ ...e, id: 99_001 }, 'edge-b').key);
  });

  test.each<[string, Partial<StoredEvent>]>([
    ['another peer', { source: { kind: 'http', topic: 'http', partition: -1, offset: null, peer: '10.0.0.2:1' } }],
    ['another receive time', { received_at: 6 }],
    ['another raw text', { raw: 'other' }],
    ['another source kind', { source: { kind: 'syslog-tcp', topic: 'http', partition: -1, offset: null, peer: '10.0.0.1:1' } }],
  ])('non-Kafka ids differ with %s', (_name, over) => {
    const base = { ...emptyEvent({ received_at: 5, raw: 'r', source: { kind: 'http', topic: 'http', partition: -1, offset: null, peer: '10.0.0.1:1' } }), id: 1 };
    expect(eventId({ ...base, ...over })).not.toBe(eventId(base));
  });
});

describe('the event message (logagg.event.v1)', () => {
  const e: StoredEvent = {
    ...emptyEvent({
      ts: 1_700_000_000_000,
      received_at: 1_700_000_000_005,
      source: { kind: 'kafka', topic: 'system-metrics', partition: 1, offset: '17' },
      format: 'json',
      host: 'web-01',
      level: 3,
      level_name: 'error',
      message: 'disk full',
      metrics: { disk_pct: 99 },
      threats: [{ name: 'x', severity: 'HIGH', tags: [], origin: 'message' }],
      tags: ['t'],
      attributes: { seq: 4 },
      raw: '{"m":"disk full"}',
    }),
    id: 321,
  };

  test('every field of the normalized event, the id, the appliance and its local id', () => {
    const m = eventMessage(e, 'edge-1');
    const { id: _id, ...normalized } = e;
    expect(m).toEqual({ schema: EVENT_SCHEMA, event_id: 'kafka:system-metrics/1/17', appliance: 'edge-1', appliance_log_id: 321, ...normalized });
  });

  test('sent as JSON keyed by the event id, with the appliance and schema in headers', () => {
    const out = eventOut(e, 'edge-1');
    expect(out.key).toBe('kafka:system-metrics/1/17');
    expect(out.headers).toEqual({ 'logagg-appliance': 'edge-1', 'logagg-schema': 'logagg.event.v1' });
    const back = JSON.parse(out.value) as Record<string, unknown>;
    expect(back.schema).toBe('logagg.event.v1');
    expect(back.message).toBe('disk full');
    expect(Object.keys(back).sort()).toEqual(
      [
        'schema', 'event_id', 'appliance', 'appliance_log_id', 'ts', 'ts_fallback', 'received_at', 'source', 'format', 'host', 'level', 'level_name',
        'message', 'metrics', 'process', 'pid', 'user', 'src_ip', 'dst_ip', 'src_port', 'dst_port', 'domain', 'file_hash', 'threats', 'tags', 'asset',
        'attributes', 'raw', 'raw_truncated', 'parse_error',
      ].sort(),
    );
  });
});

describe('the alert message (logagg.alert.v1)', () => {
  const a = { id: 12, rule_id: 'cpu-high', state: 'acknowledged', severity: 'HIGH' } as AlertRecord;
  test('keyed by appliance and alert id; the change sequence is the version', () => {
    const out = alertOut(a, 88, 'edge-1');
    expect(out.key).toBe('edge-1/12');
    expect(out.headers['logagg-schema']).toBe(ALERT_SCHEMA);
    expect(JSON.parse(out.value)).toEqual({ schema: 'logagg.alert.v1', alert_key: 'edge-1/12', appliance: 'edge-1', version: 88, alert: a });
  });
  test('the same alert id on two appliances: two keys', () => {
    expect(alertOut(a, 1, 'a').key).not.toBe(alertOut(a, 1, 'b').key);
  });
});
