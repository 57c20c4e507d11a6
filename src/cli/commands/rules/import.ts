/**
 * `logagg rules import PATH...`: copies published Sigma rules (files or folders, e.g. a SigmaHQ
 * checkout's rules/windows) into the rules folder after compiling them with the config's
 * settings, and reports what loaded, what was refused and why, and how the logsources are
 * covered by the presets (src/app/rules-import.ts).
 */
import type { Command } from 'commander';
import { importRules, type ImportReport } from '../../../app/rules-import.js';
import { renderCoverage } from '../../../core/rules/sigma/coverage-report.js';
import { cliContext } from '../../context.js';
import { OutputSink } from '../../output/sink.js';

interface ImportFlags {
  rulesDir?: string;
  into: string;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
}

export function renderImport(r: ImportReport): string {
  const verb = r.dry_run ? 'would copy' : 'copied';
  let out = `${r.loaded} rule${r.loaded === 1 ? '' : 's'} loaded from ${r.files} file${r.files === 1 ? '' : 's'}; ${verb} ${r.copied.length} into ${r.rules_dir}${r.unchanged ? ` (${r.unchanged} unchanged)` : ''}\n`;
  if (r.refused.length > 0) {
    out += `${r.refused.length} refused (not copied):\n`;
    for (const x of r.refused) out += `  ${x.file}: ${x.reason}\n`;
  }
  out += renderCoverage(r.logsource_coverage);
  return out;
}

export function registerRulesImport(rules: Command): void {
  rules
    .command('import <paths...>')
    .description('copy published Sigma rules into the rules folder and report loaded, refused and logsource coverage')
    .option('--rules-dir <dir>', 'the rules folder (detection.rules_dir)')
    .option('--into <folder>', 'sub-folder of the rules folder the files go to', 'sigma')
    .option('--dry-run', 'compile and report only; copy nothing')
    .option('--force', 'overwrite files that exist with other content')
    .option('--json', 'the report as JSON')
    .addHelpText(
      'after',
      `
Examples:
  logagg rules import ~/sigma/rules/windows ~/sigma/rules/linux
  logagg rules import --dry-run --json ./proc_creation_win_whoami_execution.yml

Each PATH is copied under <rules dir>/<--into>/<name of PATH>/ with its relative paths, so the
appliance depends on nothing outside its rules folder; a running appliance loads them on its
next hot reload. Files with a rule that does not compile are not copied: the report names the
rule and the reason. Rules are compiled with the config's Sigma settings (presets, logsources,
placeholders for |expand). Exit codes: 0 done (refusals are reported), 1 runtime error, 2 usage
or config error.`,
    )
    .action(async (paths: string[], flags: ImportFlags, cmd: Command) => {
      const { config } = cliContext(cmd, { 'detection.rules_dir': flags.rulesDir });
      const report = await importRules(paths, config.detection, { into: flags.into, dryRun: flags.dryRun === true, force: flags.force === true });
      const sink = new OutputSink(process.stdout);
      try {
        await sink.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderImport(report));
        await sink.flush();
      } finally {
        sink.dispose();
      }
    });
}
