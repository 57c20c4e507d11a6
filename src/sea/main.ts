/**
 * The main script of the single executable (dist/logagg). Node runs an SEA main as CommonJS
 * whose require() reaches built-in modules only, and Ink needs ESM (yoga-layout uses top-level
 * await), so this main stays tiny: it unpacks the ESM app bundle into the private cache dir,
 * import()s it by file URL and hands it the SeaRuntime (addons, embedded folders).
 * scripts/package/build.mjs bundles this file to CommonJS; it must import built-ins only.
 */
import { homedir, tmpdir } from 'node:os';
import { getAsset, getRawAsset, isSea } from 'node:sea';
import { pathToFileURL } from 'node:url';
import { openCacheDir } from './cache-dir.js';
import { cacheDirName, MANIFEST_ASSET, parseManifest } from './manifest.js';
import { materialize, type AssetReader } from './materialize.js';
import type { SeaRuntime } from '../runtime/runtime-handoff.js';
import { createSeaRuntime } from './sea-runtime.js';

interface AppBundle {
  start(argv: string[], runtime: SeaRuntime): Promise<number>;
}

// getRawAsset: a view of the bytes inside the executable, no copy.
const readAsset: AssetReader = (key) => new Uint8Array(getRawAsset(key) as ArrayBuffer);

async function run(): Promise<number> {
  if (!isSea()) {
    process.stderr.write('logagg: this is the main of the single executable (dist/logagg); run bin/logagg instead\n');
    return 1;
  }
  let runtime: SeaRuntime;
  let entry: string;
  try {
    const manifest = parseManifest(getAsset(MANIFEST_ASSET, 'utf8'));
    const cacheDir = openCacheDir(cacheDirName(manifest), {
      // The executable's main may import lib/sea and built-ins only (scripts/package/build.mjs),
      // so it reads the environment itself, before the app (and its config loading) is unpacked.
      env: process.env,
      home: safeHomedir(),
      tmp: tmpdir(),
      uid: process.getuid?.(),
    });
    runtime = createSeaRuntime({ manifest, cacheDir, readAsset });
    entry = materialize(cacheDir, manifest.entry, readAsset);
  } catch (e) {
    process.stderr.write(`logagg: cannot unpack the executable's files: ${(e as Error).message}\n`);
    return 1;
  }
  const app = (await import(pathToFileURL(entry).href)) as AppBundle;
  return app.start(process.argv, runtime);
}

function safeHomedir(): string {
  try {
    return homedir();
  } catch {
    return ''; // no HOME and no passwd entry: the temp-dir fallback applies
  }
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`logagg: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
