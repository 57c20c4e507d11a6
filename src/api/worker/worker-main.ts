/**
 * The entry of the API's worker thread when logagg runs from lib/ (api-thread.ts starts it).
 * The single executable starts its bundle instead, which does the same (src/sea/app-entry.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isApiWorkerData, runApiWorker } from './api-worker.js';

if (parentPort === null || !isApiWorkerData(workerData)) {
  throw new Error('this is the API worker thread of `logagg serve`; it does not run alone');
}
runApiWorker(workerData, parentPort);
