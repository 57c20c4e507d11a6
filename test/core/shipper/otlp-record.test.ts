import { describe, expect, test } from 'vitest';
import { nanosOf, nanosToIso } from '../../../src/core/shipper/nanos.js';
import { otlpRecordMessage, otlpRecordProblem, severityNumberToLevel, type OtlpLogRecord } from '../../../src/core/shipper/otlp-record.js';
import { normalizeMessageWithTrace } from '../../../src/core/normalize.js';

const record = (over: Partial<OtlpLogRecord> = {}): OtlpLogRecord => ({
  timeUnixNano: null,
  observedTimeUnixNano: null,
  severityNumber: 0,
  severityText: '',
  eventName: '',
  body: 'hello',
  attributes: {},
  traceId: '',
  spanId: '',
  flags: 0,
  ...over,
});
const scope = { name: '', version: '', attributes: {} };
const RECEIVED = Date.UTC(2025, 0, 15, 13, 0, 0);

function normalize(message: Record<string, unknown>) {
  return normalizeMessageWithTrace(Buffer.from(JSON.stringify(message)), { source: { kind: 'http', topic: 'http', partition: -1, offset: null }, receivedAt: RECEIVED, maxBytes: 65536 });
}

describe('severityNumberToLevel', () => {
  test.each([
    [0, null], [-1, null], [25, null], [1.5, null],
    [1, 7], [4, 7], [5, 7], [8, 7],
    [9, 6], [10, 5], [12, 5],
    [13, 4], [16, 4],
    [17, 3], [20, 3],
    [21, 2], [24, 2],
  ])('%s → %s', (n, level) => expect(severityNumberToLevel(n)).toBe(level));
});

describe('nanos', () => {
  test.each([
    ['0', null], ['', null], ['-1', null], ['1e9', null], ['18446744073709551616', null], [1.5, null],
    ['1', 1n], ['1736942400123456789', 1736942400123456789n], [1000, 1000n], ['18446744073709551615', 18446744073709551615n],
  ])('nanosOf(%s)', (v, n) => expect(nanosOf(v)).toBe(n));
  test('nanosToIso keeps nine digits', () => {
    expect(nanosToIso(1736942400123456789n)).toBe('2025-01-15T12:00:00.123456789Z');
    expect(nanosToIso(1n)).toBe('1970-01-01T00:00:00.000000001Z');
  });
});

describe('otlpRecordProblem', () => {
  test.each([
    [record(), null],
    [record({ traceId: 'ab' }), 'trace_id must be 16 bytes'],
    [record({ spanId: 'abcd' }), 'span_id must be 8 bytes'],
    [record({ body: undefined }), 'the record has no body, attributes or event name'],
    [record({ body: '' }), 'the record has no body, attributes or event name'],
    [record({ body: undefined, attributes: { a: 1 } }), null],
    [record({ body: undefined, eventName: 'login' }), null],
    [record({ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174' }), null],
  ])('%#', (r, problem) => expect(otlpRecordProblem(r)).toBe(problem));
});

describe('otlpRecordMessage → the normalized event', () => {
  test('resource, severity, time, attributes and ids map; everything else is kept under otel', () => {
    const msg = otlpRecordMessage(
      record({ timeUnixNano: 1736942400123456789n, observedTimeUnixNano: 1736942401000000000n, severityNumber: 17, severityText: 'Error', body: 'disk full', attributes: { 'user.name': 'ann', 'source.ip': '192.0.2.1', code: 7 }, traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', flags: 1 }),
      { 'service.name': 'api', 'host.name': 'Node-1', region: 'eu' },
      { name: 'lib', version: '2', attributes: {} },
    );
    const { event, trace } = normalize(msg);
    expect(trace.parser).toMatch(/^json>otlp/);
    expect([event.ts, event.host, event.process, event.level_name, event.message, event.user, event.src_ip]).toEqual([Date.UTC(2025, 0, 15, 12, 0, 0, 123), 'node-1', 'api', 'error', 'disk full', 'ann', '192.0.2.1']);
    expect(event.attributes).toEqual({
      code: 7,
      trace_id: '5b8efff798038103d269b633813fc60c',
      span_id: 'eee19b7ec3c1b174',
      otel: {
        resource: { 'service.name': 'api', 'host.name': 'Node-1', region: 'eu' },
        scope: { name: 'lib', version: '2' },
        severity_number: 17,
        severity_text: 'Error',
        time_unix_nano: '1736942400123456789',
        observed_time_unix_nano: '1736942401000000000',
        flags: 1,
      },
    });
  });

  test.each([
    ['severity_text only', record({ severityText: 'WARNING' }), {}, { level_name: 'warning' }],
    ['an unknown severity_text', record({ severityText: 'loud' }), {}, { level_name: null }],
    ['the SDK default service name is no program', record(), { 'service.name': 'unknown_service:node', 'process.executable.name': 'node' }, { process: 'node' }],
    ['host.hostname when no host.name', record(), { 'host.hostname': 'h2' }, { host: 'h2' }],
    ['observed time when no time', record({ observedTimeUnixNano: 1736942400000000000n }), {}, { ts: Date.UTC(2025, 0, 15, 12), ts_fallback: false }],
    ['no time at all: receive time', record(), {}, { ts: RECEIVED, ts_fallback: true }],
  ])('%s', (_name, r, resource, expected) => {
    expect(normalize(otlpRecordMessage(r, resource, scope)).event).toMatchObject(expected);
  });

  test('a map body spreads like JSON; a colliding attribute is kept under otel.shadowed; other bodies under body', () => {
    const m = otlpRecordMessage(record({ body: { msg: 'from map', level: 'debug' }, attributes: { host: 'attr-host', otel: 'x' } }), { 'host.name': 'res-host' }, scope);
    const { event } = normalize(m);
    expect([event.host, event.message, event.level_name]).toEqual(['res-host', 'from map', 'debug']);
    expect(event.attributes).toMatchObject({ otel: { shadowed: { host: 'attr-host', otel: 'x' } } });
    const arr = normalize(otlpRecordMessage(record({ body: [1, 2] }), {}, scope)).event;
    // A key named __proto__ is data like any other.
    const proto = JSON.parse('{"__proto__": {"polluted": 1}}') as Record<string, unknown>;
    const m2 = otlpRecordMessage(record({ attributes: proto }), {}, scope);
    expect(Object.getPrototypeOf(m2)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(m2))).toMatchObject(proto);
    expect(arr.attributes).toMatchObject({ body: [1, 2] });
  });

  test('a syslog line in the body: the line wins over the resource, which is kept under _envelope; the record time wins', () => {
    const m = otlpRecordMessage(record({ timeUnixNano: 1736942400000000000n, body: 'Jan 15 11:59:58 bastion sshd[9]: Accepted publickey for deploy from 198.51.100.7 port 2222 ssh2' }), { 'host.name': 'collector-1', 'service.name': 'filelog' }, scope);
    const { event } = normalize(m);
    expect([event.host, event.process, event.pid, event.user, event.src_ip, event.ts]).toEqual(['bastion', 'sshd', 9, 'deploy', '198.51.100.7', Date.UTC(2025, 0, 15, 12)]);
    expect(event.attributes).toMatchObject({ _envelope: { host: 'collector-1', process: 'filelog' }, _line_ts: 'Jan 15 11:59:58' });
  });
});
