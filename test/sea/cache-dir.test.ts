import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { cacheRoots, ensurePrivateDir, openCacheDir, type CacheLocation } from '../../src/sea/cache-dir.js';
import { tempDir } from '../helpers/temp.js';

const uid = process.getuid?.();
const mode = (p: string) => statSync(p).mode & 0o777;

describe('cacheRoots', () => {
  test.each<[string, Partial<CacheLocation>, string[]]>([
    ['nothing known: the temp dir only', { env: {}, home: '' }, ['/tmp/logagg-1000']],
    ['home', { env: {}, home: '/home/u' }, ['/home/u/.cache/logagg', '/tmp/logagg-1000']],
    ['XDG_CACHE_HOME first', { env: { XDG_CACHE_HOME: '/var/cache/u' }, home: '/home/u' }, ['/var/cache/u/logagg', '/home/u/.cache/logagg', '/tmp/logagg-1000']],
    ['a relative XDG_CACHE_HOME is ignored (XDG spec)', { env: { XDG_CACHE_HOME: 'cache' }, home: '/home/u' }, ['/home/u/.cache/logagg', '/tmp/logagg-1000']],
    ['an empty XDG_CACHE_HOME is ignored', { env: { XDG_CACHE_HOME: '' }, home: '/home/u' }, ['/home/u/.cache/logagg', '/tmp/logagg-1000']],
    ['a relative home is ignored', { env: {}, home: 'u' }, ['/tmp/logagg-1000']],
    ['XDG_CACHE_HOME equal to ~/.cache is listed once', { env: { XDG_CACHE_HOME: '/home/u/.cache' }, home: '/home/u' }, ['/home/u/.cache/logagg', '/tmp/logagg-1000']],
    ['no uid (Windows)', { env: {}, home: '', uid: undefined }, ['/tmp/logagg-user']],
  ])('%s', (_, over, roots) => {
    expect(cacheRoots({ env: {}, home: '', tmp: '/tmp', uid: 1000, ...over })).toEqual(roots);
  });
});

describe('ensurePrivateDir', () => {
  test('makes the folder and its missing parents, mode 0700', () => {
    const dir = path.join(tempDir(), 'a', 'b');
    ensurePrivateDir(dir, uid);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(mode(dir)).toBe(0o700);
  });

  test('tightens a folder of ours that others could read or write', () => {
    const dir = path.join(tempDir(), 'loose');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    ensurePrivateDir(dir, uid);
    expect(mode(dir)).toBe(0o700);
  });

  test('refuses a folder that belongs to another user', () => {
    const dir = tempDir();
    const owner = statSync(dir).uid;
    expect(() => ensurePrivateDir(dir, owner + 1)).toThrow(/belongs to uid .*not to this user/);
  });

  test('refuses a file where the folder should be', () => {
    const file = path.join(tempDir(), 'f');
    writeFileSync(file, 'x');
    expect(() => ensurePrivateDir(file, uid)).toThrow(/EEXIST|not a folder/);
  });
});

describe('openCacheDir', () => {
  test('makes <root>/<name> under XDG_CACHE_HOME, both private', () => {
    const base = tempDir();
    const dir = openCacheDir('0.1.0-0123456789abcdef', { env: { XDG_CACHE_HOME: base }, home: '', tmp: base, uid });
    expect(dir).toBe(path.join(base, 'logagg', '0.1.0-0123456789abcdef'));
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.dirname(dir))).toBe(0o700);
  });

  test('falls back to the next root when one is unusable', () => {
    const base = tempDir();
    const blocked = path.join(base, 'blocked');
    writeFileSync(blocked, 'a file, not a folder');
    const home = path.join(base, 'home');
    const dir = openCacheDir('n', { env: { XDG_CACHE_HOME: blocked }, home, tmp: base, uid });
    expect(dir).toBe(path.join(home, '.cache', 'logagg', 'n'));
  });

  test('names every root and why when none is usable', () => {
    const base = tempDir();
    const blocked = path.join(base, 'blocked');
    writeFileSync(blocked, 'x');
    writeFileSync(path.join(base, `logagg-${uid ?? 'user'}`), 'x');
    const err = (() => {
      try {
        openCacheDir('n', { env: { XDG_CACHE_HOME: blocked }, home: '', tmp: base, uid });
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    })();
    expect(err.message).toMatch(/set XDG_CACHE_HOME/);
    expect(err.message).toContain(path.join(blocked, 'logagg'));
    expect(err.message).toContain(path.join(base, `logagg-${uid ?? 'user'}`));
  });
});
