/**
 * `logagg rules list`: every rule the appliance would run (built-ins from `detection:` and the
 * rules folder), whether it runs (its file's `enabled`, overridden through the API), and its
 * counters in the database (hits, alerts opened, occurrences suppressed by the hourly cap).
 * The database is opened read-only when it exists (safe beside `serve`); without it the
 * counters are zero. Rules that do not compile are not listed: their problems are, on stderr,
 * with exit code 2.
 */
import { Option, type Command } from 'commander';
import { iso, isoOrNull } from '../../../query/render.js';
import type { Severity } from '../../../core/event.js';
import { formatRuleError } from '../../../core/rules/compile.js';
import type { CompiledRule } from '../../../core/rules/types.js';
import type { RuleLogsource } from '../../../core/rules/rule-info.js';
import { ruleLogsource } from '../../../core/rules/sigma/coverage-report.js';
import { emptyRuleStats, readRuleStats, type RuleOverride, type RuleStats } from '../../../store/rule-state.js';
import { cliContext } from '../../context.js';
import { OutputSink } from '../../output/sink.js';
import { TableWriter } from '../../output/table.js';
import { allRules, loadRuleSet } from '../../../app/detection-rules.js';
import { openIfPresent, overridesOf } from './rule-set.js';
import { storeOptionsFromConfig } from '../../../store/store-options.js';

export interface RuleListItem {
  id: string;
  name: string;
  kind: string;
  severity: Severity;
  /** Whether the appliance runs it: the override if any, else the file's `enabled`. */
  enabled: boolean;
  enabled_in_file: boolean;
  override: RuleOverride | null;
  stats: RuleStats;
  /** The file it came from, or `config (…)` for built-ins. */
  file: string | null;
  description: string;
  tags: string[];
  /** Sigma detection rules: the logsource key, how the presets cover it and what they apply (null for other rules). */
  logsource: RuleLogsource | null;
}

export function listItems(rules: readonly CompiledRule[], stats: ReadonlyMap<string, RuleStats>, overrides: ReadonlyMap<string, RuleOverride>): RuleListItem[] {
  return rules.map((r) => {
    const o = overrides.get(r.meta.id) ?? null;
    return {
      id: r.meta.id,
      name: r.meta.name,
      kind: r.meta.kind,
      severity: r.meta.severity,
      enabled: o?.enabled ?? r.meta.enabled,
      enabled_in_file: r.meta.enabled,
      override: o,
      stats: stats.get(r.meta.id) ?? emptyRuleStats(),
      file: r.meta.file ?? null,
      description: r.meta.description,
      tags: [...r.meta.tags],
      logsource: ruleLogsource(r),
    };
  });
}

/** `yes` / `no`, marked `(api)` when an override made through the API decides it. */
function enabledCell(x: RuleListItem): string {
  const v = x.enabled ? 'yes' : 'no';
  return x.override !== null && x.override.enabled !== x.enabled_in_file ? `${v} (api)` : v;
}

export function renderList(items: readonly RuleListItem[]): string {
  if (items.length === 0) return 'no rules\n';
  const t = new TableWriter<RuleListItem>(
    [
      { header: 'RULE', value: (x) => x.id, max: 48 },
      { header: 'KIND', value: (x) => x.kind, max: 10 },
      { header: 'SEVERITY', value: (x) => x.severity, max: 8 },
      { header: 'ENABLED', value: enabledCell, max: 9 },
      { header: 'HITS', value: (x) => String(x.stats.hits), max: 12 },
      { header: 'ALERTS', value: (x) => String(x.stats.alerts_opened), max: 12 },
      { header: 'SUPPRESSED', value: (x) => String(x.stats.suppressed), max: 12 },
      { header: 'FILE', value: (x) => x.file ?? '-', flex: true },
    ],
    { width: null, color: false },
  );
  return t.render(items);
}

export function listJson(dir: string, database: string | null, items: readonly RuleListItem[], problems: readonly string[]): string {
  const rules = items.map((x) => ({
    ...x,
    override: x.override === null ? null : { enabled: x.override.enabled, by: x.override.by, at: iso(x.override.at) },
    stats: { ...x.stats, last_hit: isoOrNull(x.stats.last_hit) },
  }));
  return JSON.stringify({ rules_dir: dir, database, rules, problems }, null, 2) + '\n';
}

interface ListFlags {
  rulesDir?: string;
  db?: string;
  output: 'table' | 'json';
}

export function registerRulesList(rules: Command): void {
  rules
    .command('list')
    .description('list the rules with kind, severity, enabled, hit and alert counters')
    .option('--rules-dir <dir>', 'the rules folder (detection.rules_dir)')
    .option('--db <file>', 'database with the counters and overrides (storage.path; read only)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  logagg rules list
  logagg rules list --output json | jq -r '.rules[] | select(.stats.hits > 0) | .id'

ENABLED says whether the appliance runs the rule; "(api)" marks a rule enabled or disabled
through the API against its file. Counters are kept in the database since it was created.
Exit codes: 0 ok, 1 runtime error, 2 config error (rules that do not compile, listed on stderr).`,
    )
    .action(async (flags: ListFlags, cmd: Command) => {
      const { config } = cliContext(cmd, { 'detection.rules_dir': flags.rulesDir, 'storage.path': flags.db });
      const set = await loadRuleSet(config.detection);
      const db = openIfPresent(config.storage.path, storeOptionsFromConfig(config));
      let items: RuleListItem[];
      try {
        items = listItems(allRules(set), db.store === null ? new Map() : readRuleStats(db.store), overridesOf(db.store));
      } finally {
        db.store?.close();
      }
      const problems = set.problems.map(formatRuleError);
      const unmapped = items.filter((x) => x.logsource !== null && x.logsource.coverage !== 'mapped').length;
      if (unmapped > 0) process.stderr.write(`note: ${unmapped} Sigma rule${unmapped === 1 ? ' has a logsource' : 's have logsources'} without a preset: ${unmapped === 1 ? 'it sees' : 'they see'} every event (of their product when partly mapped); \`logagg rules validate\` lists them, detection.sigma.unmapped_logsource: skip turns them off\n`);
      if (db.note !== null) process.stderr.write(`note: counters and overrides unknown: ${db.note}\n`);
      if (!config.detection.enabled) process.stderr.write('note: detection is off (detection.enabled is false): the appliance runs none of these\n');
      const sink = new OutputSink(process.stdout);
      try {
        await sink.write(flags.output === 'json' ? listJson(set.dir, db.store === null ? null : config.storage.path, items, problems) : renderList(items));
        await sink.flush();
      } finally {
        sink.dispose();
      }
      if (problems.length > 0) {
        process.stderr.write(`${problems.length} problem${problems.length === 1 ? '' : 's'}: these rules are not listed, and the appliance would refuse the set:\n`);
        for (const p of problems) process.stderr.write(`  ${p}\n`);
        process.exitCode = 2;
      }
    });
}
