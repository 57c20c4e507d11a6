/**
 * What the single executable carries besides its CommonJS main: the table of contents the
 * package script writes (scripts/package/build.mjs) and the SEA main reads back.
 *
 * Every shipped file is an SEA asset, unpacked on demand to `<cache dir>/<path>`. The cache
 * dir is named by the content hash of all assets, so a new build never reuses an old build's
 * files and two runs of the same build share them.
 *
 * Used by the build script (through lib/) and by the SEA main: only built-in modules here.
 */
import { createHash } from 'node:crypto';

/** Bump when the shape below changes. */
export const MANIFEST_FORMAT = 1;
/** The asset key of the manifest itself. */
export const MANIFEST_ASSET = 'manifest.json';

export interface SeaFile {
  /** SEA asset key. */
  asset: string;
  /** Where it is unpacked, relative to the cache dir, '/'-separated. */
  path: string;
  /** Bytes; an unpacked file of another size is written again. */
  size: number;
}

export interface SeaAddon {
  /** The name the app asks for: getNativeBinding('better-sqlite3'). */
  name: string;
  file: SeaFile;
}

export interface SeaEmbeddedDir {
  /** The name the app asks for: getEmbeddedDir('rules'). */
  name: string;
  /** The folder, relative to the cache dir, that holds the files below. */
  dir: string;
  files: SeaFile[];
}

export interface SeaManifest {
  format: number;
  /** logagg version, for humans looking at the cache dir. */
  version: string;
  /** Content hash of every asset below (see contentHash). */
  hash: string;
  /** The ESM bundle of the app; exports start(argv, runtime). */
  entry: SeaFile;
  addons: SeaAddon[];
  embedded: SeaEmbeddedDir[];
}

/** Hex digits of the content hash kept in the manifest and the cache dir's name. */
const HASH_HEX = 16;

/**
 * SHA-256 over every (asset key, unpack path, bytes) triple in key order, cut to 64 bits: the
 * same files give the same hash whatever order they were listed in; any changed byte, key or
 * path gives another.
 */
export function contentHash(files: readonly { asset: string; path: string; bytes: Uint8Array }[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0))) {
    h.update(`${f.asset}\0${f.path}\0${f.bytes.byteLength}\0`);
    h.update(f.bytes);
  }
  return h.digest('hex').slice(0, HASH_HEX);
}

/** `<version>-<hash>`: the name of this build's folder under the cache root. */
export function cacheDirName(m: Pick<SeaManifest, 'version' | 'hash'>): string {
  return `${m.version}-${m.hash}`;
}

/** Every file the manifest names, the entry first. */
export function manifestFiles(m: SeaManifest): SeaFile[] {
  return [m.entry, ...m.addons.map((a) => a.file), ...m.embedded.flatMap((d) => d.files)];
}

/**
 * Reads and checks a manifest. It is written by our own build, but a path that could leave the
 * cache dir must never be written to, whatever produced it.
 */
export function parseManifest(text: string): SeaManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`the executable's manifest is not JSON: ${(e as Error).message}`);
  }
  const m = doc as SeaManifest;
  const fail = (why: string): never => {
    throw new Error(`the executable's manifest is damaged: ${why}`);
  };
  if (!m || typeof m !== 'object') fail('not an object');
  if (m.format !== MANIFEST_FORMAT) fail(`format ${String(m.format)}, this main reads ${MANIFEST_FORMAT}`);
  if (typeof m.version !== 'string' || !/^[\w.+-]+$/.test(m.version)) fail('bad version');
  if (typeof m.hash !== 'string' || !new RegExp(`^[0-9a-f]{${HASH_HEX}}$`).test(m.hash)) fail('bad hash');
  if (!Array.isArray(m.addons) || !Array.isArray(m.embedded)) fail('addons and embedded must be lists');
  for (const d of m.embedded) {
    if (!d || typeof d.name !== 'string' || !Array.isArray(d.files)) fail('bad embedded folder');
    if (!isSafeRelative(d.dir)) fail(`embedded folder ${JSON.stringify(d.dir)} leaves the cache dir`);
    for (const f of d.files) {
      if (f && typeof f.path === 'string' && !f.path.startsWith(d.dir + '/')) fail(`${f.path} is outside ${d.dir}`);
    }
  }
  for (const a of m.addons) if (!a || typeof a.name !== 'string') fail('bad addon');
  for (const f of manifestFiles(m)) {
    if (!f || typeof f.asset !== 'string' || f.asset === '') fail('a file without an asset key');
    if (!isSafeRelative(f.path)) fail(`path ${JSON.stringify(f.path)} leaves the cache dir`);
    if (!Number.isSafeInteger(f.size) || f.size < 0) fail(`bad size for ${f.path}`);
  }
  return m;
}

/** A non-empty '/'-separated relative path with no '.', '..' or empty segment. */
export function isSafeRelative(p: unknown): p is string {
  if (typeof p !== 'string' || p === '' || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}
