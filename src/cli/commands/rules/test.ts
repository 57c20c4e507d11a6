/**
 * `logagg rules test RULE --input FILE.ndjson` (or `--all`): each line of the file is one raw
 * message, taken through the pipeline's own core in order (decode and normalize, then
 * enrichment with the configured asset inventory and intel lists), and in batches (see
 * src/app/rules-dry-run.ts) through the rule(s) as detection runs them. Prints the lines that
 * matched and the alerts the appliance would have stored, starting from no alerts. Nothing is
 * written anywhere.
 */
import { Option, type Command } from 'commander';
import { loadEnrichContext } from '../../../app/enrich-context.js';
import { extractorsFromConfig } from '../../../app/extractors.js';
import { enrich } from '../../../core/enrich.js';
import { normalizeMessage } from '../../../core/normalize.js';
import type { CompiledRule } from '../../../core/rules/types.js';
import { LogaggError } from '../../../errors.js';
import { cliContext } from '../../context.js';
import { OutputSink } from '../../output/sink.js';
import { DryRun } from '../../../app/rules-dry-run.js';
import { batchSizeFlag, batchSpanFlag } from './batch-flags.js';
import { renderTest, testJson, type TestSummary } from './dry-run-output.js';
import { readInputLines } from './input-lines.js';
import { loadRuleSet, requireValid } from '../../../app/detection-rules.js';
import { enabledInAppliance, findRule, openIfPresent, overridesOf } from './rule-set.js';
import { storeOptionsFromConfig } from '../../../store/store-options.js';
import { AuditEventJoiner } from '../../../core/recognize/auditd-join.js';

interface TestFlags {
  input: string;
  all?: boolean;
  topic: string;
  batchSize?: string;
  batchSpan: string;
  rulesDir?: string;
  db?: string;
  output: 'table' | 'json';
}

export function registerRulesTest(rules: Command): void {
  rules
    .command('test [rule]')
    .description('run a rule (or --all) over the messages of an NDJSON file: matching lines and the alerts that would be raised')
    .requiredOption('-i, --input <file>', 'messages, one per line, as a producer sends them ("-" reads standard input)')
    .option('--all', 'run every rule the appliance runs instead of one')
    .option('--topic <name>', 'topic the messages are taken to come from (kafka.formats pins formats per topic)', 'input')
    .option('--batch-size <n>', 'events per detection batch at most (default kafka.batch.max_messages)')
    .option('--batch-span <duration>', 'event time one batch may span, as live batches do (0: no limit)', '1s')
    .option('--rules-dir <dir>', 'the rules folder (detection.rules_dir)')
    .option('--db <file>', 'database whose enable/disable overrides apply to --all (storage.path; read only)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  logagg rules test cpu-high --input samples/cpu.ndjson
  logagg rules test --all --input samples/mixed.ndjson --output json
  kcat -C -b 127.0.0.1:9092 -t threat-logs -e | logagg rules test malicious-process --input - --topic threat-logs

Each line is decoded, normalized and enriched as ingest does it, then run through the rules in
batches (cut at --batch-size events or --batch-span of event time, like live batches). Alerts are decided by the alert store's own logic (dedup key, suppression window, hourly
cap) on an empty private database: a stuck-high CPU gives one alert whose count grows.
Exit codes: 0 ok (matches or not), 1 runtime error, 2 usage or config error (unknown rule id,
a rule set with problems).`,
    )
    .action(async (ruleId: string | undefined, flags: TestFlags, cmd: Command) => {
      if ((ruleId === undefined) === (flags.all !== true)) throw new LogaggError('USAGE', 'give a rule id or --all (not both)');
      const { config } = cliContext(cmd, { 'detection.rules_dir': flags.rulesDir, 'storage.path': flags.db });
      const batchSize = batchSizeFlag(flags.batchSize, config.kafka.batch.max_messages);
      const batchSpanMs = batchSpanFlag(flags.batchSpan);
      const all = requireValid(await loadRuleSet(config.detection));

      const db = openIfPresent(config.storage.path, storeOptionsFromConfig(config));
      let overrides;
      try {
        overrides = overridesOf(db.store);
      } finally {
        db.store?.close();
      }
      let chosen: CompiledRule[];
      const disabled: string[] = [];
      const skipped: string[] = [];
      if (ruleId !== undefined) {
        const rule = findRule(all, ruleId);
        chosen = [rule];
        if (!enabledInAppliance(rule, overrides)) disabled.push(rule.meta.id);
      } else {
        chosen = all.filter((r) => enabledInAppliance(r, overrides));
        for (const r of all) if (!enabledInAppliance(r, overrides)) skipped.push(r.meta.id);
      }

      const lines = await readInputLines(flags.input);
      const enrichCtx = loadEnrichContext(config.enrich);
      const format = config.kafka.formats[flags.topic] ?? 'auto';
      const extractors = extractorsFromConfig(config.extract);
      const dry = new DryRun({ rules: chosen, settings: config.detection, maxMatches: Number.MAX_SAFE_INTEGER, clock: Date.now, batchSize, batchSpanMs });
      const source = { kind: 'file', topic: flags.topic, partition: -1, offset: null };
      const audit = new AuditEventJoiner();
      let read = 0;
      let parseErrors = 0;
      let summary: TestSummary;
      try {
        for await (const l of lines) {
          read++;
          // As IngestPipeline.prepare does per message: decode and normalize, enrich, join audit records.
          const event = audit.join(enrich(normalizeMessage(l.bytes, { source, receivedAt: Date.now(), format, maxBytes: config.storage.max_message_bytes, extractors }), enrichCtx));
          if (event.parse_error !== null) parseErrors++;
          dry.add(event, l.line);
        }
        const report = dry.report();
        summary = { input: flags.input, lines: read, parse_errors: parseErrors, batch_size: batchSize, batch_span_ms: batchSpanMs, disabled, skipped, report };
      } finally {
        dry.close();
      }
      const sink = new OutputSink(process.stdout);
      try {
        await sink.write(flags.output === 'json' ? testJson(summary) : renderTest(summary));
        await sink.flush();
      } finally {
        sink.dispose();
      }
    });
}
