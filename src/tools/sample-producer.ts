/**
 * Produces realistic sample logs (every format, some threats, some malformed) to Kafka, for
 * demos and benchmarks: `node lib/tools/sample-producer.js --brokers 127.0.0.1:9092 --rate 200`.
 * Not part of the appliance.
 */
import { Command } from 'commander';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { messageMix } from './message-mix.js';
import { realMix } from './real-mix.js';

/** The message generators: the formats mix (message-mix.ts) and real-shaped text lines (real-mix.ts). */
export const MIXES = ['default', 'real'] as const;
export type MixName = (typeof MIXES)[number];

/** `count` messages of the named mix, each with its topic. */
export function mixMessages(mix: MixName, count: number, opts: { seed: number; start: number; stepMs?: number; topics?: { metrics: string; threats: string } | undefined }): Iterable<{ topic: string; value: string }> {
  return mix === 'real' ? realMix(count, opts) : messageMix(count, opts);
}

export interface ProduceOptions {
  brokers: string[];
  count: number;
  /** Messages per second; 0 = as fast as possible. */
  rate: number;
  batchSize: number;
  seed: number;
  /** Which generator: the formats mix (default) or real-shaped text lines (`real`). */
  mix?: MixName;
  /** Topics by kind of message (metrics and system logs, security events); default message-mix's. */
  topics?: { metrics: string; threats: string };
  /** Every message to this one topic instead (the benchmark). */
  topic?: string;
  /** Event time of the first message; default now. */
  start?: number;
  /** Acknowledgements a batch waits for: -1 all in-sync replicas (default), 1 the leader only. */
  acks?: -1 | 1;
  /** Batches sent before waiting for their acknowledgements; default 1 (one at a time). */
  inFlight?: number;
  onProgress?: (sent: number) => void;
}

export interface ProduceResult {
  sent: number;
  /** Total length of the messages sent (the mix is ASCII: bytes). */
  bytes: number;
  /** From connected to disconnected. */
  seconds: number;
}

export async function ensureTopics(brokers: string[], topics: string[], partitions: number): Promise<void> {
  const admin = new Kafka({ clientId: 'logagg-sample-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length) await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export async function produceSample(opts: ProduceOptions): Promise<ProduceResult> {
  const producer: Producer = new Kafka({ clientId: 'logagg-sample', brokers: opts.brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  let sent = 0;
  let bytes = 0;
  const started = Date.now();
  const t0 = performance.now();
  const acks = opts.acks ?? -1;
  const maxInFlight = Math.max(1, opts.inFlight ?? 1);
  const inFlight: Promise<unknown>[] = [];
  try {
    const pending = new Map<string, { value: string }[]>();
    const flush = async (): Promise<void> => {
      const topicMessages = [...pending.entries()].map(([topic, messages]) => ({ topic, messages }));
      pending.clear();
      if (topicMessages.length) inFlight.push(producer.sendBatch({ topicMessages, acks }));
      if (inFlight.length >= maxInFlight) await Promise.all(inFlight.splice(0));
    };
    let inBatch = 0;
    const stepMs = opts.rate > 0 ? Math.max(1, Math.round(1000 / opts.rate)) : 1;
    for (const m of mixMessages(opts.mix ?? 'default', opts.count, { seed: opts.seed, start: opts.start ?? Date.now(), stepMs, topics: opts.topics })) {
      const topic = opts.topic ?? m.topic;
      let list = pending.get(topic);
      if (!list) pending.set(topic, (list = []));
      list.push({ value: m.value });
      bytes += m.value.length;
      inBatch++;
      sent++;
      if (inBatch >= opts.batchSize) {
        await flush();
        inBatch = 0;
        opts.onProgress?.(sent);
        if (opts.rate > 0) {
          const due = started + (sent / opts.rate) * 1000;
          const wait = due - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
      }
    }
    await flush();
    await Promise.all(inFlight.splice(0));
    opts.onProgress?.(sent);
  } finally {
    await Promise.allSettled(inFlight); // after a failure: no send left unawaited
    await producer.disconnect();
  }
  return { sent, bytes, seconds: (performance.now() - t0) / 1000 };
}

async function cli(argv: string[]): Promise<void> {
  const program = new Command('sample-producer')
    .option('--brokers <list>', 'brokers', '127.0.0.1:9092')
    .option('--count <n>', 'messages to send (0 = forever)', '0')
    .option('--rate <n>', 'messages per second (0 = as fast as possible)', '50')
    .option('--seed <n>', 'PRNG seed', '42')
    .option('--partitions <n>', 'partitions for topics it creates', '3')
    .option('--metrics-topic <t>', 'topic for metrics and system logs', 'system-metrics')
    .option('--threats-topic <t>', 'topic for security events', 'threat-logs')
    .parse(argv);
  const o = program.opts<Record<string, string>>();
  const brokers = (o.brokers as string).split(',');
  const topics = { metrics: o.metricsTopic as string, threats: o.threatsTopic as string };
  await ensureTopics(brokers, [topics.metrics, topics.threats], Number(o.partitions));
  const forever = Number(o.count) === 0;
  const rate = Number(o.rate);
  let total = 0;
  let seed = Number(o.seed);
  do {
    const count = forever ? Math.max(rate, 100) : Number(o.count);
    total += (await produceSample({ brokers, count, rate, batchSize: Math.max(1, Math.min(1000, rate || 1000)), seed: seed++, topics })).sent;
    process.stderr.write(`sample-producer: ${total} messages sent\n`);
  } while (forever);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  cli(process.argv).catch((e: unknown) => {
    process.stderr.write(`sample-producer: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
