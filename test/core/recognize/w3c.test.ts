import { describe, expect, test } from 'vitest';
import { newDraft, type Draft } from '../../../src/core/decode/draft.js';
import { w3c } from '../../../src/core/recognize/w3c.js';

const ctx = { receivedAt: Date.parse('2026-11-20T12:00:00Z') };

function recognize(text: string): Draft | null {
  const d = newDraft('text');
  return w3c.recognize(text, d, ctx) ? d : null;
}

describe('not a W3C line', () => {
  test.each([
    ['empty', ''],
    ['a comment that is no directive', '# hello'],
    ['too few fields', '2026-11-20 10:16:03 10.0.0.5 GET / - 443 - 203.0.113.9'],
    ['s-ip not an address', '2026-11-20 10:16:03 web GET /x - 443 - 203.0.113.9 UA - 200 0 0 15'],
    ['lower-case method', '2026-11-20 10:16:03 10.0.0.5 get /x - 443 - 203.0.113.9 UA - 200 0 0 15'],
    ['an application line', '2026-11-20 10:16:03 INFO started the service on port 8080'],
  ])('%s', (_name, text) => {
    const d = newDraft('text');
    expect(w3c.recognize(text, d, ctx)).toBe(false);
    expect(d).toEqual(newDraft('text'));
  });
});

test.each<[string, string, Partial<Draft>, Record<string, unknown>]>([
  [
    'directive line is claimed as text',
    '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
    { ts: null, src_ip: null },
    {},
  ],
  [
    'IIS 8.5+ default order (15 fields)',
    '2026-11-20 10:16:03 10.0.0.5 GET /owa/auth/logon.aspx url=%2fowa&reason=0 443 CORP\\ana 203.0.113.9 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) https://mail.example.com/ 401 1 2148074254 15',
    { ts: Date.UTC(2026, 10, 20, 10, 16, 3), dst_ip: '10.0.0.5', dst_port: 443, src_ip: '203.0.113.9', user: 'CORP\\ana', level: 4 },
    { http: { request: { method: 'GET', referrer: 'https://mail.example.com/' }, response: { status_code: 401 } }, url: { path: '/owa/auth/logon.aspx', query: 'url=%2fowa&reason=0' }, user_agent: { original: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' }, event: { action: 'http-request', outcome: 'failure', duration: 15_000_000 } },
  ],
  [
    'older IIS (14 fields, no referrer)',
    '2026-11-20 10:16:03 10.0.0.5 POST /api/upload - 80 - 192.0.2.44 curl/8.0 200 0 0 230',
    { src_ip: '192.0.2.44', user: null, level: 6 },
    { url: { path: '/api/upload' }, event: { outcome: 'success', duration: 230_000_000 } },
  ],
])('%s', (_name, text, want, attrs) => {
  const d = recognize(text);
  expect(d).not.toBeNull();
  expect(d).toMatchObject({ format: 'text', parser: 'w3c', message: text, ...want });
  expect(d!.attributes).toMatchObject(attrs);
});
