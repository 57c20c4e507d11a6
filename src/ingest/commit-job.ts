/**
 * One chunk's commit as data: what the writer (in-process or on the writer thread) stores in ONE
 * transaction: the events (flat rows), the offsets reached, and what detection decided for the
 * chunk (findings to fold into alerts, the rules' state snapshot when a save is due). Nothing in
 * it is a function or a live object, so it crosses to the writer thread by structured clone.
 */
import type { RuleStateSnapshot } from '../core/detect/engine.js';
import { enqueueForAlerts, type EnqueueSettings } from '../notify/outbox.js';
import { outboxInBatch } from '../store/outbox-writes.js';
import { applyFindings, type AlertPolicy, type AlertWritten, type PendingFinding } from '../store/alert-store.js';
import type { BatchRows } from '../store/batch-rows.js';
import { newestLogId, writeDetectionState } from '../store/detection-state.js';
import type { LogWriter } from '../store/log-writer.js';
import type { OffsetUpdate } from '../store/offsets.js';
import { writeIngestKeys, type IngestKeyWrite } from '../store/ingest-keys.js';

/** What detect() decided for one chunk, written inside the chunk's transaction. */
export interface DetectionWrite {
  pending: PendingFinding[];
  policy: AlertPolicy;
  /**
   * The rules' state right after this chunk was detected (taken then, on the detecting thread),
   * when a save was due; null otherwise. Chunks are committed in the order they were detected,
   * so it has seen exactly the events stored up to and including this transaction.
   */
  state: { rules: RuleStateSnapshot[]; savedAt: number } | null;
}

export interface CommitJob {
  rows: BatchRows;
  offsets: OffsetUpdate[];
  detection: DetectionWrite | null;
  /** Idempotency keys of the HTTP requests in the chunk, stored with their answers (ingest-keys.ts). */
  keys?: IngestKeyWrite[];
}

export interface CommitResult {
  inserted: number;
  ignored: number;
  /** One per event, in input order; null for a duplicate. */
  ids: (number | null)[];
  /** Notification outbox rows written (the sender is woken when > 0). */
  outboxQueued: number;
}

/**
 * Runs one job on the writer connection: events, FTS, rollups, offsets, alerts and rule stats,
 * the outbox (when `outbox` is given), the detection state and the HTTP idempotency keys, all in
 * one transaction. Throws
 * as LogWriter.writeBatch does; then nothing of the job was stored.
 */
export function runCommitJob(writer: LogWriter, job: CommitJob, outbox: EnqueueSettings | null): CommitResult {
  let outboxQueued = 0;
  const detection = job.detection;
  const keys = job.keys ?? [];
  const r = writer.writeRows(
    job.rows,
    job.offsets,
    detection === null && keys.length === 0
      ? undefined
      : (tx) => {
          outboxQueued = 0; // a retried transaction starts again
          if (detection !== null) {
            const written: AlertWritten[] | undefined = outbox ? [] : undefined;
            applyFindings(tx, detection.pending, detection.policy, written);
            if (outbox && written!.length > 0) outboxQueued = enqueueForAlerts(outboxInBatch(tx), written!, outbox, tx.now);
            if (detection.state !== null) writeDetectionState(tx, detection.state.rules, newestLogId(tx), detection.state.savedAt);
          }
          writeIngestKeys(tx, keys);
        },
  );
  return { inserted: r.inserted, ignored: r.ignored, ids: r.ids, outboxQueued };
}
