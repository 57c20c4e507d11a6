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
  /**
   * What a worker thread needs to run the app bundle with the addons (unpacks the bundle and
   * every addon). The executable's runtime has it; one made for a worker thread has not.
   */
  forWorker?(): SeaWorkerRuntime;
}

/** A worker thread's view of the executable: plain data, passed in workerData. */
export interface SeaWorkerRuntime {
  cacheDir: string;
  /** The unpacked app bundle: the file the worker thread runs. */
  bundleFile: string;
  /** Addon name -> its unpacked file. */
  addons: Record<string, string>;
  /** Embedded folder name -> its unpacked folder (the web console, the default rules). */
  embedded?: Record<string, string>;
}

let installed: SeaRuntime | undefined;

/** Called once by the bundle's start(); undefined uninstalls (tests). */
export function installRuntime(runtime: SeaRuntime | undefined): void {
  installed = runtime;
}

export function currentRuntime(): SeaRuntime | undefined {
  return installed;
}
