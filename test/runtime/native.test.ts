import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { getNativeBinding, SQLITE_ADDON } from '../../src/runtime/native.js';
import { dlopenExports } from '../../src/sea/sea-runtime.js';
import { installRuntime, type SeaRuntime } from '../../src/runtime/runtime-handoff.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { writeAtomic } from '../../src/sea/materialize.js';
import { tempDir } from '../helpers/temp.js';

const require = createRequire(import.meta.url);
const ADDON = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

/** A runtime that ships the real SQLite addon (a private copy, as the executable has) and records what is asked. */
function installed(): string[] {
  const asked: string[] = [];
  const copy = path.join(tempDir(), 'better-sqlite3.node');
  writeAtomic(copy, readFileSync(ADDON));
  let exports: unknown;
  const rt: SeaRuntime = {
    cacheDir: path.dirname(copy),
    nativeBinding: (name) => {
      asked.push(name);
      if (name !== SQLITE_ADDON) return undefined;
      return (exports ??= dlopenExports(copy));
    },
    embeddedDir: () => undefined,
  };
  installRuntime(rt);
  return asked;
}

afterEach(() => installRuntime(undefined));

describe('getNativeBinding', () => {
  test('from node_modules (no executable runtime): undefined', () => {
    expect(getNativeBinding()).toBeUndefined();
    expect(getNativeBinding('better-sqlite3-multiple-ciphers')).toBeUndefined();
  });

  test('inside the executable: the shipped addon, by name, SQLite by default', () => {
    const asked = installed();
    expect(getNativeBinding()).toEqual(expect.objectContaining({ Database: expect.any(Function) }));
    expect(getNativeBinding('better-sqlite3-multiple-ciphers')).toBeUndefined();
    expect(asked).toEqual(['better-sqlite3', 'better-sqlite3-multiple-ciphers']);
  });
});

describe('openSqlite falls back to the shipped addon', () => {
  test('no nativeBinding option: the store asks the runtime, and SQLite works through that addon', () => {
    const asked = installed();
    const db = openSqlite(':memory:', { readonly: false, busyTimeoutMs: 0 });
    try {
      expect(db.prepare('SELECT sqlite_version()').pluck().get()).toMatch(/^3\.\d+\.\d+$/);
    } finally {
      db.close();
    }
    expect(asked).toEqual(['better-sqlite3']);
  });

  test('an explicit nativeBinding option wins: the runtime is not asked', () => {
    const asked = installed();
    const db = openSqlite(':memory:', { readonly: false, busyTimeoutMs: 0, nativeBinding: ADDON });
    db.close();
    expect(asked).toEqual([]);
  });

  test('from node_modules the driver loads its own addon', () => {
    const db = openSqlite(':memory:', { readonly: false, busyTimeoutMs: 0 });
    expect(db.prepare('SELECT 1').pluck().get()).toBe(1);
    db.close();
  });
});
