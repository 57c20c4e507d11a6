/**
 * `npm run sigma:regression -- --sigma DIR [--json] [--min-rate R]`: how many of SigmaHQ's rules
 * fire on the positive samples SigmaHQ publishes for them, with logagg's logsource presets on,
 * in each shape a shipper delivers (evtx-JSON as published, Winlogbeat ECS, flat Sigma names;
 * Sysmon for Linux records as their syslog line), and how many rules fire on a sample of a
 * logsource they do not cover. DIR is a clone of SigmaHQ/sigma or a folder laid out like
 * test/fixtures/sigma/sigmahq-regression (sigma-regression-cases.ts). Prints a table and totals
 * (`--json`: the report as JSON); exits 1 when a shape's rate is under `--min-rate` (0–1),
 * 2 on a usage error. Not part of the appliance.
 */
import { Command, InvalidArgumentError } from 'commander';
import { loadCases } from './sigma-regression-cases.js';
import { renderReport, runRegression } from './sigma-regression-run.js';

function rate(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('a rate from 0 to 1');
  return n;
}

export async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  const cmd = new Command('sigma-regression')
    .requiredOption('--sigma <dir>', 'a clone of SigmaHQ/sigma, or a folder of NAME/rule.yml + NAME/sample.json|sample.xml')
    .option('--json', 'print the report as JSON')
    .option('--min-rate <r>', 'exit 1 when a shape fires on fewer than this share of the samples (0–1)', rate)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .action((opts: { sigma: string; json?: boolean; minRate?: number }) => {
      const report = runRegression(loadCases(opts.sigma));
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : renderReport(report));
      if (opts.minRate !== undefined) {
        const low = Object.entries(report.totals.shapes).filter(([, t]) => (t.rate ?? 0) < opts.minRate!);
        for (const [shape, t] of low) process.stderr.write(`${shape}: ${t.fired} of ${t.samples} is under --min-rate ${opts.minRate}\n`);
        if (low.length > 0 || report.totals.rules === 0) code = 1;
      }
    });
  try {
    await cmd.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof Error && 'exitCode' in e) return (e as { exitCode: number }).exitCode === 0 ? 0 : 2;
    process.stderr.write(`sigma-regression: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  return code;
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(2);
  });
}
