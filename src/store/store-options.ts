/**
 * The store options every command derives from the config in the same way: page cache and
 * encryption at rest (the key read from storage.encryption.key_file, or taken from
 * storage.encryption.key / LOGAGG_STORAGE_ENCRYPTION_KEY). Every openStore() of the
 * configured database goes through here, so no connection is opened without the key.
 */
import { readFileSync } from 'node:fs';
import type { FrozenConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { parseStoreKey, STORE_KEY_FORMAT, type StoreEncryption } from './cipher.js';

export interface StoreConnectionOptions {
  /** Page cache per connection, MiB. */
  cacheMb: number;
  /** storage.block_events and storage.block_cache. */
  blockEvents?: number;
  blockCache?: number;
  /** Absent when storage.encryption.enabled is false. */
  encryption?: StoreEncryption;
  /** Addon exports, when the caller has them (tests); else the store asks src/runtime/native.ts. */
  nativeBinding?: unknown;
}

type StorageConfig = Pick<FrozenConfig['storage'], 'cache_mb' | 'encryption'> & Partial<Pick<FrozenConfig['storage'], 'block_events' | 'block_cache'>>;

/**
 * Throws ConfigError naming the key when the key file cannot be read or does not hold a key.
 * The config schema has already checked that exactly one of key_file and key is set when
 * encryption is enabled.
 */
export function storeOptionsFromConfig(config: { storage: StorageConfig }, extra: { nativeBinding?: unknown } = {}): StoreConnectionOptions {
  const { cache_mb, encryption, block_events, block_cache } = config.storage;
  const out: StoreConnectionOptions = { cacheMb: cache_mb };
  if (block_events !== undefined) out.blockEvents = block_events;
  if (block_cache !== undefined) out.blockCache = block_cache;
  if (extra.nativeBinding !== undefined) out.nativeBinding = extra.nativeBinding;
  if (encryption.enabled) out.encryption = { key: readKey(encryption), cipher: encryption.cipher };
  return out;
}

function readKey(enc: StorageConfig['encryption']): Buffer {
  if (enc.key_file === null) {
    const key = parseStoreKey(enc.key);
    if (key === null) fail('storage.encryption.key', `set storage.encryption.key_file, or LOGAGG_STORAGE_ENCRYPTION_KEY, to ${STORE_KEY_FORMAT}`);
    return key;
  }
  let text: string;
  try {
    text = readFileSync(enc.key_file, 'utf8');
  } catch (e) {
    fail('storage.encryption.key_file', `cannot read ${enc.key_file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; check the path and that logagg may read it`);
  }
  const key = parseStoreKey(text);
  if (key === null) fail('storage.encryption.key_file', `${enc.key_file} does not hold a usable key: it must hold ${STORE_KEY_FORMAT}`);
  return key;
}

function fail(key: string, message: string): never {
  throw new ConfigError([{ key, message }]);
}
