#!/usr/bin/env node
// Builds dist/logagg, the single executable (Node.js Single Executable Applications), offline:
//
//   1. esbuild bundles the app (lib/sea/app-entry.js, from `npm run build`) to one ESM file, and
//      the SEA main (lib/sea/main.js) to CommonJS that requires built-ins only;
//   2. the bundle, the native addons and the embedded folders (contents.mjs) become SEA assets,
//      listed in a manifest with their content hash;
//   3. `node --experimental-sea-config` writes the blob; a copy of this node binary (symbols
//      stripped unless --no-strip) gets it injected with postject.
//
// Usage: npm run package                     (= npm run build && node scripts/package/build.mjs)
//        node scripts/package/build.mjs [--no-strip] [--out FILE]
// docs/package.md explains the layout at run time and the measured size and start-up time.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { ADDONS, EMBEDDED_DIRS, REPLACED_MODULES } from './contents.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const require = createRequire(import.meta.url);
// Node's own fuse name for the SEA blob (node/src/node_sea.cc), checked by postject.
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const SEA_RESOURCE = 'NODE_SEA_BLOB';
// CommonJS modules inside the ESM bundle require() built-ins through this require. esbuild
// renames a module's own top-level `require` around it; it would not rename a `__dirname`,
// so the banner defines nothing else (a module declaring one would be a SyntaxError).
const BANNER = "import { createRequire as __logaggCreateRequire } from 'node:module'; const require = __logaggCreateRequire(import.meta.url);";

const { values: flags } = parseArgs({
  options: {
    // keep the symbol tables of node (for native debuggers and profilers): ~12 MiB more
    'no-strip': { type: 'boolean', default: false },
    out: { type: 'string', default: 'dist/logagg' },
  },
});
const STRIP = !flags['no-strip'];
const OUT = path.resolve(ROOT, flags.out);

const timings = [];
async function step(name, fn) {
  const t0 = performance.now();
  const value = await fn();
  timings.push([name, performance.now() - t0]);
  return value;
}

/** A build problem with its fix: printed without a stack trace. */
class BuildError extends Error {}
function fail(message) {
  throw new BuildError(message);
}

const rel = (p) => path.relative(ROOT, p).split(path.sep).join('/');

async function main() {
  const t0 = performance.now();
  if (process.platform !== 'linux') {
    // macOS needs a Mach-O segment and re-signing, Windows a PE resource: not built or tested here.
    fail(`building on ${process.platform} is not supported; build on Linux (docs/package.md)`);
  }
  for (const f of ['lib/sea/app-entry.js', 'lib/sea/main.js', 'lib/sea/manifest.js']) {
    if (!existsSync(path.join(ROOT, f))) fail(`${f} is missing: run \`npm run build\` first (or \`npm run package\`)`);
  }
  // lib/sea/manifest.js is the SEA main's own reading of the manifest: one definition for both.
  const manifestModule = await import(path.join(ROOT, 'lib/sea/manifest.js'));
  const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

  // A private staging folder: two builds at once (two test runs) do not mix their files.
  const stage = mkdtempSync(path.join(os.tmpdir(), 'logagg-sea-build-'));
  let summary;
  try {
    summary = await build(stage, manifestModule, version);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  const total = performance.now() - t0;
  const lines = [...summary, ...timings.map(([name, ms]) => `  ${String(Math.round(ms)).padStart(6)} ms  ${name}`), `  ${String(Math.round(total)).padStart(6)} ms  total`];
  process.stdout.write(lines.join('\n') + '\n');
}

/** Builds OUT using the staging folder; returns the summary lines. */
async function build(stage, { MANIFEST_ASSET, MANIFEST_FORMAT, contentHash, parseManifest }, version) {
  // The bundle is unpacked at <cache>/lib/cli/: the app's lookups relative to its own file
  // (config/load.ts: ../../config/default.yaml) then stay inside the private cache dir.
  const entry = { asset: 'app/logagg.mjs', path: 'lib/cli/logagg.mjs', src: path.join(stage, 'app/logagg.mjs') };
  const bundle = await step('bundle app (esbuild, ESM)', () =>
    esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ['lib/sea/app-entry.js'],
      outfile: entry.src,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      banner: { js: BANNER },
      alias: Object.fromEntries(Object.entries(REPLACED_MODULES).map(([mod, file]) => [mod, './' + rel(path.join(HERE, file))])),
      // React and friends drop their development checks.
      define: { 'process.env.NODE_ENV': '"production"' },
      // Syntax only: dead branches go; names and line breaks stay, so a stack trace points
      // at readable code in the unpacked bundle. Minifying whitespace too saved 1.4 MiB and no
      // start-up time measurable here (docs/package.md).
      minifySyntax: true,
      legalComments: 'eof',
      metafile: true,
      logLevel: 'warning',
    }),
  );
  const nodeInputs = Object.keys(bundle.metafile.inputs).filter((f) => f.endsWith('.node'));
  if (nodeInputs.length) fail(`the app bundle contains native addons (${nodeInputs.join(', ')}); ship them through ADDONS in contents.mjs`);

  const seaMain = path.join(stage, 'sea-main.cjs');
  const mainBuild = await step('bundle SEA main (esbuild, CommonJS)', () =>
    esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ['lib/sea/main.js'],
      outfile: seaMain,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      metafile: true,
      logLevel: 'warning',
    }),
  );
  // An SEA main's require() reaches built-ins only: everything else must be in this file.
  const foreign = Object.keys(mainBuild.metafile.inputs).filter((f) => !f.startsWith('lib/sea/'));
  if (foreign.length) fail(`the SEA main imports more than lib/sea and built-ins: ${foreign.join(', ')}`);
  if (!/\bimport\(/.test(readFileSync(seaMain, 'utf8'))) fail('esbuild turned the SEA main\'s import() of the bundle into require(); the bundle is ESM and needs import()');

  const files = await step('collect addons and embedded folders', () => {
    const addons = ADDONS.map(({ name, file }) => {
      const src = path.join(ROOT, file);
      if (!existsSync(src)) fail(`addon ${name}: ${file} is missing; run \`npm install\` (it builds the addon)`);
      // The addon must load in this node: its binary becomes the executable.
      try {
        process.dlopen({ exports: {} }, src);
      } catch (e) {
        fail(`addon ${name} (${file}) does not load in node ${process.version}: ${e.message}; rebuild it with \`npm rebuild\``);
      }
      return { name, file: { asset: `addon/${name}.node`, path: `addons/${name}.node`, src } };
    });
    const embedded = EMBEDDED_DIRS.map(({ name, from, dir }) => {
      const base = path.join(ROOT, from);
      if (!existsSync(base) || !statSync(base).isDirectory()) fail(`embedded folder ${name}: ${from} is missing`);
      const found = walk(base).map((r) => ({ asset: `embedded/${name}/${r}`, path: `${dir}/${r}`, src: path.join(base, ...r.split('/')) }));
      return { name, dir, files: found };
    });
    return { addons, embedded };
  });

  const all = [entry, ...files.addons.map((a) => a.file), ...files.embedded.flatMap((d) => d.files)];
  const bytes = new Map(all.map((f) => [f.asset, readFileSync(f.src)]));
  const toManifestFile = (f) => ({ asset: f.asset, path: f.path, size: bytes.get(f.asset).byteLength });
  const manifest = {
    format: MANIFEST_FORMAT,
    version,
    hash: contentHash(all.map((f) => ({ asset: f.asset, path: f.path, bytes: bytes.get(f.asset) }))),
    entry: toManifestFile(entry),
    addons: files.addons.map((a) => ({ name: a.name, file: toManifestFile(a.file) })),
    embedded: files.embedded.map((d) => ({ name: d.name, dir: d.dir, files: d.files.map(toManifestFile) })),
  };
  const manifestText = JSON.stringify(manifest, null, 1);
  parseManifest(manifestText); // the SEA main's own check, before it is too late to fix
  const manifestFile = path.join(stage, MANIFEST_ASSET);
  writeFileSync(manifestFile, manifestText);

  const blob = path.join(stage, 'sea-prep.blob');
  const seaConfig = {
    main: seaMain,
    output: blob,
    disableExperimentalSEAWarning: true,
    // Code cache and snapshot stay off: the main is tiny, and import() needs neither.
    useSnapshot: false,
    useCodeCache: false,
    assets: Object.fromEntries([[MANIFEST_ASSET, manifestFile], ...all.map((f) => [f.asset, f.src])]),
  };
  const seaConfigFile = path.join(stage, 'sea-config.json');
  writeFileSync(seaConfigFile, JSON.stringify(seaConfig, null, 2));
  await step('write SEA blob (node --experimental-sea-config)', () => {
    quiet(process.execPath, ['--experimental-sea-config', seaConfigFile]);
  });

  mkdirSync(path.dirname(OUT), { recursive: true });
  const tmpOut = `${OUT}.${process.pid}.tmp`;
  let stripped;
  try {
    stripped = await step(STRIP ? 'copy node and strip symbols' : 'copy node', () => {
      let done = false;
      if (STRIP) {
        const r = spawnSync('strip', ['--strip-all', '-o', tmpOut, process.execPath], { stdio: ['ignore', 'ignore', 'pipe'] });
        if (r.error || r.status !== 0) {
          process.stderr.write(`package: strip unavailable or failed (${r.error?.message ?? r.stderr.toString().trim()}); keeping symbols\n`);
          copyFileSync(process.execPath, tmpOut);
        } else {
          done = true;
        }
      } else {
        copyFileSync(process.execPath, tmpOut);
      }
      chmodSync(tmpOut, 0o755);
      return done;
    });
    await step('inject blob (postject)', () => {
      // postject's CLI in a child: its ELF library prints harmless "Can't find string offset"
      // warnings for the note sections it adds; the output is shown only when it fails.
      quiet(process.execPath, [require.resolve('postject/dist/cli.js'), tmpOut, SEA_RESOURCE, blob, '--sentinel-fuse', SEA_FUSE]);
    });
    await step('smoke test (`version` from an empty folder)', () => smokeTest(tmpOut, version));
    renameSync(tmpOut, OUT);
    // The systemd unit travels with the executable (docs/operations.md installs both).
    copyFileSync(path.join(ROOT, 'scripts/package/logagg.service'), path.join(path.dirname(OUT), 'logagg.service'));
  } catch (e) {
    rmSync(tmpOut, { force: true });
    throw e;
  }

  const mib = (n) => (n / 1024 / 1024).toFixed(1) + ' MiB';
  return [
    `${OUT.startsWith(ROOT + path.sep) ? rel(OUT) : OUT}: ${mib(statSync(OUT).size)} (logagg ${version}, node ${process.version}, ${stripped ? 'node stripped' : 'node with symbols'})`,
    `  app bundle ${mib(bytes.get(entry.asset).byteLength)}, ` +
      files.addons.map((a) => `${a.name} addon ${mib(bytes.get(a.file.asset).byteLength)}`).join(', ') +
      `, ${files.embedded.map((d) => `${d.name}: ${d.files.length} files`).join(', ')}; cache dir name ${manifest.version}-${manifest.hash}`,
    `  systemd unit ${rel(path.join(path.dirname(OUT), 'logagg.service'))}`,
  ];
}

/** Runs a build tool; its output is shown only when it fails. */
function quiet(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error || r.status !== 0) {
    fail(`${[cmd, ...args].join(' ')} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}${r.error ? `, ${r.error.message}` : ''}):\n${r.stdout}${r.stderr}`);
  }
}

/** Files under dir, '/'-separated and sorted; hidden files and editor back-ups left out. */
function walk(dir, prefix = '') {
  const out = [];
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    if (ent.name.startsWith('.') || ent.name.endsWith('~') || ent.name.endsWith('.swp')) continue;
    const relName = prefix ? `${prefix}/${ent.name}` : ent.name;
    if (ent.isDirectory()) out.push(...walk(path.join(dir, ent.name), relName));
    else if (ent.isFile()) out.push(relName);
  }
  return out.sort();
}

/**
 * The new binary must start from a folder with nothing in it, with a cache of its own, and
 * reach SQLite (with FTS5) through the addon it carries.
 */
function smokeTest(bin, version) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'logagg-package-'));
  try {
    const r = spawnSync(bin, ['version'], { cwd: tmp, env: { PATH: '/usr/bin:/bin', HOME: tmp, XDG_CACHE_HOME: path.join(tmp, 'cache') }, encoding: 'utf8', timeout: 60_000 });
    const [first, , sqlite] = (r.stdout ?? '').split('\n');
    if (r.status !== 0 || first !== `logagg ${version}` || !/^sqlite \S+ \(FTS5\)$/.test(sqlite ?? '')) {
      fail(`the built executable does not work (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}${r.error ? `, ${r.error.message}` : ''}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  // esbuild has printed its errors with their source lines already
  const esbuildFailure = Array.isArray(e?.errors) && e.errors.length > 0;
  const message = e instanceof BuildError ? e.message : esbuildFailure ? `esbuild could not bundle (${e.errors.length} error(s) above); \`npm run build\` must succeed first` : e instanceof Error ? (e.stack ?? e.message) : String(e);
  process.stderr.write(`package: ${message}\n`);
  process.exitCode = 1;
});
