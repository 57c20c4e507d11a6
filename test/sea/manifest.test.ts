import { describe, expect, test } from 'vitest';
import { cacheDirName, contentHash, isSafeRelative, manifestFiles, MANIFEST_FORMAT, parseManifest, type SeaManifest } from '../../src/sea/manifest.js';

const bytes = (s: string) => new TextEncoder().encode(s);

function manifest(over: Partial<SeaManifest> = {}): SeaManifest {
  return {
    format: MANIFEST_FORMAT,
    version: '0.1.0',
    hash: '0123456789abcdef',
    entry: { asset: 'app/logagg.mjs', path: 'lib/cli/logagg.mjs', size: 10 },
    addons: [{ name: 'better-sqlite3', file: { asset: 'addon/better-sqlite3.node', path: 'addons/better-sqlite3.node', size: 20 } }],
    embedded: [{ name: 'rules', dir: 'config/rules', files: [{ asset: 'embedded/rules/a.yaml', path: 'config/rules/a.yaml', size: 0 }] }],
    ...over,
  };
}

describe('contentHash', () => {
  const a = { asset: 'a', path: 'x/a', bytes: bytes('one') };
  const b = { asset: 'b', path: 'x/b', bytes: bytes('two') };

  test('no files still has a hash of 16 hex digits', () => {
    expect(contentHash([])).toMatch(/^[0-9a-f]{16}$/);
  });

  test('the order files are listed in does not matter', () => {
    expect(contentHash([a, b])).toBe(contentHash([b, a]));
  });

  test.each([
    ['a changed byte', [{ ...a, bytes: bytes('onE') }, b]],
    ['a renamed asset', [{ ...a, asset: 'c' }, b]],
    ['another unpack path', [{ ...a, path: 'y/a' }, b]],
    ['a file less', [a]],
    // without lengths in the hash, moving bytes from one file to the next could collide
    ['bytes moved between files', [{ ...a, bytes: bytes('onet') }, { ...b, bytes: bytes('wo') }]],
  ])('%s changes it', (_, files) => {
    expect(contentHash(files)).not.toBe(contentHash([a, b]));
  });
});

describe('parseManifest', () => {
  test('reads back what the build writes', () => {
    const m = manifest();
    expect(parseManifest(JSON.stringify(m))).toEqual(m);
    expect(manifestFiles(m).map((f) => f.asset)).toEqual(['app/logagg.mjs', 'addon/better-sqlite3.node', 'embedded/rules/a.yaml']);
    expect(cacheDirName(m)).toBe('0.1.0-0123456789abcdef');
  });

  test.each<[string, string]>([
    ['empty text', ''],
    ['not JSON', '{format:1'],
    ['null', 'null'],
    ['another format', JSON.stringify(manifest({ format: MANIFEST_FORMAT + 1 }))],
    ['a version with a slash', JSON.stringify(manifest({ version: '../x' }))],
    ['a short hash', JSON.stringify(manifest({ hash: 'abc' }))],
    ['addons not a list', JSON.stringify({ ...manifest(), addons: {} })],
    ['an entry path that climbs out', JSON.stringify(manifest({ entry: { asset: 'app', path: '../../.bashrc', size: 1 } }))],
    ['an absolute entry path', JSON.stringify(manifest({ entry: { asset: 'app', path: '/etc/passwd', size: 1 } }))],
    ['an addon without asset key', JSON.stringify(manifest({ addons: [{ name: 'x', file: { asset: '', path: 'addons/x.node', size: 1 } }] }))],
    ['a negative size', JSON.stringify(manifest({ entry: { asset: 'app', path: 'lib/a.mjs', size: -1 } }))],
    ['an embedded folder that climbs out', JSON.stringify(manifest({ embedded: [{ name: 'rules', dir: '..', files: [] }] }))],
    [
      'an embedded file outside its folder',
      JSON.stringify(manifest({ embedded: [{ name: 'rules', dir: 'config/rules', files: [{ asset: 'e', path: 'config/other.yaml', size: 1 }] }] })),
    ],
    [
      'an embedded file named like its folder',
      JSON.stringify(manifest({ embedded: [{ name: 'rules', dir: 'config/rules', files: [{ asset: 'e', path: 'config/rules', size: 1 }] }] })),
    ],
  ])('refuses %s', (_, text) => {
    expect(() => parseManifest(text)).toThrow(/manifest/);
  });
});

describe('isSafeRelative', () => {
  test.each<[unknown, boolean]>([
    ['', false],
    [null, false],
    ['/abs', false],
    ['..', false],
    ['a/../../b', false],
    ['a/./b', false],
    ['a//b', false],
    ['a/', false],
    ['a\\b', false],
    ['a\0b', false],
    ['a', true],
    ['lib/cli/logagg.mjs', true],
    ['config/rules/lists/bad-ips.txt', true],
    ['..hidden/x', true], // a name that merely starts with dots stays inside
  ])('%j -> %s', (p, ok) => {
    expect(isSafeRelative(p)).toBe(ok);
  });
});
