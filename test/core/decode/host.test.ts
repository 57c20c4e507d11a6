import { expect, test } from 'vitest';
import { hostOfUrl, normalizeHost } from '../../../src/core/decode/host.js';

test.each([
  ['', null],
  ['   ', null],
  ['-', null],
  ['.', null],
  ['WEB-01', 'web-01'],
  ['  Web-01.Example.COM.  ', 'web-01.example.com'],
  ['host..', 'host'],
  ['10.0.0.1', '10.0.0.1'],
  ['010.000.000.001', '010.000.000.001'], // IPs are kept as written
  ['2001:DB8::1', '2001:db8::1'],
  ['[2001:DB8::1]', '2001:db8::1'],
])('normalizeHost(%j) = %j', (input, out) => {
  expect(normalizeHost(input)).toBe(out);
});

test('normalizeHost is idempotent', () => {
  for (const h of ['A.B.', '[::1]', 'Host', '1.2.3.4']) {
    const once = normalizeHost(h);
    expect(normalizeHost(once!)).toBe(once);
  }
});

test.each([
  ['', null],
  ['/only/a/path', null],
  ['https://Evil.Example.com/x?y=1', 'evil.example.com'],
  ['http://user:pw@a.evil.com:8443/p', 'a.evil.com'],
  ['evil.com/path', 'evil.com'],
  ['http://10.0.0.1/x', '10.0.0.1'],
  ['http://[2001:DB8::1]:80/', '2001:db8::1'],
  ['ftp://host#frag', 'host'],
])('hostOfUrl(%j) = %j', (url, host) => {
  expect(hostOfUrl(url)).toBe(host);
});
