/**
 * The rule set detection runs, from config: the compile settings, the built-in threshold and
 * baseline anomaly rules of `detection.builtin_thresholds` / `detection.anomaly`, and the rules
 * folder. Problems become ConfigErrors naming the file (or config key) and the rule, so a bad
 * rule set stops start-up with exit code 2.
 */
import type { FrozenConfig } from '../config/load.js';
import { builtinThresholdRules, type BuiltinThresholdConfig } from '../core/rules/builtin.js';
import { compileRules, formatRuleError, type RuleError } from '../core/rules/compile.js';
import type { RuleCompileContext } from '../core/rules/context.js';
import type { AssetRaisePolicy } from '../core/rules/severity.js';
import type { SigmaOptions } from '../core/rules/sigma/options.js';
import type { CompiledRule } from '../core/rules/types.js';
import { formatDuration } from '../core/rules/units.js';
import { ConfigError, isLogaggError } from '../errors.js';
import { loadRules, type RuleContextBase } from '../rules/rule-files.js';

export type DetectionSettings = FrozenConfig['detection'];

/** Compile settings besides the lists (which come from the rules folder). */
export function ruleContextBase(cfg: DetectionSettings): RuleContextBase & SigmaOptions {
  return {
    sigmaFieldMap: { ...cfg.sigma.field_map },
    defaultSuppressMs: cfg.default_suppress,
    maxGroups: cfg.max_groups,
    sigmaInformational: cfg.sigma.informational,
    sigmaLogsources: cfg.sigma.logsources as SigmaOptions['sigmaLogsources'],
  };
}

export function assetRaisePolicy(cfg: DetectionSettings): AssetRaisePolicy {
  return { steps: cfg.critical_asset_raise.steps, criticalities: [...cfg.critical_asset_raise.criticalities] };
}

const METRIC_LABELS: Readonly<Record<string, string>> = {
  cpu_pct: 'CPU usage',
  mem_used: 'Memory used',
  mem_total: 'Memory size',
  mem_pct: 'Memory usage',
  disk_pct: 'Disk usage',
  net_in: 'Inbound traffic',
  net_out: 'Outbound traffic',
};

/** The rules configured in `detection:` itself (not in files). Throws ConfigError naming the key. */
export function builtinRules(cfg: DetectionSettings, base: RuleContextBase & SigmaOptions): CompiledRule[] {
  const ctx: RuleCompileContext = { ...base, lists: new Map() };
  const t = cfg.builtin_thresholds;
  const thresholds: BuiltinThresholdConfig = { severity: t.severity };
  for (const k of ['cpu_pct', 'mem_pct', 'disk_pct', 'net_in', 'net_out'] as const) {
    const v = t[k];
    if (v !== null) thresholds[k] = v;
  }
  if (t.for !== null) thresholds.for = t.for;
  if (t.suppress !== null) thresholds.suppress = formatDuration(t.suppress);
  let rules: CompiledRule[];
  try {
    rules = builtinThresholdRules(thresholds, ctx);
  } catch (e) {
    if (!isLogaggError(e)) throw e;
    throw new ConfigError([{ key: 'detection.builtin_thresholds', message: e.message }]);
  }

  const a = cfg.anomaly;
  const docs = a.metrics.map((metric) => ({
    file: `config (detection.anomaly, ${metric})`,
    index: 0,
    doc: {
      id: `builtin.anomaly.${metric}`,
      name: `${METRIC_LABELS[metric] ?? metric} far from its baseline`,
      kind: 'anomaly',
      severity: a.severity,
      description: `Built-in baseline anomaly from config: ${metric} per host, ${a.method}.`,
      tags: ['builtin', 'anomaly'],
      metric,
      method: a.method,
      ...(a.k === null ? {} : { k: a.k }),
      warmup: a.warmup,
      ...(a.method === 'ewma' ? { half_life: formatDuration(a.half_life) } : { window: a.window }),
      min_stddev: a.min_stddev,
      direction: a.direction,
      title: `${metric} {value} on {host}, normally {baseline} ± {deviation} (score {score})`,
    },
  }));
  const compiled = compileRules(docs, ctx);
  if (compiled.errors.length > 0) throw new ConfigError(compiled.errors.map((e) => ({ key: 'detection.anomaly', message: formatRuleError(e) })));
  return [...rules, ...compiled.rules];
}

/** Every problem of a rules folder as ConfigError entries: key = file, message = rule and problem. */
export function ruleProblems(errors: readonly RuleError[]): { key: string; message: string }[] {
  return errors.map((e) => ({ key: e.file, message: e.rule === undefined ? e.message : `rule "${e.rule}": ${e.message}` }));
}

export interface InitialRules {
  builtins: CompiledRule[];
  files: CompiledRule[];
  fileNames: string[];
}

/** Loads the built-in rules and the rules folder; any problem is a ConfigError listing them all. */
export async function loadInitialRules(cfg: DetectionSettings): Promise<InitialRules> {
  const base = ruleContextBase(cfg);
  const builtins = builtinRules(cfg, base);
  const loaded = await loadRules(cfg.rules_dir, base);
  if (loaded.errors.length > 0) throw new ConfigError(ruleProblems(loaded.errors));
  const ids = new Set(builtins.map((r) => r.meta.id));
  const clash = loaded.rules.filter((r) => ids.has(r.meta.id));
  if (clash.length > 0) {
    throw new ConfigError(clash.map((r) => ({ key: r.meta.file ?? cfg.rules_dir, message: `rule "${r.meta.id}": the id is taken by a built-in rule of detection:; rename it` })));
  }
  return { builtins, files: loaded.rules, fileNames: loaded.files };
}
