import { startBackupSchedule, type BackupSchedule } from './backup-schedule.js';
import { DetectionService } from './detection.js';
import { startIngest, type IngestService } from './ingest-service.js';
import type { Env } from '../config/environment.js';
import { notifySecretEnv } from '../config/sections/notify.js';
import type { FrozenConfig } from '../config/load.js';
import type { Logger } from '../logger.js';
import { createNotifyService, type NotifyService } from '../notify/notify-service.js';
import { createForwardService, type ForwardService } from '../forward/forward-service.js';
import { storeOptionsFromConfig } from '../store/store-options.js';

/**
 * The appliance's ingest side, assembled from config: ingest (the one SQLite writer),
 * detection and notifications, started and stopped together. `consume` runs it alone, `serve`
 * beside the API thread and the direct listeners, the end-to-end benchmark in a child process.
 */
export interface IngestWithDetection {
  service: IngestService;
  /** null when detection.enabled is false. */
  detection: DetectionService | null;
  /** null when notifications are off or no channel is configured. */
  notify: NotifyService | null;
  /** null when backup.every is 0. */
  backups: BackupSchedule | null;
  /** null when forward.outputs is empty. */
  forward: ForwardService | null;
  stop(): Promise<void>;
}

/**
 * Ingest with detection from config: the rules are loaded first (a bad rule set is a
 * ConfigError, exit 2, before anything connects), bound to the writer once the database is
 * open, and watched for changes once consuming runs. Notification channels are resolved
 * first too (a missing secret is a ConfigError), and their sender runs on the writer connection.
 * `env` is where the channels' `*_env` secrets are read (the process environment, from config).
 */
export async function startIngestWithDetection(config: FrozenConfig, logger: Logger, env: Env, opts: { deferSource?: boolean } = {}): Promise<IngestWithDetection> {
  const notify = createNotifyService(config.notify, { logger, secretEnv: notifySecretEnv(config.notify, env) });
  const forward = createForwardService(config, logger);
  const detection = config.detection.enabled ? await DetectionService.load(config.detection, { logger }) : null;
  let service: IngestService;
  try {
    service = await startIngest({ config, logger, notify, ...(opts.deferSource ? { deferSource: true } : {}), ...(detection ? { detector: (store) => detection.attach(store) } : {}) });
  } catch (e) {
    detection?.close();
    throw e;
  }
  detection?.watch();
  try {
    notify?.start(service.store);
    // Fed from what the store committed, on the control connection (src/forward/forwarder.ts).
    forward?.start(service.store);
  } catch (e) {
    await notify?.stop();
    await forward?.stop();
    detection?.close();
    await service.stop();
    throw e;
  }
  // The key was read and proven when the store opened; read again only to check each copy.
  const { encryption } = storeOptionsFromConfig(config);
  const backups = startBackupSchedule({ config: config.backup, store: service.store, logger, ...(encryption ? { encryption } : {}) });
  return {
    service,
    detection,
    notify,
    backups,
    forward,
    async stop() {
      backups?.stop();
      await forward?.stop();
      await notify?.stop();
      detection?.close();
      await service.stop();
    },
  };
}
