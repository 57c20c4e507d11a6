/**
 * The entry of the app bundle inside the single executable (scripts/package/build.mjs bundles
 * this file to ESM). The CommonJS SEA main (main.ts) imports the bundle and calls start().
 * The API's worker thread of `serve` runs this same bundle (src/api/worker/api-thread.ts):
 * there it installs the thread's runtime (the addons the main thread unpacked) and runs the API;
 * so does the writer thread of consume/serve (src/ingest/writer/writer-thread.ts).
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { API_WORKER_KIND, type ApiWorkerData } from '../api/worker/protocol.js';
import { WRITER_WORKER_KIND, type WriterWorkerData } from '../ingest/writer/protocol.js';
import { main } from '../cli/main.js';
import { installRuntime, type SeaRuntime } from '../runtime/runtime-handoff.js';
import { workerSeaRuntime } from './sea-runtime.js';

/** Runs the CLI with the executable's runtime installed; resolves to the exit code. */
export async function start(argv: string[], runtime: SeaRuntime): Promise<number> {
  installRuntime(runtime);
  return main(argv);
}

const workerKind = isMainThread ? undefined : (workerData as { kind?: unknown } | null)?.kind;
if (parentPort !== null && workerKind === API_WORKER_KIND) {
  const data = workerData as ApiWorkerData;
  if (data.seaRuntime) installRuntime(workerSeaRuntime(data.seaRuntime));
  // Loaded here only: the CLI's commands never pay for it.
  const { runApiWorker } = await import('../api/worker/api-worker.js');
  runApiWorker(data, parentPort);
} else if (parentPort !== null && workerKind === WRITER_WORKER_KIND) {
  // The writer thread of consume/serve (src/ingest/writer/): the addons (better-sqlite3, or the
  // cipher build) come from the runtime the main thread unpacked.
  const data = workerData as WriterWorkerData;
  if (data.seaRuntime) installRuntime(workerSeaRuntime(data.seaRuntime));
  const { runWriterWorker } = await import('../ingest/writer/writer-worker.js');
  runWriterWorker(data, parentPort);
}
