import { describe, expect, test } from 'vitest';
import type { NormalizedEvent } from '../../../../src/core/event.js';
import { compileRule, compileRules } from '../../../../src/core/rules/compile.js';
import { ruleCompileContext } from '../../../../src/core/rules/context.js';
import type { CompiledRule, Finding } from '../../../../src/core/rules/types.js';
import { ev, T0 } from '../event-fixture.js';

const ctx = ruleCompileContext();

const BRUTE = {
  id: 'brute',
  name: 'SSH brute force',
  kind: 'count',
  severity: 'HIGH',
  filter: { message: { contains: 'failed password' } },
  group_by: 'src_ip',
  window: '1m',
  threshold: 5,
  title: '{count} failed logins from {src_ip} in {window}',
};
const SCAN = {
  id: 'scan',
  name: 'Port scan',
  kind: 'count',
  severity: 'MEDIUM',
  filter: { dst_port: { exists: true } },
  group_by: ['src_ip'],
  window: '1m',
  threshold: 20,
  distinct: 'dst_port',
  title: 'Port scan from {src_ip}: {count} ports in {window}',
};

function rule(base: Record<string, unknown>, extra: Record<string, unknown> = {}): CompiledRule {
  return compileRule({ ...base, ...extra }, ctx);
}

function run(r: CompiledRule, batches: NormalizedEvent[][]): Finding[][] {
  const state = r.initialState();
  return batches.map((b) => r.evaluate(b, state));
}

const fail = (ms: number, ip = '203.0.113.5') => ev({ ts: T0 + ms, src_ip: ip, message: 'Failed password for root' });
const probe = (ms: number, port: number | null, ip = '203.0.113.9') => ev({ ts: T0 + ms, src_ip: ip, dst_port: port });

describe('count: events in a sliding window', () => {
  test.each<[string, number[][], number[]]>([
    ['5 within a minute fire', [[0, 10_000, 20_000, 30_000, 40_000]], [1]],
    ['4 do not', [[0, 10_000, 20_000, 30_000]], [0]],
    ['exactly N spanning just under the window', [[0, 15_000, 30_000, 45_000, 59_999]], [1]],
    ['exactly N spanning the window: the first has left', [[0, 15_000, 30_000, 45_000, 60_000]], [0]],
    ['across batches', [[0, 1000], [2000, 3000], [4000]], [0, 0, 1]],
    ['slow attempts never fire', [[0, 20_000, 40_000, 60_000, 80_000, 100_000, 120_000]], [0]],
    ['late by a few seconds still counts', [[10_000, 20_000, 30_000, 40_000, 5_000]], [1]],
    ['too late to count', [[70_000, 80_000, 90_000, 100_000, 5_000]], [0]],
  ])('%s', (_name, batches, findingCounts) => {
    const out = run(rule(BRUTE), batches.map((b) => b.map((ms) => fail(ms))));
    expect(out.map((f) => f.length)).toEqual(findingCounts);
  });

  test('after the threshold: one finding per group per batch, counting the events over it', () => {
    const [found] = run(rule(BRUTE), [[0, 1, 2, 3, 4, 5, 6, 7].map((ms) => fail(ms))]);
    expect(found!.length).toBe(1);
    const f = found![0]!;
    expect(f).toMatchObject({
      title: '8 failed logins from 203.0.113.5 in 1m',
      dedup_key: 'brute|203.0.113.5',
      count: 4,
      ts: T0 + 7,
      context: { count: 8, threshold: 5, window_ms: 60_000 },
      matched: { src_ip: '203.0.113.5', message: 'Failed password for root' },
    });
    expect(f.event_indexes).toEqual([4, 5, 6, 7]);
  });

  test('groups are counted apart; other events are ignored', () => {
    const events = [0, 1, 2, 3].flatMap((ms) => [fail(ms, '203.0.113.5'), fail(ms, '203.0.113.6'), ev({ ts: T0 + ms, src_ip: '203.0.113.5', message: 'Accepted password' })]);
    events.push(fail(10, '203.0.113.6'));
    const [found] = run(rule(BRUTE), [events]);
    expect(found!.map((f) => f.matched['src_ip'])).toEqual(['203.0.113.6']);
  });

  test('groups beyond max_groups are dropped least recently seen first', () => {
    const r = rule(BRUTE, { max_groups: 2, threshold: 2 });
    const out = run(r, [[fail(0, 'a'), fail(1, 'b'), fail(2, 'c')], [fail(3, 'a'), fail(4, 'c')]]);
    expect(out[1]!.map((f) => f.matched['src_ip'])).toEqual(['c']);
  });

  test('a flood of groups keeps memory bounded', () => {
    const r = rule(BRUTE, { max_groups: 100 });
    const state = r.initialState() as { size: number };
    r.evaluate(Array.from({ length: 10_000 }, (_, i) => fail(i, `10.0.${i >> 8}.${i & 255}`)), state);
    expect(state.size).toBe(100);
  });
});

describe('count: distinct values', () => {
  test.each<[string, [number, number | null][], number]>([
    ['20 distinct ports fire', Array.from({ length: 20 }, (_, i) => [i * 100, 1000 + i] as [number, number]), 1],
    ['19 distinct do not', Array.from({ length: 19 }, (_, i) => [i * 100, 1000 + i] as [number, number]), 0],
    ['many hits on few ports do not', Array.from({ length: 100 }, (_, i) => [i * 100, 1000 + (i % 5)] as [number, number]), 0],
    ['events without the field do not count', [...Array.from({ length: 19 }, (_, i) => [i * 100, 1000 + i] as [number, number | null]), [5000, null]], 0],
    ['ports seen over more than a minute do not', Array.from({ length: 20 }, (_, i) => [i * 4000, 1000 + i] as [number, number]), 0],
  ])('%s', (_name, seq, findings) => {
    const [found] = run(rule(SCAN), [seq.map(([ms, port]) => probe(ms, port))]);
    expect(found!.length).toBe(findings);
  });

  test('the finding lists the most recent distinct values', () => {
    const [found] = run(rule(SCAN), [Array.from({ length: 25 }, (_, i) => probe(i, 1000 + i))]);
    const f = found![0]!;
    expect(f.title).toBe('Port scan from 203.0.113.9: 25 ports in 1m');
    expect(f.context).toMatchObject({ count: 25, threshold: 20, distinct: 'dst_port' });
    expect(f.context!['values']).toEqual(['1024', '1023', '1022', '1021', '1020', '1019', '1018', '1017', '1016', '1015']);
    expect(f.matched['dst_port']).toEqual(f.context!['values']);
    expect(f.count).toBe(6);
  });
});

describe('count: then (a sequence: N events, then one more of another kind)', () => {
  const ok = (ms: number, ip = '203.0.113.5') => ev({ ts: T0 + ms, src_ip: ip, message: 'Accepted password for root' });
  const SEQ = { ...BRUTE, id: 'seq', window: '10m', then: { message: { contains: 'accepted password' } }, title: 'login from {src_ip} after {count} failures' };

  test.each<[string, NormalizedEvent[][], number[]]>([
    ['5 failures then a success fire once, at the success', [[fail(0), fail(1000), fail(2000), fail(3000), fail(4000)], [ok(5000)]], [0, 1]],
    ['the failures alone never fire', [[0, 1, 2, 3, 4, 5, 6, 7].map((i) => fail(i * 1000))], [0]],
    ['4 failures then a success', [[fail(0), fail(1000), fail(2000), fail(3000), ok(4000)]], [0]],
    ['a success from another address', [[fail(0), fail(1000), fail(2000), fail(3000), fail(4000), ok(5000, '198.51.100.1')]], [0]],
    ['failures older than the window', [[fail(0), fail(1000), fail(2000), fail(3000), fail(4000)], [ok(700_000)]], [0, 0]],
    ['failures after the success do not count for it', [[ok(0), fail(1000), fail(2000), fail(3000), fail(4000), fail(5000)]], [0]],
    ['the group starts over after firing', [[fail(0), fail(1000), fail(2000), fail(3000), fail(4000), ok(5000)], [ok(6000)]], [1, 0]],
  ])('%s', (_name, batches, findingCounts) => {
    const out = run(rule(SEQ), batches);
    expect(out.map((f) => f.length)).toEqual(findingCounts);
  });

  test('the finding is the success, with the count of failures before it', () => {
    const [, [f]] = run(rule(SEQ), [[fail(0), fail(1000), fail(2000), fail(3000), fail(4000), fail(4500)], [ok(5000)]]) as [Finding[], Finding[]];
    expect(f!.title).toBe('login from 203.0.113.5 after 6 failures');
    expect(f!.context).toMatchObject({ count: 6, threshold: 5, window_ms: 600_000 });
  });
});

describe('count: mistakes', () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ['missing filter', { filter: undefined }, ['filter: required: the events to count, e.g. filter: { attributes.outcome: failure }']],
    ['missing window', { window: undefined }, ['window: required: write e.g. 1m, 30s, 1h']],
    ['bare number window', { window: 60 }, ['window: 60 is not a duration: write e.g. 1m, 30s, 1h']],
    ['zero window', { window: '0s' }, ['window: "0s" is not a duration: write e.g. 1m, 30s, 1h']],
    ['missing threshold', { threshold: undefined }, ['threshold: required: how many events (or distinct values) in the window fire the rule']],
    ['bad threshold', { threshold: 2.5 }, ['threshold: must be a whole number of at least 1, got 2.5']],
    ['bad distinct', { distinct: ['a'] }, ['distinct: expected the field whose distinct values are counted, e.g. dst_port']],
    ['bad group_by', { group_by: [1] }, ['group_by: expected a field path or a list of field paths (an empty list makes one group)']],
    ['bad max_groups', { max_groups: 0 }, ['max_groups: must be a whole number of at least 1']],
    ['threshold-kind key', { op: '>' }, ['unknown key "op" for kind count (it belongs to threshold rules)']],
    ['then with distinct', { distinct: 'user', then: { message: { contains: 'accepted' } } }, ['then: not with distinct: then follows a count of events']],
  ])('%s', (_name, extra, messages) => {
    const { rules, errors } = compileRules([{ file: 'r.yaml', index: 0, doc: { ...BRUTE, ...extra } }], ctx);
    expect(rules).toEqual([]);
    expect(errors).toEqual(messages.map((message) => ({ file: 'r.yaml', rule: 'brute', message })));
  });
});
