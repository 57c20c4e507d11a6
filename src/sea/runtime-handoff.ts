/**
 * The hand-off between the single executable's CommonJS main and the app bundle it imports:
 * the main builds a SeaRuntime (sea-runtime.ts) and passes it to the bundle's start()
 * (app-entry.ts), which installs it here. src/runtime/native.ts and embedded.ts read it; when
 * logagg runs from node_modules nothing is installed and they answer undefined.
 */

/** What the executable offers the app. Every file is unpacked on first use. */
export interface SeaRuntime {
  /** This build's private cache folder. */
  readonly cacheDir: string;
  /** A shipped addon's exports (process.dlopen'ed once); undefined if it is not shipped. */
  nativeBinding(name: string): unknown;
  /** A shipped folder unpacked on disk; undefined if it is not shipped. */
  embeddedDir(name: string): string | undefined;
}

let installed: SeaRuntime | undefined;

/** Called once by the bundle's start(); undefined uninstalls (tests). */
export function installRuntime(runtime: SeaRuntime | undefined): void {
  installed = runtime;
}

export function currentRuntime(): SeaRuntime | undefined {
  return installed;
}
