import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { loadIntelList, parseIntelList } from '../../src/enrich/intel-files.js';
import { LogaggError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'logagg-intel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.each<[string, string, string[]]>([
  ['empty file', '', []],
  ['only comments and blanks', '# header\n\n   \n\t# indented comment\n', []],
  ['one per line, trimmed', ' 10.0.0.1 \n10.0.0.0/8\r\nevil.com\n', ['10.0.0.1', '10.0.0.0/8', 'evil.com']],
  ['trailing comments', '1.2.3.4   # c2 server\nevil.com\t# phishing\n', ['1.2.3.4', 'evil.com']],
  ['# inside a token is kept', 'name#1\n', ['name#1']],
  ['BOM at the start', '\uFEFF1.2.3.4\n', ['1.2.3.4']],
  ['no final newline', 'a\nb', ['a', 'b']],
])('%s', (_name, text, expected) => {
  expect(parseIntelList(text)).toEqual(expected);
  const file = join(dir, `${_name.replace(/\W+/g, '-')}.txt`);
  writeFileSync(file, text);
  expect(loadIntelList(file)).toEqual(expected);
});

test('a missing file is a CONFIG_INVALID error naming the file', () => {
  const file = join(dir, 'missing.txt');
  let err: unknown;
  try {
    loadIntelList(file);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(LogaggError);
  expect((err as LogaggError).code).toBe('CONFIG_INVALID');
  expect((err as LogaggError).message).toContain(file);
  expect((err as LogaggError).message).toContain('ENOENT');
  expect((err as LogaggError).details).toEqual({ file });
});

test('a directory is a CONFIG_INVALID error too', () => {
  expect(() => loadIntelList(dir)).toThrow(/cannot read threat-intel list .*EISDIR/);
});
