import { expect, test } from 'vitest';
import { newDraft } from '../../../src/core/decode/draft.js';
import { decodeLogfmt, parseLogfmt } from '../../../src/core/decode/logfmt.js';

test.each<[string, string, Record<string, unknown>, number, number]>([
  ['empty', '', {}, 0, 0],
  ['blank', '   ', {}, 0, 0],
  ['pairs', 'a=1 b=two', { a: '1', b: 'two' }, 2, 0],
  ['bare key is true', 'flag a=1', { flag: true, a: '1' }, 1, 1],
  ['empty value', 'a= b=2', { a: '', b: '2' }, 2, 0],
  ['quoted with spaces', 'msg="hello world" x=1', { msg: 'hello world', x: '1' }, 2, 0],
  ['escaped quote and backslash', 'msg="say \\"hi\\" \\\\o/"', { msg: 'say "hi" \\o/' }, 1, 0],
  ['\\n \\t \\r escapes', 'm="a\\nb\\tc\\rd"', { m: 'a\nb\tc\rd' }, 1, 0],
  ['unknown escape kept', 'm="a\\qb"', { m: 'a\\qb' }, 1, 0],
  ['empty quoted', 'm=""', { m: '' }, 1, 0],
  ['= inside a bare value', 'url=http://x/?a=b c=d', { url: 'http://x/?a=b', c: 'd' }, 2, 0],
  ['repeated key collects', 'tag=a tag=b tag=c', { tag: ['a', 'b', 'c'] }, 3, 0],
  ['tabs and extra spaces', ' a=1\t\tb=2  ', { a: '1', b: '2' }, 2, 0],
  ['dotted keys stay flat', 'host.name=h', { 'host.name': 'h' }, 1, 0],
  ['unicode', 'msg="héllo 😀" k=ü', { msg: 'héllo 😀', k: 'ü' }, 2, 0],
])('%s', (_name, text, pairs, assignments, bare) => {
  const r = parseLogfmt(text);
  expect(r).toEqual({ ok: true, pairs, assignments, bare });
});

test.each([
  ['unterminated quote', 'a=1 msg="oops', 'logfmt: unterminated quote at column 9'],
  ['quote in a key', 'a"b=1', 'logfmt: unexpected quote at column 2'],
  ['text glued to a quoted value', 'a="x"y b=1', 'logfmt: expected a space after the quoted value at column 6'],
  ['leading =', '=1 a=2', 'logfmt: expected a key at column 1'],
])('malformed: %s', (_name, text, error) => {
  expect(parseLogfmt(text)).toEqual({ ok: false, error });
});

test('__proto__ keys are own data', () => {
  const r = parseLogfmt('__proto__=a __proto__=b x=1');
  expect(r.ok && Object.getPrototypeOf(r.pairs)).toBe(Object.prototype);
  expect(r.ok && Object.prototype.hasOwnProperty.call(r.pairs, '__proto__')).toBe(true);
  expect(r.ok && r.pairs['__proto__']).toEqual(['a', 'b']);
});

test('decodeLogfmt maps aliases and turns numeric strings into numbers where a number is expected', () => {
  const r = parseLogfmt('ts=2024-01-01T12:00:00Z level=warn msg="disk full" host=DB-1 cpu=91.5 mem_used=100 mem_total=200 pid=7 dport=443 code=007 flag');
  if (!r.ok) throw new Error(r.error);
  const d = newDraft('text');
  decodeLogfmt(r.pairs, d, { receivedAt: Date.UTC(2024, 0, 2) });
  expect(d).toMatchObject({
    format: 'logfmt',
    ts: Date.UTC(2024, 0, 1, 12),
    level: 4,
    message: 'disk full',
    host: 'db-1',
    metrics: { cpu_pct: 91.5, mem_used: 100, mem_total: 200 },
    pid: 7,
    dst_port: 443,
    attributes: { code: '007', flag: true }, // unmapped values keep their text
  });
});
