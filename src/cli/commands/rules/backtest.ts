/**
 * `logagg rules backtest RULE --since 24h [--until …]`: the stored events of a time range, read
 * through a read-only connection in time order (keyset pages on (ts, id)), fed in batches (see
 * src/app/rules-dry-run.ts) to a fresh engine holding only that rule; reports the events that matched and the alerts the rule
 * would have raised over that range, starting from no alerts and no rule state. The real
 * database is never written: alerts are decided in a private in-memory one.
 */
import { Option, type Command } from 'commander';
import { parseTime } from '../../../query/params.js';
import { LogaggError } from '../../../errors.js';
import { LogReader, MAX_PAGE } from '../../../store/log-reader.js';
import { openStore } from '../../../store/store.js';
import { storeOptionsFromConfig } from '../../../store/store-options.js';
import { cliContext } from '../../context.js';
import { OutputSink } from '../../output/sink.js';
import { DryRun } from '../../../app/rules-dry-run.js';
import { batchSizeFlag, batchSpanFlag } from './batch-flags.js';
import { backtestJson, renderBacktest, type BacktestSummary } from './dry-run-output.js';
import { loadRuleSet, requireValid } from '../../../app/detection-rules.js';
import { enabledInAppliance, findRule, overridesOf } from './rule-set.js';

interface BacktestFlags {
  since: string;
  until?: string;
  batchSize?: string;
  batchSpan: string;
  matches: string;
  rulesDir?: string;
  db?: string;
  output: 'table' | 'json';
}

function timeFlag(name: string, v: string, now: number): number {
  const t = parseTime(v, now);
  if (t === null) throw new LogaggError('USAGE', `${name} ${v}: give a time: ago (24h, 30m, 7d), ISO 8601 (2024-05-01T12:00:00Z) or epoch ms`);
  return t;
}

export function registerRulesBacktest(rules: Command): void {
  rules
    .command('backtest <rule>')
    .description('run a rule over the stored logs of a time range: matching events and the alerts it would have raised')
    .requiredOption('--since <time>', 'start of the range: ago (24h, 30m, 7d) or ISO 8601')
    .option('--until <time>', 'end of the range, exclusive (default: now)')
    .option('--batch-size <n>', 'events per detection batch at most (default kafka.batch.max_messages)')
    .option('--batch-span <duration>', 'event time one batch may span, as live batches do (0: no limit)', '1s')
    .option('--matches <n>', 'matching events to list (all are counted)', '20')
    .option('--rules-dir <dir>', 'the rules folder (detection.rules_dir)')
    .option('--db <file>', 'the database file (storage.path), opened read-only')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  logagg rules backtest brute-force-src-ip --since 24h
  logagg rules backtest cpu-high --since 2025-01-15T00:00:00Z --until 2025-01-16T00:00:00Z --output json
  logagg rules backtest port-scan --since 7d --matches 100

The rule starts with no state at --since (count windows, streaks and baselines fill as the events
go by) and the alerts are decided as the appliance decides them, on an empty private database.
Events are the stored ones, as they were enriched at ingest. Safe beside a running serve.
Exit codes: 0 ok, 1 runtime error (database), 2 usage or config error (unknown rule id, bad time).`,
    )
    .action(async (ruleId: string, flags: BacktestFlags, cmd: Command) => {
      const now = Date.now();
      const from = timeFlag('--since', flags.since, now);
      const to = flags.until === undefined ? now : timeFlag('--until', flags.until, now);
      if (from >= to) throw new LogaggError('USAGE', `--since must be before --until (got ${new Date(from).toISOString()} .. ${new Date(to).toISOString()})`);
      if (!/^\d{1,7}$/.test(flags.matches.trim())) throw new LogaggError('USAGE', `--matches ${flags.matches}: give a number from 0 to 9999999`);
      const maxMatches = Number(flags.matches.trim());
      const { config } = cliContext(cmd, { 'detection.rules_dir': flags.rulesDir, 'storage.path': flags.db });
      const batchSize = batchSizeFlag(flags.batchSize, config.kafka.batch.max_messages);
      const batchSpanMs = batchSpanFlag(flags.batchSpan);
      const rule = findRule(requireValid(await loadRuleSet(config.detection)), ruleId);

      const store = openStore(config.storage.path, { ...storeOptionsFromConfig(config), readonly: true });
      const dry = new DryRun({ rules: [rule], settings: config.detection, maxMatches, clock: Date.now, batchSize, batchSpanMs });
      let summary: BacktestSummary;
      try {
        const disabled = !enabledInAppliance(rule, overridesOf(store));
        const reader = new LogReader(store);
        let cursor: string | null = null;
        do {
          const page = reader.queryLogs({ from, to }, { limit: MAX_PAGE, cursor, order: 'asc' });
          for (const e of page.items) dry.add(e, e.id);
          cursor = page.next_cursor;
        } while (cursor !== null);
        const report = dry.report();
        summary = { rule: rule.meta.id, db: config.storage.path, from, to, batch_size: batchSize, batch_span_ms: batchSpanMs, disabled, report };
      } finally {
        dry.close();
        store.close();
      }
      const sink = new OutputSink(process.stdout);
      try {
        await sink.write(flags.output === 'json' ? backtestJson(summary) : renderBacktest(summary));
        await sink.flush();
      } finally {
        sink.dispose();
      }
    });
}
