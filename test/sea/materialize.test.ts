import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { materialize, unpackedPath, writeAtomic, type AssetReader } from '../../src/sea/materialize.js';
import type { SeaFile } from '../../src/sea/manifest.js';
import { tempDir } from '../helpers/temp.js';

const enc = (s: string) => new TextEncoder().encode(s);

/** An asset reader over a table, counting reads. */
function reader(assets: Record<string, string>): AssetReader & { reads: string[] } {
  const reads: string[] = [];
  const read = ((asset: string) => {
    reads.push(asset);
    const text = assets[asset];
    if (text === undefined) throw new Error(`no asset ${asset}`);
    return enc(text);
  }) as AssetReader & { reads: string[] };
  read.reads = reads;
  return read;
}

const FILE: SeaFile = { asset: 'app/x.mjs', path: 'lib/cli/x.mjs', size: 5 };

describe('materialize', () => {
  test('writes the asset at its path, private to the user, and leaves no temp file', () => {
    const dir = tempDir();
    const read = reader({ 'app/x.mjs': 'hello' });
    const file = materialize(dir, FILE, read);
    expect(file).toBe(path.join(dir, 'lib', 'cli', 'x.mjs'));
    expect(readFileSync(file, 'utf8')).toBe('hello');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'lib')).mode & 0o777).toBe(0o700);
    expect(readdirSync(path.dirname(file))).toEqual(['x.mjs']);
  });

  test('reuses a file of the expected size without reading the asset again', () => {
    const dir = tempDir();
    const read = reader({ 'app/x.mjs': 'hello' });
    materialize(dir, FILE, read);
    materialize(dir, FILE, read);
    expect(read.reads).toEqual(['app/x.mjs']);
  });

  test.each([
    ['cut short (a crash of a writer without atomic rename)', 'hel'],
    ['empty', ''],
    ['longer', 'hello, world'],
  ])('writes again over a file %s', (_, existing) => {
    const dir = tempDir();
    const target = unpackedPath(dir, FILE);
    materialize(dir, FILE, reader({ 'app/x.mjs': 'hello' }));
    writeFileSync(target, existing);
    materialize(dir, FILE, reader({ 'app/x.mjs': 'hello' }));
    expect(readFileSync(target, 'utf8')).toBe('hello');
  });

  test('refuses an asset whose size is not the manifest\'s, and writes nothing', () => {
    const dir = tempDir();
    expect(() => materialize(dir, FILE, reader({ 'app/x.mjs': 'hello!' }))).toThrow(/6 bytes, the manifest says 5/);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a zero-byte file is a file too', () => {
    const dir = tempDir();
    const empty: SeaFile = { asset: 'e', path: 'config/rules/empty.yaml', size: 0 };
    expect(readFileSync(materialize(dir, empty, reader({ e: '' })), 'utf8')).toBe('');
  });
});

describe('writeAtomic', () => {
  test('replaces an existing file whole', () => {
    const dir = tempDir();
    const target = path.join(dir, 'f');
    writeFileSync(target, 'old contents, longer than the new');
    writeAtomic(target, enc('new'));
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['f']);
  });

  test('a write that fails leaves neither the target nor a temp file', () => {
    const dir = tempDir();
    const target = path.join(dir, 'f');
    mkdirSync(target); // a folder where the file should go: the rename fails
    expect(() => writeAtomic(target, enc('x'))).toThrow();
    expect(readdirSync(dir)).toEqual(['f']);
    expect(statSync(target).isDirectory()).toBe(true);
  });
});
