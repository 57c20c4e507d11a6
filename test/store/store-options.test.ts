import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { storeOptionsFromConfig } from '../../src/store/store-options.js';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { openStore } from '../../src/store/store.js';
import { tempDbPath } from './fixtures.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';

const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => 255 - i * 3));
const config = (overrides: Record<string, unknown>, env: Record<string, string> = {}) => loadConfig({ defaultsFile: null, env, overrides });

function keyFile(text: string): string {
  const file = path.join(tempDir(), 'db.key');
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

function problem(fn: () => unknown): { key: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems[0]!;
  }
  throw new Error('expected a ConfigError');
}

describe('storeOptionsFromConfig', () => {
  test('encryption off: the page cache and the block settings only', () => {
    expect(storeOptionsFromConfig(config({ 'storage.cache_mb': 16, 'storage.block_events': 256, 'storage.block_cache': 8 }))).toEqual({ cacheMb: 16, blockEvents: 256, blockCache: 8 });
  });

  test('a nativeBinding given by the caller is passed on', () => {
    const binding = { fake: true };
    expect(storeOptionsFromConfig(config({}), { nativeBinding: binding })).toEqual({ cacheMb: 64, blockEvents: 512, blockCache: 64, nativeBinding: binding });
  });

  test.each([
    ['hex with a newline (openssl rand -hex 32 > db.key)', KEY.toString('hex') + '\n'],
    ['base64', KEY.toString('base64') + '\n'],
  ])('key_file holding %s: the 32 bytes and the cipher', (_, text) => {
    const opts = storeOptionsFromConfig(config({ 'storage.encryption.enabled': true, 'storage.encryption.key_file': keyFile(text), 'storage.encryption.cipher': 'sqlcipher' }));
    expect(opts.encryption?.cipher).toBe('sqlcipher');
    expect(opts.encryption?.key.equals(KEY)).toBe(true);
  });

  test('the key from LOGAGG_STORAGE_ENCRYPTION_KEY', () => {
    const opts = storeOptionsFromConfig(config({}, { LOGAGG_STORAGE_ENCRYPTION_ENABLED: 'true', LOGAGG_STORAGE_ENCRYPTION_KEY: KEY.toString('base64') }));
    expect(opts.encryption).toEqual({ key: KEY, cipher: 'aegis' });
  });

  test('a missing key file: ConfigError naming storage.encryption.key_file and the path', () => {
    const missing = path.join(tempDir(), 'nope.key');
    const p = problem(() => storeOptionsFromConfig(config({ 'storage.encryption.enabled': true, 'storage.encryption.key_file': missing })));
    expect(p.key).toBe('storage.encryption.key_file');
    expect(p.message).toBe(`cannot read ${missing}: ENOENT; check the path and that logagg may read it`);
  });

  test.skipIf(process.getuid?.() === 0)('an unreadable key file: EACCES', () => {
    const file = keyFile(KEY.toString('hex'));
    chmodSync(file, 0o000);
    expect(problem(() => storeOptionsFromConfig(config({ 'storage.encryption.enabled': true, 'storage.encryption.key_file': file }))).message).toMatch(/EACCES/);
  });

  test.each([
    ['empty', ''],
    ['a passphrase', 'hunter2 hunter2 hunter2 hunter2 hunter2\n'],
    ['a PEM key', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n'],
    ['two keys', `${KEY.toString('hex')}\n${KEY.toString('hex')}\n`],
  ])('a key file holding %s: ConfigError that does not echo its content', (_, text) => {
    const file = keyFile(text);
    const p = problem(() => storeOptionsFromConfig(config({ 'storage.encryption.enabled': true, 'storage.encryption.key_file': file })));
    expect(p.key).toBe('storage.encryption.key_file');
    expect(p.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not hold a usable key: it must hold 32 random bytes`));
    if (text.trim() !== '') expect(p.message).not.toContain(text.trim().slice(0, 20));
  });

  test('the options open an encrypted store, and the same config opens it again', () => {
    const cfg = config({ 'storage.encryption.enabled': true, 'storage.encryption.key_file': keyFile(KEY.toString('hex')) });
    const file = tempDbPath();
    openStore(file, storeOptionsFromConfig(cfg)).close();
    const again = openStore(file, { ...storeOptionsFromConfig(cfg), readonly: true });
    deferCleanup(() => again.close());
    expect(again.schemaVersion).toBeGreaterThan(0);
    expect(() => openStore(file, storeOptionsFromConfig(config({})))).toThrow(/it is encrypted/);
  });
});
