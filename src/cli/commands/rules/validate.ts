/**
 * `logagg rules validate [DIR]`: compiles every rule file of the folder (default: the configured
 * detection.rules_dir) with the config's settings (Sigma field map and log sources, defaults),
 * plus the built-in rules of `detection:`, and lists every problem: file, rule, message. Exit
 * code 2 when there is any (the appliance would refuse to start with this set), else 0.
 */
import { Option, type Command } from 'commander';
import { formatRuleError, type RuleError } from '../../../core/rules/compile.js';
import { cliContext } from '../../context.js';
import { OutputSink } from '../../output/sink.js';
import { loadRuleSet, type RuleSet } from '../../../app/detection-rules.js';
import { coverageReport, renderCoverage, type CoverageReport } from '../../../core/rules/sigma/coverage-report.js';

interface ValidateFlags {
  output: 'table' | 'json';
}

export interface ValidateResult {
  dir: string;
  files: string[];
  /** Rules from the folder that compiled. */
  rules: number;
  /** Built-in rules from `detection:`. */
  builtin: number;
  problems: RuleError[];
  /** How the Sigma rules' logsources are covered by the presets (unmapped ones see every event). */
  logsource_coverage: CoverageReport;
}

export function validateResult(set: RuleSet): ValidateResult {
  return { dir: set.dir, files: set.files, rules: set.folder.length, builtin: set.builtins.length, problems: set.problems, logsource_coverage: coverageReport(set.folder) };
}

export function renderValidate(r: ValidateResult): string {
  const files = `${r.files.length} file${r.files.length === 1 ? '' : 's'}`;
  if (r.problems.length === 0) {
    return `ok: ${r.rules} rule${r.rules === 1 ? '' : 's'} in ${files} under ${r.dir}, and ${r.builtin} built-in from the config\n` + renderCoverage(r.logsource_coverage);
  }
  let out = '';
  for (const p of r.problems) out += formatRuleError(p) + '\n';
  out += renderCoverage(r.logsource_coverage);
  out += `\n${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} in ${r.dir} (${files} read; ${r.rules} rule${r.rules === 1 ? '' : 's'} compiled): the appliance would refuse this rule set\n`;
  return out;
}

export function registerRulesValidate(rules: Command): void {
  rules
    .command('validate [dir]')
    .description('compile every rule file and list every problem (exit 2 when there is any)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  logagg rules validate
  logagg rules validate ./my-rules
  logagg -c /etc/logagg.yaml rules validate --output json

DIR defaults to detection.rules_dir. Rules are compiled with the config's settings (Sigma field
map and log sources, default suppression), as the appliance compiles them, together with the
built-in rules of detection: (whose ids a file must not reuse).
Exit codes: 0 no problem, 2 any problem (or a usage or config error), 1 runtime error.`,
    )
    .action(async (dir: string | undefined, flags: ValidateFlags, cmd: Command) => {
      const { config } = cliContext(cmd);
      const result = validateResult(await loadRuleSet(config.detection, dir ?? config.detection.rules_dir));
      const sink = new OutputSink(process.stdout);
      try {
        await sink.write(flags.output === 'json' ? JSON.stringify(result, null, 2) + '\n' : renderValidate(result));
        await sink.flush();
      } finally {
        sink.dispose();
      }
      if (result.problems.length > 0) process.exitCode = 2;
    });
}
