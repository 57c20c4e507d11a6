import { expect, test } from 'vitest';
import { emptyEvent } from '../../src/core/event.js';
import { normalizeMessage } from '../../src/core/normalize.js';

test('emptyEvent: every field at its empty value', () => {
  const { ts, ts_fallback, received_at, source, format, message, metrics, threats, tags, attributes, raw, raw_truncated, ...rest } = emptyEvent();
  expect({ ts, ts_fallback, received_at, source, format, message, raw, raw_truncated }).toStrictEqual({
    ts: 0,
    ts_fallback: false,
    received_at: 0,
    source: { kind: '', topic: '', partition: -1, offset: null },
    format: 'text',
    message: '',
    raw: '',
    raw_truncated: false,
  });
  expect([metrics, threats, tags, attributes]).toStrictEqual([{}, [], [], {}]);
  // host, level, level_name, process, pid, user, src_ip, dst_ip, src_port, dst_port, domain, file_hash, asset, parse_error
  expect(Object.entries(rest).filter(([, v]) => v !== null)).toEqual([]);
  expect(Object.keys(rest)).toHaveLength(14);
});

test('emptyEvent: overrides win; fields in the order the normalizer gives its events', () => {
  const decoded = normalizeMessage(Buffer.from('{"msg":"hi"}'), { source: emptyEvent().source, receivedAt: 1, maxBytes: 1000 });
  const a = emptyEvent({ message: 'hi', host: 'h' });
  expect([a.message, a.host]).toEqual(['hi', 'h']);
  expect(Object.keys(a)).toEqual(Object.keys(decoded));
  expect(Object.keys(normalizeMessage(null, { source: a.source, receivedAt: 1, maxBytes: 1000 }))).toEqual(Object.keys(decoded));
});

test('emptyEvent: no two events share a mutable part', () => {
  const a = emptyEvent();
  const b = emptyEvent();
  a.metrics.cpu_pct = 1;
  a.threats.push({ name: 't', severity: 'LOW', tags: [], origin: 'message' });
  a.tags.push('x');
  a.attributes['k'] = 1;
  a.source.topic = 'changed';
  expect(b).toStrictEqual(emptyEvent());
});
