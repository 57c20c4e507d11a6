import { expect } from 'vitest';
import type { NormalizedEvent } from '../../../../src/core/event.js';
import { ruleCompileContext } from '../../../../src/core/rules/context.js';
import { compileSigma } from '../../../../src/core/rules/sigma/compile-rule.js';
import { compileEventMatcher } from '../../../../src/core/rules/sigma/event-matcher.js';
import type { SigmaContext } from '../../../../src/core/rules/sigma/options.js';
import { makeEvent } from './event-factory.js';

export function sigmaCtx(over: Partial<SigmaContext> = {}): SigmaContext {
  return { ...ruleCompileContext(), ...over };
}

/** A minimal valid Sigma rule document around a detection section. */
export function ruleDoc(detection: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: 'Test rule', id: '00000000-0000-4000-8000-000000000001', logsource: { product: 'test' }, level: 'high', detection, ...extra };
}

/**
 * Indexes of the events the detection matches, through a compiled rule's evaluate (one batch,
 * each event given its own host so findings map to events). Also checks that the matcher
 * without its required-field pre-check agrees, so the pre-check never hides a match.
 */
export function hits(detection: Record<string, unknown>, events: readonly NormalizedEvent[], ctx: SigmaContext = sigmaCtx()): number[] {
  const batch = events.map((e, i) => ({ ...e, host: `h${i}` }));
  const rule = compileSigma(ruleDoc(detection), ctx);
  const viaRule = rule
    .evaluate(batch, rule.initialState())
    .flatMap((f) => f.event_indexes)
    .sort((a, b) => a - b);
  const matcher = compileEventMatcher(detection, {}, ctx);
  matcher.begin(batch);
  const direct = batch.flatMap((e, i) => (matcher.matches(e, i) ? [i] : []));
  expect(viaRule).toEqual(direct);
  return viaRule;
}

/** Whether the detection matches one event. */
export function matchesOne(detection: Record<string, unknown>, event: NormalizedEvent, ctx?: SigmaContext): boolean {
  return hits(detection, [event], ctx).length === 1;
}

/** Shorthand: an event with these attributes (and optional top-level fields). */
export function ev(attributes: Record<string, unknown> = {}, over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return makeEvent({ attributes, ...over });
}
