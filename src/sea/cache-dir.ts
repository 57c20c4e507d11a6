/**
 * The private folder the single executable unpacks its files into: the app bundle, native
 * addons, embedded folders. Per user, mode 0700, one sub-folder per build (see manifest.ts).
 * Only built-in modules here: this runs in the SEA main.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface CacheLocation {
  /** XDG_CACHE_HOME is read from here. */
  env: Readonly<Record<string, string | undefined>>;
  /** The user's home ('' when unknown). */
  home: string;
  /** The OS temp dir: the last resort, as `<tmp>/logagg-<uid>`. */
  tmp: string;
  /** process.getuid(); undefined where there is none (Windows): ownership is not checked. */
  uid: number | undefined;
}

/**
 * Where to put the cache, best first: $XDG_CACHE_HOME/logagg (the XDG spec ignores a relative
 * value), ~/.cache/logagg, then a per-user folder in the temp dir (a service account may have
 * no writable home).
 */
export function cacheRoots(loc: CacheLocation): string[] {
  const roots: string[] = [];
  const xdg = loc.env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) roots.push(path.join(xdg, 'logagg'));
  if (loc.home && path.isAbsolute(loc.home)) roots.push(path.join(loc.home, '.cache', 'logagg'));
  roots.push(path.join(loc.tmp, `logagg-${loc.uid ?? 'user'}`));
  return [...new Set(roots)];
}

/**
 * Makes `dir` (and missing parents) and checks it is a folder owned by `uid` that nobody else
 * can write into or read: files unpacked there are loaded as code. A folder of ours with a
 * looser mode is tightened; one owned by someone else is refused.
 */
export function ensurePrivateDir(dir: string, uid: number | undefined): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a folder`);
  if (uid !== undefined && st.uid !== uid) throw new Error(`${dir} belongs to uid ${st.uid}, not to this user (uid ${uid}); remove it or set XDG_CACHE_HOME`);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/**
 * The folder `<root>/<name>` under the first usable root, made private. Throws, with every
 * root's reason, when none is usable.
 */
export function openCacheDir(name: string, loc: CacheLocation): string {
  const problems: string[] = [];
  for (const root of cacheRoots(loc)) {
    try {
      ensurePrivateDir(root, loc.uid);
      const dir = path.join(root, name);
      ensurePrivateDir(dir, loc.uid);
      return dir;
    } catch (e) {
      problems.push(`${root}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no usable cache folder for the executable's files (set XDG_CACHE_HOME to a writable folder):\n  ${problems.join('\n  ')}`);
}
