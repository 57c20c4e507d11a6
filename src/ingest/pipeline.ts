import type { EventSource, Format, NormalizedEvent } from '../core/event.js';
import { normalizeMessage } from '../core/normalize.js';
import { enrich, type EnrichContext } from '../core/enrich.js';
import { AuditEventJoiner } from '../core/recognize/auditd-join.js';
import type { ExtractorSet } from '../core/recognize/extractors.js';
import { LogaggError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import type { EnqueueSettings } from '../notify/outbox.js';
import { toBatchRows } from '../store/batch-rows.js';
import type { LogWriter } from '../store/log-writer.js';
import { runCommitJob, type CommitJob, type CommitResult, type DetectionWrite } from './commit-job.js';
import { CommitQueue, inProcessExecutor, type CommitQueueOptions, type Committer, type CommitTicket, type SubmitOptions } from './commit-queue.js';
import type { IngestKeyWrite } from '../store/ingest-keys.js';

export type { CommitResult } from './commit-job.js';

/**
 * The ingest pipeline, independent of where messages come from (Kafka, syslog, HTTP):
 *   prepare: decode -> normalize -> enrich -> join audit records -> detect   (pure work, done once per batch)
 *   submit:  events + offsets + detection output in ONE SQLite transaction (may be retried),
 *            queued on the committer (commit-queue.ts) in the order batches were prepared
 * Splitting the two lets a source retry a failed commit without re-running detection,
 * whose windows and counters must see each event exactly once, and lets the next batch be
 * prepared while this one is stored (on the writer thread).
 */

export interface IncomingMessage {
  value: Uint8Array | null;
  source: EventSource;
}

export interface OffsetMark {
  group: string;
  topic: string;
  partition: number;
  /** The offset of the next message to read (last stored + 1). */
  nextOffset: string;
}

/** Detection (rules engine): sees every event once, in order; what it returns is written in the batch's transaction. */
export interface BatchDetector {
  detect(events: readonly NormalizedEvent[]): DetectionWrite;
}

export interface PreparedBatch {
  events: NormalizedEvent[];
  detection: DetectionWrite | null;
  parseErrors: number;
}

export interface PipelineOptions {
  /** Where commits go, in order (commit-queue.ts). */
  committer: Committer;
  enrichContext: () => EnrichContext;
  /** Formats pinned per topic; others are detected per message. */
  formats: Readonly<Record<string, Format | 'auto'>>;
  /** The operator's extractors (config `extract:`), compiled once; undefined when none. */
  extractors?: ExtractorSet | undefined;
  maxMessageBytes: number;
  /** Epoch ms; injected so tests and replays control time. */
  clock: () => number;
  detector?: BatchDetector | undefined;
}

export class IngestPipeline {
  /**
   * The records of one Linux audit event, each its own message, joined in message order
   * (auditd-join.ts): bounded, in memory, so a restart or replay loses the open events.
   */
  private readonly audit = new AuditEventJoiner();

  constructor(private readonly opts: PipelineOptions) {}

  get committer(): Committer {
    return this.opts.committer;
  }

  prepare(messages: readonly IncomingMessage[]): PreparedBatch {
    const receivedAt = this.opts.clock();
    const ctx = this.opts.enrichContext();
    const events: NormalizedEvent[] = new Array(messages.length);
    let parseErrors = 0;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i] as IncomingMessage;
      const event = this.audit.join(enrich(
        normalizeMessage(m.value, {
          source: m.source,
          receivedAt,
          format: this.opts.formats[m.source.topic] ?? 'auto',
          maxBytes: this.opts.maxMessageBytes,
          extractors: this.opts.extractors,
        }),
        ctx,
      ));
      if (event.parse_error !== null) parseErrors++;
      events[i] = event;
    }
    const detection = this.opts.detector ? this.opts.detector.detect(events) : null;
    return { events, detection, parseErrors };
  }

  /**
   * Queues the batch's commit behind every batch submitted before it and returns at once; the
   * job is retried until committed or cancelled (opts.attempts bounds it). Submit right after
   * prepare, without awaiting anything in between: batches must be committed in the order
   * they were detected (the saved detection state relies on it).
   */
  submit(batch: PreparedBatch, offsets: readonly OffsetMark[], opts?: SubmitOptions, keys?: readonly IngestKeyWrite[]): CommitTicket {
    return this.opts.committer.submit(this.job(batch, offsets, keys), opts);
  }

  /**
   * The batch's commit as data (commit-job.ts); runCommitJob stores it synchronously (tests,
   * tools). `keys`: the idempotency keys of the HTTP requests in it, stored in the same transaction.
   */
  job(batch: PreparedBatch, offsets: readonly OffsetMark[], keys?: readonly IngestKeyWrite[]): CommitJob {
    const job: CommitJob = { rows: toBatchRows(batch.events), offsets: [...offsets], detection: batch.detection };
    if (keys !== undefined && keys.length > 0) job.keys = [...keys];
    return job;
  }

  /** One attempt: resolves once committed, rejects with the store's error (nothing stored). */
  async commit(batch: PreparedBatch, offsets: readonly OffsetMark[]): Promise<CommitResult> {
    const o = await this.submit(batch, offsets, { attempts: 1 }).done;
    if (o.committed) return o.result;
    throw o.error ?? new LogaggError('STORE_UNAVAILABLE', 'the commit was cancelled', { canRetry: true });
  }
}

/** A committer storing on this thread with `writer` (replay, tools, tests). */
export function inProcessCommitter(writer: LogWriter, opts: { logger?: Logger; outbox?: EnqueueSettings | null; retry?: CommitQueueOptions['retry']; onFailure?: (e: unknown) => void; onOutbox?: () => void } = {}): Committer {
  const outbox = opts.outbox ?? null;
  return new CommitQueue({
    executor: inProcessExecutor((job) => runCommitJob(writer, job, outbox)),
    logger: opts.logger ?? createLogger({ level: 'silent', format: 'text' }),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.onFailure ? { onFailure: opts.onFailure } : {}),
    ...(opts.onOutbox ? { onOutbox: opts.onOutbox } : {}),
  });
}
