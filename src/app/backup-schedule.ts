import { join } from 'node:path';
import type { FrozenConfig } from '../config/load.js';
import type { Logger } from '../logger.js';
import type { StoreEncryption } from '../store/cipher.js';
import type { Store } from '../store/store.js';
import { backupDatabase, backupFileName, pruneBackups, type BackupSummary } from './backup.js';

/**
 * Scheduled backups (backup.every, backup.dir, backup.keep), run by `serve` and `consume`
 * through the appliance (appliance.ts) on the control connection: every `every`, a new
 * logagg-<UTC time>.db in `dir`, then the oldest beyond `keep` deleted. A failed backup is
 * logged and retried at the next tick; it never stops ingest.
 *
 * VACUUM INTO runs on this (the main) thread: batches keep being stored by the writer thread,
 * but decoding waits until the copy ends (docs/operations.md gives the time per GiB).
 */
export interface BackupSchedule {
  /** Takes one backup now (also what the timer calls); null when it failed (logged). */
  runOnce(): BackupSummary | null;
  stop(): void;
}

export function startBackupSchedule(opts: {
  config: FrozenConfig['backup'];
  store: Store;
  encryption?: StoreEncryption;
  logger: Logger;
  clock?: () => number;
}): BackupSchedule | null {
  const { config, store, logger } = opts;
  if (config.every === 0) return null;
  const clock = opts.clock ?? Date.now;
  const runOnce = (): BackupSummary | null => {
    const file = join(config.dir, backupFileName(clock()));
    try {
      const summary = backupDatabase(store, file, { ...(opts.encryption ? { encryption: opts.encryption } : {}), clock });
      const deleted = pruneBackups(config.dir, config.keep);
      logger.info('backup written', { file, bytes: summary.bytes, ms: summary.duration_ms, events: summary.events, deleted_old: deleted.length });
      return summary;
    } catch (e) {
      logger.warn('backup failed; will retry at the next interval', { file, err: e });
      return null;
    }
  };
  const timer = setInterval(runOnce, config.every);
  timer.unref();
  logger.info('backups scheduled', { every_ms: config.every, dir: config.dir, keep: config.keep });
  return { runOnce, stop: () => clearInterval(timer) };
}
