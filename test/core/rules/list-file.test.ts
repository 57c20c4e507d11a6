import { describe, expect, test } from 'vitest';
import { listNameOf, parseListText } from '../../../src/core/rules/list-file.js';

describe('list files', () => {
  test.each([
    ['', []],
    ['\n\n   \n', []],
    ['# only a comment\n', []],
    ['a\nb\r\nc\rd', ['a', 'b', 'c', 'd']],
    ['\ufeffbom-first\n', ['bom-first']],
    ['  padded  \n', ['padded']],
    ['mimikatz.exe   # credential dumper\n', ['mimikatz.exe']],
    ['a#b\n', ['a#b']], // a hash inside an entry is kept
    ['dup\ndup\nDup\n', ['dup', 'Dup']],
    ['192.0.2.0/24\t# TEST-NET-1', ['192.0.2.0/24']],
  ])('%j', (text, want) => {
    expect(parseListText(text)).toEqual(want);
  });

  test.each([
    ['bad-ips.txt', 'bad-ips'],
    ['sub/x.list', 'sub/x'],
    ['sub\\x.TXT', 'sub/x'],
    ['noext', 'noext'],
  ])('listNameOf(%s) = %s', (rel, want) => {
    expect(listNameOf(rel)).toBe(want);
  });
});
