import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { FrozenConfig } from '../config/load.js';
import type { Logger } from '../logger.js';
import { isLogaggError } from '../errors.js';
import type { IncomingMessage, IngestPipeline, PreparedBatch } from './pipeline.js';
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
 * Backpressure: a failed store is retried with backoff while the batch handler holds
 * (no further fetches for it), heartbeating; nothing is acknowledged that was not stored.
 */

export interface KafkaSourceOptions {
  kafka: Kafka;
  config: FrozenConfig['kafka'];
  pipeline: IngestPipeline;
  /** Offsets stored in SQLite for this group: topic -> partition -> next offset. */
  storedOffsets: () => Map<string, Map<number, string>>;
  logger: Logger;
  stats: IngestStats;
  /** Store retry backoff, milliseconds (tests shorten it). */
  retry?: { initialMs: number; maxMs: number };
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

    for (let i = 0; i < messages.length; i += chunkSize) {
      if (!payload.isRunning() || payload.isStale()) break;
      const chunk = messages.slice(i, i + chunkSize);
      const last = chunk[chunk.length - 1] as KafkaMessage;
      const started = performance.now();
      const incoming: IncomingMessage[] = chunk.map((m) => ({
        value: m.value,
        source: { kind: 'kafka', topic, partition, offset: m.offset },
      }));
      const prepared = this.opts.pipeline.prepare(incoming);
      // Give the event loop a turn between the CPU-bound steps, so the API served from the same
      // process (`serve`) waits for one step, not for a whole multi-megabyte fetch.
      await yieldToEventLoop();
      const nextOffset = (BigInt(last.offset) + 1n).toString();
      const stored = await this.commitWithRetry(prepared, { group: this.opts.config.group_id, topic, partition, nextOffset }, payload);
      if (!stored) return; // shutting down or partition revoked: nothing acknowledged
      this.next.set(k, BigInt(nextOffset));
      payload.resolveOffset(last.offset);
      lastResolved = last.offset;
      this.opts.stats.recordBatch(chunk.length, prepared.parseErrors, performance.now() - started);
      if (prepared.parseErrors > 0) await this.deadLetter(topic, chunk, prepared);
      await payload.heartbeat();
      await yieldToEventLoop();
    }

    if (lastResolved !== null) {
      try {
        await this.consumer?.commitOffsets([{ topic, partition, offset: (BigInt(lastResolved) + 1n).toString() }]);
      } catch (e) {
        // SQLite holds the truth; a failed Kafka commit only makes lag look higher for a while.
        this.opts.logger.warn('kafka offset commit failed (the database has the offsets)', { topic, partition, err: e });
      }
    }
  }

  /** Returns false when the batch must be abandoned (stopping, or the partition moved away). */
  private async commitWithRetry(prepared: PreparedBatch, mark: { group: string; topic: string; partition: number; nextOffset: string }, payload: EachBatchPayload): Promise<boolean> {
    const { initialMs, maxMs } = this.opts.retry ?? { initialMs: 200, maxMs: 30_000 };
    for (let attempt = 0; ; attempt++) {
      try {
        this.opts.pipeline.commit(prepared, [mark]);
        if (attempt > 0) this.opts.logger.info('store recovered', { attempts: attempt + 1 });
        return true;
      } catch (e) {
        this.opts.stats.storeFailures++;
        const wait = Math.min(maxMs, initialMs * 2 ** attempt) * (0.5 + Math.random() / 2);
        this.opts.logger.warn('store failed; holding the batch and retrying', {
          topic: mark.topic,
          partition: mark.partition,
          attempt: attempt + 1,
          retry_in_ms: Math.round(wait),
          code: isLogaggError(e) ? e.code : undefined,
          err: e,
        });
        const until = Date.now() + wait;
        while (Date.now() < until) {
          if (this.stopping || !payload.isRunning() || payload.isStale()) return false;
          await sleep(Math.min(1000, until - Date.now()));
          try {
            await payload.heartbeat();
          } catch {
            return false; // rebalanced away while we waited
          }
        }
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

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
