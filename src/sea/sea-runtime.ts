/**
 * Builds the SeaRuntime from the manifest: a name -> loader table for the addons and a name ->
 * folder table for the embedded folders, both filled from the manifest, so shipping another
 * addon or folder is an entry in the package script (scripts/package/contents.mjs), not code.
 * Only built-in modules here: this runs in the SEA main.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { materialize, type AssetReader } from './materialize.js';
import type { SeaManifest } from './manifest.js';
import type { SeaRuntime, SeaWorkerRuntime } from '../runtime/runtime-handoff.js';

/** Loads an addon file and returns its exports. */
export type AddonLoader = (file: string) => unknown;

/** process.dlopen into a fresh module object: what require() does for a .node file. */
export function dlopenExports(file: string): unknown {
  const module = { exports: {} as unknown };
  process.dlopen(module, file);
  return module.exports;
}

export interface SeaRuntimeOptions {
  manifest: SeaManifest;
  cacheDir: string;
  readAsset: AssetReader;
  /** Default dlopenExports. */
  loadAddon?: AddonLoader;
}

export function createSeaRuntime(opts: SeaRuntimeOptions): SeaRuntime {
  const { manifest, cacheDir, readAsset } = opts;
  const load = opts.loadAddon ?? dlopenExports;

  const addons = new Map<string, () => unknown>();
  for (const addon of manifest.addons) {
    addons.set(addon.name, once(() => {
      const file = materialize(cacheDir, addon.file, readAsset);
      try {
        return load(file);
      } catch (e) {
        throw new Error(
          `cannot load the ${addon.name} addon from ${file}: ${(e as Error).message}` +
            ' (a cache folder on a noexec file system cannot hold addons: set XDG_CACHE_HOME elsewhere)',
          { cause: e },
        );
      }
    }));
  }

  const folders = new Map<string, () => string>();
  for (const dir of manifest.embedded) {
    folders.set(dir.name, once(() => {
      for (const f of dir.files) materialize(cacheDir, f, readAsset);
      return materializeDirPath(cacheDir, dir.dir);
    }));
  }

  return {
    cacheDir,
    nativeBinding: (name) => addons.get(name)?.(),
    embeddedDir: (name) => folders.get(name)?.(),
    forWorker: () => ({
      cacheDir,
      bundleFile: materialize(cacheDir, manifest.entry, readAsset),
      addons: Object.fromEntries(manifest.addons.map((a) => [a.name, materialize(cacheDir, a.file, readAsset)])),
      // Unpacked here, on the main thread: the API thread serves the console from its folder.
      embedded: Object.fromEntries(manifest.embedded.map((d) => [d.name, folders.get(d.name)!()])),
    }),
  };
}

/**
 * The runtime of a worker thread started from the executable (the API thread of `serve`):
 * addons are loaded from the files the main thread unpacked (process.dlopen again in this
 * thread: better-sqlite3 is context-aware). Embedded folders are those the main thread unpacked.
 */
export function workerSeaRuntime(w: SeaWorkerRuntime, loadAddon: AddonLoader = dlopenExports): SeaRuntime {
  const addons = new Map<string, () => unknown>();
  for (const [name, file] of Object.entries(w.addons)) addons.set(name, once(() => loadAddon(file)));
  return {
    cacheDir: w.cacheDir,
    nativeBinding: (name) => addons.get(name)?.(),
    embeddedDir: (name) => (w.embedded && Object.hasOwn(w.embedded, name) ? w.embedded[name] : undefined),
  };
}

/** The folder itself, made even when it ships no files (an empty rules folder is valid). */
function materializeDirPath(cacheDir: string, dir: string): string {
  const full = path.join(cacheDir, ...dir.split('/'));
  mkdirSync(full, { recursive: true, mode: 0o700 });
  return full;
}

/** Runs fn on the first call and returns its value ever after; a throw is not remembered. */
function once<T>(fn: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = fn();
      done = true;
    }
    return value;
  };
}
