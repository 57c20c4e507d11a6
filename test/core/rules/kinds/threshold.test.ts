import { describe, expect, test } from 'vitest';
import type { NormalizedEvent } from '../../../../src/core/event.js';
import { compileRule, compileRules } from '../../../../src/core/rules/compile.js';
import { ruleCompileContext } from '../../../../src/core/rules/context.js';
import type { CompiledRule, Finding } from '../../../../src/core/rules/types.js';
import { ev, metric, T0 } from '../event-fixture.js';

const ctx = ruleCompileContext();

function rule(extra: Record<string, unknown>): CompiledRule {
  return compileRule({ id: 'cpu', name: 'CPU high', kind: 'threshold', severity: 'HIGH', field: 'cpu_pct', op: '>', value: 90, ...extra }, ctx);
}

/** Feeds batches through one rule, keeping its state; returns the findings per batch. */
function run(r: CompiledRule, batches: NormalizedEvent[][]): Finding[][] {
  const state = r.initialState();
  return batches.map((b) => r.evaluate(b, state));
}

const cpu = (sec: number, v: number, host = 'web-1') => metric(sec, { cpu_pct: v }, { host });

describe('threshold: comparisons', () => {
  test.each<[string, unknown, number, boolean]>([
    ['>', 90, 90.1, true],
    ['>', 90, 90, false],
    ['>=', 90, 90, true],
    ['>=', 90, 89.9, false],
    ['<', 10, 9, true],
    ['<', 10, 10, false],
    ['<=', 10, 10, true],
    ['==', 50, 50, true],
    ['==', 50, 50.5, false],
    ['!=', 50, 51, true],
    ['!=', 50, 50, false],
    ['>', '90%', 95, true],
  ])('cpu %s %j with %d → %s', (op, value, v, fires) => {
    const [found] = run(rule({ op, value }), [[cpu(0, v)]]);
    expect(found!.length).toBe(fires ? 1 : 0);
  });

  test.each<[string, unknown, Partial<NormalizedEvent>, boolean]>([
    ['net_out', '50MB/s', { metrics: { net_out: 50_000_001 } }, true],
    ['net_out', '50MB/s', { metrics: { net_out: 49_999_999 } }, false],
    ['mem_used', '1.5GB', { metrics: { mem_used: 2e9 } }, true],
    ['attributes.latency_ms', '500ms', { attributes: { latency_ms: '750' } }, true],
    ['attributes.latency_ms', '500ms', { attributes: { latency_ms: 'slow' } }, false],
    ['attributes.sizes', 100, { attributes: { sizes: [5, 500] } }, true],
  ])('%s > %j', (field, value, over, fires) => {
    const [found] = run(rule({ field, value }), [[ev(over)]]);
    expect(found!.length).toBe(fires ? 1 : 0);
  });
});

describe('threshold: findings', () => {
  test('one finding per group per batch, counting every occurrence', () => {
    const [found] = run(rule({}), [[cpu(0, 95), cpu(1, 96, 'web-2'), cpu(2, 50), cpu(3, 97), cpu(4, 99)]]);
    expect(found!.map((f) => [f.host, f.count, f.event_indexes, f.matched['cpu_pct']])).toEqual([
      ['web-1', 3, [0, 3, 4], 99],
      ['web-2', 1, [1], 96],
    ]);
    const f = found![0]!;
    expect(f).toMatchObject({
      rule_id: 'cpu',
      rule_name: 'CPU high',
      severity: 'HIGH',
      title: 'CPU high on web-1',
      dedup_key: 'cpu|web-1',
      ts: T0 + 4000,
      context: { field: 'cpu_pct', op: '>', threshold: 90, value: 99 },
    });
  });

  test('samples are capped and end with the representative event', () => {
    const [found] = run(rule({}), [Array.from({ length: 20 }, (_, i) => cpu(i, 91 + i))]);
    expect(found![0]!.event_indexes).toEqual([0, 1, 2, 3, 19]);
    expect(found![0]!.count).toBe(20);
  });

  test('title template, filter and group_by', () => {
    const r = rule({ title: 'CPU {cpu_pct}% on {host} (limit {threshold})', filter: { 'asset.environment': 'prod' }, group_by: [] });
    const prod = { asset: { environment: 'prod' } };
    const [found] = run(r, [[cpu(0, 95), metric(1, { cpu_pct: 93.25 }, { host: 'db-1', ...prod })]]);
    expect(found!.map((f) => [f.title, f.dedup_key])).toEqual([['CPU 93.25% on db-1 (limit 90)', 'cpu']]);
  });

  test('events without the field are ignored; parse errors too when they carry no metrics', () => {
    const [found] = run(rule({}), [[ev({ message: 'cpu 99' }), ev({ parse_error: 'bad', message: '{"cpu_usage": 99' })]]);
    expect(found).toEqual([]);
  });
});

describe('threshold: sustained for N events', () => {
  test.each<[string, number[][], number[]]>([
    ['fires on the third in a row', [[91, 92, 93]], [1]],
    ['not before', [[91, 92]], [0]],
    ['across batch boundaries', [[91], [92], [93, 94]], [0, 0, 1]],
    ['a non-matching event resets', [[91, 92, 50, 93, 94]], [0]],
    ['reset across batches', [[91, 92], [50], [93, 94], [95]], [0, 0, 0, 1]],
  ])('%s', (_name, batches, findingCounts) => {
    const r = rule({ for: 3 });
    const out = run(r, batches.map((b, k) => b.map((v, i) => cpu(k * 100 + i, v))));
    expect(out.map((f) => f.length)).toEqual(findingCounts);
  });

  test('counts only the events at or past the streak; groups are separate', () => {
    const r = rule({ for: { events: 2 } });
    const [found] = run(r, [[cpu(0, 95), cpu(1, 95, 'web-2'), cpu(2, 96), cpu(3, 97), cpu(4, 50, 'web-2'), cpu(5, 98, 'web-2')]]);
    expect(found!.map((f) => [f.host, f.count, f.context?.['streak']])).toEqual([['web-1', 2, 3]]);
  });

  test('groups beyond max_groups lose their streak, least recently seen first', () => {
    const r = rule({ for: 2, max_groups: 2 });
    const out = run(r, [[cpu(0, 95, 'a'), cpu(1, 95, 'b'), cpu(2, 95, 'c')], [cpu(3, 95, 'a'), cpu(4, 95, 'c')]]);
    // "a" was evicted when "c" arrived, so its second event starts over; "c" fires.
    expect(out[1]!.map((f) => f.host)).toEqual(['c']);
  });
});

describe('threshold: sustained for a duration (event time)', () => {
  const min = 60;
  test.each<[string, [number, number][][], number[]]>([
    ['fires once the streak spans 5m', [[[0, 95], [1 * min, 95], [2 * min, 95], [3 * min, 95], [4 * min, 95], [5 * min, 95]]], [1]],
    ['not at 4m59s', [[[0, 95], [4 * min + 59, 95]]], [0]],
    ['across batches', [[[0, 95], [2 * min, 95]], [[4 * min, 95]], [[5 * min, 95]]], [0, 0, 1]],
    ['a non-matching event restarts the streak', [[[0, 95], [3 * min, 50], [4 * min, 95], [6 * min, 95], [9 * min, 95]]], [1]],
    ['a gap longer than the duration restarts it', [[[0, 95], [6 * min, 95], [10 * min, 95]]], [0]],
    ['a single event never holds for 5m', [[[0, 95]]], [0]],
    ['late matching event older than the last miss is ignored', [[[0, 95], [2 * min, 50], [1 * min, 95], [6 * min, 95]]], [0]],
    ['late non-matching event older than the streak does not reset it', [[[2 * min, 95], [4 * min, 95], [1 * min, 50], [7 * min, 95]]], [1]],
  ])('%s', (_name, batches, findingCounts) => {
    const r = rule({ for: '5m' });
    const out = run(r, batches.map((b) => b.map(([s, v]) => cpu(s, v))));
    expect(out.map((f) => f.length)).toEqual(findingCounts);
  });

  test('context records how long it held', () => {
    const r = rule({ for: { duration: '2m' }, title: 'CPU above 90% for {held}' });
    const [found] = run(r, [[cpu(0, 95), cpu(60, 95), cpu(150, 95)]]);
    expect(found![0]!.context).toMatchObject({ for_ms: 120_000, held_ms: 150_000 });
    expect(found![0]!.title).toBe('CPU above 90% for 150s');
  });
});

describe('threshold: mistakes', () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ['missing field', { field: undefined }, ['field: required: the numeric field to compare, e.g. cpu_pct']],
    ['bad op', { op: '=>' }, ['op: "=>" is not an operator: use one of > >= < <= == !=']],
    ['missing value', { value: undefined }, ['value: required: write e.g. 90, 90%, 50MB/s, 1.5GB, 500ms']],
    ['bad value', { value: 'ninety' }, ['value: "ninety" is not a number: write e.g. 90, 90%, 50MB/s, 1.5GB, 500ms']],
    ['unit mismatch', { value: '50MB/s' }, ['value: "50MB/s" is in bytes/s but cpu_pct is in pct']],
    ['bad for', { for: 0 }, ['for: must be a whole number of at least 1, got 0']],
    ['bad for text', { for: 'soon' }, ['for: "soon" is not a duration: write a number of consecutive events (for: 3) or a duration (for: 5m)']],
    ['bad for map', { for: { minutes: 5 } }, ['for: {"minutes":5}: write a number of consecutive events (for: 3) or a duration (for: 5m), or { events: 3 } / { duration: 5m }']],
    ['typo in a key', { fro: 3 }, ['unknown key "fro" (did you mean "for"?)']],
    ['match-kind key', { match: { process: 'x' } }, ['unknown key "match" for kind threshold (it belongs to match rules)']],
  ])('%s', (_name, extra, messages) => {
    const doc = { id: 'cpu', name: 'CPU high', kind: 'threshold', severity: 'HIGH', field: 'cpu_pct', op: '>', value: 90, ...extra };
    const { rules, errors } = compileRules([{ file: 'r.yaml', index: 0, doc }], ctx);
    expect(rules).toEqual([]);
    expect(errors).toEqual(messages.map((message) => ({ file: 'r.yaml', rule: 'cpu', message })));
  });
});
