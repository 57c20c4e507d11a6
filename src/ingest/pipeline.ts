import type { EventSource, Format, NormalizedEvent } from '../core/event.js';
import { normalizeMessage } from '../core/normalize.js';
import { enrich, type EnrichContext } from '../core/enrich.js';
import type { LogWriter, BatchTx } from '../store/log-writer.js';

/**
 * The ingest pipeline, independent of where messages come from (Kafka, syslog, HTTP):
 *   prepare: decode -> normalize -> enrich -> detect   (pure work, done once per batch)
 *   commit:  events + offsets + detection output in ONE SQLite transaction (may be retried)
 * Splitting the two lets a source retry a failed commit without re-running detection,
 * whose windows and counters must see each event exactly once.
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

/** Detection hook (rules engine): sees every event once, in order; writes inside the batch's transaction. */
export interface BatchDetector<Output = unknown> {
  detect(events: readonly NormalizedEvent[]): Output;
  /** Write what detect() produced, inside the batch's transaction; `ids[i]` is events[i]'s id (null if a duplicate). */
  persist(tx: BatchTx, output: Output, ids: readonly (number | null)[], events: readonly NormalizedEvent[]): void;
}

export interface PreparedBatch {
  events: NormalizedEvent[];
  detection: unknown;
  parseErrors: number;
}

export interface CommitResult {
  inserted: number;
  ignored: number;
  ids: readonly (number | null)[];
}

export interface PipelineOptions {
  writer: LogWriter;
  enrichContext: () => EnrichContext;
  /** Formats pinned per topic; others are detected per message. */
  formats: Readonly<Record<string, Format | 'auto'>>;
  maxMessageBytes: number;
  /** Epoch ms; injected so tests and replays control time. */
  clock: () => number;
  detector?: BatchDetector | undefined;
}

export class IngestPipeline {
  constructor(private readonly opts: PipelineOptions) {}

  prepare(messages: readonly IncomingMessage[]): PreparedBatch {
    const receivedAt = this.opts.clock();
    const ctx = this.opts.enrichContext();
    const events: NormalizedEvent[] = new Array(messages.length);
    let parseErrors = 0;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i] as IncomingMessage;
      const event = enrich(
        normalizeMessage(m.value, {
          source: m.source,
          receivedAt,
          format: this.opts.formats[m.source.topic] ?? 'auto',
          maxBytes: this.opts.maxMessageBytes,
        }),
        ctx,
      );
      if (event.parse_error !== null) parseErrors++;
      events[i] = event;
    }
    const detection = this.opts.detector ? this.opts.detector.detect(events) : undefined;
    return { events, detection, parseErrors };
  }

  commit(batch: PreparedBatch, offsets: readonly OffsetMark[]): CommitResult {
    const detector = this.opts.detector;
    const result = this.opts.writer.writeBatch({
      events: batch.events,
      offsets: [...offsets],
      inTransaction: detector ? (tx) => detector.persist(tx, batch.detection, tx.ids, batch.events) : undefined,
    });
    return { inserted: result.inserted, ignored: result.ignored, ids: result.ids };
  }
}
