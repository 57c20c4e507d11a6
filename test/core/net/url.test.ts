import { describe, expect, test } from 'vitest';
import { isHttpUrl } from '../../../src/core/net/url.js';

describe('isHttpUrl', () => {
  test.each<[string, boolean]>([
    ['', false],
    ['not a url', false],
    ['/relative/path', false],
    ['hooks.example.com/x', false],
    ['ftp://example.com/x', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['http://example.com', true],
    ['https://hooks.example.com/services/T0/B0/x?y=1', true],
    ['HTTPS://EXAMPLE.COM/', true],
    ['http://127.0.0.1:8080/hook', true],
  ])('%j → %s', (s, want) => {
    expect(isHttpUrl(s)).toBe(want);
  });
});
