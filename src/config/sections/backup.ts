import { z } from 'zod';
import { durationSchema } from '../units.js';

/**
 * `backup`: scheduled backups taken by `serve` and `consume` (src/app/backup-schedule.ts,
 * docs/operations.md). Wired into configSchema in src/config/schema.ts; config/default.yaml
 * documents the same keys.
 */
export const backupSchema = z
  .strictObject({
    /** How often to back up; 0 = never (the default: `logagg backup FILE` by hand or from cron). At least 1m otherwise. */
    every: durationSchema('1h, 6h, 1d or 0 (off)')
      .default(0)
      .refine((ms) => ms === 0 || ms >= 60_000, 'give 0 (off) or at least 1m'),
    /** Where scheduled backups go (created if missing), as logagg-<UTC time>.db. Best on another disk. */
    dir: z.string().min(1, 'must not be empty').default('data/backups'),
    /** How many scheduled backups to keep: the oldest beyond this are deleted after each new one. */
    keep: z.number().int().min(1).max(10_000).default(7),
  })
  .prefault({});
