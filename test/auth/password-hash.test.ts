import { describe, expect, test } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/auth/password-hash.js';

// Cheap parameters where the cost is not what is tested.
const FAST = { ln: 4, r: 8, p: 1 };

describe('hashPassword / verifyPassword', () => {
  test('the default hash is PHC-encoded scrypt N=2^15 r=8 p=1 with a 16-byte salt, and verifies', async () => {
    const h = await hashPassword('correct horse battery');
    const m = /^\$scrypt\$ln=15,r=8,p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(h);
    expect(m).not.toBeNull();
    expect(Buffer.from(m![1]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(m![2]!, 'base64')).toHaveLength(32);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
  });

  test('two hashes of one password differ (random salt); both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('same password!', FAST), hashPassword('same password!', FAST)]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password!', a)).toBe(true);
    expect(await verifyPassword('same password!', b)).toBe(true);
  });

  test('the parameters travel with the hash: one made with others still verifies', async () => {
    const h = await hashPassword('old parameters', FAST);
    expect(h.startsWith('$scrypt$ln=4,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('old parameters', h)).toBe(true);
  });

  test.each([
    ['a wrong password', 'wrong password', async () => hashPassword('right password', FAST)],
    ['a prefix of it', 'right passwor', async () => hashPassword('right password', FAST)],
    ['no account (null): a dummy hash is tried instead', 'anything at all', async () => null],
    ['a damaged hash', 'right password', async () => '$scrypt$ln=4,r=8,p=1$xx$yy'],
    ['absurd parameters', 'right password', async () => '$scrypt$ln=40,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['another scheme', 'right password', async () => '$2b$10$abcdefghijklmnopqrstuv'],
  ])('%s: false', async (_what, password, hash) => {
    expect(await verifyPassword(password, await hash())).toBe(false);
  });

  test('Unicode is normalised (NFC) before hashing: the composed and decomposed forms match', async () => {
    const h = await hashPassword('caf\u00e9 au lait 123', FAST);
    expect(await verifyPassword('cafe\u0301 au lait 123', h)).toBe(true);
  });
});
