import { createHash } from 'node:crypto';
import { LogaggError } from '../../errors.js';
import type { RuleCompileContext } from './context.js';
import { compileAnomaly } from './kinds/anomaly.js';
import { compileCount } from './kinds/count.js';
import { compileMatchRule } from './kinds/match.js';
import { compileThreshold } from './kinds/threshold.js';
import { didYouMean, isPlainObject, Problems, show } from './problems.js';
import { stableJson } from './stable-json.js';
import type { RuleEnv } from './rule-common.js';
import { compileSigmaCollection, type SigmaDocInput } from './sigma/collection.js';
import { isSigmaDoc } from './sigma/compile-rule.js';
import { BatchCache } from './batch-cache.js';
import type { CompiledRule } from './types.js';

/**
 * Rule documents → compiled rules. A document is one rule (a map) or a list of rules; a map
 * with `detection:` or `correlation:` is a Sigma rule, and all Sigma rules of the set go to the
 * Sigma compiler together (correlations reference other rules); any other map is a logagg rule
 * of the `kind` it names. Every problem is reported with the file, the rule id (or the
 * document's position) and what is wrong; a rule with problems is left out, the others load.
 * Duplicate ids are an error (the first definition wins). logagg rules come first in the
 * result, then Sigma rules, each in file order.
 */
export interface RuleDoc {
  file: string;
  /** Position of the YAML document in its file, from 0. */
  index: number;
  doc: unknown;
}

export interface RuleError {
  file: string;
  /** The rule's id, when it has a usable one. */
  rule?: string;
  message: string;
}

export interface CompileResult {
  rules: CompiledRule[];
  errors: RuleError[];
}

export { stableJson };

export const LOGAGG_KINDS = ['threshold', 'match', 'count', 'anomaly'] as const;

type KindCompiler = (doc: Record<string, unknown>, env: RuleEnv) => CompiledRule | null;
const KIND_COMPILERS: Readonly<Record<(typeof LOGAGG_KINDS)[number], KindCompiler>> = {
  threshold: compileThreshold,
  match: compileMatchRule,
  count: compileCount,
  anomaly: compileAnomaly,
};

export function compileRules(docs: readonly RuleDoc[], ctx: RuleCompileContext): CompileResult {
  const cache = new BatchCache();
  const compiled: { rule: CompiledRule; file: string; report: (m: string, rule?: string) => void }[] = [];
  const errors: RuleError[] = [];
  const sigmaDocs: SigmaDocInput[] = [];

  for (const { file, index, doc } of docs) {
    if (doc === null || doc === undefined) continue; // an empty document (a stray `---`)
    const items = Array.isArray(doc) ? doc.map((d, k) => ({ doc: d, where: `document ${index + 1}, item ${k + 1}` })) : [{ doc, where: `document ${index + 1}` }];
    for (const item of items) {
      if (isSigmaDoc(item.doc)) {
        sigmaDocs.push({ file, index, doc: item.doc });
        continue;
      }
      const idOf = isPlainObject(item.doc) && typeof item.doc['id'] === 'string' && item.doc['id'] !== '' ? item.doc['id'] : undefined;
      const report = (message: string, rule?: string): void => {
        const r = rule ?? idOf;
        errors.push(r === undefined ? { file, message: `${item.where}: ${message}` } : { file, rule: r, message });
      };
      const rule = compileLogagg(item.doc, ctx, cache, report);
      if (rule === null) continue;
      rule.meta.file = file;
      compiled.push({ rule, file, report });
    }
  }

  if (sigmaDocs.length > 0) {
    const sigma = compileSigmaCollection(sigmaDocs, ctx);
    errors.push(...sigma.errors);
    for (const rule of sigma.rules) {
      const file = rule.meta.file ?? '';
      rule.meta.hash = sigmaHash(rule, sigmaDocs, ctx);
      compiled.push({ rule, file, report: (message, r) => errors.push({ file, rule: r ?? rule.meta.id, message }) });
    }
  }

  const rules: CompiledRule[] = [];
  const firstFile = new Map<string, string>();
  for (const { rule, file, report } of compiled) {
    const seen = firstFile.get(rule.meta.id);
    if (seen !== undefined) {
      report(`duplicate rule id "${rule.meta.id}" (first defined in ${seen}); ids must be unique across the rules folder`, rule.meta.id);
      continue;
    }
    firstFile.set(rule.meta.id, file);
    rules.push(rule);
  }
  return { rules, errors };
}

/** One rule, for tools and tests; throws RULE_INVALID listing every problem. */
export function compileRule(doc: unknown, ctx: RuleCompileContext, file = '<inline>'): CompiledRule {
  const { rules, errors } = compileRules([{ file, index: 0, doc }], ctx);
  if (errors.length > 0 || rules.length !== 1) {
    throw new LogaggError('RULE_INVALID', errors.map(formatRuleError).join('\n') || `${file}: expected exactly one rule`, { details: { errors } });
  }
  return rules[0] as CompiledRule;
}

/** `rules/cpu.yaml: rule "cpu-high": value: "90 %%" is not a number…` */
export function formatRuleError(e: RuleError): string {
  return e.rule === undefined ? `${e.file}: ${e.message}` : `${e.file}: rule "${e.rule}": ${e.message}`;
}

function compileLogagg(doc: unknown, ctx: RuleCompileContext, cache: BatchCache, report: (m: string) => void): CompiledRule | null {
  if (!isPlainObject(doc)) {
    report(`expected a rule (a map with id, name, kind, severity…), got ${show(doc)}`);
    return null;
  }
  const kind = doc['kind'];
  const compile = typeof kind === 'string' ? KIND_COMPILERS[kind as keyof typeof KIND_COMPILERS] : undefined;
  if (compile === undefined || !Object.hasOwn(KIND_COMPILERS, kind as string)) {
    const known = LOGAGG_KINDS.join(', ');
    if (kind === undefined) report(`kind: required: one of ${known} (Sigma rules are recognized by their detection: key)`);
    else if (kind === 'sigma') report('kind: sigma rules need a detection: (or correlation:) section');
    else report(`kind: ${show(kind)} is not a rule kind: use ${known}${typeof kind === 'string' ? didYouMean(kind, LOGAGG_KINDS) : ''}`);
    return null;
  }
  const problems = new Problems();
  const env: RuleEnv = { ctx, cache, problems, usedLists: new Set(), lists: ctx.lists };
  let rule: CompiledRule | null = null;
  try {
    rule = compile(doc, env);
  } catch (e) {
    problems.add('', `could not compile: ${(e as Error).message}`);
  }
  if (problems.count > 0 || rule === null) {
    for (const m of problems.list) report(m);
    if (problems.count === 0) report('could not compile');
    return null;
  }
  const lists = [...env.usedLists].sort().map((n) => [n, ctx.lists.get(n) ?? null]);
  rule.meta.hash = hash(stableJson([doc, lists, ctx.maxGroups ?? null]));
  return rule;
}

/**
 * A Sigma rule's definition hash: its own document and the field mapping; a correlation also
 * depends on the rules it references, so it takes every Sigma document of the set into account.
 */
function sigmaHash(rule: CompiledRule & { sigma?: { id: string | null; title: string } }, docs: readonly SigmaDocInput[], ctx: RuleCompileContext): string {
  const info = rule.sigma;
  const own = docs.find((d) => {
    if (d.file !== rule.meta.file || !isPlainObject(d.doc) || info === undefined) return false;
    return info.id !== null ? d.doc['id'] === info.id : typeof d.doc['title'] === 'string' && d.doc['title'].trim() === info.title;
  });
  const isCorrelation = own === undefined || (isPlainObject(own.doc) && own.doc['correlation'] !== undefined);
  const basis = isCorrelation ? docs.map((d) => d.doc) : own.doc;
  return hash(stableJson([basis, ctx.sigmaFieldMap, ctx.maxGroups ?? null]));
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}
