import type { Command } from 'commander';
import { restoreDatabase } from '../../app/backup.js';
import { storeOptionsFromConfig } from '../../store/store-options.js';
import { cliContext } from '../context.js';

/**
 * `logagg restore FILE`: replaces the database with a backup, once the backup is proven good
 * and no logagg has the database open (src/app/backup.ts, docs/operations.md).
 */
interface RestoreFlags {
  db?: string;
  json?: boolean;
  quick?: boolean;
}

export function registerRestore(program: Command): void {
  program
    .command('restore')
    .description('replace the database with a backup FILE (checked first; logagg must be stopped)')
    .argument('<file>', 'a backup written by `logagg backup` (or by backup.every)')
    .option('--db <file>', 'the database file to replace (storage.path)')
    .option('--quick', 'quick_check instead of the full integrity_check (faster on large files)')
    .option('--json', 'print a JSON summary on stdout')
    .addHelpText(
      'after',
      `
Examples:
  systemctl stop logagg
  logagg -c /etc/logagg/logagg.yaml restore /var/backups/logagg/logagg-20260101T000000000Z.db
  systemctl start logagg

Checks first, then replaces: the backup must pass integrity_check, decrypt with the configured key
(storage.encryption) and have a schema this logagg knows (an older one is migrated, a newer one
refused). Refused while serve, consume or another logagg command has the database open.
After a restore, consume resumes from the offsets stored in the backup: what came later is
read again from Kafka (if the topic still holds it), exactly once.
Exit codes: 0 ok, 1 runtime error (damaged backup, database in use, newer schema), 2 usage or config error (wrong key).`,
    )
    .action((file: string, flags: RestoreFlags, cmd: Command) => {
      const { config } = cliContext(cmd, { 'storage.path': flags.db });
      const options = storeOptionsFromConfig(config);
      process.stderr.write(`checking ${file} (${flags.quick ? 'quick_check' : 'integrity_check'}) …\n`);
      const summary = restoreDatabase(file, config.storage.path, {
        ...(options.encryption ? { encryption: options.encryption } : {}),
        ...(flags.quick ? { quick: true } : {}),
      });
      if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else
        process.stdout.write(
          `${summary.database} restored from ${summary.file}: ${summary.events} events, ${summary.alerts} alerts, ${summary.offsets} offsets, schema ${summary.schema_version}` +
            (summary.migrated_to === null ? '' : ` migrated to ${summary.migrated_to}`) +
            '\n',
        );
    });
}
