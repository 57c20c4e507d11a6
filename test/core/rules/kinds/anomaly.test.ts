import { describe, expect, test } from 'vitest';
import type { NormalizedEvent } from '../../../../src/core/event.js';
import { compileRule, compileRules } from '../../../../src/core/rules/compile.js';
import { ruleCompileContext } from '../../../../src/core/rules/context.js';
import type { CompiledRule, Finding } from '../../../../src/core/rules/types.js';
import { metric } from '../event-fixture.js';

const ctx = ruleCompileContext();

const BASE = { id: 'cpu-anomaly', name: 'CPU anomaly', kind: 'anomaly', severity: 'MEDIUM', metric: 'cpu_pct', title: 'CPU {value}% on {host} (normal {baseline}±{deviation}, score {score})' };

function rule(extra: Record<string, unknown> = {}): CompiledRule {
  return compileRule({ ...BASE, ...extra }, ctx);
}

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Roughly normal noise: the sum of 4 uniforms, mean 0, sd ~ `sd`. */
function noise(rnd: () => number, sd: number): number {
  return (rnd() + rnd() + rnd() + rnd() - 2) * sd * Math.sqrt(3);
}

/** A CPU series of `n` samples every 10 s around 30% ± 3 with a spike of `spike` at `at`. */
function series(n: number, seed: number, at = -1, spike = 0, host = 'web-1'): NormalizedEvent[] {
  const rnd = prng(seed);
  return Array.from({ length: n }, (_, i) => metric(i * 10, { cpu_pct: i === at ? spike : Math.max(0, 30 + noise(rnd, 3)) }, { host }));
}

/** Runs the events through the rule in batches of `size`. */
function runBatches(r: CompiledRule, events: NormalizedEvent[], size = 100): Finding[] {
  const state = r.initialState();
  const out: Finding[] = [];
  for (let i = 0; i < events.length; i += size) {
    const batch = events.slice(i, i + size);
    for (const f of r.evaluate(batch, state)) out.push({ ...f, event_indexes: f.event_indexes.map((k) => k + i) });
  }
  return out;
}

describe.each([
  ['ewma', {}],
  ['ewma with a half-life', { half_life: '30m' }],
  ['mad', { method: 'mad', window: 120 }],
])('anomaly (%s)', (_name, extra) => {
  test('a known spike fires once, with the baseline and score recorded', () => {
    const events = series(600, 42, 400, 95);
    const found = runBatches(rule(extra), events);
    expect(found.length).toBe(1);
    const f = found[0]!;
    expect(f.event_indexes.at(-1)).toBe(400);
    expect(f.count).toBe(1);
    const c = f.context!;
    expect(c['value']).toBe(95);
    expect(c['score'] as number).toBeGreaterThan(10);
    expect(c['samples']).toBe(400);
    const centre = (c['baseline_mean'] ?? c['baseline_median']) as number;
    expect(centre).toBeGreaterThan(27);
    expect(centre).toBeLessThan(33);
    expect((c['stddev'] ?? c['mad']) as number).toBeGreaterThan(0.5);
    expect(f.title).toMatch(/^CPU 95% on web-1 \(normal \d+(\.\d+)?±\d+(\.\d+)?, score \d+(\.\d+)?\)$/);
  });

  test.each([1, 2, 3, 4, 5])('normal noise raises nothing (seed %d)', (seed) => {
    expect(runBatches(rule(extra), series(3000, seed))).toEqual([]);
  });

  test('no alert during warm-up, even for a spike', () => {
    expect(runBatches(rule({ ...extra, warmup: 50 }), series(200, 9, 20, 99))).toEqual([]);
  });

  test('hosts have separate baselines', () => {
    const busy = series(300, 11, -1, 0, 'db-1').map((e) => ({ ...e, metrics: { cpu_pct: 85 + (e.metrics.cpu_pct! - 30) / 3 } }));
    const quiet = series(300, 12, -1, 0, 'web-1');
    const mixed = busy.flatMap((e, i) => [e, quiet[i]!]);
    expect(runBatches(rule(extra), mixed)).toEqual([]);
  });
});

describe('anomaly: direction and floors', () => {
  test.each<[string, number, Record<string, unknown>, number]>([
    ['high ignores dips', 0, { direction: 'high' }, 0],
    ['low catches dips', 0, { direction: 'low' }, 1],
    ['low ignores spikes', 95, { direction: 'low' }, 0],
    ['both catches dips', 0, { direction: 'both' }, 1],
    ['both catches spikes', 95, { direction: 'both' }, 1],
    ['a high k lets it pass', 95, { k: 1000 }, 0],
  ])('%s', (_name, spike, extra, findings) => {
    expect(runBatches(rule(extra), series(500, 3, 400, spike)).length).toBe(findings);
  });

  test('a flat series does not divide by zero: min_stddev is the floor', () => {
    const flat = Array.from({ length: 100 }, (_, i) => metric(i * 10, { cpu_pct: i === 80 ? 33 : 30 }));
    expect(runBatches(rule({ min_stddev: 2 }), flat)).toEqual([]); // score 1.5
    const found = runBatches(rule({ min_stddev: 0.5 }), flat); // score 6
    expect(found.map((f) => f.context!['score'])).toEqual([6]);
    expect(found[0]!.context).toMatchObject({ baseline_mean: 30, stddev: 0, min_stddev: 0.5 });
  });

  test('values without the metric are skipped', () => {
    const events = [...series(100, 5), metric(2000, {}), metric(2010, { mem_pct: 99 })];
    expect(runBatches(rule(), events)).toEqual([]);
  });
});

describe('anomaly: mistakes', () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ['missing metric', { metric: undefined }, ['metric: required: the numeric field to baseline, e.g. cpu_pct']],
    ['bad method', { method: 'zscore' }, ['method: "zscore": use ewma or mad']],
    ['half_life and alpha', { half_life: '10m', alpha: 0.1 }, ['alpha: give half_life or alpha, not both']],
    ['bad alpha', { alpha: 1.5 }, ['alpha: must be a number above 0 and at most 1']],
    ['bad half_life', { half_life: 10 }, ['half_life: 10 is not a duration: write e.g. 30m']],
    ['window with ewma', { window: 60 }, ['window: applies to method mad only (ewma uses half_life or alpha)']],
    ['alpha with mad', { method: 'mad', alpha: 0.1 }, ['alpha: applies to method ewma only (mad uses window)']],
    ['tiny window', { method: 'mad', window: 2 }, ['window: must be a whole number of at least 3, got 2']],
    ['bad k', { k: 0 }, ['k: must be a number above 0 (the score beyond which a value is anomalous)']],
    ['bad warmup', { warmup: -1 }, ['warmup: must be a whole number of at least 0, got -1']],
    ['bad min_stddev', { min_stddev: 0 }, ["min_stddev: 0: expected a number above 0 in the metric's units (e.g. 2, 2%, 1MB/s)"]],
    ['bad direction', { direction: 'up' }, ['direction: "up": use high, low or both']],
  ])('%s', (_name, extra, messages) => {
    const { rules, errors } = compileRules([{ file: 'a.yaml', index: 0, doc: { ...BASE, ...extra } }], ctx);
    expect(rules).toEqual([]);
    expect(errors).toEqual(messages.map((message) => ({ file: 'a.yaml', rule: 'cpu-anomaly', message })));
  });
});
