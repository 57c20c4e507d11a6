import { Kafka } from 'kafkajs';
import type { FrozenConfig } from '../config/load.js';
import { createLogger } from '../logger.js';
import type { OffsetRow } from '../store/offsets.js';
import { kafkaOptions } from './kafka-client.js';

/**
 * Kafka asked from outside the consumer: the watermarks of topics (a one-shot admin client with
 * short timeouts, for `logagg status`) and the consumer lag they give against the offsets
 * stored in the database.
 */

export interface PartitionWatermarks {
  partition: number;
  /** Offset of the next message to be written (the high watermark), decimal. */
  high: string;
  /** Oldest offset still in the log, decimal. */
  low: string;
}

export interface KafkaProbe {
  brokers: string[];
  reachable: boolean;
  error?: string;
  /** topic → partitions; topics Kafka does not know are listed in `missing_topics`. */
  topics: Record<string, PartitionWatermarks[]>;
  missing_topics: string[];
}

/**
 * A kafkajs client for one-shot admin calls: no retries and short timeouts, so a broker that is
 * down costs `timeoutMs`, not a minute of back-off. kafkajs' own log lines are dropped; the
 * caller reports the failure.
 */
export function adminKafka(cfg: FrozenConfig['kafka'], timeoutMs: number): Kafka {
  const silent = createLogger({ level: 'silent', format: 'text' });
  return new Kafka({ ...kafkaOptions(cfg, silent), retry: { retries: 0 }, connectionTimeout: timeoutMs, requestTimeout: timeoutMs });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms (${what})`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** High and low watermarks of `topics`; never throws: an unreachable cluster is `reachable: false`. */
export async function probeKafka(cfg: FrozenConfig['kafka'], topics: readonly string[], timeoutMs: number): Promise<KafkaProbe> {
  const probe: KafkaProbe = { brokers: [...cfg.brokers], reachable: false, topics: {}, missing_topics: [] };
  let admin;
  try {
    admin = adminKafka(cfg, timeoutMs).admin();
  } catch (e) {
    probe.error = e instanceof Error ? e.message : String(e);
    return probe;
  }
  try {
    await withTimeout(admin.connect(), timeoutMs, 'connecting');
    const known = new Set(await withTimeout(admin.listTopics(), timeoutMs, 'listing topics'));
    probe.reachable = true;
    for (const topic of topics) {
      if (!known.has(topic)) {
        probe.missing_topics.push(topic);
        continue;
      }
      const offsets = await withTimeout(admin.fetchTopicOffsets(topic), timeoutMs, `offsets of ${topic}`);
      probe.topics[topic] = offsets
        .map((o) => ({ partition: o.partition, high: o.high, low: o.low }))
        .sort((a, b) => a.partition - b.partition);
    }
  } catch (e) {
    probe.error = e instanceof Error ? e.message : String(e);
  } finally {
    // Not awaited past the timeout: a half-open connection must not keep status waiting.
    await withTimeout(admin.disconnect(), timeoutMs, 'disconnecting').catch(() => undefined);
  }
  return probe;
}

export interface PartitionLag {
  /** The consumer group the stored offset belongs to. */
  group: string;
  topic: string;
  partition: number;
  /** Next offset to read, as stored in the database; null when nothing was stored yet. */
  stored_next_offset: string | null;
  high_watermark: string | null;
  low_watermark: string | null;
  /** Messages in Kafka not yet stored; null when Kafka did not answer for this partition. */
  lag: number | null;
  /** When the stored offset last moved, epoch ms. */
  updated_at: number | null;
}

/**
 * One row per partition: every stored offset (any group), plus the configured group's
 * partitions that have none stored yet (their lag is what Kafka still holds, when the consumer
 * would start from the beginning). lag = high watermark − max(stored next offset, low watermark):
 * messages retention removed from Kafka before they were read cannot be read any more.
 */
export function lagRows(offsets: readonly OffsetRow[], probe: KafkaProbe | null, group: string, fromBeginning: boolean): PartitionLag[] {
  const rows: PartitionLag[] = [];
  const seen = new Set<string>();
  const marks = (topic: string, partition: number) => probe?.topics[topic]?.find((p) => p.partition === partition);
  for (const o of offsets) {
    seen.add(`${o.group}\u0000${o.topic}\u0000${o.partition}`);
    const m = marks(o.topic, o.partition);
    const from = m ? (BigInt(o.next_offset) > BigInt(m.low) ? BigInt(o.next_offset) : BigInt(m.low)) : null;
    rows.push({
      group: o.group,
      topic: o.topic,
      partition: o.partition,
      stored_next_offset: o.next_offset,
      high_watermark: m?.high ?? null,
      low_watermark: m?.low ?? null,
      lag: m && from !== null ? Math.max(0, Number(BigInt(m.high) - from)) : null,
      updated_at: o.updated_at,
    });
  }
  for (const [topic, parts] of Object.entries(probe?.topics ?? {})) {
    for (const m of parts) {
      if (seen.has(`${group}\u0000${topic}\u0000${m.partition}`)) continue;
      rows.push({
        group,
        topic,
        partition: m.partition,
        stored_next_offset: null,
        high_watermark: m.high,
        low_watermark: m.low,
        lag: fromBeginning ? Number(BigInt(m.high) - BigInt(m.low)) : 0,
        updated_at: null,
      });
    }
  }
  return rows.sort((a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
