// Encryption at rest, end to end on real files: what reaches the disk, reading it back, and the
// errors an operator sees when the key is wrong or missing (docs/encryption.md).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { LogReader } from '../../src/store/log-reader.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { openStore, type OpenStoreOptions, type Store } from '../../src/store/store.js';
import { STORE_CIPHERS, type StoreCipher, type StoreEncryption } from '../../src/store/cipher.js';
import { CIPHER_ADDON } from '../../src/store/sqlite.js';
import { installRuntime, type SeaRuntime } from '../../src/runtime/runtime-handoff.js';
import { dlopenExports } from '../../src/sea/sea-runtime.js';
import { writeAtomic } from '../../src/sea/materialize.js';
import { caught, makeEvent, tempDbPath } from './fixtures.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';

const require = createRequire(import.meta.url);
const addonOf = (pkg: string) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'build', 'Release', 'better_sqlite3.node');

const enc = (cipher: StoreCipher = 'aegis', key: Buffer = randomBytes(32)): StoreEncryption => ({ key, cipher });

function open(file: string, opts: OpenStoreOptions = {}): Store {
  const s = openStore(file, opts);
  deferCleanup(() => s.close());
  return s;
}

/**
 * A marker no SQLite page holds by chance, placed where logagg keeps text: message, raw,
 * attributes (compressed in blocks) and host (in the dictionary, as is: the plaintext check).
 */
function canaryEvents(canary: string) {
  return Array.from({ length: 200 }, (_, i) =>
    makeEvent({
      message: `zebrafinch login by ${canary} row ${i}`,
      raw: `{"msg":"zebrafinch login by ${canary}","i":${i}}`,
      attributes: { note: canary, i },
      host: canary,
    }),
  );
}

/** The bytes of the database and its WAL, as they are on disk right now (the writer still open). */
function onDisk(file: string): { db: Buffer; wal: Buffer } {
  return { db: readFileSync(file), wal: existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0) };
}

/** Writes the canary through the real LogWriter, leaves the writer open, returns what is on disk. */
function writeCanary(file: string, canary: string, opts: OpenStoreOptions): { db: Buffer; wal: Buffer } {
  const s = open(file, opts);
  new LogWriter(s).writeBatch({ events: canaryEvents(canary), offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: '200' }] });
  return onDisk(file);
}

describe('what reaches the disk', () => {
  test('without encryption the canary is on disk: the check below can see plaintext', () => {
    const canary = `TOP-SECRET-CANARY-${randomBytes(8).toString('hex')}`;
    const { db, wal } = writeCanary(tempDbPath(), canary, {});
    expect(Buffer.concat([db, wal]).includes(canary)).toBe(true);
  });

  test.each(STORE_CIPHERS)('with %s neither the database nor its WAL holds the canary, before and after a checkpoint', (cipher) => {
    const canary = `TOP-SECRET-CANARY-${randomBytes(8).toString('hex')}`;
    const file = tempDbPath();
    const key = enc(cipher);
    const live = writeCanary(file, canary, { encryption: key });
    // The batch is in the WAL until a checkpoint: the WAL must be non-empty for this to mean anything.
    expect(live.wal.length).toBeGreaterThan(4096);
    expect(live.db.includes(canary)).toBe(false);
    expect(live.wal.includes(canary)).toBe(false);
    expect(live.db.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');

    const s = open(file, { encryption: key });
    s.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const after = onDisk(file);
    expect(statSync(file).size).toBeGreaterThan(live.db.length); // the pages moved into the file
    expect(after.db.includes(canary)).toBe(false);
    expect(after.wal.includes(canary)).toBe(false);
  });
});

describe('reading an encrypted database back', () => {
  test('with the key: rows, attributes and FTS5 search, on the writer and on a read-only connection', () => {
    const canary = `TOP-SECRET-CANARY-${randomBytes(8).toString('hex')}`;
    const file = tempDbPath();
    const key = enc();
    writeCanary(file, canary, { encryption: key });

    const reader = open(file, { readonly: true, encryption: key });
    const logs = new LogReader(reader);
    const page = logs.queryLogs({ q: 'zebrafinch AND "row 7"' }, { limit: 10, order: 'asc' });
    expect(page.items.map((e) => e.message)).toEqual([`zebrafinch login by ${canary} row 7`]);
    expect(page.items[0]!.attributes).toEqual({ note: canary, i: 7 });
    expect(logs.countLogs({ q: 'zebrafinch' })).toBe(200);
    expect(logs.countLogs({ q: 'nosuchword' })).toBe(0);
  });

  test('after every connection closed (checkpointed, WAL removed), a new writer reads and appends', () => {
    const file = tempDbPath();
    const key = enc('sqlcipher');
    const a = openStore(file, { encryption: key });
    new LogWriter(a).writeBatch({ events: canaryEvents('first'), offsets: [] });
    a.close();
    const b = open(file, { encryption: key });
    new LogWriter(b).writeBatch({ events: [makeEvent({ message: 'second batch quokka' })], offsets: [] });
    expect(new LogReader(b).countLogs({ q: 'zebrafinch OR quokka' })).toBe(201);
  });
});

describe('wrong or missing key', () => {
  function encryptedFile(key: StoreEncryption): string {
    const file = tempDbPath();
    openStore(file, { encryption: key }).close();
    return file;
  }

  test.each([
    ['another key', (k: StoreEncryption) => enc(k.cipher)],
    ['the right key with another cipher (chacha20)', (k: StoreEncryption) => enc('chacha20', k.key)],
    ['the right key with another cipher (sqlcipher)', (k: StoreEncryption) => enc('sqlcipher', k.key)],
  ])('%s: CONFIG_INVALID "cannot decrypt … wrong key", for the writer and for a reader', (_, wrong) => {
    const key = enc('aegis');
    const file = encryptedFile(key);
    for (const readonly of [false, true]) {
      const e = caught(() => openStore(file, { readonly, encryption: wrong(key) }));
      expect(e.code).toBe('CONFIG_INVALID');
      expect(e.message).toBe(
        `cannot decrypt database ${file}: wrong key or not encrypted; check storage.encryption.key_file (or LOGAGG_STORAGE_ENCRYPTION_KEY) and storage.encryption.cipher`,
      );
      expect(e.details).toMatchObject({ path: file, config: 'storage.encryption' });
    }
    // The failed opens changed nothing: the right key still reads it.
    expect(open(file, { encryption: key }).schemaVersion).toBeGreaterThan(0);
  });

  test('an encrypted database opened without a key names the config keys to set', () => {
    const file = encryptedFile(enc());
    for (const readonly of [false, true]) {
      const e = caught(() => openStore(file, { readonly }));
      // Without a key, encrypted and damaged look alike: a store failure, not only a config one.
      expect(e.code).toBe('STORE_FAILED');
      expect(e.message).toBe(
        `cannot read database ${file}: it is encrypted (or not a SQLite database); set storage.encryption.enabled: true with its key in storage.encryption.key_file or LOGAGG_STORAGE_ENCRYPTION_KEY`,
      );
    }
  });

  test('a plain database opened with a key says it is not encrypted, and is left plain', () => {
    const file = tempDbPath();
    openStore(file).close();
    const e = caught(() => openStore(file, { encryption: enc() }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(new RegExp(`^cannot decrypt database ${file}: it is not encrypted, but storage\\.encryption\\.enabled is true`));
    expect(readFileSync(file).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect(open(file).schemaVersion).toBeGreaterThan(0);
  });

  test('a file that is not SQLite, opened without a key, is reported as unreadable', () => {
    const file = tempDbPath();
    writeFileSync(file, randomBytes(8192));
    expect(caught(() => openStore(file)).message).toMatch(/^cannot read database .*: it is encrypted \(or not a SQLite database\)/);
  });

  test.each([
    ['a short key', { key: randomBytes(16), cipher: 'chacha20' }, /the encryption key is 16 bytes; it must be 32/],
    ['an unknown cipher', { key: randomBytes(32), cipher: "rc4'; --" }, /unknown cipher "rc4'; --"/],
  ])('%s is refused before the file is touched', (_, encryption, message) => {
    const file = tempDbPath();
    const e = caught(() => openStore(file, { encryption: encryption as StoreEncryption }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(message);
    expect(existsSync(file)).toBe(false);
  });

  test('a :memory: database ignores the key (nothing reaches the disk)', () => {
    const s = open(':memory:', { encryption: enc() });
    expect(s.schemaVersion).toBeGreaterThan(0);
  });
});

describe('the driver addon (single executable)', () => {
  afterEach(() => installRuntime(undefined));

  function runtimeShipping(addons: Record<string, string>): string[] {
    const asked: string[] = [];
    const loaded = new Map<string, unknown>();
    const dir = tempDir();
    const rt: SeaRuntime = {
      cacheDir: dir,
      nativeBinding: (name) => {
        asked.push(name);
        const from = addons[name];
        if (from === undefined) return undefined;
        if (!loaded.has(name)) {
          const copy = path.join(dir, `${name}.node`);
          writeAtomic(copy, readFileSync(from));
          loaded.set(name, dlopenExports(copy));
        }
        return loaded.get(name);
      },
      embeddedDir: () => undefined,
    };
    installRuntime(rt);
    return asked;
  }

  test(`an encrypted open asks the runtime for "${CIPHER_ADDON}", a plain one for "better-sqlite3"`, () => {
    const asked = runtimeShipping({ [CIPHER_ADDON]: addonOf('better-sqlite3-multiple-ciphers') });
    const canary = `TOP-SECRET-CANARY-${randomBytes(8).toString('hex')}`;
    const file = tempDbPath();
    const { db, wal } = writeCanary(file, canary, { encryption: enc() });
    expect(asked).toEqual([CIPHER_ADDON]);
    expect(Buffer.concat([db, wal]).includes(canary)).toBe(false);
    installRuntime(undefined);
    const plainAsked = runtimeShipping({});
    open(tempDbPath());
    expect(plainAsked).toEqual(['better-sqlite3']);
  });

  test('a plain addon given for an encrypted open is refused: nothing is written in clear', () => {
    const file = tempDbPath();
    // A path is what the driver also accepts; it loads better-sqlite3's plain addon from it.
    const e = caught(() => openStore(file, { encryption: enc(), nativeBinding: addonOf('better-sqlite3') }));
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toMatch(/does not encrypt/);
    expect(existsSync(file) ? readFileSync(file).length : 0).toBe(0);
  });
});
