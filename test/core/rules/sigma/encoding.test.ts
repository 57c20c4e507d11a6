import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { base64, base64Offsets, encodeText } from '../../../../src/core/rules/sigma/encoding.js';

describe('encodeText', () => {
  test.each([
    ['utf8', 'cmd', '636d64'],
    ['utf16le', 'cmd', '63006d006400'],
    ['utf16be', 'cmd', '0063006d0064'],
    ['utf16', 'cmd', 'fffe63006d006400'],
    ['utf8', '', ''],
    ['utf8', 'é', 'c3a9'],
  ] as const)('%s %j', (enc, text, hex) => {
    expect(encodeText(text, enc).toString('hex')).toBe(hex);
  });
});

describe('base64', () => {
  test.each([
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['http://', 'aHR0cDovLw=='],
  ])('%j → %j', (text, b64) => {
    expect(base64(encodeText(text, 'utf8'))).toBe(b64);
  });
});

describe('base64offset', () => {
  test('three fragments, cut where neighbouring bytes change the characters', () => {
    // Same fragments pySigma produces for "http://".
    expect(base64Offsets(encodeText('http://', 'utf8'))).toEqual(['aHR0cDovL', 'h0dHA6Ly', 'odHRwOi8v']);
  });

  test('whatever precedes and follows the value, one fragment appears in the encoding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ minLength: 3, maxLength: 12 }), fc.uint8Array({ maxLength: 8 }), (pre, value, post) => {
        const whole = Buffer.concat([Buffer.from(pre), Buffer.from(value), Buffer.from(post)]).toString('base64');
        const frags = base64Offsets(Buffer.from(value));
        expect(frags.some((f) => whole.includes(f))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  test('fragments never include characters that depend on other bytes', () => {
    // With different neighbours, the same fragment must still be found: checked for all shifts.
    const value = Buffer.from('powershell -nop');
    for (let shift = 0; shift < 3; shift++) {
      for (const fill of [0x00, 0x41, 0xff]) {
        const enc = Buffer.concat([Buffer.alloc(shift, fill), value, Buffer.alloc(2, fill)]).toString('base64');
        expect(base64Offsets(value).some((f) => enc.includes(f))).toBe(true);
      }
    }
  });

  test('an empty value gives no fragment', () => {
    expect(base64Offsets(Buffer.alloc(0))).toEqual([]);
  });
});
