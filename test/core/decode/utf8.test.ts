import { expect, test } from 'vitest';
import { decodeUtf8, firstInvalid, utf8Boundary } from '../../../src/core/decode/utf8.js';

const b = (...xs: number[]) => new Uint8Array(xs);
const enc = (s: string) => new TextEncoder().encode(s);

test.each([
  ['empty', b(), -1],
  ['ascii', enc('abc'), -1],
  ['2-, 3-, 4-byte chars', enc('é€😀'), -1],
  ['lone continuation', b(0x61, 0x80), 1],
  ['overlong 2-byte', b(0xc0, 0xaf), 0],
  ['overlong 3-byte', b(0xe0, 0x80, 0xaf), 0],
  ['surrogate', b(0xed, 0xa0, 0x80), 0],
  ['above U+10FFFF', b(0xf4, 0x90, 0x80, 0x80), 0],
  ['0xFF', b(0x41, 0x42, 0xff), 2],
  ['cut sequence', b(0x41, 0xe2, 0x82), 1],
])('firstInvalid: %s', (_name, bytes, at) => {
  expect(firstInvalid(bytes)).toBe(at);
});

test.each([
  ['cap beyond input', enc('abc'), 10, 3],
  ['cap inside ascii', enc('abcdef'), 4, 4],
  ['cap 0', enc('abc'), 0, 0],
  ['cap inside a 3-byte char', enc('a€'), 2, 1],
  ['cap inside a 4-byte char', enc('a😀'), 4, 1],
  ['cap right after a char', enc('a€b'), 4, 4],
  // Found by the normalizer's property test: stray continuation bytes after a complete
  // character are characters of their own (each U+FFFD), not part of the one before.
  ['cap among stray continuation bytes', b(0xc2, 0x80, 0x80, 0x80, 0x80), 4, 4],
  ['cap inside a truncated sequence', b(0x61, 0xe2, 0x82, 0x41), 2, 1],
  ['only continuation bytes', b(0x80, 0x80, 0x80, 0x80, 0x80), 3, 3],
])('utf8Boundary: %s', (_name, bytes, max, cut) => {
  expect(utf8Boundary(bytes, max)).toBe(cut);
});

test('valid text decodes as is, BOM kept', () => {
  expect(decodeUtf8(enc('\uFEFFhé'), 100)).toEqual({ text: '\uFEFFhé', bytesUsed: 6, truncated: false, invalidAt: -1 });
});

test('invalid bytes become U+FFFD and the offset is reported', () => {
  expect(decodeUtf8(b(0x61, 0xff, 0x62), 100)).toEqual({ text: 'a\uFFFDb', bytesUsed: 3, truncated: false, invalidAt: 1 });
});

test('over the cap: the cut text is a prefix of the whole text, decoded leniently', () => {
  const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  const bytes = b(0xc2, 0x80, 0x80, 0x80, 0x80);
  const cut = decodeUtf8(bytes, 4);
  expect(cut.text).toBe('\u0080\uFFFD\uFFFD');
  expect(lenient.decode(bytes).startsWith(cut.text)).toBe(true);
});

test('over the cap: cut on a character boundary', () => {
  expect(decodeUtf8(enc('ab€cd'), 3)).toEqual({ text: 'ab', bytesUsed: 2, truncated: true, invalidAt: -1 });
});
