/**
 * The rule set detection runs, from config: the compile settings, the built-in threshold and
 * baseline anomaly rules of `detection.builtin_thresholds` / `detection.anomaly`, and the rules
 * folder. Problems of the config (built-ins) and of the folder itself (missing, not a folder)
 * are ConfigErrors, exit code 2. A rule that does not compile is refused and the rest run,
 * unless detection.strict asks for the old all-or-nothing start (then it is a ConfigError too).
 */
import type { FrozenConfig } from '../config/load.js';
import { builtinThresholdRules, type BuiltinThresholdConfig } from '../core/rules/builtin.js';
import { compileRules, formatRuleError, type RuleError } from '../core/rules/compile.js';
import type { RuleCompileContext } from '../core/rules/context.js';
import type { AssetRaisePolicy } from '../core/rules/severity.js';
import type { SigmaOptions } from '../core/rules/sigma/options.js';
import type { RefusedRule } from '../core/rules/rule-info.js';
import type { CompiledRule } from '../core/rules/types.js';
import { formatDuration } from '../core/rules/units.js';
import { ConfigError, isLogaggError } from '../errors.js';
import { loadRules, type LoadedRules, type RuleContextBase } from '../rules/rule-files.js';

export type DetectionSettings = FrozenConfig['detection'];

/** Compile settings besides the lists (which come from the rules folder). */
export function ruleContextBase(cfg: DetectionSettings): RuleContextBase & SigmaOptions {
  return {
    sigmaFieldMap: { ...cfg.sigma.field_map },
    defaultSuppressMs: cfg.default_suppress,
    maxGroups: cfg.max_groups,
    sigmaInformational: cfg.sigma.informational,
    sigmaLogsources: cfg.sigma.logsources as SigmaOptions['sigmaLogsources'],
    sigmaPresets: cfg.sigma.presets,
    sigmaUnmappedLogsource: cfg.sigma.unmapped_logsource,
    sigmaPlaceholders: cfg.sigma.placeholders,
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
  /** Folder rules left out because they did not compile (always empty with detection.strict). */
  refused: RefusedRule[];
}

/** The rule set as one load finds it: every piece, with the problems of each kept apart. */
interface CompiledRuleSet {
  builtins: CompiledRule[];
  /** Why the built-ins of `detection:` did not compile (then `builtins` is empty). */
  builtinError: ConfigError | null;
  /** The rules folder as read and compiled. */
  loaded: LoadedRules;
  /** Folder rules that do not take a built-in's id, in file order. */
  folder: CompiledRule[];
  /** Folder rules that do (left out of `folder`). */
  clashes: CompiledRule[];
}

/** The one load of built-ins and folder, behind both views below (start-up's and `logagg rules`'). */
async function compileRuleSet(cfg: DetectionSettings, dir: string): Promise<CompiledRuleSet> {
  const base = ruleContextBase(cfg);
  let builtins: CompiledRule[] = [];
  let builtinError: ConfigError | null = null;
  try {
    builtins = builtinRules(cfg, base);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    builtinError = e;
  }
  const loaded = await loadRules(dir, base);
  const ids = new Set(builtins.map((r) => r.meta.id));
  const folder: CompiledRule[] = [];
  const clashes: CompiledRule[] = [];
  for (const r of loaded.rules) (ids.has(r.meta.id) ? clashes : folder).push(r);
  return { builtins, builtinError, loaded, folder, clashes };
}

const CLASH = 'the id is taken by a built-in rule of detection:; rename it';

/**
 * Loads the built-in rules and the rules folder for detection's start-up. A problem of the
 * built-ins or of the folder itself is a ConfigError; so is any rule problem when
 * `detection.strict` is on. Otherwise the rules that compile load and the others come back in
 * `refused` (a rule whose id clashes with a built-in's is refused too).
 */
export async function loadInitialRules(cfg: DetectionSettings): Promise<InitialRules> {
  const set = await compileRuleSet(cfg, cfg.rules_dir);
  if (set.builtinError) throw set.builtinError;
  const folderErrors = set.loaded.errors.filter((e) => e.file === cfg.rules_dir && e.rule === undefined);
  if (folderErrors.length > 0) throw new ConfigError(ruleProblems(folderErrors));
  const clashes: RuleError[] = set.clashes.map((r) => ({ file: r.meta.file ?? cfg.rules_dir, rule: r.meta.id, message: CLASH }));
  const problems = [...set.loaded.errors, ...clashes];
  if (cfg.strict && problems.length > 0) throw new ConfigError(ruleProblems(problems));
  return {
    builtins: set.builtins,
    files: set.folder,
    fileNames: set.loaded.files,
    refused: problems.map((e) => ({ file: e.file, id: e.rule ?? null, reason: e.message })),
  };
}

/**
 * The rule set the appliance would run, as the `logagg rules` subcommands see it. Unlike
 * start-up (loadInitialRules, which refuses a bad set), every problem is collected, so
 * `validate` can list them all and `list` can show what does load.
 */
export interface RuleSet {
  /** The rules folder read. */
  dir: string;
  /** Rule files read (paths joined to `dir`). */
  files: string[];
  /** Built-in rules from `detection:` (threshold and baseline anomaly). */
  builtins: CompiledRule[];
  /** Rules from the folder that compiled (and do not take a built-in's id). */
  folder: CompiledRule[];
  /** Every problem: unreadable files, rules that do not compile, config keys, id clashes. */
  problems: RuleError[];
}

/** Compiles the built-ins and the folder `dir` (default: detection.rules_dir); never throws for a bad rule. */
export async function loadRuleSet(cfg: DetectionSettings, dir: string = cfg.rules_dir): Promise<RuleSet> {
  const set = await compileRuleSet(cfg, dir);
  const problems: RuleError[] = (set.builtinError?.problems ?? []).map((p) => ({ file: `config (${p.key})`, message: p.message }));
  problems.push(...set.loaded.errors);
  for (const r of set.clashes) problems.push({ file: r.meta.file ?? dir, rule: r.meta.id, message: CLASH });
  return { dir, files: set.loaded.files, builtins: set.builtins, folder: set.folder, problems };
}

export function allRules(set: RuleSet): CompiledRule[] {
  return [...set.builtins, ...set.folder];
}

/**
 * The rule set, or a ConfigError (exit code 2) listing every problem: a set the appliance
 * would refuse to start with is not one to test against.
 */
export function requireValid(set: RuleSet): CompiledRule[] {
  if (set.problems.length > 0) {
    throw new ConfigError([
      ...set.problems.map((p) => ({ key: p.file, message: p.rule === undefined ? p.message : `rule "${p.rule}": ${p.message}` })),
      { key: 'hint', message: '`logagg rules validate` lists these problems; fix them first' },
    ]);
  }
  return allRules(set);
}
