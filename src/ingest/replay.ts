import type { Admin, Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { FrozenConfig } from '../config/load.js';
import type { EnrichContext } from '../core/enrich.js';
import type { ExtractorSet } from '../core/recognize/extractors.js';
import { LogaggError, isLogaggError } from '../errors.js';
import type { Logger } from '../logger.js';
import { LogWriter } from '../store/log-writer.js';
import { openStore, type Store } from '../store/store.js';
import { storeOptionsFromConfig } from '../store/store-options.js';
import { createKafka } from './kafka-client.js';
import { inProcessCommitter, IngestPipeline, type PreparedBatch } from './pipeline.js';

/**
 * Replay: reads a range of a topic again, through the same pipeline and writer as
 * ingest, with a consumer of its own (a unique, throw-away group: nothing is committed, and the
 * main group's offsets, in Kafka and in the database, are left as they are). Idempotent: the
 * store ignores an event whose (topic, partition, offset) it already holds, so a replay over
 * stored events inserts nothing, and one over a gap fills it. The range ends at the high
 * watermark seen at start (or --to-offset), so replay stops by itself.
 * Detection does not run on replayed events (it would raise again what it raised the first time).
 */

/** One partition's range: [start, end), offsets as bigint. */
export interface ReplayRange {
  partition: number;
  start: bigint;
  end: bigint;
  /** The start asked for was below the oldest offset Kafka still has. */
  clamped: boolean;
}

export interface Watermarks {
  partition: number;
  low: string;
  high: string;
}

/**
 * The ranges to read: from `starts` (per partition) to the high watermark, or to `toOffset`
 * inclusive when lower; a start below the low watermark begins at the low watermark.
 * Partitions with nothing to read are left out.
 */
export function replayRanges(marks: readonly Watermarks[], starts: ReadonlyMap<number, bigint>, toOffset: bigint | null): ReplayRange[] {
  const out: ReplayRange[] = [];
  for (const m of [...marks].sort((a, b) => a.partition - b.partition)) {
    const wanted = starts.get(m.partition);
    if (wanted === undefined) continue;
    const low = BigInt(m.low);
    const high = BigInt(m.high);
    const start = wanted < low ? low : wanted;
    let end = high;
    if (toOffset !== null && toOffset + 1n < end) end = toOffset + 1n;
    if (start < end) out.push({ partition: m.partition, start, end, clamped: wanted < low });
  }
  return out;
}

export interface ReplaySummary {
  topic: string;
  group: string;
  partitions: { partition: number; from: string; to: string; read: number; complete: boolean }[];
  read: number;
  inserted: number;
  already_present: number;
  parse_errors: number;
  stopped_early: boolean;
}

export interface ReplayRequest {
  topic: string;
  partitions: number[] | undefined;
  fromOffset: bigint | null;
  since: number | null;
  toOffset: bigint | null;
  idleMs: number;
}

async function planRanges(admin: Admin, req: ReplayRequest): Promise<ReplayRange[]> {
  const topics = await admin.listTopics();
  if (!topics.includes(req.topic)) throw new LogaggError('NOT_FOUND', `topic ${req.topic} does not exist on the brokers`);
  const marks = await admin.fetchTopicOffsets(req.topic);
  const known = marks.map((m) => m.partition);
  for (const p of req.partitions ?? []) {
    if (!known.includes(p)) throw new LogaggError('USAGE', `--partition ${p}: ${req.topic} has partitions ${known.sort((a, b) => a - b).join(', ')}`);
  }
  const wanted = (p: number): boolean => req.partitions === undefined || req.partitions.includes(p);
  const starts = new Map<number, bigint>();
  if (req.since !== null) {
    for (const o of await admin.fetchTopicOffsetsByTimestamp(req.topic, req.since)) if (wanted(o.partition)) starts.set(o.partition, BigInt(o.offset));
  } else {
    for (const m of marks) if (wanted(m.partition)) starts.set(m.partition, req.fromOffset!);
  }
  return replayRanges(marks, starts, req.toOffset);
}

/** How far a replay is: offsets moved past, out of the total given when it starts. */
export interface ReplayProgress {
  update(done: number): void;
  stop(): void;
}

/** What the caller brings: the enrichment lookups, a progress display, a way to stop early. */
export interface ReplayHooks {
  /** The enrichment tables, loaded once there is something to read (a failure stops the replay). */
  loadEnrichContext(): EnrichContext;
  /** The operator's extractors (config `extract:`), compiled; undefined when none is configured. */
  extractors: ExtractorSet | undefined;
  /** Called once consuming is about to start, with the number of offsets in the ranges. */
  progress(total: number): ReplayProgress;
  /**
   * Called while the consumer runs with the function that ends the replay early (what was
   * stored stays, stopped_early is set); returns the undo, called when the replay ends.
   * The CLI wires SIGINT and SIGTERM to it.
   */
  onStop(stop: () => void): () => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function replay(config: FrozenConfig, logger: Logger, req: ReplayRequest, hooks: ReplayHooks): Promise<ReplaySummary> {
  const kafka = createKafka(config.kafka, logger);
  const admin = kafka.admin();
  const group = `logagg-replay-${process.pid}-${Date.now().toString(36)}`;
  let ranges: ReplayRange[];
  try {
    await admin.connect();
    ranges = await planRanges(admin, req);
  } catch (e) {
    await admin.disconnect().catch(() => undefined);
    if (isLogaggError(e)) throw e;
    throw new LogaggError('KAFKA_FAILED', `reading the offsets of ${req.topic}: ${(e as Error).message}`, { cause: e, canRetry: true });
  }
  for (const r of ranges) if (r.clamped) logger.warn('the start is gone from Kafka (retention); starting at the oldest offset left', { partition: r.partition, start: r.start.toString() });

  const summary: ReplaySummary = {
    topic: req.topic,
    group,
    partitions: ranges.map((r) => ({ partition: r.partition, from: r.start.toString(), to: (r.end - 1n).toString(), read: 0, complete: false })),
    read: 0,
    inserted: 0,
    already_present: 0,
    parse_errors: 0,
    stopped_early: false,
  };
  if (ranges.length === 0) {
    await admin.disconnect().catch(() => undefined);
    return summary;
  }

  let store: Store | null = null;
  let enrichContext: EnrichContext;
  try {
    enrichContext = hooks.loadEnrichContext();
    store = openStore(config.storage.path, storeOptionsFromConfig(config));
  } catch (e) {
    store?.close();
    await admin.disconnect().catch(() => undefined);
    throw e;
  }
  const pipeline = new IngestPipeline({
    // Replay stores on this thread: one batch at a time, awaited, no detection.
    committer: inProcessCommitter(new LogWriter(store)),
    enrichContext: () => enrichContext,
    formats: config.kafka.formats,
    extractors: hooks.extractors,
    maxMessageBytes: config.storage.max_message_bytes,
    clock: Date.now,
  });
  const totalMessages = ranges.reduce((n, r) => n + Number(r.end - r.start), 0);
  const progress = hooks.progress(totalMessages);
  const consumer = kafka.consumer({
    groupId: group,
    maxBytesPerPartition: config.kafka.batch.max_bytes_per_partition,
    maxBytes: config.kafka.batch.max_bytes,
    maxWaitTimeInMs: config.kafka.batch.linger,
    allowAutoTopicCreation: false,
  });
  const run = new ReplayRun(ranges, summary, pipeline, progress, consumer, req.topic, config.kafka.batch.max_messages, logger);
  const offStop = hooks.onStop(() => run.finish(true));
  try {
    await run.start(req.idleMs);
  } finally {
    offStop();
    progress.stop();
    await consumer.disconnect().catch(() => undefined);
    // The throw-away group holds no offsets; removing it keeps the broker's group list clean.
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    store.close();
  }
  return summary;
}

/** The consumer loop of one replay: positions per partition, stored chunk by chunk. */
class ReplayRun {
  /** Next offset to store, per partition in the range. */
  private readonly position = new Map<number, bigint>();
  private readonly ends = new Map<number, bigint>();
  private done!: () => void;
  private failed!: (e: unknown) => void;
  private readonly finished = new Promise<void>((resolve, reject) => {
    this.done = resolve;
    this.failed = reject;
  });
  private lastProgressAt = Date.now();
  private ending = false;

  constructor(
    private readonly ranges: ReplayRange[],
    private readonly summary: ReplaySummary,
    private readonly pipeline: IngestPipeline,
    private readonly progress: ReplayProgress,
    private readonly consumer: Consumer,
    private readonly topic: string,
    private readonly chunkSize: number,
    private readonly logger: Logger,
  ) {
    for (const r of ranges) {
      this.position.set(r.partition, r.start);
      this.ends.set(r.partition, r.end);
    }
    // A failure before start() awaits `finished` must not be an unhandled rejection; start() still sees it.
    this.finished.catch(() => undefined);
  }

  async start(idleMs: number): Promise<void> {
    const { consumer, topic } = this;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      for (const p of e.payload.memberAssignment[topic] ?? []) {
        const pos = this.position.get(p);
        if (pos !== undefined && pos < this.ends.get(p)!) consumer.seek({ topic, partition: p, offset: pos.toString() });
        else consumer.pause([{ topic, partitions: [p] }]);
      }
    });
    // After every batch, stored or made only of control records or aborted messages (those never
    // reach eachBatch): everything up to its last offset has been seen. Every fetch starts at or
    // before the position (the group reads from the beginning until the seek applies), so a
    // batch never jumps over unread offsets.
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      if (!this.ending) this.advance(e.payload.partition, BigInt(e.payload.lastOffset) + 1n);
    });
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart) this.failed(new LogaggError('KAFKA_FAILED', `the replay consumer stopped: ${e.payload.error.message}`, { cause: e.payload.error }));
    });
    await consumer.connect();
    // fromBeginning: a fetch made before the seek applies starts below the range, never past it.
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    // Offsets are resolved (kafkajs' in-memory position) but never committed.
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, partitionsConsumedConcurrently: 1, eachBatch: (p) => this.onBatch(p) });
    const idle = setInterval(() => {
      if (Date.now() - this.lastProgressAt > idleMs) {
        this.logger.warn('no message for the idle timeout; stopping before the end of the range', { idle_ms: idleMs });
        this.finish(true);
      }
    }, Math.min(1000, idleMs));
    try {
      await this.finished;
    } finally {
      clearInterval(idle);
    }
  }

  finish(early: boolean): void {
    if (this.ending) return;
    this.ending = true;
    this.summary.stopped_early = early;
    this.done();
  }

  private advance(partition: number, next: bigint): void {
    const pos = this.position.get(partition);
    if (pos === undefined || next <= pos) return;
    const end = this.ends.get(partition)!;
    this.position.set(partition, next > end ? end : next);
    this.lastProgressAt = Date.now();
    let moved = 0;
    for (const r of this.ranges) moved += Number(this.position.get(r.partition)! - r.start);
    this.progress.update(moved);
    for (const s of this.summary.partitions) if (s.partition === partition && this.position.get(partition)! >= end) s.complete = true;
    if (this.summary.partitions.every((s) => s.complete)) this.finish(false);
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const partition = batch.partition;
    const end = this.ends.get(partition);
    if (end === undefined || this.ending) return;
    for (;;) {
      const pos = this.position.get(partition)!;
      const todo = batch.messages.filter((m) => BigInt(m.offset) >= pos && BigInt(m.offset) < end).slice(0, this.chunkSize);
      if (todo.length === 0 || this.ending) break;
      const prepared = this.pipeline.prepare(
        todo.map((m) => ({ value: m.value, source: { kind: 'kafka', topic: this.topic, partition, offset: m.offset } })),
      );
      await this.store(prepared);
      const s = this.summary.partitions.find((x) => x.partition === partition)!;
      s.read += todo.length;
      this.summary.read += todo.length;
      this.summary.parse_errors += prepared.parseErrors;
      this.advance(partition, BigInt((todo[todo.length - 1] as KafkaMessage).offset) + 1n);
      await payload.heartbeat();
    }
    if (this.position.get(partition)! >= end) this.consumer.pause([{ topic: this.topic, partitions: [partition] }]);
  }

  /** No offsets: the main group's stored position must not move. Busy database: retried. */
  private async store(prepared: PreparedBatch): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.pipeline.commit(prepared, []);
        this.summary.inserted += r.inserted;
        this.summary.already_present += r.ignored;
        return;
      } catch (e) {
        if (!isLogaggError(e) || !e.canRetry || attempt >= 5) {
          this.failed(e);
          throw e;
        }
        this.logger.warn('database busy; retrying the batch', { attempt: attempt + 1, err: e });
        await sleep(200 * 2 ** attempt);
      }
    }
  }
}
