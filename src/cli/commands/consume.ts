import type { Command } from 'commander';
import { DetectionService } from '../../app/detection.js';
import { startIngest, type IngestService } from '../../app/ingest-service.js';
import type { FrozenConfig } from '../../config/load.js';
import { notifySecretEnv } from '../../config/sections/notify.js';
import type { Logger } from '../../logger.js';
import { cliContext, list } from '../context.js';
import { onShutdown } from '../signals.js';
import { createNotifyService, type NotifyService } from '../../notify/notify-service.js';

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

export interface IngestWithDetection {
  service: IngestService;
  /** null when detection.enabled is false. */
  detection: DetectionService | null;
  /** null when notifications are off or no channel is configured. */
  notify: NotifyService | null;
  stop(): Promise<void>;
}

/**
 * Ingest with detection from config: the rules are loaded first (a bad rule set is a
 * ConfigError, exit 2, before anything connects), bound to the writer once the database is
 * open, and watched for changes once consuming runs. Notification channels are resolved
 * first too (a missing secret is a ConfigError), and their sender runs on the writer connection.
 */
export async function startIngestWithDetection(config: FrozenConfig, logger: Logger): Promise<IngestWithDetection> {
  const notify = createNotifyService(config.notify, { logger, secretEnv: notifySecretEnv(config.notify, process.env) });
  const detection = config.detection.enabled ? await DetectionService.load(config.detection, { logger }) : null;
  let service: IngestService;
  try {
    service = await startIngest({ config, logger, notify, ...(detection ? { detector: (store) => detection.attach(store) } : {}) });
  } catch (e) {
    detection?.close();
    throw e;
  }
  detection?.watch();
  try {
    notify?.start(service.store);
  } catch (e) {
    detection?.close();
    await service.stop();
    throw e;
  }
  return {
    service,
    detection,
    notify,
    async stop() {
      await notify?.stop();
      detection?.close();
      await service.stop();
    },
  };
}

/**
 * Runs until SIGINT/SIGTERM, then stops. When `fatal` rejects first (a part of the process
 * died, e.g. the API thread of `serve`), stops the same way and rejects with its error: the
 * command exits non-zero and the supervisor restarts it.
 */
export async function runUntilSignal(stop: () => Promise<void>, logger: import('../../logger.js').Logger, fatal?: Promise<never>): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const off = onShutdown(logger, async () => {
      try {
        await stop();
        resolve();
      } catch (e) {
        reject(e);
      }
    });
    fatal?.catch(async (e: unknown) => {
      off();
      try {
        await stop();
      } catch (stopError) {
        logger.error('error while stopping', { err: stopError });
      }
      reject(e);
    });
  });
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
    const { config, logger } = cliContext(cmd, ingestOverrides(flags));
    const ingest = await startIngestWithDetection(config, logger);
    // A dead writer thread stops the process (exit non-zero): nothing unstored was acknowledged.
    await runUntilSignal(() => ingest.stop(), logger, ingest.service.crashed);
  });
}
