import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { LogaggError } from '../../errors.js';
import { convertV1, pendingV1 } from '../../store/convert-v1.js';
import { openStore } from '../../store/store.js';
import { storeOptionsFromConfig } from '../../store/store-options.js';
import { cliContext } from '../context.js';
import { createProgress } from '../output/progress.js';

/**
 * `logagg migrate`: brings the database to this logagg's schema (what any writer's open does)
 * and converts the events of a database written before storage v2 into blocks
 * (src/store/convert-v1.ts), in batches with progress. `consume` and `serve` do the same at
 * start; this does it ahead of time, and can be stopped and run again: each batch is one
 * transaction, and a new run continues where the last one stopped.
 */

interface MigrateFlags {
  db?: string;
  batch?: string;
  output: 'table' | 'json';
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('upgrade the database schema and convert events stored before storage v2 into compressed blocks')
    .option('--db <file>', 'the database file (storage.path)')
    .option('--batch <events>', 'events converted per transaction', '8192')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  logagg migrate
  logagg migrate --db /var/lib/logagg/logagg.db --output json

Stop it at any time (Ctrl-C, even kill -9): each batch is one transaction; run it again to continue.
Run it with consume and serve stopped: they convert at start themselves.
Progress goes to stderr (a bar on a terminal, plain lines otherwise); the summary to stdout.
Exit codes: 0 ok, 1 runtime error, 2 usage or config error.`,
    )
    .action(async (flags: MigrateFlags, cmd: Command) => {
      const batch = Number(flags.batch);
      if (!Number.isInteger(batch) || batch < 1 || batch > 1_000_000) throw new LogaggError('USAGE', `--batch ${flags.batch}: give a whole number of events, 1 … 1000000`);
      const { config } = cliContext(cmd, { 'storage.path': flags.db });
      const path = config.storage.path;
      // The writer connection would create a missing file: migrate must not.
      if (!existsSync(path)) throw new LogaggError('STORE_UNAVAILABLE', `database ${path} does not exist; check --db or storage.path`);
      const store = openStore(path, storeOptionsFromConfig(config));
      let converted = 0;
      let schema: number;
      try {
        schema = store.schemaVersion;
        const total = pendingV1(store);
        if (total > 0) {
          const progress = createProgress({ stream: process.stderr, label: 'converting', unit: 'events', total });
          try {
            converted = (await convertV1(store, { batch, onProgress: (p) => progress.update(p.done) })).done;
          } finally {
            progress.stop();
          }
        }
      } finally {
        store.close();
      }
      const summary = { database: path, schema_version: schema, converted_events: converted };
      if (flags.output === 'json') process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else process.stdout.write(`${path}\n  schema version   ${schema}\n  events converted ${converted}${converted === 0 ? ' (nothing left to convert)' : ''}\n`);
    });
}
