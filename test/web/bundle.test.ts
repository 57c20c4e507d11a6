// The real built console (lib/web, from `npm run build`): what a browser loads first stays
// under 300 KB gzipped, every name index.html uses is there, and nothing relies on what the
// CSP forbids (inline script or style, eval).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { loadConsoleFiles } from '../../src/api/console/console-files.js';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../lib/web');
const FIRST_LOAD_LIMIT = 300 * 1024;

test('first load (index.html and what it references) is at most 300 KB gzipped, with hashed names', () => {
  const html = readFileSync(path.join(WEB, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  expect(refs.map((r) => r.replace(/-[A-Z0-9]{8}\./, '-HASH.')).sort()).toEqual(['/ui/assets/app-HASH.css', '/ui/assets/app-HASH.js']);
  let gz = gzipSync(html).byteLength;
  for (const r of refs) gz += gzipSync(readFileSync(path.join(WEB, r.replace('/ui/', '')))).byteLength;
  expect(gz).toBeGreaterThan(10 * 1024); // the real app, not an empty shell
  expect(gz).toBeLessThanOrEqual(FIRST_LOAD_LIMIT);
});

test('no inline script, inline style or eval for the CSP to block', () => {
  const html = readFileSync(path.join(WEB, 'index.html'), 'utf8');
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  const files = loadConsoleFiles(WEB);
  const js = [...files].filter(([k]) => k.endsWith('.js'));
  expect(js).toHaveLength(1);
  for (const [, f] of js) expect(/\beval\(|new Function\(/.exec(f.body.toString())?.[0] ?? null).toBeNull();
});

test("the console's own code never hands text to the HTML parser, nor a credential to localStorage", () => {
  const src = path.resolve(WEB, '../../web');
  const found = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .filter((f) => /innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write|localStorage\.setItem\((?!'logagg\.theme')/.test(readFileSync(path.join(src, f), 'utf8')));
  expect(found).toEqual([]);
});
