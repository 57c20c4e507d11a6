/**
 * What crosses between the main thread (sources, prepare, detection) and the writer thread
 * (storage.writer_thread: the one connection that stores batches). Plain data only.
 *
 * - workerData (WriterWorkerData): the storage settings and the outbox settings.
 * - main -> writer: `job` (one chunk's CommitJob, commit-job.ts: flat rows, offsets, findings,
 *   the detection state snapshot), `close`.
 * - writer -> main: `ready` (or `failed`: the database could not be opened), `done` per job (the
 *   ids and counts, or the store's error as data: nothing of the job was stored), `closed`.
 * Jobs are answered in the order they arrive; the main side sends one at a time (commit-queue.ts).
 */
import type { FrozenConfig } from '../../config/load.js';
import type { EnqueueSettings } from '../../notify/outbox.js';
import type { SeaWorkerRuntime } from '../../runtime/runtime-handoff.js';
import type { WireError } from '../../runtime/thread-rpc.js';
import type { CommitJob, CommitResult } from '../commit-job.js';

/** Marks the workerData of the writer thread (the single executable runs its one bundle as every worker). */
export const WRITER_WORKER_KIND = 'logagg-writer-worker';

export interface WriterWorkerData {
  kind: typeof WRITER_WORKER_KIND;
  storage: FrozenConfig['storage'];
  /** Settings of the notification outbox written with alerts; null when notifications are off. */
  outbox: EnqueueSettings | null;
  /** Set when running as the single executable: its addons for this thread. */
  seaRuntime?: SeaWorkerRuntime;
}

export type ToWriter = { type: 'job'; id: number; job: CommitJob } | { type: 'close' };

export type FromWriter =
  | { type: 'ready' }
  | { type: 'failed'; error: WireError }
  | { type: 'done'; id: number; ok: true; result: CommitResult }
  | { type: 'done'; id: number; ok: false; error: WireError }
  | { type: 'closed' };

export function isWriterWorkerData(d: unknown): d is WriterWorkerData {
  return typeof d === 'object' && d !== null && (d as { kind?: unknown }).kind === WRITER_WORKER_KIND;
}
