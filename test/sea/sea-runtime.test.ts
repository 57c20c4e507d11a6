// The runtime the single executable hands the app, exercised outside the executable: assets
// come from files, and the real better-sqlite3 addon is loaded through process.dlopen.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { MANIFEST_FORMAT, type SeaFile, type SeaManifest } from '../../src/sea/manifest.js';
import { Worker } from 'node:worker_threads';
import { createSeaRuntime, dlopenExports } from '../../src/sea/sea-runtime.js';
import { tempDir } from '../helpers/temp.js';

const require = createRequire(import.meta.url);
const ADDON = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
const ADDON_BYTES = readFileSync(ADDON);

const assets: Record<string, Uint8Array> = {
  'addon/better-sqlite3.node': ADDON_BYTES,
  'addon/broken.node': new TextEncoder().encode('not an ELF file'),
  'embedded/rules/a.yaml': new TextEncoder().encode('id: a\n'),
  'app/logagg.mjs': new TextEncoder().encode('export {};\n'),
  'embedded/rules/lists/ips.txt': new TextEncoder().encode('192.0.2.1\n'),
};
const file = (asset: string, p: string): SeaFile => ({ asset, path: p, size: assets[asset]?.byteLength ?? 0 });

const MANIFEST: SeaManifest = {
  format: MANIFEST_FORMAT,
  version: '0.1.0',
  hash: '0123456789abcdef',
  entry: file('app/logagg.mjs', 'lib/cli/logagg.mjs'),
  addons: [
    { name: 'better-sqlite3', file: file('addon/better-sqlite3.node', 'addons/better-sqlite3.node') },
    { name: 'broken', file: file('addon/broken.node', 'addons/broken.node') },
  ],
  embedded: [
    { name: 'rules', dir: 'config/rules', files: [file('embedded/rules/a.yaml', 'config/rules/a.yaml'), file('embedded/rules/lists/ips.txt', 'config/rules/lists/ips.txt')] },
    { name: 'nothing', dir: 'config/nothing', files: [] },
  ],
};

function runtime(loadAddon?: (f: string) => unknown) {
  const cacheDir = tempDir();
  const reads: string[] = [];
  const rt = createSeaRuntime({
    manifest: MANIFEST,
    cacheDir,
    readAsset: (a) => {
      reads.push(a);
      const b = assets[a];
      if (!b) throw new Error(`no asset ${a}`);
      return b;
    },
    loadAddon,
  });
  return { rt, cacheDir, reads };
}

describe('createSeaRuntime', () => {
  test('unpacks nothing until asked', () => {
    const { rt, cacheDir, reads } = runtime();
    expect(rt.cacheDir).toBe(cacheDir);
    expect(readdirSync(cacheDir)).toEqual([]);
    expect(reads).toEqual([]);
  });

  test('names neither shipped: undefined', () => {
    const { rt, cacheDir } = runtime();
    expect(rt.nativeBinding('better-sqlite3-multiple-ciphers')).toBeUndefined();
    expect(rt.embeddedDir('intel')).toBeUndefined();
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  test('loads the real SQLite addon with process.dlopen; the driver opens a database with it and FTS5 works', () => {
    const { rt, cacheDir } = runtime();
    const binding = rt.nativeBinding('better-sqlite3');
    expect(existsSync(path.join(cacheDir, 'addons', 'better-sqlite3.node'))).toBe(true);
    const db = new Database(':memory:', { nativeBinding: binding as string });
    try {
      db.exec("CREATE VIRTUAL TABLE t USING fts5(msg); INSERT INTO t VALUES ('disk full on web-01'), ('all good')");
      expect(db.prepare("SELECT count(*) FROM t WHERE t MATCH 'disk'").pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });

  test('loads each addon once, however often asked', () => {
    const loads: string[] = [];
    const { rt, reads } = runtime((f) => {
      loads.push(f);
      return dlopenExports(f);
    });
    const first = rt.nativeBinding('better-sqlite3');
    expect(rt.nativeBinding('better-sqlite3')).toBe(first);
    expect(loads).toHaveLength(1);
    expect(reads).toEqual(['addon/better-sqlite3.node']);
  });

  test('an addon that cannot load names the file and the likely fix, and is tried again next time', () => {
    const { rt } = runtime();
    expect(() => rt.nativeBinding('broken')).toThrow(/cannot load the broken addon from .*broken\.node.*noexec/s);
    expect(() => rt.nativeBinding('broken')).toThrow(/cannot load the broken addon/);
  });

  test('unpacks an embedded folder with its sub-folders, once', () => {
    const { rt, cacheDir, reads } = runtime();
    const dir = rt.embeddedDir('rules');
    expect(dir).toBe(path.join(cacheDir, 'config', 'rules'));
    expect(readFileSync(path.join(dir!, 'a.yaml'), 'utf8')).toBe('id: a\n');
    expect(readFileSync(path.join(dir!, 'lists', 'ips.txt'), 'utf8')).toBe('192.0.2.1\n');
    expect(rt.embeddedDir('rules')).toBe(dir);
    expect(reads).toEqual(['embedded/rules/a.yaml', 'embedded/rules/lists/ips.txt']);
  });

  test('an embedded folder with no files is still a folder', () => {
    const { rt } = runtime();
    const dir = rt.embeddedDir('nothing')!;
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('the runtime of a worker thread (the API thread of `serve`)', () => {
  test('forWorker unpacks the bundle, the addons and the embedded folders; a worker thread loads the SQLite addon from there and FTS5 works, and finds the folders', async () => {
    const { rt, cacheDir } = runtime();
    const w = rt.forWorker!();
    expect(w).toEqual({
      cacheDir,
      bundleFile: path.join(cacheDir, 'lib', 'cli', 'logagg.mjs'),
      addons: { 'better-sqlite3': path.join(cacheDir, 'addons', 'better-sqlite3.node'), broken: path.join(cacheDir, 'addons', 'broken.node') },
      embedded: { rules: path.join(cacheDir, 'config', 'rules'), nothing: expect.any(String) },
    });
    expect(readFileSync(path.join(w.embedded!.rules!, 'a.yaml'), 'utf8')).toBe('id: a\n');
    expect(readFileSync(w.bundleFile, 'utf8')).toBe('export {};\n');
    // A real thread: workerSeaRuntime (built lib/) dlopens the addon again there.
    const lib = new URL('../../lib/sea/sea-runtime.js', import.meta.url).href;
    const code = `
      import { parentPort, workerData } from 'node:worker_threads';
      import { createRequire } from 'node:module';
      const { workerSeaRuntime } = await import(${JSON.stringify(lib)});
      const Database = createRequire(${JSON.stringify(import.meta.url)})('better-sqlite3');
      const rt = workerSeaRuntime(workerData);
      const db = new Database(':memory:', { nativeBinding: rt.nativeBinding('better-sqlite3') });
      db.exec("CREATE VIRTUAL TABLE t USING fts5(msg); INSERT INTO t VALUES ('disk full'), ('fine')");
      parentPort.postMessage({ hits: db.prepare("SELECT count(*) FROM t WHERE t MATCH 'disk'").pluck().get(), other: rt.nativeBinding('nope') ?? null, dir: rt.embeddedDir('rules') ?? null, none: rt.embeddedDir('toString') ?? null });
      db.close();
    `;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: w });
    const answer = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(answer).toEqual({ hits: 1, other: null, dir: path.join(cacheDir, 'config', 'rules'), none: null });
  });
});
