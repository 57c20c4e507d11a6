#!/usr/bin/env node
// Builds the web console (web/) into lib/web/: one minified ES module and one style sheet with
// content-hashed names under assets/, and index.html naming them. Part of `npm run build`; the
// API serves lib/web from memory (src/api/console/), the single executable embeds it
// (scripts/package/contents.mjs). No inline script or style: the console's CSP forbids both.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'lib/web');
const PUBLIC = '/ui/assets/';

rmSync(OUT, { recursive: true, force: true });
mkdirSync(path.join(OUT, 'assets'), { recursive: true });

const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: { app: 'web/main.tsx' },
  outdir: path.join(OUT, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  metafile: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
const js = outputs.find((f) => /^app-[A-Z0-9]{8}\.js$/.test(f));
const css = outputs.find((f) => /^app-[A-Z0-9]{8}\.css$/.test(f));
if (!js || !css) throw new Error(`build-web: expected app-HASH.js and app-HASH.css, got ${outputs.join(', ')}`);

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>logagg</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${PUBLIC}${css}">
<script type="module" src="${PUBLIC}${js}"></script>
</head>
<body>
<div id="app"><noscript>The logagg console needs JavaScript.</noscript></div>
</body>
</html>
`;
writeFileSync(path.join(OUT, 'index.html'), html);
