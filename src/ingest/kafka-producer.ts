/**
 * The producer of a forwarding output (src/forward/): kafkajs, idempotent, every request
 * acknowledged by all in-sync replicas (acks=all), so a message the broker acknowledged is
 * not lost with the partition leader, and the producer's own retries never write it twice.
 * kafkajs stays under src/ingest; the forwarder sees only ForwardProducer.
 */
import { CompressionTypes, Kafka, type Producer } from 'kafkajs';
import type { FrozenConfig } from '../config/load.js';
import type { OutMessage } from '../core/forward-message.js';
import type { Logger } from '../logger.js';
import { kafkaOptions } from './kafka-client.js';

/**
 * A broker refuses a request larger than its message.max.bytes (1 MiB by default), compressed or
 * not: a batch is sent in requests of at most this many bytes (keys, values and headers,
 * uncompressed), one after the other.
 */
export const MAX_REQUEST_BYTES = 512 * 1024;

/** The messages in runs of at most maxBytes (a message larger than that alone), in order. */
export function splitBySize<T extends OutMessage>(messages: readonly T[], maxBytes = MAX_REQUEST_BYTES): T[][] {
  const out: T[][] = [];
  let run: T[] = [];
  let bytes = 0;
  for (const m of messages) {
    let size = Buffer.byteLength(m.key) + Buffer.byteLength(m.value) + 64;
    for (const [k, v] of Object.entries(m.headers)) size += Buffer.byteLength(k) + Buffer.byteLength(v);
    if (run.length > 0 && bytes + size > maxBytes) {
      out.push(run);
      run = [];
      bytes = 0;
    }
    run.push(m);
    bytes += size;
  }
  if (run.length > 0) out.push(run);
  return out;
}

export interface ForwardProducer {
  /** Resolves once the broker acknowledged every message (acks=all); rejects otherwise. */
  send(topic: string, messages: readonly OutMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface ForwardProducerOptions {
  /** The appliance's kafka section: TLS, SASL and client id; `brokers` replaces its brokers when given. */
  kafka: FrozenConfig['kafka'];
  brokers: readonly string[] | null;
  compression: 'none' | 'gzip';
  /** One request, acknowledgements included, ms. */
  timeoutMs: number;
  /** Used in the client id (`<kafka.client_id>-forward-<output>`). */
  output: string;
  logger: Logger;
}

const RETRY = { retries: 3, initialRetryTime: 300, maxRetryTime: 3_000 };

export function createForwardProducer(opts: ForwardProducerOptions): ForwardProducer {
  const options = kafkaOptions({ ...opts.kafka, brokers: [...(opts.brokers ?? opts.kafka.brokers)], client_id: `${opts.kafka.client_id}-forward-${opts.output}` }, opts.logger);
  // Short retries, connecting included: the forwarder retries from its cursor with its own
  // backoff, and a broker that is down must show as a failure (status, /readyz) within seconds.
  const kafka = new Kafka({ ...options, retry: RETRY });
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // A topic name with a typo must fail loudly, not create a topic.
    allowAutoTopicCreation: false,
    retry: RETRY,
  });
  let connected: Promise<void> | null = null;
  const compression = opts.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  return {
    async send(topic, messages) {
      if (messages.length === 0) return;
      connected ??= producer.connect().catch((e: unknown) => {
        connected = null;
        throw e;
      });
      await connected;
      for (const run of splitBySize(messages)) {
        await producer.send({
          topic,
          acks: -1,
          timeout: opts.timeoutMs,
          compression,
          messages: run.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        });
      }
    },
    async close() {
      connected = null;
      await producer.disconnect().catch(() => undefined);
    },
  };
}
