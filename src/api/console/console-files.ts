/**
 * The web console's built files (web/ bundled by scripts/build-web.mjs into lib/web/), read once
 * into memory with a gzip copy each: the server answers from memory and never touches the file
 * system per request, so a request path can never name a file outside the set.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { getEmbeddedDir } from '../../runtime/embedded.js';

export interface ConsoleFile {
  body: Buffer;
  /** Present when gzip made it smaller. */
  gzip?: Buffer;
  type: string;
  etag: string;
  /** A content-hashed name: cached for a year; index.html is revalidated every time. */
  immutable: boolean;
}

/** URL path (`/ui/assets/app-3F2A.js`, `/ui/index.html`) → file. */
export type ConsoleFiles = ReadonlyMap<string, ConsoleFile>;

/** The folder name the single executable ships the console under (scripts/package/contents.mjs). */
export const CONSOLE_EMBEDDED = 'console';
export const CONSOLE_PREFIX = '/ui';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** esbuild's `[name]-[hash]` entry and asset names: 8 upper-case base32 characters. */
const HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+$/;

/**
 * Where the built console is: the executable's embedded copy, else lib/web next to the code
 * (the same path from src/api/console under vitest and from lib/api/console when built).
 */
export function defaultConsoleDir(): string {
  return getEmbeddedDir(CONSOLE_EMBEDDED) ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../lib/web');
}

/** Every file under dir, keyed by its URL path under /ui; empty when dir has no index.html. */
export function loadConsoleFiles(dir: string): ConsoleFiles {
  const files = new Map<string, ConsoleFile>();
  if (!existsSync(path.join(dir, 'index.html'))) return files;
  for (const rel of walk(dir)) {
    const body = readFileSync(path.join(dir, ...rel.split('/')));
    const type = TYPES[path.extname(rel).toLowerCase()] ?? 'application/octet-stream';
    const file: ConsoleFile = { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`, immutable: HASHED.test(rel) };
    if (/^(text|application\/json|image\/svg)/.test(type)) {
      const gz = gzipSync(body, { level: 9 });
      if (gz.byteLength < body.byteLength) file.gzip = gz;
    }
    files.set(`${CONSOLE_PREFIX}/${rel}`, file);
  }
  return files;
}

function walk(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') || name.endsWith('.map')) continue;
    const full = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) out.push(...walk(full, rel));
    else out.push(rel);
  }
  return out;
}
