import { Option, type Command } from 'commander';
import type { Admin, Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { parseTime } from '../../api/params.js';
import { loadEnrichContext } from '../../app/enrich-context.js';
import { extractorsFromConfig } from '../../app/extractors.js';
import type { FrozenConfig } from '../../config/load.js';
import { parseDuration } from '../../config/units.js';
import { LogaggError, isLogaggError } from '../../errors.js';
import { createKafka } from '../../ingest/kafka-client.js';
import { inProcessCommitter, IngestPipeline, type PreparedBatch } from '../../ingest/pipeline.js';
import type { Logger } from '../../logger.js';
import { LogWriter } from '../../store/log-writer.js';
import { openStore, type Store } from '../../store/store.js';
import type { EnrichContext } from '../../core/enrich.js';
import { storeOptionsFromConfig } from '../../app/store-options.js';
import { cliContext, list } from '../context.js';
import { createProgress, type Progress } from '../output/progress.js';

/**
 * `logagg replay`: reads a range of a topic again, through the same pipeline and writer as
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

interface ReplayFlags {
  topic: string;
  partition?: string[];
  fromOffset?: string;
  since?: string;
  toOffset?: string;
  db?: string;
  brokers?: string;
  idleTimeout: string;
  output: 'table' | 'json';
}

const OFFSET = /^(0|[1-9]\d{0,18})$/;

function offsetFlag(name: string, v: string | undefined): bigint | null {
  if (v === undefined) return null;
  if (!OFFSET.test(v.trim())) throw new LogaggError('USAGE', `${name} ${v}: give a Kafka offset (a non-negative integer)`);
  return BigInt(v.trim());
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('read a range of a topic again into the database (idempotent: stored events are not doubled)')
    .requiredOption('--topic <topic>', 'the topic to read')
    .option('--partition <n>', 'only these partitions; repeat or comma-separate (default: all)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--from-offset <n>', 'start at this offset (in each partition read)')
    .option('--since <time>', 'start at the first message at or after this time: ago (24h, 30m) or ISO 8601')
    .option('--to-offset <n>', 'last offset to read, inclusive (default: the end of the partition when replay starts)')
    .option('--db <file>', 'the database file (storage.path)')
    .option('--brokers <list>', 'Kafka brokers, comma-separated (kafka.brokers)')
    .option('--idle-timeout <duration>', 'give up when no message arrives for this long', '30s')
    .addOption(new Option('-o, --output <format>', 'summary format').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  logagg replay --topic threat-logs --since 24h
  logagg replay --topic system-metrics --partition 0 --from-offset 120000 --to-offset 125000
  logagg replay --topic threat-logs --since 2024-05-01T00:00:00Z --output json

Replay uses a temporary consumer group of its own and stores no offsets: the main consumer
group's position, in Kafka and in the database, does not move. Events already stored (same
topic, partition and offset) are skipped and counted as "already present".
Exit codes: 0 ok, 1 runtime error (Kafka or database), 2 usage or config error.`,
    )
    .action(async (flags: ReplayFlags, cmd: Command) => {
      if ((flags.fromOffset === undefined) === (flags.since === undefined)) throw new LogaggError('USAGE', 'give one of --from-offset or --since');
      const fromOffset = offsetFlag('--from-offset', flags.fromOffset);
      const toOffset = offsetFlag('--to-offset', flags.toOffset);
      if (fromOffset !== null && toOffset !== null && toOffset < fromOffset) throw new LogaggError('USAGE', '--to-offset must not be below --from-offset');
      let since: number | null = null;
      if (flags.since !== undefined) {
        since = parseTime(flags.since, Date.now());
        if (since === null) throw new LogaggError('USAGE', `--since ${flags.since}: give a time: ago (24h, 30m, 7d) or ISO 8601 (2024-05-01T12:00:00Z)`);
      }
      const partitions = flags.partition?.flatMap((p) => list(p) ?? []).map((p) => {
        if (!/^\d{1,6}$/.test(p)) throw new LogaggError('USAGE', `--partition ${p}: give a partition number`);
        return Number(p);
      });
      const idleMs = parseDuration(flags.idleTimeout);
      if (idleMs === null || idleMs < 1000) throw new LogaggError('USAGE', `--idle-timeout ${flags.idleTimeout}: give a duration of at least 1s`);

      const { config, logger } = cliContext(cmd, { 'storage.path': flags.db, 'kafka.brokers': list(flags.brokers) });
      const summary = await replay(config, logger, { topic: flags.topic, partitions, fromOffset, since, toOffset, idleMs });
      if (flags.output === 'json') process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else process.stdout.write(renderSummary(summary));
      if (summary.stopped_early) process.exitCode = 1;
    });
}

export function renderSummary(s: ReplaySummary): string {
  let out = `replayed ${s.topic}: ${s.read} messages read, ${s.inserted} inserted, ${s.already_present} already present`;
  out += s.parse_errors > 0 ? `, ${s.parse_errors} could not be decoded (stored with parse_error)\n` : '\n';
  for (const p of s.partitions) out += `  partition ${p.partition}: offsets ${p.from}..${p.to}, ${p.read} read${p.complete ? '' : ' (INCOMPLETE)'}\n`;
  if (s.partitions.length === 0) out += '  nothing to read in that range\n';
  if (s.stopped_early) out += 'replay stopped before the end of the range; run it again to finish (nothing is doubled)\n';
  return out;
}

interface ReplayRequest {
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function replay(config: FrozenConfig, logger: Logger, req: ReplayRequest): Promise<ReplaySummary> {
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
    enrichContext = loadEnrichContext(config.enrich);
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
    extractors: extractorsFromConfig(config.extract),
    maxMessageBytes: config.storage.max_message_bytes,
    clock: Date.now,
  });
  const totalMessages = ranges.reduce((n, r) => n + Number(r.end - r.start), 0);
  const progress = createProgress({ stream: process.stderr, label: `replaying ${req.topic}`, unit: 'offsets', total: totalMessages });
  const consumer = kafka.consumer({
    groupId: group,
    maxBytesPerPartition: config.kafka.batch.max_bytes_per_partition,
    maxBytes: config.kafka.batch.max_bytes,
    maxWaitTimeInMs: config.kafka.batch.linger,
    allowAutoTopicCreation: false,
  });
  const run = new ReplayRun(ranges, summary, pipeline, progress, consumer, req.topic, config.kafka.batch.max_messages, logger);
  const onSignal = (): void => run.finish(true);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await run.start(req.idleMs);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
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
    private readonly progress: Progress,
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
