import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { FrozenConfig } from '../config/load.js';
import type { Logger } from '../logger.js';
import type { IncomingMessage, IngestPipeline, PreparedBatch } from './pipeline.js';
import type { CommitOutcome, CommitTicket } from './commit-queue.js';
import type { IngestStats } from './ingest-stats.js';

/**
 * The Kafka adapter: a kafkajs consumer group whose batches go through the ingest pipeline.
 *
 * Exactly-once effect into SQLite:
 *  - each chunk of a batch is committed to SQLite together with the offset it reached;
 *  - on every partition assignment the consumer seeks to the offset stored in SQLite;
 *  - messages below the stored offset are skipped (covers the instant between assignment
 *    and seek, and a Kafka commit that lags the database);
 *  - offsets are committed to Kafka only after SQLite, so Kafka's committed offset is
 *    never ahead of the database; Kafka commits exist for lag monitoring.
 * Pipelining: chunks are prepared here and stored by the committer in order (on the writer
 * thread with storage.writer_thread), at most `ahead` chunks behind the one being stored, also
 * across batches (the next batch is fetched and prepared while the last chunk of this one is
 * stored). The in-memory offsets (`next`) and the Kafka commit advance only for chunks whose
 * transaction landed, in order. resolveOffset is kafkajs' fetch position only (autoCommit is
 * off): it moves at submit, and a chunk given up moves it back with a seek. A chunk is chained
 * to the previous one of its partition (`after`): if that one is given up, it is never stored.
 * A batch first waits until its partition has nothing in flight, so the floor it filters with
 * is what SQLite holds.
 * Backpressure: a failed store is retried with backoff by the committer while the batch
 * handler holds (no further chunks prepared, no further batches taken), heartbeating;
 * nothing is acknowledged that was not stored.
 */

export interface KafkaSourceOptions {
  kafka: Kafka;
  config: FrozenConfig['kafka'];
  pipeline: IngestPipeline;
  /** Offsets stored in SQLite for this group: topic -> partition -> next offset. */
  storedOffsets: () => Map<string, Map<number, string>>;
  logger: Logger;
  stats: IngestStats;
  /**
   * Chunks of a batch prepared and queued behind the one being stored (1 = prepare the next
   * while this one is stored). While the store fails, preparation stops at this bound.
   */
  ahead?: number;
}

export class KafkaSource {
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  /** What SQLite holds, kept in memory after start: "topic\u0000partition" -> next offset. */
  private readonly next = new Map<string, bigint>();
  private stopping = false;
  private connected = false;
  /**
   * Chunks submitted and not yet acknowledged, in submit order (all partitions); at most
   * `ahead` + 1 while a batch is being prepared.
   */
  private readonly inflight: InFlight[] = [];
  private ackLoopRunning = false;
  private acking: Promise<void> = Promise.resolve();
  private batchRunning: Promise<void> = Promise.resolve();
  /** The latest batch's handle (heartbeats, isRunning) for chunks acknowledged after it returned. */
  private payload: EachBatchPayload | null = null;
  /** Stored offsets not yet committed to Kafka, by partition. */
  private readonly kafkaDue = new Map<string, { topic: string; partition: number; offset: string }>();
  private lastKafkaCommit = 0;

  constructor(private readonly opts: KafkaSourceOptions) {}

  get isConnected(): boolean {
    return this.connected;
  }

  async start(): Promise<void> {
    const { kafka, config, logger } = this.opts;
    for (const [topic, parts] of this.opts.storedOffsets()) {
      for (const [partition, offset] of parts) this.next.set(key(topic, partition), BigInt(offset));
    }
    const consumer = kafka.consumer({
      groupId: config.group_id,
      sessionTimeout: config.session_timeout,
      heartbeatInterval: config.heartbeat_interval,
      maxBytesPerPartition: config.batch.max_bytes_per_partition,
      maxBytes: config.batch.max_bytes,
      minBytes: config.batch.min_bytes,
      maxWaitTimeInMs: config.batch.linger,
      allowAutoTopicCreation: false,
      // A stop during the group join (serve joins while its API already answers) disconnects
      // under kafkajs' feet: it must not restart the consumer it was told to stop.
      retry: { retries: 10, restartOnFailure: async () => !this.stopping },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const assignment = e.payload.memberAssignment;
      this.opts.stats.assignedAt = Date.now();
      logger.info('partitions assigned', { assignment });
      for (const [topic, partitions] of Object.entries(assignment)) {
        for (const partition of partitions) {
          const stored = this.next.get(key(topic, partition));
          if (stored !== undefined) consumer.seek({ topic, partition, offset: stored.toString() });
        }
      }
    });
    consumer.on(consumer.events.CRASH, (e) => {
      logger.error('kafka consumer crashed', { err: e.payload.error, restart: e.payload.restart });
    });
    consumer.on(consumer.events.CONNECT, () => {
      this.connected = true;
    });
    consumer.on(consumer.events.DISCONNECT, () => {
      this.connected = false;
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      this.opts.stats.setLag(e.payload.topic, e.payload.partition, Number(e.payload.offsetLag));
    });

    if (config.dead_letter_topic) {
      this.producer = kafka.producer({ allowAutoTopicCreation: true });
      await this.producer.connect();
    }
    await consumer.connect();
    const topics: (string | RegExp)[] = [...config.topics];
    if (config.topic_pattern) topics.push(new RegExp(config.topic_pattern));
    await consumer.subscribe({ topics, fromBeginning: config.from_beginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
    logger.info('consuming', { brokers: config.brokers, group: config.group_id, topics: topics.map(String) });
  }

  /**
   * Stops preparing, lets the chunks in flight land (or gives them up if the store is failing),
   * commits the stored offsets to Kafka, leaves the group, closes.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.batchRunning;
    await this.acking;
    await this.commitKafka();
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.connected = false;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    if (this.stopping) return;
    let done!: () => void;
    this.batchRunning = new Promise<void>((r) => (done = r));
    try {
      await this.processBatch(payload);
    } finally {
      done();
    }
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    const k = key(topic, partition);
    const chunkSize = this.opts.config.batch.max_messages;
    const ahead = this.opts.ahead ?? 1;
    this.payload = payload;

    // Chunks of this partition still in flight (from its previous batch) land first, so the
    // floor below is what SQLite holds (a batch fetched again after a seek must not be
    // prepared, and detected, a second time).
    for (let f = this.lastOf(k); f !== undefined; f = this.lastOf(k)) {
      if (!(await f.acked)) return;
    }
    if (this.stopping || !payload.isRunning() || payload.isStale()) return;

    // Skip what SQLite already holds (replays after a crash, or a Kafka commit behind the DB).
    const floor = this.next.get(k);
    const messages = floor === undefined ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) >= floor);
    if (messages.length < batch.messages.length) {
      this.opts.stats.skippedDuplicates += batch.messages.length - messages.length;
      const lastSkipped = batch.messages[batch.messages.length - messages.length - 1];
      if (messages.length === 0 && lastSkipped) {
        payload.resolveOffset(lastSkipped.offset);
        const offset = (BigInt(lastSkipped.offset) + 1n).toString();
        const due = this.kafkaDue.get(k);
        if (due === undefined || BigInt(due.offset) < BigInt(offset)) this.kafkaDue.set(k, { topic, partition, offset });
        this.kickAcks();
      }
    }

    // Chunks are prepared here and stored by the committer (on the writer thread), in order:
    // chunk N+1 is decoded and detected while chunk N is stored, also across batches. At most
    // `ahead` chunks wait behind the one being stored; a failing or slow store therefore stops
    // preparation here.
    for (let i = 0; i < messages.length; i += chunkSize) {
      if (!payload.isRunning() || payload.isStale() || this.stopping) return;
      const chunk = messages.slice(i, i + chunkSize);
      const last = chunk[chunk.length - 1] as KafkaMessage;
      const started = performance.now();
      const incoming: IncomingMessage[] = chunk.map((m) => ({
        value: m.value,
        source: { kind: 'kafka', topic, partition, offset: m.offset },
      }));
      const prepared = this.opts.pipeline.prepare(incoming);
      const nextOffset = (BigInt(last.offset) + 1n).toString();
      // Submitted right after prepare (nothing awaited in between): stored in detection order,
      // and only if the chunk before it of this partition was.
      const previous = this.lastOf(k);
      const ticket = this.opts.pipeline.submit(prepared, [{ group: this.opts.config.group_id, topic, partition, nextOffset }], previous ? { after: previous.ticket } : {});
      let settle!: (ok: boolean) => void;
      const acked = new Promise<boolean>((r) => (settle = r));
      this.inflight.push({ ticket, k, topic, partition, chunk, prepared, first: chunk[0] as KafkaMessage, last, nextOffset, started, acked, settle });
      // The fetch position only (autoCommit is off: kafkajs commits nothing by itself), so the
      // next batch is fetched while this chunk is stored. What is stored is tracked in `next`
      // and committed to Kafka by commitKafka(); a chunk given up rewinds the fetch position.
      payload.resolveOffset(last.offset);
      this.kickAcks();
      // Give the event loop a turn between the CPU-bound steps, so the API served from the same
      // process (`serve`) waits for one step, not for a whole multi-megabyte fetch.
      await yieldToEventLoop();
      while (this.inflight.length > ahead) {
        if (!(await (this.inflight[0] as InFlight).acked)) return;
      }
    }
  }

  /** The newest chunk of a partition still in flight. */
  private lastOf(k: string): InFlight | undefined {
    for (let x = this.inflight.length - 1; x >= 0; x--) if (this.inflight[x]!.k === k) return this.inflight[x];
    return undefined;
  }

  /** Acknowledges the chunks in flight in order, as their commits land (one loop at a time). */
  private kickAcks(): void {
    if (this.ackLoopRunning) return;
    this.ackLoopRunning = true;
    this.acking = (async () => {
      try {
        while (this.inflight.length > 0) await this.settleOldest();
        await this.commitKafka();
      } finally {
        this.ackLoopRunning = false;
      }
    })();
  }

  private async settleOldest(): Promise<void> {
    const f = this.inflight[0] as InFlight;
    let o = await this.awaitTicket(f.ticket);
    if (o === null) {
      // Give up every chunk in flight (latest first, so none of them starts meanwhile; the
      // chains stop them anyway). One being stored ends as it ends.
      for (let x = this.inflight.length - 1; x >= 0; x--) this.inflight[x]!.ticket.cancel();
      o = await f.ticket.done;
    }
    this.inflight.shift();
    if (!o.committed) {
      this.giveUp(f);
      return;
    }
    const { topic, partition } = f;
    this.next.set(f.k, BigInt(f.nextOffset));
    this.kafkaDue.set(f.k, { topic, partition, offset: f.nextOffset });
    this.opts.stats.recordBatch(f.chunk.length, f.prepared.parseErrors, performance.now() - f.started);
    f.settle(true);
    if (f.prepared.parseErrors > 0) await this.deadLetter(topic, f.chunk, f.prepared);
    if (this.inflight.length === 0 || Date.now() - this.lastKafkaCommit > 1000) await this.commitKafka();
  }

  /**
   * A chunk not stored: it and the chunks after it of its partition are not acknowledged, and
   * the partition's fetch position goes back to it (unless stopping), so it is read again.
   */
  private giveUp(f: InFlight): void {
    f.settle(false);
    for (let x = 0; x < this.inflight.length; ) {
      const g = this.inflight[x]!;
      if (g.k !== f.k) {
        x++;
        continue;
      }
      g.ticket.cancel();
      this.inflight.splice(x, 1);
      void g.ticket.done.then((o) => {
        // Cannot be committed (chained after f); kept for clarity of the invariant.
        if (o.committed) this.opts.logger.error('a chunk was stored after the chunk before it was given up', { topic: g.topic, partition: g.partition });
      });
      g.settle(false);
    }
    if (!this.stopping && this.consumer) {
      try {
        this.consumer.seek({ topic: f.topic, partition: f.partition, offset: f.first.offset });
      } catch (e) {
        this.opts.logger.warn('could not rewind the partition after a chunk was given up; it is read again after the next rebalance or restart', { topic: f.topic, partition: f.partition, err: e });
      }
    }
  }

  /** Commits the offsets stored in SQLite to Kafka (lag monitoring only). */
  private async commitKafka(): Promise<void> {
    if (this.kafkaDue.size === 0 || !this.consumer) return;
    const offsets = [...this.kafkaDue.values()];
    this.kafkaDue.clear();
    this.lastKafkaCommit = Date.now();
    try {
      await this.consumer.commitOffsets(offsets);
    } catch (e) {
      // SQLite holds the truth; a failed Kafka commit only makes lag look higher for a while.
      this.opts.logger.warn('kafka offset commit failed (the database has the offsets)', { offsets, err: e });
    }
  }

  /**
   * Waits for a chunk's commit, heartbeating every second. Returns null when the chunks in
   * flight must be given up: the store is failing and logagg is stopping or the group is
   * rebalancing, or the heartbeat failed (rebalanced while we waited).
   */
  private async awaitTicket(ticket: CommitTicket): Promise<CommitOutcome | null> {
    for (;;) {
      const o = await within(ticket.done, 1000);
      if (o !== undefined) return o;
      const payload = this.payload;
      if (ticket.failures > 0 && (this.stopping || (payload !== null && (!payload.isRunning() || payload.isStale())))) return null;
      if (payload === null || this.stopping) continue;
      try {
        await payload.heartbeat();
      } catch {
        return null; // rebalanced away while we waited
      }
    }
  }

  private async deadLetter(topic: string, chunk: KafkaMessage[], prepared: PreparedBatch): Promise<void> {
    const dlq = this.opts.config.dead_letter_topic;
    if (!dlq || !this.producer) return;
    const messages = [];
    for (let i = 0; i < chunk.length; i++) {
      const event = prepared.events[i];
      const m = chunk[i] as KafkaMessage;
      if (!event || event.parse_error === null) continue;
      messages.push({
        key: m.key,
        value: m.value,
        headers: { 'logagg-source-topic': topic, 'logagg-source-offset': m.offset, 'logagg-parse-error': event.parse_error.slice(0, 500) },
      });
    }
    try {
      await this.producer.send({ topic: dlq, messages });
    } catch (e) {
      this.opts.logger.warn('dead-letter produce failed (the messages are stored with parse_error)', { topic: dlq, count: messages.length, err: e });
    }
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** The promise's value, or undefined after `ms` (the timer is cleared when it settles first). */
function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]).finally(() => clearTimeout(timer));
}

interface InFlight {
  ticket: CommitTicket;
  k: string;
  topic: string;
  partition: number;
  chunk: KafkaMessage[];
  prepared: PreparedBatch;
  first: KafkaMessage;
  last: KafkaMessage;
  nextOffset: string;
  started: number;
  /** true once stored and acknowledged; false when given up. */
  acked: Promise<boolean>;
  settle(ok: boolean): void;
}
