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
 * Pipelining: the chunks of a batch are prepared here and stored by the committer in order
 * (on the writer thread with storage.writer_thread), one chunk ahead at most (`ahead`); the
 * in-memory offsets, resolveOffset and the Kafka commit advance only for chunks whose
 * transaction landed, in order. A chunk is chained to the one before it (`after`): if that one
 * is given up, it is never stored.
 * Backpressure: a failed store is retried with backoff by the committer while the batch
 * handler holds (no further fetches for it, no further chunks prepared), heartbeating;
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
      retry: { retries: 10 },
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

  /** Finish the batch in flight, commit, leave the group, close. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.connected = false;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    const k = key(topic, partition);
    const chunkSize = this.opts.config.batch.max_messages;
    let lastResolved: string | null = null;

    // Skip what SQLite already holds (replays after a crash, or a Kafka commit behind the DB).
    const floor = this.next.get(k);
    const messages = floor === undefined ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) >= floor);
    if (messages.length < batch.messages.length) {
      this.opts.stats.skippedDuplicates += batch.messages.length - messages.length;
      const lastSkipped = batch.messages[batch.messages.length - messages.length - 1];
      if (messages.length === 0 && lastSkipped) lastResolved = lastSkipped.offset;
    }

    // Chunks are prepared here and stored by the committer (on the writer thread), in order:
    // chunk N+1 is decoded and detected while chunk N is stored. At most `ahead` chunks wait
    // behind the one being stored; a failing or slow store therefore stops preparation.
    const ahead = this.opts.ahead ?? 1;
    const inflight: InFlight[] = [];
    let abandoned = false;
    const ack = async (f: InFlight): Promise<void> => {
      this.next.set(k, BigInt(f.nextOffset));
      payload.resolveOffset(f.last.offset);
      lastResolved = f.last.offset;
      this.opts.stats.recordBatch(f.chunk.length, f.prepared.parseErrors, performance.now() - f.started);
      if (f.prepared.parseErrors > 0) await this.deadLetter(topic, f.chunk, f.prepared);
    };
    /** Waits for the oldest chunk in flight and acknowledges it; false when it was not stored. */
    const settleOldest = async (): Promise<boolean> => {
      const f = inflight[0] as InFlight;
      let o = await this.awaitTicket(f.ticket, payload);
      if (o === null) {
        // Give up this chunk and every later one of this batch (latest first, so none of them
        // starts meanwhile; `after` chains them anyway). One that is being stored ends as it ends.
        abandoned = true;
        for (let x = inflight.length - 1; x >= 0; x--) inflight[x]!.ticket.cancel();
        o = await f.ticket.done;
      }
      inflight.shift();
      if (!o.committed) {
        abandoned = true;
        for (const g of inflight) g.ticket.cancel();
        return false;
      }
      await ack(f);
      return true;
    };

    for (let i = 0; i < messages.length && !abandoned; i += chunkSize) {
      if (!payload.isRunning() || payload.isStale() || this.stopping) break;
      const chunk = messages.slice(i, i + chunkSize);
      const last = chunk[chunk.length - 1] as KafkaMessage;
      const started = performance.now();
      const incoming: IncomingMessage[] = chunk.map((m) => ({
        value: m.value,
        source: { kind: 'kafka', topic, partition, offset: m.offset },
      }));
      const prepared = this.opts.pipeline.prepare(incoming);
      const nextOffset = (BigInt(last.offset) + 1n).toString();
      // Submitted right after prepare (nothing awaited in between): stored in detection order.
      const previous = inflight[inflight.length - 1];
      const ticket = this.opts.pipeline.submit(prepared, [{ group: this.opts.config.group_id, topic, partition, nextOffset }], previous ? { after: previous.ticket } : {});
      inflight.push({ ticket, chunk, prepared, last, nextOffset, started });
      // Give the event loop a turn between the CPU-bound steps, so the API served from the same
      // process (`serve`) waits for one step, not for a whole multi-megabyte fetch.
      await yieldToEventLoop();
      while (inflight.length > ahead && !abandoned) {
        if (!(await settleOldest())) break;
        await heartbeat(payload);
      }
    }
    while (inflight.length > 0) {
      if (abandoned) {
        // Cancelled above: wait for them to end; only a chunk being stored can still land,
        // and it is acknowledged (it is in the database with its offset).
        const f = inflight.shift() as InFlight;
        const o = await f.ticket.done;
        if (o.committed) await ack(f);
        continue;
      }
      if (!(await settleOldest())) continue;
      await heartbeat(payload);
    }
    if (abandoned) return; // shutting down or partition revoked: nothing more acknowledged

    if (lastResolved !== null) {
      try {
        await this.consumer?.commitOffsets([{ topic, partition, offset: (BigInt(lastResolved) + 1n).toString() }]);
      } catch (e) {
        // SQLite holds the truth; a failed Kafka commit only makes lag look higher for a while.
        this.opts.logger.warn('kafka offset commit failed (the database has the offsets)', { topic, partition, err: e });
      }
    }
  }

  /**
   * Waits for a chunk's commit, heartbeating every second. Returns null when the batch must be
   * abandoned: the store is failing and logagg is stopping or the partition moved away, or
   * the group was rebalanced while we waited (the heartbeat failed).
   */
  private async awaitTicket(ticket: CommitTicket, payload: EachBatchPayload): Promise<CommitOutcome | null> {
    for (;;) {
      const o = await within(ticket.done, 1000);
      if (o !== undefined) return o;
      if (ticket.failures > 0 && (this.stopping || !payload.isRunning() || payload.isStale())) return null;
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

async function heartbeat(payload: EachBatchPayload): Promise<void> {
  try {
    await payload.heartbeat();
  } catch {
    // A rebalance: the next chunk's isStale() check or wait ends the batch.
  }
}

interface InFlight {
  ticket: CommitTicket;
  chunk: KafkaMessage[];
  prepared: PreparedBatch;
  last: KafkaMessage;
  nextOffset: string;
  started: number;
}
