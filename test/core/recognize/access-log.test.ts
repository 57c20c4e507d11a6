import { describe, expect, test } from 'vitest';
import { decodeByFormat } from '../../../src/core/decode/dispatch.js';
import { newDraft, type Draft } from '../../../src/core/decode/draft.js';
import { accessLog } from '../../../src/core/recognize/access-log.js';

const ctx = { receivedAt: Date.parse('2026-11-20T12:00:00Z') };

function recognize(text: string): Draft | null {
  const d = newDraft('text');
  return accessLog.recognize(text, d, ctx) ? d : null;
}

describe('not an access log line (the draft stays untouched)', () => {
  test.each([
    ['empty', ''],
    ['no date', '203.0.113.9 - - "GET / HTTP/1.1" 200 5'],
    ['bracket far away', 'x '.repeat(300) + '[20/Nov/2026:10:16:03 +0000] "GET / HTTP/1.1" 200 5'],
    ['bad date', '203.0.113.9 - - [20/Nov/2026:25:16:03 +0000] "GET / HTTP/1.1" 200 5'],
    ['no request quote', '203.0.113.9 - - [20/Nov/2026:10:16:03 +0000] GET / 200 5'],
    ['unterminated request', '203.0.113.9 - - [20/Nov/2026:10:16:03 +0000] "GET / HTTP/1.1 200 5'],
    ['status not 3 digits', '203.0.113.9 - - [20/Nov/2026:10:16:03 +0000] "GET / HTTP/1.1" 20 5'],
    ['too many heads', 'a b c d e [20/Nov/2026:10:16:03 +0000] "GET / HTTP/1.1" 200 5'],
    ['client with odd characters', 'a{b} - - [20/Nov/2026:10:16:03 +0000] "GET / HTTP/1.1" 200 5'],
    ['huge line', '203.0.113.9 - - [20/Nov/2026:10:16:03 +0000] "GET /' + 'a'.repeat(65536)],
  ])('%s', (_name, text) => {
    const d = newDraft('text');
    expect(accessLog.recognize(text, d, ctx)).toBe(false);
    expect(d).toEqual(newDraft('text'));
  });
});

const TS = Date.UTC(2026, 10, 20, 9, 16, 3);

test.each<[string, string, Partial<Draft>, Record<string, unknown>]>([
  [
    'Common Log Format with a user',
    '198.51.100.23 - frank [20/Nov/2026:10:16:03 +0100] "GET /apache_pb.gif HTTP/1.0" 200 2326',
    { ts: TS, src_ip: '198.51.100.23', user: 'frank', level: 6 },
    { http: { request: { method: 'GET' }, version: '1.0', response: { status_code: 200, body: { bytes: 2326 } } }, url: { original: '/apache_pb.gif', path: '/apache_pb.gif' }, event: { action: 'http-request', outcome: 'success' } },
  ],
  [
    'Combined with query, referrer, agent; 404 is a warning',
    '203.0.113.9 - - [20/Nov/2026:10:16:03 +0100] "GET /wp-login.php?action=register&x=1 HTTP/1.1" 404 162 "https://ref.example/" "Mozilla/5.0 (X11; Linux x86_64)"',
    { src_ip: '203.0.113.9', user: null, level: 4 },
    { url: { original: '/wp-login.php?action=register&x=1', path: '/wp-login.php', query: 'action=register&x=1' }, http: { request: { method: 'GET', referrer: 'https://ref.example/' } }, user_agent: { original: 'Mozilla/5.0 (X11; Linux x86_64)' }, event: { outcome: 'failure' } },
  ],
  [
    '5xx is an error; bytes "-"',
    '192.0.2.10 - - [20/Nov/2026:10:16:03 +0100] "POST /api/v1/items HTTP/2.0" 502 - "-" "curl/8.5.0"',
    { level: 3 },
    { http: { request: { method: 'POST' }, version: '2.0', response: { status_code: 502 } }, user_agent: { original: 'curl/8.5.0' } },
  ],
  [
    'vhost:port in front (Apache vhost_combined)',
    'shop.example.com:443 192.0.2.10 - - [20/Nov/2026:10:16:03 +0100] "GET / HTTP/1.1" 200 512 "-" "UA"',
    { domain: 'shop.example.com', dst_port: 443, src_ip: '192.0.2.10' },
    {},
  ],
  [
    'bare vhost in front',
    'Shop.Example.com 192.0.2.10 - - [20/Nov/2026:10:16:03 +0100] "GET / HTTP/1.1" 200 512',
    { domain: 'shop.example.com', dst_port: null },
    {},
  ],
  [
    'IPv6 client',
    '2001:db8::8a2e:370:7334 - - [20/Nov/2026:10:16:03 +0100] "HEAD /health HTTP/1.1" 200 0 "-" "kube-probe/1.29"',
    { src_ip: '2001:db8::8a2e:370:7334' },
    { http: { request: { method: 'HEAD' } } },
  ],
  [
    'escaped quotes inside the agent',
    '192.0.2.10 - - [20/Nov/2026:10:16:03 +0100] "GET /q HTTP/1.1" 200 3 "-" "say \\"hi\\" bot"',
    {},
    { user_agent: { original: 'say "hi" bot' } },
  ],
  [
    'nginx $request_time (seconds with a dot) trailing',
    '192.0.2.10 - - [20/Nov/2026:10:16:03 +0100] "GET / HTTP/1.1" 200 612 "-" "UA" 0.042',
    {},
    { event: { duration: 42_000_000 } },
  ],
  [
    'Apache %D (microseconds) trailing',
    '192.0.2.10 - - [20/Nov/2026:10:16:03 +0100] "GET / HTTP/1.1" 200 612 "-" "UA" 1534',
    {},
    { event: { duration: 1_534_000 } },
  ],
  [
    'a host name as client',
    'crawler-7.example.net - - [20/Nov/2026:10:16:03 +0100] "GET /robots.txt HTTP/1.1" 200 24',
    { src_ip: null },
    { source: { domain: 'crawler-7.example.net' } },
  ],
  [
    'garbage request line (scanner) still yields client, status, time',
    '203.0.113.77 - - [20/Nov/2026:10:16:03 +0100] "\\x16\\x03\\x01\\x00" 400 157 "-" "-"',
    { src_ip: '203.0.113.77', level: 4 },
    { http: { response: { status_code: 400 } }, event: { outcome: 'failure' } },
  ],
])('%s', (_name, text, want, attrs) => {
  const d = recognize(text);
  expect(d).not.toBeNull();
  expect(d).toMatchObject({ format: 'text', parser: 'access-log', message: text, ...want });
  expect(d!.attributes).toMatchObject(attrs);
});

test('auto detection recognizes a combined line', () => {
  const d = decodeByFormat('203.0.113.9 - - [20/Nov/2026:10:16:03 +0000] "GET /admin HTTP/1.1" 403 9 "-" "sqlmap/1.7"', 'auto', ctx);
  expect(d).toMatchObject({ format: 'text', parser: 'access-log', src_ip: '203.0.113.9', level: 4 });
});
