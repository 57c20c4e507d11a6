/**
 * The ingest load of the API benchmark, in its own process so that it shares no event loop with
 * the load generator: keeps the benchmark topic `backlog` messages ahead of what the server has
 * stored (rows in the database), so the server's consumer always finds a full fetch and ingests
 * flat out, while this process produces no more than is ingested. Messages are the benchmark's
 * mix, stamped with the current time. Runs until SIGTERM, then prints one JSON line.
 * Not part of the appliance.
 */
import { Kafka, logLevel } from 'kafkajs';
import { maxLogId } from '../store/log-follow.js';
import { openStore } from '../store/store.js';
import { messageMix } from '../tools/message-mix.js';
import { DATASET_HOSTS } from './api-dataset.js';

export interface ProducerArgs {
  brokers: string;
  topic: string;
  /** The server's database, read-only: its newest id tells how much was stored. */
  db: string;
  /** Messages produced and not yet stored, at most. */
  backlog: number;
}

export interface ProducerResult {
  produced: number;
  seconds: number;
}

const BATCH = 2000;
const IN_FLIGHT = 4;

async function run(args: ProducerArgs): Promise<ProducerResult> {
  const store = openStore(args.db, { readonly: true, cacheMb: 2 });
  const base = maxLogId(store);
  const producer = new Kafka({ clientId: 'logagg-bench-api', brokers: [args.brokers], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  let stopping = false;
  process.once('SIGTERM', () => (stopping = true));
  process.once('SIGINT', () => (stopping = true));
  const t0 = performance.now();
  let produced = 0;
  let seed = 1;
  while (!stopping) {
    // Ids are AUTOINCREMENT and only this topic is ingested: the growth of the newest id is
    // the number of events stored since the start.
    const stored = maxLogId(store) - base;
    if (produced - stored >= args.backlog) {
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < IN_FLIGHT; i++) {
      const messages = [...messageMix(BATCH, { seed: seed++, start: Date.now(), stepMs: 0, hosts: DATASET_HOSTS })].map((m) => ({ value: m.value }));
      sends.push(producer.send({ topic: args.topic, messages, acks: 1 }));
      produced += BATCH;
    }
    await Promise.all(sends);
  }
  const seconds = (performance.now() - t0) / 1000;
  await producer.disconnect();
  store.close();
  return { produced, seconds };
}

const args = JSON.parse(process.argv[2] ?? '{}') as ProducerArgs;
run(args).then(
  (r) => {
    process.stdout.write(JSON.stringify(r) + '\n');
    process.exit(0);
  },
  (e: unknown) => {
    process.stderr.write(`api-producer: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
