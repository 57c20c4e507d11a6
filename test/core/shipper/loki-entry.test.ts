import { describe, expect, test } from 'vitest';
import { lokiEntryMessage } from '../../../src/core/shipper/loki-entry.js';
import { normalizeMessageWithTrace } from '../../../src/core/normalize.js';

const RECEIVED = Date.UTC(2025, 0, 15, 13, 0, 0);
const normalize = (m: Record<string, unknown>) =>
  normalizeMessageWithTrace(Buffer.from(JSON.stringify(m)), { source: { kind: 'http', topic: 'http', partition: -1, offset: null }, receivedAt: RECEIVED, maxBytes: 65536 });

describe('lokiEntryMessage → the normalized event', () => {
  test.each([
    ['host label', { host: 'H1', hostname: 'h2', instance: 'h3' }, { host: 'h1' }],
    ['hostname before instance', { hostname: 'h2', instance: 'h3:9100' }, { host: 'h2' }],
    ['instance', { instance: '10.0.0.1:9100' }, { host: '10.0.0.1:9100' }],
    ['job before app', { job: 'j', app: 'a', service_name: 's' }, { process: 'j' }],
    ['service_name', { service_name: 's' }, { process: 's' }],
    ['level', { level: 'warn', severity: 'error' }, { level_name: 'warning' }],
    ['an unreadable level label falls through to the next', { level: 'loud', detected_level: 'error' }, { level_name: 'error' }],
    ['no labels', {}, { host: null, process: null, level_name: null }],
  ])('%s', (_n, labels, expected) => {
    const { event, trace } = normalize(lokiEntryMessage(labels, { ts: 1736942400000000000n, line: 'plain line', metadata: {} }));
    expect(trace.parser).toMatch(/^json>loki/);
    expect(event).toMatchObject({ ...expected, message: 'plain line', ts: Date.UTC(2025, 0, 15, 12) });
  });

  test('labels and the ns timestamp are kept; metadata spread, colliding metadata under loki.shadowed', () => {
    const { event } = normalize(lokiEntryMessage({ job: 'x', host: 'h', filename: '/var/log/a' }, { ts: 1736942400000000001n, line: 'l', metadata: { trace_id: 't1', host: 'm' } }));
    expect(event.attributes).toEqual({ trace_id: 't1', loki: { labels: { job: 'x', host: 'h', filename: '/var/log/a' }, ts: '1736942400000000001', shadowed: { host: 'm' } } });
  });

  test('Promtail stamps the read time: a differing line time wins, the entry time is kept under _envelope', () => {
    const { event } = normalize(lokiEntryMessage({ job: 'syslog', host: 'collector' }, { ts: 1736942460000000000n, line: '<38>Jan 15 12:00:00 fw1 sshd[5]: Failed password for admin from 203.0.113.5 port 1 ssh2', metadata: {} }));
    expect([event.ts, event.host, event.process, event.user, event.src_ip]).toEqual([Date.UTC(2025, 0, 15, 12), 'fw1', 'sshd', 'admin', '203.0.113.5']);
    expect(event.attributes).toMatchObject({ _envelope: { host: 'collector', process: 'syslog' } });
  });
});
