/**
 * The entry of the writer thread when logagg runs from lib/ (writer-thread.ts starts it).
 * The single executable starts its bundle instead, which does the same (src/sea/app-entry.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isWriterWorkerData } from './protocol.js';
import { runWriterWorker } from './writer-worker.js';

if (parentPort === null || !isWriterWorkerData(workerData)) {
  throw new Error('this is the writer thread of `logagg consume`/`serve`; it does not run alone');
}
runWriterWorker(workerData, parentPort);
