import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { backupDatabase, type BackupPhase } from '../../app/backup.js';
import { LogaggError } from '../../errors.js';
import { openStore } from '../../store/store.js';
import { storeOptionsFromConfig } from '../../store/store-options.js';
import { cliContext } from '../context.js';

/**
 * `logagg backup FILE`: a consistent copy of the database, taken beside a running `serve` or
 * `consume` through a read-only connection (src/app/backup.ts, docs/operations.md).
 */
interface BackupFlags {
  db?: string;
  json?: boolean;
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('write a consistent copy of the database to FILE, also while serve or consume runs')
    .argument('<file>', 'the backup file to write (must not exist)')
    .option('--db <file>', 'the database file (storage.path)')
    .option('--json', 'print a JSON summary on stdout')
    .addHelpText(
      'after',
      `
Examples:
  logagg backup /var/backups/logagg/logagg-$(date -u +%Y%m%dT%H%M%SZ).db
  logagg -c /etc/logagg/logagg.yaml backup /mnt/backup/logagg.db --json

The copy is the database as of the start of the backup (ingest goes on meanwhile). An encrypted
database's copy is encrypted with the same cipher and key. Progress goes to stderr.
Scheduled backups: backup.every, backup.dir, backup.keep (docs/operations.md).
Exit codes: 0 ok, 1 runtime error (e.g. FILE exists, disk full), 2 usage or config error.`,
    )
    .action((file: string, flags: BackupFlags, cmd: Command) => {
      const { config } = cliContext(cmd, { 'storage.path': flags.db });
      const path = config.storage.path;
      if (!existsSync(path)) throw new LogaggError('STORE_UNAVAILABLE', `database ${path} does not exist; check --db or storage.path`, { details: { path } });
      const options = storeOptionsFromConfig(config);
      const store = openStore(path, { readonly: true, ...options });
      const say = (p: BackupPhase): void => {
        const line =
          p.phase === 'copy'
            ? `backing up ${path} (${mib(p.bytes)} in use) to ${file} …`
            : p.phase === 'check'
              ? 'checking the copy (quick_check) …'
              : `done: ${mib(p.bytes)} in ${(p.ms / 1000).toFixed(1)} s`;
        process.stderr.write(line + '\n');
      };
      let summary;
      try {
        summary = backupDatabase(store, file, { ...(options.encryption ? { encryption: options.encryption } : {}), onPhase: say });
      } finally {
        store.close();
      }
      if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else process.stdout.write(`${summary.file}: ${summary.events} events, ${summary.alerts} alerts, ${summary.offsets} offsets, schema ${summary.schema_version}${summary.encrypted ? ', encrypted' : ''}\n`);
    });
}
