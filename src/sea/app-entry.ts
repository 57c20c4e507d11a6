/**
 * The entry of the app bundle inside the single executable (scripts/package/build.mjs bundles
 * this file to ESM). The CommonJS SEA main (main.ts) imports the bundle and calls start().
 * The API's worker thread of `serve` runs this same bundle (src/api/worker/api-thread.ts):
 * there it installs the thread's runtime (the addons the main thread unpacked) and runs the API.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { API_WORKER_KIND, type ApiWorkerData } from '../api/worker/protocol.js';
import { main } from '../cli/main.js';
import { installRuntime, type SeaRuntime } from './runtime-handoff.js';
import { workerSeaRuntime } from './sea-runtime.js';

/** Runs the CLI with the executable's runtime installed; resolves to the exit code. */
export async function start(argv: string[], runtime: SeaRuntime): Promise<number> {
  installRuntime(runtime);
  return main(argv);
}

if (!isMainThread && parentPort !== null && (workerData as { kind?: unknown } | null)?.kind === API_WORKER_KIND) {
  const data = workerData as ApiWorkerData;
  if (data.seaRuntime) installRuntime(workerSeaRuntime(data.seaRuntime));
  // Loaded here only: the CLI's commands never pay for it.
  const { runApiWorker } = await import('../api/worker/api-worker.js');
  runApiWorker(data, parentPort);
}
