/**
 * Unpacking one shipped file into the cache dir, once: later starts find it and reuse it.
 * Only built-in modules here: this runs in the SEA main.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { SeaFile } from './manifest.js';

/** Reads an asset's bytes (node:sea's getRawAsset in the executable, a file in tests). */
export type AssetReader = (asset: string) => Uint8Array;

/** The absolute path of a manifest file inside the cache dir. */
export function unpackedPath(cacheDir: string, file: SeaFile): string {
  return path.join(cacheDir, ...file.path.split('/'));
}

/**
 * Returns the path of `file` under `cacheDir`, writing it first unless a file of the expected
 * size is already there. The write is atomic (a temp file in the same folder, fsync, rename),
 * so a crash or a second process starting at the same moment never leaves, or sees, half a
 * file: whichever rename lands last wins, with the same bytes.
 */
export function materialize(cacheDir: string, file: SeaFile, read: AssetReader): string {
  const target = unpackedPath(cacheDir, file);
  if (sizeOf(target) === file.size) return target;
  const bytes = read(file.asset);
  if (bytes.byteLength !== file.size) {
    throw new Error(`asset ${file.asset} has ${bytes.byteLength} bytes, the manifest says ${file.size}: the executable is damaged`);
  }
  mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  writeAtomic(target, bytes);
  return target;
}

export function writeAtomic(target: string, bytes: Uint8Array): void {
  const tmp = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  // wx: never follow or reuse something already at the temp name
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      let off = 0;
      while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
}

function sizeOf(file: string): number | null {
  try {
    const st = statSync(file);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}
