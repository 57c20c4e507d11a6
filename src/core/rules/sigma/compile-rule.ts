import type { CompiledRule, Finding, RuleMeta } from '../types.js';
import { compileEventMatcher, type EventMatcher } from './event-matcher.js';
import { FieldCache } from './field-cache.js';
import type { LogsourceScope } from './logsource-scope.js';
import type { SigmaContext } from './options.js';
import { isMap, labelOf, readInfo, ruleIdOf, severityOf, type SigmaRuleInfo } from './rule-meta.js';
import { refuse, SigmaError, SigmaProblem } from './sigma-error.js';

/** A compiled Sigma rule: a CompiledRule plus the Sigma attributes it came with. */
export interface SigmaCompiledRule<State = unknown> extends CompiledRule<State> {
  sigma: SigmaRuleInfo;
  /** What the rule's logsource applied (detection rules; correlation rules have none). */
  scope?: LogsourceScope;
}

/**
 * One field memo per compile context: every Sigma rule compiled with the same context object
 * (one rules load) shares it, so a field many rules test is read and lower-cased once per event.
 * It is a memo only (keyed by batch and position, never consulted across batches), so sharing
 * it cannot change a result; the WeakMap lets it go with the context.
 */
const CACHES = new WeakMap<object, FieldCache>();

export function sharedFieldCache(ctx: SigmaContext): FieldCache {
  let cache = CACHES.get(ctx);
  if (cache === undefined) CACHES.set(ctx, (cache = new FieldCache()));
  return cache;
}

/** True for a document the Sigma compiler handles: a detection rule or a correlation rule. */
export function isSigmaDoc(doc: unknown): boolean {
  return isMap(doc) && (doc['detection'] !== undefined || doc['correlation'] !== undefined);
}

/**
 * Compiles one Sigma detection rule into a rule raising, per batch, at most one finding per host
 * (dedup key: rule id + host). Correlation rules need the rules they reference: compile them
 * with compileSigmaCollection. Throws SigmaError naming the rule and the unsupported feature.
 */
export function compileSigma(doc: unknown, ctx: SigmaContext, file?: string): SigmaCompiledRule<null> {
  return withRuleContext(doc, file, (info) => {
    const d = doc as Record<string, unknown>;
    if (d['correlation'] !== undefined) {
      refuse('a correlation rule needs the rules it references; load it with its rules (compileSigmaCollection)', 'correlation');
    }
    return detectionRule(info, compileDetectionDoc(d, info, ctx, sharedFieldCache(ctx)), ctx, file);
  });
}

/** Checks the parts of a detection rule beyond its meta data and compiles its logic. */
export function compileDetectionDoc(d: Record<string, unknown>, info: SigmaRuleInfo, ctx: SigmaContext, cache?: FieldCache): EventMatcher {
  if (d['action'] !== undefined) {
    refuse('Sigma 1 rule collections ("action: global/reset/repeat") are not supported; write each rule as a standalone document', 'action');
  }
  if (d['detection'] === undefined) refuse('"detection" is required', 'detection');
  if (d['logsource'] === undefined) refuse('"logsource" is required', 'logsource');
  return compileEventMatcher(d['detection'], info.logsource, ctx, cache);
}

export function metaOf(info: SigmaRuleInfo, ctx: SigmaContext, file: string | undefined): RuleMeta {
  const { severity, enabled } = severityOf(info.level, ctx.sigmaInformational ?? 'skip');
  // Deprecated and unsupported rules are kept for reference but do not run unless enabled.
  const retired = info.status === 'deprecated' || info.status === 'unsupported';
  return {
    id: ruleIdOf(info),
    name: info.title,
    kind: 'sigma',
    severity,
    enabled: enabled && !retired,
    description: info.description,
    tags: info.tags,
    ...(file === undefined ? {} : { file }),
  };
}

/** Sample event indexes kept per finding (the representative, latest, event last). */
export const MAX_SAMPLES = 5;

/**
 * A detection rule: each batch, at most one finding per host, for its latest matching event,
 * with `count` = the host's matching events in the batch (the engine folds repeats into one
 * alert per dedup key).
 */
export function detectionRule(info: SigmaRuleInfo, matcher: EventMatcher, ctx: SigmaContext, file?: string): SigmaCompiledRule<null> {
  const meta = metaOf(info, ctx, file);
  // detection.sigma.unmapped_logsource: skip — a rule that would see every event (or every
  // event of its product) loads disabled rather than refused, so listings still show it.
  if (ctx.sigmaUnmappedLogsource === 'skip' && matcher.scope.coverage !== 'mapped') meta.enabled = false;
  const sigma = Object.freeze({ id: info.id, level: info.level, status: info.status, tags: info.tags, logsource: info.logsource });
  return {
    meta,
    sigma: info,
    scope: matcher.scope,
    initialState: () => null,
    evaluate(events) {
      const only = matcher.begin(events);
      let byHost: Map<string, { samples: number[]; count: number }> | null = null;
      const n = only === null ? events.length : only.length;
      for (let k = 0; k < n; k++) {
        const i = only === null ? k : (only[k] as number);
        const e = events[i]!;
        if (!matcher.matches(e, i)) continue;
        const key = e.host ?? '';
        const acc = (byHost ??= new Map()).get(key);
        if (acc === undefined) byHost.set(key, { samples: [i], count: 1 });
        else {
          acc.count++;
          if (acc.samples.length === MAX_SAMPLES) acc.samples.shift();
          acc.samples.push(i);
        }
      }
      if (byHost === null) return [];
      const out: Finding[] = [];
      for (const [host, acc] of byHost) {
        const rep = acc.samples[acc.samples.length - 1] as number;
        const e = events[rep]!;
        out.push({
          rule_id: meta.id,
          rule_name: meta.name,
          severity: meta.severity,
          host: e.host,
          title: meta.name,
          dedup_key: `${meta.id}|${host}`,
          ts: e.ts,
          event_indexes: acc.samples,
          count: acc.count,
          matched: matcher.matched(e, rep),
          context: { sigma },
        });
      }
      return out;
    },
  };
}

/**
 * Reads the rule's meta data and runs `build`, turning problems into a SigmaError that names
 * the file and the rule.
 */
export function withRuleContext<T>(doc: unknown, file: string | undefined, build: (info: SigmaRuleInfo) => T): T {
  if (!isMap(doc)) throw new SigmaError('a Sigma rule must be a YAML map', { file });
  let info: SigmaRuleInfo | null = null;
  try {
    info = readInfo(doc);
    return build(info);
  } catch (e) {
    if (!(e instanceof SigmaProblem)) throw e;
    const title = info?.title ?? (typeof doc['title'] === 'string' ? doc['title'] : undefined);
    const id = info?.id ?? (typeof doc['id'] === 'string' ? doc['id'] : null);
    const label = title !== undefined ? labelOf({ title, id }) : 'Sigma rule';
    throw new SigmaError(`${label}: ${e.message}`, { file, rule: title ?? id ?? undefined, feature: e.feature });
  }
}
