// Helpers for integration tests against the real Kafka broker that test/global-setup.ts starts.
//
//   describeKafka('consumer', () => {
//     test('reads what was produced', async () => {
//       const brokers = requireKafka();
//       const topic = await createTopic(brokers, uniqueTopic('ingest'), 3); // deleted after the test
//       await produce(brokers, topic, ['a', 'b', { key: 'k', value: 'c', partition: 2 }]);
//     });
//   });
//
// Whatever a helper creates is removed after the test that created it (or, when created outside
// a test, after the file): see deferCleanup in ./temp.js.
import { describe, inject } from 'vitest';
import { Kafka, Partitioners, logLevel, type Admin, type IHeaders, type Message } from 'kafkajs';
import { probeMetadata } from '../../scripts/kafka/probe.mjs';
import { startBroker, type KafkaBroker, type StartBrokerOptions } from './kafka-broker.js';
import { deferCleanup } from './temp.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap address of the shared test broker, "" when there is none. */
    kafkaBrokers: string;
    /** Why there is no broker ("" when there is one). */
    kafkaUnavailable: string;
  }
}

// ---- the shared broker ----------------------------------------------------------------------

/** True when the run has a broker (global setup started one, or KAFKA_BROKERS named one). */
export function kafkaAvailable(): boolean {
  return inject('kafkaBrokers') !== '';
}

/** The shared broker's bootstrap address; throws, with the reason, when the run has none. */
export function requireKafka(): string {
  const brokers = inject('kafkaBrokers');
  if (brokers === '') throw new Error(`Kafka is not available for this run: ${inject('kafkaUnavailable')}`);
  return brokers;
}

/**
 * describe() for tests that need Kafka: skipped, with the reason in its name, when the run has
 * no broker (which only happens outside CI: in CI global setup fails the run instead).
 */
export function describeKafka(name: string, fn: () => void): void {
  if (kafkaAvailable()) describe(name, fn);
  else describe.skip(`${name} [skipped: no Kafka broker, see the global setup's message]`, fn);
}

/**
 * A broker of the test's own, for tests that stop, kill or restart it (the shared broker must
 * not be disturbed). Destroyed after the test, or after the file when started in beforeAll.
 */
export async function startOwnBroker(options: StartBrokerOptions = {}): Promise<KafkaBroker> {
  const broker = await startBroker(options);
  deferCleanup(() => broker.destroy());
  return broker;
}

// ---- names and clients ----------------------------------------------------------------------

let counter = 0;

/** A topic (or group) name no other test uses: prefix-<pid>-<time>-<n>. Legal in Kafka names. */
export function uniqueTopic(prefix = 'test'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export const uniqueGroup = uniqueTopic;

/** A kafkajs client that logs nothing (kafkajs is noisy, above all while a broker restarts). */
export function kafkaClient(brokers: string, clientId = 'logagg-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 8 },
  });
}

/** Runs fn with a connected admin client, and disconnects it afterwards. */
export async function withAdmin<T>(brokers: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkaClient(brokers, 'logagg-test-admin').admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

// ---- topics ---------------------------------------------------------------------------------

/** Creates the topic and waits for its leaders; deletes it after the test. Returns its name. */
export async function createTopic(
  brokers: string,
  topic: string,
  partitions = 1,
  configEntries: Record<string, string> = {},
): Promise<string> {
  await withAdmin(brokers, async (admin) => {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: partitions,
            replicationFactor: 1,
            configEntries: Object.entries(configEntries).map(([name, value]) => ({ name, value })),
          },
        ],
      });
    } catch (e) {
      // A busy broker can answer the metadata request that waits for the leaders before the new
      // topic is known to it ("does not host this topic-partition"): the topic is being made, so
      // wait for its leaders here instead of failing the test.
      const type = (e as { type?: string }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw e;
      const until = Date.now() + 60_000;
      for (;;) {
        try {
          const meta = await admin.fetchTopicMetadata({ topics: [topic] });
          const parts = meta.topics[0]?.partitions ?? [];
          if (parts.length === partitions && parts.every((p) => p.leader >= 0)) break;
        } catch (again) {
          if (Date.now() > until) throw again;
        }
        if (Date.now() > until) throw new Error(`topic ${topic}: no leaders after 60 s`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  });
  deferCleanup(() => deleteTopicIfReachable(brokers, topic));
  return topic;
}

// A test's own broker may be stopped or destroyed before the cleanups run: its topics went with it.
async function deleteTopicIfReachable(brokers: string, topic: string): Promise<void> {
  const [host, port] = splitAddress(brokers.split(',')[0] ?? '');
  try {
    await probeMetadata(host, port, 2000);
  } catch {
    return;
  }
  await deleteTopic(brokers, topic);
}

function splitAddress(address: string): [string, number] {
  const m = /^(.*):(\d+)$/.exec(address);
  if (!m) throw new Error(`not a host:port address: ${address}`);
  return [m[1]!, Number(m[2])];
}

/** Deletes the topic; a topic that does not exist is not an error. */
export async function deleteTopic(brokers: string, topic: string): Promise<void> {
  await withAdmin(brokers, async (admin) => {
    try {
      await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
    } catch (err) {
      if (!/does not host this topic-partition|UNKNOWN_TOPIC_OR_PARTITION/i.test(String(err))) throw err;
    }
  });
}

// ---- produce --------------------------------------------------------------------------------

export type ProduceMessage =
  | string
  | Buffer
  | { key?: string | Buffer | null; value: string | Buffer | null; partition?: number; headers?: IHeaders; timestamp?: string };

// One request per partition must stay under the broker's message.max.bytes (1 MiB by default):
// a send carries at most this many bytes, counted generously (key + value + 64 per record).
const SEND_MAX_BYTES = 512 * 1024;
const SEND_MAX_MESSAGES = 20_000;
const RECORD_OVERHEAD = 64;

function toMessage(m: ProduceMessage): Message {
  if (typeof m === 'string' || Buffer.isBuffer(m)) return { value: m };
  return m;
}

function sizeOf(m: Message): number {
  const len = (v: unknown): number =>
    v == null ? 0 : Buffer.isBuffer(v) ? v.length : Buffer.byteLength(String(v));
  return len(m.key) + len(m.value) + RECORD_OVERHEAD;
}

/**
 * Produces the messages in order (acks from all in-sync replicas, no compression), in sends of
 * at most 512 KiB; messages without a partition are spread by kafkajs' default partitioner
 * (murmur2 of the key, round robin without one). Returns how many were written.
 */
export async function produce(brokers: string, topic: string, messages: readonly ProduceMessage[]): Promise<number> {
  const producer = kafkaClient(brokers, 'logagg-test-producer').producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: true,
  });
  await producer.connect();
  try {
    let batch: Message[] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      await producer.send({ topic, messages: batch, acks: -1 });
      batch = [];
      bytes = 0;
    };
    for (const m of messages) {
      const msg = toMessage(m);
      const size = sizeOf(msg);
      if (batch.length >= SEND_MAX_MESSAGES || (batch.length > 0 && bytes + size > SEND_MAX_BYTES)) await flush();
      batch.push(msg);
      bytes += size;
    }
    await flush();
    return messages.length;
  } finally {
    await producer.disconnect();
  }
}

// ---- consume --------------------------------------------------------------------------------

export interface ConsumedMessage {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/**
 * Reads `count` messages from the beginning of the topic with a consumer group of its own, then
 * stops. Rejects when fewer than `count` arrive within timeoutMs. For checking what a component
 * wrote (a dead-letter topic, say); the order across partitions is the order of arrival.
 */
export async function consume(
  brokers: string,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<ConsumedMessage[]> {
  const consumer = kafkaClient(brokers, 'logagg-test-consumer').consumer({ groupId: uniqueGroup('test-read') });
  const got: ConsumedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`consume(${topic}): ${got.length} of ${count} messages in ${timeoutMs} ms`)),
        timeoutMs,
      );
      if (count === 0) {
        clearTimeout(timer);
        resolve();
        return;
      }
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              got.push({ partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers ?? {} });
            }
            if (got.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return got;
  } finally {
    await consumer.disconnect();
  }
}
