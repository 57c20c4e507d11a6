import { compileDetectionDoc, detectionRule, isSigmaDoc, sharedFieldCache, withRuleContext, type SigmaCompiledRule } from './compile-rule.js';
import { correlationRule, readCorrelation, type CorrelationSpec } from './correlation.js';
import type { EventMatcher } from './event-matcher.js';
import type { SigmaContext } from './options.js';
import { isMap, ruleIdOf, type SigmaRuleInfo } from './rule-meta.js';
import { refuse, SigmaError } from './sigma-error.js';

/**
 * A set of Sigma documents (all files of a rules folder, multi-document YAML included) compiled
 * together, so that correlation rules can reference rules by `id` or `name`. A document that
 * fails is reported and skipped; the others load. Rules referenced by a correlation do not
 * raise findings of their own unless the correlation says `generate: true` (specification,
 * "Generate").
 */
export interface SigmaDocInput {
  file: string;
  /** Position of the document in its file (0-based). */
  index: number;
  doc: unknown;
}

export interface SigmaLoadError {
  file: string;
  rule?: string;
  message: string;
}

interface Entry {
  input: SigmaDocInput;
  where: string;
  info: SigmaRuleInfo | null;
  correlation: boolean;
  /** Standalone matcher of a detection rule that compiled. */
  matcher: EventMatcher | null;
  spec: CorrelationSpec | null;
  failed: boolean;
  referenced: boolean;
  generate: boolean;
}

export function compileSigmaCollection(
  docs: readonly SigmaDocInput[],
  ctx: SigmaContext,
): { rules: SigmaCompiledRule[]; errors: SigmaLoadError[] } {
  const errors: SigmaLoadError[] = [];
  // One field memo for all rules: a field many rules test is read and lower-cased once per event.
  const cache = sharedFieldCache(ctx);
  const perFile = new Map<string, number>();
  for (const d of docs) perFile.set(d.file, (perFile.get(d.file) ?? 0) + 1);
  const entries: Entry[] = docs.map((input) => ({
    input,
    where: (perFile.get(input.file) ?? 0) > 1 ? `${input.file} (document ${input.index + 1})` : input.file,
    info: null,
    correlation: false,
    matcher: null,
    spec: null,
    failed: false,
    referenced: false,
    generate: false,
  }));
  const fail = (entry: Entry, e: unknown): void => {
    entry.failed = true;
    if (!(e instanceof SigmaError)) throw e;
    const doc = entry.where === entry.input.file ? '' : `document ${entry.input.index + 1}: `;
    errors.push({ file: entry.input.file, ...(e.rule ? { rule: e.rule } : {}), message: doc + e.problem });
  };

  // Pass 1: meta data, detection logic, and the id/name index.
  const byRef = new Map<string, Entry>();
  const ruleIds = new Map<string, Entry>();
  for (const entry of entries) {
    const { doc } = entry.input;
    try {
      if (!isSigmaDoc(doc)) throw new SigmaError('not a Sigma rule: it has neither "detection" nor "correlation"');
      entry.correlation = (doc as Record<string, unknown>)['correlation'] !== undefined;
      withRuleContext(doc, entry.input.file, (info) => {
        entry.info = info;
        for (const ref of [info.id, info.name]) {
          const other = ref === null ? undefined : byRef.get(ref);
          if (other) refuse(`the id or name "${ref}" is already used by ${other.where}`, 'duplicate id');
        }
        const other = ruleIds.get(ruleIdOf(info));
        if (other) refuse(`the rule id "${ruleIdOf(info)}" is already used by ${other.where}`, 'duplicate id');
        // Registered before compiling, so a correlation can say that a rule it needs failed.
        for (const ref of [info.id, info.name]) if (ref !== null) byRef.set(ref, entry);
        ruleIds.set(ruleIdOf(info), entry);
        const d = doc as Record<string, unknown>;
        if (entry.correlation) entry.spec = readCorrelation(d);
        else entry.matcher = compileDetectionDoc(d, info, ctx, cache);
      });
    } catch (e) {
      fail(entry, e);
    }
  }

  // Rules named by a correlation, even one that failed, are its parts: they do not alert alone
  // (a refused correlation must not turn its building blocks into a flood of alerts).
  for (const entry of entries) {
    if (!entry.correlation) continue;
    const { refs, generate } = looseRefs(entry.input.doc);
    for (const r of refs) {
      const ref = byRef.get(r);
      if (!ref) continue;
      ref.referenced = true;
      ref.generate ||= generate && !entry.failed;
    }
  }

  // Pass 2: correlations, each with its own matchers for the rules it references.
  const compiled = new Map<Entry, SigmaCompiledRule>();
  for (const entry of entries) {
    if (!entry.correlation || entry.failed || !entry.spec || !entry.info) continue;
    const spec = entry.spec;
    const refs = spec.rules.map((r) => byRef.get(r));
    try {
      compiled.set(
        entry,
        withRuleContext(entry.input.doc, entry.input.file, (info) => {
          const bases = spec.rules.map((name, k) => {
            const ref = refs[k];
            if (!ref) return refuse(`correlation.rules: no loaded rule has the id or name "${name}"`, 'correlation.rules');
            if (ref.correlation) return refuse(`correlation.rules: "${name}" is a correlation rule; correlations of correlations are not supported`, 'correlation chain');
            if (ref.failed || !ref.info) return refuse(`correlation.rules: the rule "${name}" (${ref.where}) failed to load`, 'correlation.rules');
            return { info: ref.info, matcher: compileDetectionDoc(ref.input.doc as Record<string, unknown>, ref.info, ctx, cache) };
          });
          return correlationRule(info, spec, bases, ctx, entry.input.file) as SigmaCompiledRule;
        }),
      );
    } catch (e) {
      fail(entry, e);
    }
  }

  const rules: SigmaCompiledRule[] = [];
  for (const entry of entries) {
    if (entry.failed || !entry.info) continue;
    // A rule another correlation builds on (a chain) is a part, like a referenced detection.
    if (entry.referenced && !entry.generate) continue;
    if (entry.correlation) {
      const rule = compiled.get(entry);
      if (rule) rules.push(rule);
    } else if (entry.matcher) {
      rules.push(detectionRule(entry.info, entry.matcher, ctx, entry.input.file) as SigmaCompiledRule);
    }
  }
  return { rules, errors };
}

/** `correlation.rules` and `generate` read without validation (for a correlation that failed). */
function looseRefs(doc: unknown): { refs: string[]; generate: boolean } {
  const c = isMap(doc) ? doc['correlation'] : undefined;
  if (!isMap(c)) return { refs: [], generate: false };
  const rules = typeof c['rules'] === 'string' ? [c['rules']] : Array.isArray(c['rules']) ? c['rules'] : [];
  const generate = c['generate'] ?? (doc as Record<string, unknown>)['generate'];
  return { refs: rules.filter((r): r is string => typeof r === 'string'), generate: generate === true };
}
