/**
 * Benchmark child: runs the real ingest service (`logagg consume` without the CLI around it)
 * until `count` events are stored, then prints one JSON line with the rate and its peak RSS.
 * A child process so that its peak RSS is its own. Not part of the appliance.
 */
import { loadConfig } from '../config/load.js';
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
  batches: number;
  parseErrors: number;
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
  const running = await startIngestWithDetection(config, logger, processEnv().vars);
  const service = running.service;
  // The clock starts when the group hands the consumer its partitions, so connecting and
  // joining are not counted (the consume-only ceiling is measured the same way).
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
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
