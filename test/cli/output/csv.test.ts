import { describe, expect, test } from 'vitest';
import { csvField, csvHeader, csvRow, csvRows } from '../../../src/cli/output/csv.js';

describe('csvField (RFC 4180)', () => {
  test.each<[string, string | number | boolean | null, string]>([
    ['null is an empty field', null, ''],
    ['empty string', '', ''],
    ['plain', 'abc', 'abc'],
    ['number', 42.5, '42.5'],
    ['boolean', false, 'false'],
    ['comma', 'a,b', '"a,b"'],
    ['double quote doubled', 'say "hi"', '"say ""hi"""'],
    ['LF', 'a\nb', '"a\nb"'],
    ['CR', 'a\rb', '"a\rb"'],
    ['only a quote', '"', '""""'],
    ['leading and trailing spaces kept as is', ' a ', ' a '],
  ])('%s', (_name, v, out) => {
    expect(csvField(v)).toBe(out);
  });
});

test('rows end in CRLF; header and rows from columns', () => {
  expect(csvRow(['a', null, 1])).toBe('a,,1\r\n');
  const cols = [
    { header: 'id', value: (r: { id: number; m: string }) => r.id },
    { header: 'msg', value: (r: { id: number; m: string }) => r.m },
  ];
  expect(csvHeader(cols) + csvRows(cols, [{ id: 1, m: 'x,y' }, { id: 2, m: 'z' }])).toBe('id,msg\r\n1,"x,y"\r\n2,z\r\n');
  expect(csvRows(cols, [])).toBe('');
});
