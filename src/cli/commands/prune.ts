import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { parseDuration } from '../../config/units.js';
import { LogaggError } from '../../errors.js';
import { countPrunable, pruneAll, retentionCutoffs, type PruneSummary } from '../../store/retention.js';
import { openStore } from '../../store/store.js';
import { storeOptionsFromConfig } from '../../store/store-options.js';
import { cliContext } from '../context.js';
import { createProgress } from '../output/progress.js';

/**
 * `logagg prune`: applies retention now, the same deletion `serve` runs on its timer: old raw
 * logs (their full-text rows go with them) and old rollups, in short transactions of
 * retention.chunk rows, so a running `serve` keeps writing between them (it waits at most one
 * chunk for the lock; the busy timeout covers that). The file does not shrink: freed pages
 * are reused by new rows.
 */

interface PruneFlags {
  db?: string;
  olderThan?: string;
  chunk?: string;
  dryRun?: boolean;
  output: 'table' | 'json';
}

const total = (s: PruneSummary): number => s.logs + s.rollup_1m + s.rollup_1h;
const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export function registerPrune(program: Command): void {
  program
    .command('prune')
    .description('apply retention now: delete raw logs and rollups older than the configured retention (retention.*)')
    .option('--db <file>', 'the database file (storage.path)')
    .option('--older-than <duration>', 'delete raw logs older than this (e.g. 7d, 36h) instead of retention.days; rollups follow their own retention')
    .option('--chunk <rows>', 'rows deleted per transaction (retention.chunk)')
    .option('--dry-run', 'only count what would be deleted')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  logagg prune
  logagg prune --older-than 7d
  logagg prune --older-than 90d --dry-run
  LOGAGG_RETENTION_DAYS=14 logagg -c /etc/logagg.yaml prune --output json

Safe beside a running \`logagg serve\`: each chunk is its own short transaction.
Progress goes to stderr (a bar on a terminal, plain lines otherwise); the summary to stdout.
Exit codes: 0 ok, 1 runtime error (e.g. database locked too long), 2 usage or config error.`,
    )
    .action(async (flags: PruneFlags, cmd: Command) => {
      let olderThan: number | undefined;
      if (flags.olderThan !== undefined) {
        const ms = parseDuration(flags.olderThan);
        if (ms === null || ms < 60_000) throw new LogaggError('USAGE', `--older-than ${flags.olderThan}: give a duration of at least 1m, e.g. 7d or 36h`);
        olderThan = ms;
      }
      const { config } = cliContext(cmd, { 'storage.path': flags.db, 'retention.chunk': flags.chunk === undefined ? undefined : Number(flags.chunk) });
      const path = config.storage.path;
      // The writer connection would create a missing file: prune must not.
      if (!existsSync(path)) throw new LogaggError('STORE_UNAVAILABLE', `database ${path} does not exist; check --db or storage.path`);
      const now = Date.now();
      const cut = retentionCutoffs(now, { logs: config.retention.days, rollup1m: config.retention.rollup_1m_days, rollup1h: config.retention.rollup_1h_days });
      if (olderThan !== undefined) cut.olderThanMs = now - olderThan;

      const store = openStore(path, storeOptionsFromConfig(config));
      let deleted: PruneSummary;
      let planned: PruneSummary;
      try {
        planned = countPrunable(store, cut);
        if (flags.dryRun || total(planned) === 0) deleted = { logs: 0, rollup_1m: 0, rollup_1h: 0 };
        else {
          const progress = createProgress({ stream: process.stderr, label: 'pruning', unit: 'rows', total: total(planned) });
          try {
            deleted = await pruneAll(store, { ...cut, chunk: config.retention.chunk }, (done) => {
              // New rows may pass the cutoff while pruning runs: the total grows with them.
              if (total(done) > total(planned)) progress.setTotal(total(done));
              progress.update(total(done));
            });
          } finally {
            progress.stop();
          }
        }
      } finally {
        store.close();
      }

      const summary = {
        dry_run: flags.dryRun === true,
        cutoffs: { logs: iso(cut.olderThanMs), rollup_1m: iso(cut.rollup1mOlderThanMs), rollup_1h: iso(cut.rollup1hOlderThanMs) },
        ...(flags.dryRun ? { would_delete: planned } : { deleted }),
      };
      if (flags.output === 'json') {
        process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
        return;
      }
      const n = flags.dryRun ? planned : deleted;
      const line = (what: string, count: number, cutoff: string | null): string =>
        cutoff === null ? `  ${what.padEnd(16)} kept forever (retention 0)\n` : `  ${what.padEnd(16)} ${count} ${flags.dryRun ? 'would be deleted' : 'deleted'} (older than ${cutoff})\n`;
      process.stdout.write(
        `${path}\n` +
          line('logs', n.logs, summary.cutoffs.logs) +
          line('rollups by min', n.rollup_1m, summary.cutoffs.rollup_1m) +
          line('rollups by hour', n.rollup_1h, summary.cutoffs.rollup_1h),
      );
    });
}
