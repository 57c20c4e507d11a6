import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

const HEX = 'a1'.repeat(16) + 'b2'.repeat(16);
const load = (overrides: Record<string, unknown> = {}, env: Record<string, string> = {}) => loadConfig({ defaultsFile: null, env, overrides }).storage.encryption;

function problems(fn: () => unknown): { key: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('storage.encryption config', () => {
  test('defaults: off, aegis, no key', () => {
    expect(load()).toEqual({ enabled: false, cipher: 'aegis', key_file: null, key: '' });
  });

  test('from the environment: LOGAGG_STORAGE_ENCRYPTION_KEY and friends', () => {
    expect(load({}, { LOGAGG_STORAGE_ENCRYPTION_ENABLED: 'true', LOGAGG_STORAGE_ENCRYPTION_KEY: HEX, LOGAGG_STORAGE_ENCRYPTION_CIPHER: 'sqlcipher' })).toEqual({
      enabled: true,
      cipher: 'sqlcipher',
      key_file: null,
      key: HEX,
    });
    expect(load({ 'storage.encryption.enabled': true, 'storage.encryption.key_file': '/etc/logagg/db.key' }).key_file).toBe('/etc/logagg/db.key');
  });

  test.each([
    ['enabled without a key', { 'storage.encryption.enabled': true }, 'storage.encryption.key_file', /no key is set: set storage\.encryption\.key_file, or LOGAGG_STORAGE_ENCRYPTION_KEY/],
    ['a key with encryption off', { 'storage.encryption.key': HEX }, 'storage.encryption.enabled', /a key is set but encryption is off/],
    ['a key file with encryption off', { 'storage.encryption.key_file': '/k' }, 'storage.encryption.enabled', /a key is set but encryption is off/],
    ['both key and key_file', { 'storage.encryption.enabled': true, 'storage.encryption.key': HEX, 'storage.encryption.key_file': '/k' }, 'storage.encryption.key', /not both/],
    ['a short key', { 'storage.encryption.enabled': true, 'storage.encryption.key': 'abc123' }, 'storage.encryption.key', /not a usable key: write 32 random bytes, as 64 hex digits/],
    ['a passphrase', { 'storage.encryption.enabled': true, 'storage.encryption.key': 'my dog is called rex and he is good' }, 'storage.encryption.key', /not a usable key/],
    ['a placeholder key', { 'storage.encryption.enabled': true, 'storage.encryption.key': '0'.repeat(64) }, 'storage.encryption.key', /not a usable key/],
    ['an empty key_file', { 'storage.encryption.enabled': true, 'storage.encryption.key_file': '' }, 'storage.encryption.key_file', /must not be empty/],
    ['an unknown cipher', { 'storage.encryption.cipher': 'rc4' }, 'storage.encryption.cipher', /must be one of "aegis", "chacha20", "sqlcipher"/],
    ['an unknown key', { 'storage.encryption.passphrase': 'x' }, 'storage.encryption.passphrase', /unknown key/],
  ])('%s: names the key', (_, overrides, key, message) => {
    const p = problems(() => load(overrides));
    expect(p.map((x) => x.key)).toContain(key);
    expect(p.find((x) => x.key === key)!.message).toMatch(message);
  });

  test('a key in the error message is never echoed back', () => {
    const secretish = 'Zm9vYmFyYmF6cXV4'.repeat(2); // 32 base64 characters: 24 bytes, too short
    const p = problems(() => load({ 'storage.encryption.enabled': true, 'storage.encryption.key': secretish }));
    expect(JSON.stringify(p)).not.toContain(secretish);
  });
});
