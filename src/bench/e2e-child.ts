/**
 * Benchmark child: runs the real ingest service (`logagg consume` without the CLI around it)
 * until `count` events are stored, then prints one JSON line with the rate and its peak RSS.
 * A child process so that its peak RSS is its own. Not part of the appliance.
 */
import { writeHeapSnapshot } from 'node:v8';
import { loadConfig } from '../config/load.js';
import { applyHeapGrowth } from '../runtime/heap-growth.js';
import { createLogger } from '../logger.js';
import { startIngestWithDetection } from '../app/appliance.js';
import { processEnv } from '../config/environment.js';

interface ChildArgs {
  brokers: string;
  topic: string;
  group: string;
  db: string;
  count: number;
  /** Extra config overrides (dotted keys), e.g. detection settings. */
  overrides?: Record<string, unknown>;
}

export interface ChildResult {
  events: number;
  seconds: number;
  rate: number;
  peakRssMb: number;
  /** process.memoryUsage() (MiB) at the sample with the highest RSS, taken every 100 ms. */
  memoryAtPeak: MemorySample;
  batches: number;
  parseErrors: number;
}

export interface MemorySample {
  rss: number;
  /** The main thread's V8 heap: reserved, and in use. */
  heapTotal: number;
  heapUsed: number;
  /** Memory outside the V8 heap held by JS objects (Buffers: kafkajs fetches, blocks). */
  external: number;
  arrayBuffers: number;
}

const MIB = 1024 * 1024;

/** Samples the process's memory until stopped; keeps the sample with the highest RSS. */
function memorySampler(): { stop: () => MemorySample } {
  let peak: MemorySample = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sample = (): void => {
    const m = process.memoryUsage();
    if (m.rss / MIB > peak.rss) peak = { rss: m.rss / MIB, heapTotal: m.heapTotal / MIB, heapUsed: m.heapUsed / MIB, external: m.external / MIB, arrayBuffers: m.arrayBuffers / MIB };
  };
  const timer = setInterval(sample, 100);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

async function run(args: ChildArgs): Promise<ChildResult> {
  const config = loadConfig({
    env: {},
    overrides: {
      'kafka.brokers': [args.brokers],
      'kafka.topics': [args.topic],
      'kafka.group_id': args.group,
      'storage.path': args.db,
      'retention.days': 0,
      'log.level': 'warn',
      'api.enabled': false,
      'detection.watch': false,
      ...args.overrides,
    },
  });
  const logger = createLogger({ level: 'warn', format: 'text' });
  const memory = memorySampler();
  // As `logagg consume` does, before the writer thread starts.
  applyHeapGrowth(config.memory.heap_growth_percent);
  const running = await startIngestWithDetection(config, logger, processEnv().vars);
  const service = running.service;
  // The clock starts when the group hands the consumer its partitions, so connecting and
  // joining are not counted (the consume-only ceiling is measured the same way).
  // LOGAGG_BENCH_HEAP_SNAPSHOT=FILE: a V8 heap snapshot of the main thread half-way (for
  // finding where memory goes; the snapshot itself pauses the run for seconds).
  const snapshotFile = process.env['LOGAGG_BENCH_HEAP_SNAPSHOT'];
  let snapshotTaken = snapshotFile === undefined || snapshotFile === '';
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (!snapshotTaken && service.stats.events >= args.count / 2) {
        snapshotTaken = true;
        writeHeapSnapshot(snapshotFile);
      }
      if (service.stats.events >= args.count) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const seconds = (Date.now() - service.stats.assignedAt) / 1000;
  const result: ChildResult = {
    events: service.stats.events,
    seconds,
    rate: service.stats.events / seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    memoryAtPeak: memory.stop(),
    batches: service.stats.batches,
    parseErrors: service.stats.parseErrors,
  };
  await running.stop();
  return result;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
run(args).then(
  (r) => {
    process.stdout.write(JSON.stringify(r) + '\n');
    process.exit(0);
  },
  (e: unknown) => {
    process.stderr.write(`e2e-child: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
