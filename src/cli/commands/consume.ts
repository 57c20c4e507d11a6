import { applyHeapGrowth } from '../../runtime/heap-growth.js';
import type { Command } from 'commander';
import { startIngestWithDetection } from '../../app/appliance.js';
import { runUntilSignal } from '../../app/signals.js';
import { cliContext, list } from '../context.js';

export interface IngestFlags {
  brokers?: string;
  topics?: string;
  group?: string;
  db?: string;
}

/** Flags shared by `consume` and `serve`: each overrides one config key for this run. */
export function addIngestFlags(cmd: Command): Command {
  return cmd
    .option('--brokers <list>', 'Kafka brokers, comma-separated (kafka.brokers)')
    .option('--topics <list>', 'topics, comma-separated (kafka.topics)')
    .option('--group <id>', 'consumer group (kafka.group_id)')
    .option('--db <file>', 'SQLite database file (storage.path)');
}

export function ingestOverrides(flags: IngestFlags): Record<string, unknown> {
  return {
    'kafka.brokers': list(flags.brokers),
    'kafka.topics': list(flags.topics),
    'kafka.group_id': flags.group,
    'storage.path': flags.db,
  };
}

export function registerConsume(program: Command): void {
  addIngestFlags(
    program
      .command('consume')
      .description('consume the configured Kafka topics into the database (no API)')
      .addHelpText(
        'after',
        `
Examples:
  logagg consume
  logagg consume --brokers 127.0.0.1:9092 --topics system-metrics,threat-logs --db /var/lib/logagg/logagg.db
  LOGAGG_KAFKA_GROUP_ID=edge-1 logagg -c /etc/logagg.yaml consume`,
      ),
  ).action(async (flags: IngestFlags, cmd: Command) => {
    const { config, logger, env } = cliContext(cmd, ingestOverrides(flags));
    // Before the writer thread starts: V8's flags are the process's (src/runtime/heap-growth.ts).
    applyHeapGrowth(config.memory.heap_growth_percent);
    const ingest = await startIngestWithDetection(config, logger, env.vars);
    // A dead writer thread stops the process (exit non-zero): nothing unstored was acknowledged.
    await runUntilSignal(() => ingest.stop(), logger, ingest.service.crashed);
  });
}
