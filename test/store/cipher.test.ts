import { describe, expect, test } from 'vitest';
import { parseStoreKey, STORE_KEY_BYTES } from '../../src/store/cipher.js';

const BYTES = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff));
const HEX = BYTES.toString('hex');
const B64 = BYTES.toString('base64');
const B64URL = BYTES.toString('base64url');

describe('parseStoreKey', () => {
  test.each([
    ['empty', ''],
    ['whitespace only', ' \n\t'],
    ['63 hex digits', HEX.slice(0, 63)],
    ['65 hex digits', HEX + 'a'],
    ['64 characters, one not hex', 'g' + HEX.slice(1)],
    ['hex with a 0x prefix', '0x' + HEX],
    ['16 bytes of base64', BYTES.subarray(0, 16).toString('base64')],
    ['48 bytes of base64', Buffer.concat([BYTES, BYTES.subarray(0, 16)]).toString('base64')],
    ['base64 with a space inside', B64.slice(0, 20) + ' ' + B64.slice(20)],
    ['a passphrase', 'correct horse battery staple, quite long indeed'],
    ['placeholder: 64 zeros', '0'.repeat(64)],
    ['placeholder: 64 f', 'f'.repeat(64)],
    ['placeholder: 32 zero bytes in base64', Buffer.alloc(32).toString('base64')],
    ['huge', 'a'.repeat(1_000_000)],
  ])('%s: not a key', (_, text) => {
    expect(parseStoreKey(text)).toBeNull();
  });

  test.each([
    ['hex, lower case', HEX],
    ['hex, upper case', HEX.toUpperCase()],
    ['hex with a trailing newline (a key file)', HEX + '\n'],
    ['base64 (openssl rand -base64 32)', B64],
    ['base64 without padding', B64.replace(/=$/, '')],
    ['base64url', B64URL],
    ['base64 surrounded by whitespace', `  ${B64}\r\n`],
  ])('%s: the 32 bytes', (_, text) => {
    const key = parseStoreKey(text);
    expect(key?.length).toBe(STORE_KEY_BYTES);
    expect(key?.equals(BYTES)).toBe(true);
  });
});
