import { describe, expect, test } from 'vitest';
import { splitLines, type InputLine } from '../../../../src/cli/commands/rules/input-lines.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function* chunks(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p;
}

async function lines(parts: Uint8Array[]): Promise<[number, string][]> {
  const out: [number, string][] = [];
  for await (const l of splitLines(chunks(parts)) as AsyncGenerator<InputLine>) out.push([l.line, Buffer.from(l.bytes).toString('latin1')]);
  return out;
}

describe('splitLines', () => {
  test.each<[string, string[], [number, string][]]>([
    ['nothing', [], []],
    ['an empty chunk', [''], []],
    ['only newlines: blank lines are skipped but counted', ['\n\n\n'], []],
    ['one line without a final newline', ['{"a":1}'], [[1, '{"a":1}']]],
    ['one line with a final newline', ['{"a":1}\n'], [[1, '{"a":1}']]],
    ['CRLF endings lose the CR', ['a\r\nb\r\n'], [[1, 'a'], [2, 'b']]],
    ['blank and whitespace-only lines keep the numbering', ['a\n\n \t\nb\n'], [[1, 'a'], [4, 'b']]],
    ['a line split over chunks', ['{"host":', '"web-1"}\n{"x"', ':2}'], [[1, '{"host":"web-1"}'], [2, '{"x":2}']]],
    ['a newline as its own chunk', ['a', '\n', 'b'], [[1, 'a'], [2, 'b']]],
    ['inner spaces are kept', ['  x  \n'], [[1, '  x  ']]],
  ])('%s', async (_n, parts, want) => {
    expect(await lines(parts.map(enc))).toEqual(want);
  });

  test('bytes reach the decoder as they are (invalid UTF-8 is not replaced here)', async () => {
    const out = [];
    for await (const l of splitLines(chunks([Uint8Array.from([0x61, 0xff, 0xfe, 0x0a, 0xc3])]))) out.push(l);
    expect(out.map((l) => [...l.bytes])).toEqual([[0x61, 0xff, 0xfe], [0xc3]]);
  });

  test('a long line over many small chunks', async () => {
    const text = 'x'.repeat(100_000);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < text.length; i += 999) parts.push(enc(text.slice(i, i + 999)));
    parts.push(enc('\ny'));
    const out = await lines(parts);
    expect(out.map(([n, s]) => [n, s.length])).toEqual([[1, 100_000], [2, 1]]);
  });

  test('the returned bytes are copies: later chunks do not change earlier lines', async () => {
    const buf = enc('ab\ncd\n');
    const out: InputLine[] = [];
    for await (const l of splitLines(chunks([buf]))) out.push(l);
    buf.fill(0x7a);
    expect(out.map((l) => Buffer.from(l.bytes).toString())).toEqual(['ab', 'cd']);
  });
});
