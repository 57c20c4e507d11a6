import { describe, expect, test } from 'vitest';
import { newDraft, type Draft } from '../../../src/core/decode/draft.js';
import { squid } from '../../../src/core/recognize/squid.js';

const ctx = { receivedAt: Date.parse('2026-11-20T12:00:00Z') };

describe('not a squid line', () => {
  test.each([
    ['empty', ''],
    ['epoch but no fields', '1763633763.123 hello'],
    ['no code/status', '1763633763.123    180 192.0.2.5 TCP_MISS 411 GET http://a/ - HIER_NONE/- text/html'],
    ['seconds without millis', '1763633763 180 192.0.2.5 TCP_MISS/200 411 GET http://a/ - HIER_NONE/- -'],
  ])('%s', (_name, text) => {
    const d = newDraft('text');
    expect(squid.recognize(text, d, ctx)).toBe(false);
    expect(d).toEqual(newDraft('text'));
  });
});

test.each<[string, string, Partial<Draft>, Record<string, unknown>]>([
  [
    'a cache miss through a direct peer',
    '1763633763.779    180 192.168.0.224 TCP_MISS/200 411 GET http://www.example.org/index.html - HIER_DIRECT/93.184.215.14 text/html',
    { ts: 1763633763779, src_ip: '192.168.0.224', dst_ip: '93.184.215.14', user: null, level: 6 },
    { http: { request: { method: 'GET' }, response: { status_code: 200, body: { bytes: 411 }, mime_type: 'text/html' } }, url: { domain: 'www.example.org', path: '/index.html' }, event: { action: 'proxy-request', outcome: 'success', duration: 180_000_000 }, squid: { result_code: 'TCP_MISS', hierarchy: 'HIER_DIRECT' } },
  ],
  [
    'a denied CONNECT with a user',
    '1763633764.002      0 10.20.30.40 TCP_DENIED/403 3890 CONNECT blocked.example:443 alice HIER_NONE/- text/html',
    { src_ip: '10.20.30.40', user: 'alice', dst_ip: null, level: 4 },
    { http: { request: { method: 'CONNECT' } }, event: { outcome: 'failure' }, squid: { result_code: 'TCP_DENIED' } },
  ],
])('%s', (_name, text, want, attrs) => {
  const d = newDraft('text');
  expect(squid.recognize(text, d, ctx)).toBe(true);
  expect(d).toMatchObject({ format: 'text', parser: 'squid', ...want });
  expect(d.attributes).toMatchObject(attrs);
});
