import { expect, test } from 'vitest';
import { emptyEvent } from '../../src/core/event.js';

test('emptyEvent: every field at its empty value', () => {
  expect(emptyEvent()).toStrictEqual({
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
  });
});

test('emptyEvent: overrides win, field order stays, no two events share a mutable part', () => {
  const a = emptyEvent({ message: 'hi', host: 'h' });
  const b = emptyEvent();
  expect([a.message, a.host]).toEqual(['hi', 'h']);
  expect(Object.keys(a)).toEqual(Object.keys(b));
  a.metrics.cpu_pct = 1;
  a.threats.push({ name: 't', severity: 'LOW', tags: [], origin: 'message' });
  a.tags.push('x');
  a.attributes['k'] = 1;
  a.source.topic = 'changed';
  expect(b).toStrictEqual(emptyEvent());
});
