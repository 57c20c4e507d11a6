import type { Command } from 'commander';
import { registerRulesBacktest } from './rules/backtest.js';
import { registerRulesImport } from './rules/import.js';
import { registerRulesList } from './rules/list.js';
import { registerRulesTest } from './rules/test.js';
import { registerRulesValidate } from './rules/validate.js';

/**
 * `logagg rules list|validate|test|backtest|import`: the detection rules from a terminal. Each
 * subcommand lives in rules/; they share the rule set loader (src/app/detection-rules.ts) and the dry
 * run that decides alerts as the appliance does (src/app/rules-dry-run.ts).
 */
export function registerRules(program: Command): void {
  const rules = program
    .command('rules')
    .description('list, validate, test, backtest and import detection rules')
    .addHelpText(
      'after',
      `
Examples:
  logagg rules list
  logagg rules validate config/rules
  logagg rules test cpu-high --input samples/cpu.ndjson
  logagg rules backtest brute-force-src-ip --since 24h
  logagg rules import ~/sigma/rules/windows`,
    );
  registerRulesList(rules);
  registerRulesValidate(rules);
  registerRulesTest(rules);
  registerRulesBacktest(rules);
  registerRulesImport(rules);
}
