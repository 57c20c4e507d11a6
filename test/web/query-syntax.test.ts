import { describe, expect, test } from 'vitest';
import { parseQuery, queryParams } from '../../web/lib/query-syntax.js';

describe('the query box', () => {
  test.each<[string, string, [string, string][]]>([
    ['', '', []],
    ['   ', '', []],
    ['disk full', 'disk full', []],
    ['"host:web-1 down"', '"host:web-1 down"', []],
    ['host:web-* timeout', 'timeout', [['host', 'web-*']]],
    ['level:warning host:a host:b', '', [['level', 'warning'], ['host', 'a'], ['host', 'b']]],
    ['threats:true severity:HIGH', '', [['has_threats', 'true'], ['threat_severity', 'HIGH']]],
    ['attr.http.status=500 attr.user:"bob smith" (a OR b)', '(a OR b)', [['attr.http.status', '500'], ['attr.user', 'bob smith']]],
    ['format:cef topic:threat-logs tag:prod error:true', '', [['format', 'cef'], ['topic', 'threat-logs'], ['tag', 'prod'], ['has_error', 'true']]],
    ['unknown:field NOT x', 'unknown:field NOT x', []],
    ['"open quote host:x', '"open quote host:x', []],
  ])('%j → q %j, filters %j', (text, q, filters) => {
    expect(parseQuery(text)).toEqual({ q, filters });
  });

  test('as GET /logs parameters', () => {
    expect(queryParams('host:a host:b oops*').toString()).toBe('q=oops*&host=a&host=b');
  });
});
