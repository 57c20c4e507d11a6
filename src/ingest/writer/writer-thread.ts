/**
 * The main thread's side of the writer thread (storage.writer_thread): spawns it (lib/ runs
 * writer-main.js, the single executable runs its own bundle again, src/sea/app-entry.ts), waits
 * until it has opened the database, and offers it as a CommitExecutor to the commit queue.
 *
 * A job crosses as structured clone of plain data (commit-job.ts); the reply carries the ids.
 * A thread that ends without being asked to (an uncaught error, an exit, a crash of the addon)
 * rejects every job in flight and `dead`: nothing of a job without its `done` reply is assumed
 * stored, and the process stops (consume/serve exit non-zero; the offsets in the database
 * say where to resume).
 */
import { workerHeapLimits } from '../../runtime/heap-growth.js';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FrozenConfig } from '../../config/load.js';
import { LogaggError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { EnqueueSettings } from '../../notify/outbox.js';
import { currentRuntime } from '../../runtime/runtime-handoff.js';
import { fromWireError } from '../../runtime/thread-rpc.js';
import type { CommitJob, CommitResult } from '../commit-job.js';
import type { CommitExecutor } from '../commit-queue.js';
import { WRITER_WORKER_KIND, type FromWriter, type ToWriter, type WriterWorkerData } from './protocol.js';

export interface WriterThreadOptions {
  storage: FrozenConfig['storage'];
  outbox: EnqueueSettings | null;
  logger: Logger;
  /** The thread's young generation, MiB (config memory.young_generation_mb); V8's default when absent. */
  youngGenerationMb?: number;
  /** The file the thread runs; default: the writer entry (tests give another). */
  entry?: URL;
}

export interface WriterThread extends CommitExecutor {
  /** The thread's id (logs). */
  readonly threadId: number;
}

export async function startWriterThread(opts: WriterThreadOptions): Promise<WriterThread> {
  const seaWorker = currentRuntime()?.forWorker?.();
  const entry = opts.entry ?? (seaWorker ? pathToFileURL(seaWorker.bundleFile) : new URL('./writer-main.js', import.meta.url));
  const data: WriterWorkerData = { kind: WRITER_WORKER_KIND, storage: opts.storage, outbox: opts.outbox, ...(seaWorker ? { seaRuntime: seaWorker } : {}) };
  const worker = new Worker(entry, { workerData: data, ...workerHeapLimits(opts.youngGenerationMb) });
  const send = (m: ToWriter): void => worker.postMessage(m);

  let stopping = false;
  let failure: Error | null = null;
  worker.on('error', (e) => (failure ??= e));
  const exit = new Promise<number>((resolve) => worker.once('exit', resolve));
  const pending = new Map<number, { resolve(r: CommitResult): void; reject(e: Error): void }>();
  let nextId = 1;
  let closed: (() => void) | null = null;

  await new Promise<void>((resolve, reject) => {
    const onStart = (m: FromWriter): void => {
      if (m.type === 'ready') {
        worker.off('message', onStart);
        resolve();
      } else if (m.type === 'failed') {
        worker.off('message', onStart);
        reject(fromWireError(m.error));
      }
    };
    worker.on('message', onStart);
    void exit.then((code) => reject(failure ?? new Error(`the writer thread ended during start-up (exit code ${code})`)));
  }).catch(async (e: unknown) => {
    stopping = true;
    await worker.terminate();
    throw e;
  });

  worker.on('message', (m: FromWriter) => {
    if (m.type === 'done') {
      const p = pending.get(m.id);
      if (p === undefined) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(fromWireError(m.error));
    } else if (m.type === 'closed') {
      closed?.();
    }
  });

  // Only an end nobody asked for is a death: every job without its reply fails (not stored).
  const dead = exit.then((code): Promise<never> => {
    const err = new LogaggError('INTERNAL', `the writer thread failed (${failure ? failure.message : `exit code ${code}`}); nothing more can be stored`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    if (stopping) return new Promise<never>(() => {});
    opts.logger.error('the writer thread failed; stopping', { exit_code: code, err: failure ?? undefined, stack: failure?.stack });
    throw err;
  });
  dead.catch(() => {});

  let closing: Promise<void> | null = null;
  return {
    threadId: worker.threadId,
    dead,
    run(job: CommitJob): Promise<CommitResult> {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        // Structured clone: the rows are one flat array of primitives and one Float64Array
        // (copied, not transferred: a failed job is sent again as it was).
        send({ type: 'job', id, job });
      });
    },
    close(): Promise<void> {
      closing ??= (async () => {
        stopping = true;
        const done = new Promise<void>((resolve) => {
          closed = resolve;
          void exit.then(() => resolve());
        });
        send({ type: 'close' });
        await done;
        await worker.terminate();
      })();
      return closing;
    },
  };
}
