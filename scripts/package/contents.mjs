// What the single executable carries besides the app bundle. Each list is data: shipping
// another native addon or folder is one entry here; the runtime reads the manifest the build
// writes and needs no change (src/sea/sea-runtime.ts).

/**
 * Native addons: `name` is what the app asks for (getNativeBinding(name) in
 * src/runtime/native.ts), `file` the compiled addon, relative to the repository root. The
 * addon must be built for the Node.js that runs the build: its binary becomes the executable.
 * @type {{ name: string, file: string }[]}
 */
export const ADDONS = [
  { name: 'better-sqlite3', file: 'node_modules/better-sqlite3/build/Release/better_sqlite3.node' },
  // the encrypting fork (src/store/sqlite.ts CIPHER_ADDON), loaded only for encrypted databases
  { name: 'better-sqlite3-multiple-ciphers', file: 'node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node' },
];

/**
 * Folders: `name` is what the app asks for (getEmbeddedDir(name) in src/runtime/embedded.ts),
 * `from` the folder in the repository (every file under it but hidden files and editor
 * back-ups), `dir` where it is unpacked inside the cache dir (the same layout as the package).
 * @type {{ name: string, from: string, dir: string }[]}
 */
export const EMBEDDED_DIRS = [
  { name: 'rules', from: 'config/rules', dir: 'config/rules' },
  // the web console built by `npm run build` (scripts/build-web.mjs); served from memory by the API thread
  { name: 'console', from: 'lib/web', dir: 'lib/web' },
];

/**
 * Modules the app bundle must not contain, replaced by a local file.
 * - react-devtools-core: Ink imports it only when DEV=true; it is large and optional.
 * - bindings: better-sqlite3's way to find its addon from node_modules, which the executable
 *   has not; inside it the addon comes through nativeBinding instead.
 * @type {Record<string, string>}
 */
export const REPLACED_MODULES = {
  'react-devtools-core': 'stubs/react-devtools-core.mjs',
  bindings: 'stubs/bindings.cjs',
};
