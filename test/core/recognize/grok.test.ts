import { describe, expect, test } from 'vitest';
import { expandGrok, GROK_LIBRARY } from '../../../src/core/recognize/grok.js';
import { renameGroups } from '../../../src/core/recognize/named-groups.js';

/** The whole of `text` matched by %{NAME}, or null. */
function whole(name: string, text: string): string | null {
  const g = expandGrok(`^%{${name}:v}$`);
  if (!g.ok) throw new Error(g.error);
  const r = renameGroups(g.source);
  if (!r.ok) throw new Error(r.error);
  return new RegExp(r.source).exec(text)?.groups?.g0 ?? null;
}

describe('expandGrok: errors', () => {
  test.each([
    ['unknown pattern', '%{NOPE:x}', 'unknown pattern %{NOPE}'],
    ['lower-case name', '%{ip:x}', 'a pattern name is upper-case'],
    ['empty reference', '%{}', 'a pattern name is upper-case'],
  ])('%s', (_n, pattern, error) => {
    const r = expandGrok(pattern);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(error);
  });

  test('a pattern that refers to itself through another is refused', () => {
    const r = expandGrok('%{A}', { A: 'x%{B}', B: 'y%{A}' });
    expect(r).toEqual({ ok: false, error: 'pattern A refers to itself (A > B > A)' });
  });

  test('every library pattern compiles to a valid RegExp', () => {
    for (const name of Object.keys(GROK_LIBRARY)) {
      const g = expandGrok(`%{${name}:x}`);
      expect(g.ok, name).toBe(true);
      if (!g.ok) continue;
      const r = renameGroups(g.source);
      expect(r.ok, name).toBe(true);
      if (r.ok) expect(() => new RegExp(r.source), name).not.toThrow();
    }
  });
});

describe('library patterns', () => {
  test.each<[string, string, boolean]>([
    ['IPV4', '203.0.113.50', true],
    ['IPV4', '256.1.1.1', false],
    ['IPV4', '1.2.3', false],
    ['IPV6', '2001:db8::1', true],
    ['IPV6', '::1', true],
    ['IPV6', '::ffff:192.0.2.1', true],
    ['IPV6', 'abc', false],
    ['IP', '10.0.0.1', true],
    ['IP', 'fe80::1', true],
    ['HOSTNAME', 'web-1.example.com', true],
    ['HOSTNAME', '-bad', false],
    ['WORD', 'hello_1', true],
    ['WORD', 'two words', false],
    ['NOTSPACE', 'a/b?c=d', true],
    ['INT', '-42', true],
    ['INT', '4.2', false],
    ['POSINT', '42', true],
    ['POSINT', '0', false],
    ['NUMBER', '3.25', true],
    ['NUMBER', '-1e9', true],
    ['USER', 'svc.backup-01', true],
    ['USERNAME', 'with space', false],
    ['QS', '"say \\"hi\\""', true],
    ['QUOTEDSTRING', "'single'", true],
    ['QS', '"unterminated', false],
    ['TIMESTAMP_ISO8601', '2026-03-01T10:16:03.123+01:00', true],
    ['TIMESTAMP_ISO8601', '2026-03-01 10:16:03,123', true],
    ['TIMESTAMP_ISO8601', '2026-03-01', false],
    ['SYSLOGTIMESTAMP', 'Nov  2 10:16:03', true],
    ['SYSLOGTIMESTAMP', 'Nov 20 10:16:03', true],
    ['SYSLOGTIMESTAMP', 'Nox 20 10:16:03', false],
    ['HTTPDATE', '10/Oct/2000:13:55:36 -0700', true],
    ['LOGLEVEL', 'WARN', true],
    ['LOGLEVEL', 'error', true],
    ['LOGLEVEL', 'chatty', false],
    ['UUID', '123e4567-e89b-12d3-a456-426614174000', true],
    ['UUID', '123e4567-e89b-12d3-a456', false],
    ['MAC', '00:1a:2b:3c:4d:5e', true],
    ['MAC', '001a.2b3c.4d5e', true],
    ['URIPATH', '/index.php/a-b', true],
    ['URIPATH', 'index.php', false],
    ['URIPARAM', '?a=1&b=2', true],
    ['PATH', '/var/log/auth.log', true],
    ['PATH', 'C:\\Windows\\System32', true],
    ['DATA', '', true],
    ['GREEDYDATA', 'anything at all', true],
  ])('%s %j → %s', (name, text, matches) => {
    expect(whole(name, text)).toBe(matches ? text : null);
  });
});

describe('renameGroups', () => {
  test('dotted and typed names become generated ones, lookbehinds and classes are left alone', () => {
    const r = renameGroups('(?<=x)(?<http.response.status_code:int>\\d+)[(?<no>)](?<user>\\w+)\\k<user>');
    expect(r).toEqual({
      ok: true,
      source: '(?<=x)(?<g0>\\d+)[(?<no>)](?<g1>\\w+)\\k<g1>',
      captures: [
        { group: 'g0', field: 'http.response.status_code', type: 'int' },
        { group: 'g1', field: 'user', type: null },
      ],
    });
  });

  test.each([
    ['a bad name', '(?<1x>a)', 'group name "1x" is not a field name'],
    ['an unknown type', '(?<x:date>a)', 'type "date" is not one of int, float, string'],
    ['a back-reference to nothing', '\\k<y>(?<y>a)', '\\k<y> refers to no group'],
    ['an unclosed name', '(?<abc', 'unclosed group name'],
  ])('%s is an error', (_n, source, error) => {
    const r = renameGroups(source);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(error);
  });
});
