import { describe, expect, test } from 'vitest';
import type { NormalizedEvent } from '../../../../src/core/event.js';
import { compileSigmaCollection } from '../../../../src/core/rules/sigma/collection.js';
import type { CorrelationState } from '../../../../src/core/rules/sigma/correlation.js';
import type { SigmaContext } from '../../../../src/core/rules/sigma/options.js';
import type { Finding } from '../../../../src/core/rules/types.js';
import { makeEvent } from './event-factory.js';
import { sigmaCtx } from './sigma-kit.js';

const failedLogin = {
  title: 'Failed logon',
  id: 'base-1',
  name: 'failed_logon',
  logsource: { product: 'linux', service: 'sshd' },
  detection: { sel: { 'message|contains': 'Failed password' }, condition: 'sel' },
};
const connection = {
  title: 'Inbound connection',
  id: 'base-2',
  name: 'conn',
  logsource: { category: 'firewall' },
  detection: { sel: { action: 'accept' }, condition: 'sel' },
};

function corr(correlation: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { title: 'Correlation', id: 'corr-1', level: 'high', correlation, ...extra };
}

function load(docs: unknown[], ctx: SigmaContext = sigmaCtx()) {
  return compileSigmaCollection(
    docs.map((doc, index) => ({ file: 'rules/c.yml', index, doc })),
    ctx,
  );
}

/** Runs batches through the correlation rule (the last loaded rule), returning findings per batch. */
function run(docs: unknown[], batches: NormalizedEvent[][], ctx?: SigmaContext): Finding[][] {
  const { rules, errors } = load(docs, ctx);
  expect(errors).toEqual([]);
  const rule = rules.find((r) => r.meta.id === 'sigma-corr-1');
  if (!rule) throw new Error('correlation rule not loaded');
  const state = rule.initialState() as CorrelationState;
  return batches.map((b) => rule.evaluate(b, state));
}

const fail = (ts: number, src_ip: string, user = 'root', host = 'srv'): NormalizedEvent =>
  makeEvent({ ts, src_ip, user, host, message: `Failed password for ${user} from ${src_ip}`, raw: '' });
const ok = (ts: number, src_ip: string): NormalizedEvent => makeEvent({ ts, src_ip, message: `Accepted password from ${src_ip}` });
const conn = (ts: number, src_ip: string, dst_port: number): NormalizedEvent => makeEvent({ ts, src_ip, dst_port, host: 'fw', attributes: { action: 'accept' } });

describe('event_count', () => {
  const brute = corr({ type: 'event_count', rules: ['failed_logon'], 'group-by': ['SourceIp'], timespan: '1m', condition: { gte: 5 } });

  test('fires when a group reaches the count inside the window', () => {
    const batch = [0, 10, 20, 30, 40].map((s) => fail(s * 1000, '10.0.0.1'));
    const [findings] = run([failedLogin, brute], [batch]);
    expect(findings).toEqual([
      {
        rule_id: 'sigma-corr-1',
        rule_name: 'Correlation',
        severity: 'HIGH',
        host: 'srv',
        title: 'Correlation',
        dedup_key: 'sigma-corr-1|10.0.0.1',
        ts: 40_000,
        event_indexes: [0, 1, 2, 3, 4],
        matched: { SourceIp: '10.0.0.1', count: 5 },
        context: { correlation: { type: 'event_count', timespan: '1m', condition: { gte: 5 }, rules: ['Failed logon'] } },
      },
    ]);
  });

  test('stays quiet below the count, outside the window, and for other groups', () => {
    const below = [0, 1, 2, 3].map((s) => fail(s * 1000, '10.0.0.1'));
    const spread = [0, 20, 40, 60, 80].map((s) => fail(s * 1000, '10.0.0.1')); // never 5 within one minute
    const mixed = [0, 1, 2, 3, 4].map((s) => fail(s * 1000, `10.0.0.${s}`));
    const near = [0, 1, 2, 3].map((s) => fail(s * 1000, '10.0.0.1')).concat(ok(4000, '10.0.0.1'));
    for (const batch of [below, spread, mixed, near]) expect(run([failedLogin, brute], [batch])).toEqual([[]]);
  });

  test('the window slides across batches, by event time', () => {
    const out = run(
      [failedLogin, brute],
      [
        [fail(0, 'a'), fail(10_000, 'a')],
        [fail(20_000, 'a'), fail(30_000, 'a')],
        [fail(61_000, 'a')], // window (1 s, 61 s]: 10, 20, 30, 61 → 4
        [fail(71_000, 'a')], // (11 s, 71 s]: 20, 30, 61, 71 → 4
        [fail(75_000, 'a')], // (15 s, 75 s]: 20, 30, 61, 71, 75 → 5
      ],
    );
    expect(out.map((f) => f.length)).toEqual([0, 0, 0, 0, 1]);
    expect(out[4]?.[0]?.event_indexes).toEqual([0]);
  });

  test('at most one finding per group per batch, and again next batch while the count holds', () => {
    const batch = Array.from({ length: 20 }, (_, i) => fail(i * 100, 'a'));
    const out = run([failedLogin, brute], [batch, [fail(2100, 'a')]]);
    expect(out[0]).toHaveLength(1);
    expect(out[0]?.[0]?.ts).toBe(1900);
    expect(out[0]?.[0]?.event_indexes).toHaveLength(10);
    expect(out[1]).toHaveLength(1);
  });

  test('gt N needs N + 1', () => {
    const gt = corr({ type: 'event_count', rules: ['failed_logon'], 'group-by': ['SourceIp'], timespan: '1m', condition: { gt: 2 } });
    expect(run([failedLogin, gt], [[fail(0, 'a'), fail(1, 'a'), fail(2, 'a')]])[0]?.[0]?.matched['count']).toBe(3);
    expect(run([failedLogin, gt], [[fail(0, 'a'), fail(1, 'a')]])[0]).toEqual([]);
  });

  test('an event later than its group\'s window is ignored; a slightly late one counts', () => {
    const out = run([failedLogin, brute], [[fail(100_000, 'a'), fail(1000, 'a'), fail(1001, 'a'), fail(1002, 'a'), fail(1003, 'a'), fail(99_000, 'a'), fail(98_000, 'a'), fail(97_000, 'a')]]);
    expect(out[0]).toHaveLength(0); // 100, 99, 98, 97 → 4; the 1-second ones are too old
    const late = run([failedLogin, brute], [[fail(100_000, 'a'), fail(99_000, 'a'), fail(98_000, 'a'), fail(97_000, 'a'), fail(50_000, 'a')]]);
    expect(late[0]).toHaveLength(1);
  });

  test('without group-by, all matching events form one group', () => {
    const all = corr({ type: 'event_count', rules: ['failed_logon'], timespan: '1h', condition: { gte: 3 } });
    const [f] = run([failedLogin, all], [[fail(0, 'a'), fail(1, 'b'), fail(2, 'c')]])[0] ?? [];
    expect(f?.dedup_key).toBe('sigma-corr-1');
  });

  test('several group-by fields; a grouped host is the finding\'s host', () => {
    const byHost = corr({ type: 'event_count', rules: ['failed_logon'], 'group-by': ['Hostname', 'User'], timespan: '5m', condition: { gte: 2 } });
    const out = run([failedLogin, byHost], [[fail(0, '1.1.1.1', 'root', 'db-1'), fail(1, '2.2.2.2', 'root', 'db-1'), fail(2, '1.1.1.1', 'bob', 'db-1')]]);
    expect(out[0]).toEqual([expect.objectContaining({ host: 'db-1', dedup_key: 'sigma-corr-1|db-1|root', matched: { Hostname: 'db-1', User: 'root', count: 2 } })]);
  });

  test('events of several referenced rules count together, each event once', () => {
    const both = corr({ type: 'event_count', rules: ['failed_logon', 'base-2'], 'group-by': ['SourceIp'], timespan: '1m', condition: { gte: 3 } });
    const out = run([failedLogin, connection, both], [[fail(0, 'x'), conn(1, 'x', 80), makeEvent({ ts: 2, src_ip: 'x', message: 'Failed password', attributes: { action: 'accept' } })]]);
    expect(out[0]?.[0]?.matched['count']).toBe(3);
  });

  test('the number of groups is capped: the least recently seen group is dropped', () => {
    const ctx = sigmaCtx({ maxGroups: 2 });
    const out = run(
      [failedLogin, corr({ type: 'event_count', rules: ['failed_logon'], 'group-by': ['SourceIp'], timespan: '1h', condition: { gte: 2 } })],
      [[fail(0, 'a'), fail(1, 'b'), fail(2, 'c'), fail(3, 'a'), fail(4, 'c')]],
      ctx,
    );
    // 'a' was dropped when 'c' arrived, so its second event starts again from 1; 'c' reaches 2.
    expect(out[0]?.map((f) => f.matched['SourceIp'])).toEqual(['c']);
  });

  test('memory per group stays bounded by the threshold', () => {
    const { rules } = load([failedLogin, corr({ type: 'event_count', rules: ['failed_logon'], 'group-by': ['SourceIp'], timespan: '1h', condition: { gte: 3 } })]);
    const rule = rules[0];
    if (!rule) throw new Error('no rule');
    const state = rule.initialState() as CorrelationState;
    rule.evaluate(Array.from({ length: 1000 }, (_, i) => fail(i, 'a')), state);
    const group = [...state.groups.values()][0];
    expect(group?.window?.size).toBe(3);
  });
});

describe('value_count', () => {
  const scan = corr({ type: 'value_count', rules: ['conn'], 'group-by': ['SourceIp'], timespan: '1m', condition: { field: 'DestinationPort', gte: 4 } });

  test('fires on N distinct values in the window', () => {
    const batch = [22, 23, 22, 80, 443].map((p, i) => conn(i * 1000, '6.6.6.6', p));
    const [findings] = run([connection, scan], [batch]);
    expect(findings).toEqual([expect.objectContaining({ dedup_key: 'sigma-corr-1|6.6.6.6', host: 'fw', event_indexes: [0, 1, 2, 3, 4], matched: { SourceIp: '6.6.6.6', count: 4, DestinationPort: ['23', '22', '80', '443'] } })]); // most recently seen last
  });

  test('repeated values do not count; values leave the window', () => {
    const repeated = [22, 22, 22, 22, 22, 23, 23].map((p, i) => conn(i, 'a', p));
    const slow = [1, 2, 3, 4].map((p) => conn(p * 30_000, 'a', p)); // at most 2 within a minute
    expect(run([connection, scan], [repeated])[0]).toEqual([]);
    expect(run([connection, scan], [slow])[0]).toEqual([]);
  });

  test('a value seen again is refreshed, not expired', () => {
    const out = run([connection, scan], [[conn(0, 'a', 1), conn(50_000, 'a', 1), conn(70_000, 'a', 2), conn(71_000, 'a', 3), conn(72_000, 'a', 4)]]);
    expect(out[0]).toHaveLength(1);
  });

  test('events without the field are not counted', () => {
    const batch = [makeEvent({ ts: 0, src_ip: 'a', attributes: { action: 'accept' } }), ...[1, 2, 3].map((p) => conn(p, 'a', p))];
    expect(run([connection, scan], [batch])[0]).toEqual([]);
  });
});

describe('aliases', () => {
  test('group-by an alias resolved per referenced rule', () => {
    const outbound = { title: 'Outbound', id: 'b-out', name: 'outbound', logsource: { category: 'x' }, detection: { s: { dir: 'out' }, condition: 's' } };
    const inbound = { title: 'Inbound', id: 'b-in', name: 'inbound', logsource: { category: 'x' }, detection: { s: { dir: 'in' }, condition: 's' } };
    const c = corr({
      type: 'event_count',
      rules: ['outbound', 'inbound'],
      'group-by': ['internal_ip'],
      timespan: '10s',
      condition: { gte: 2 },
      aliases: { internal_ip: { outbound: 'SourceIp', inbound: 'DestinationIp' } },
    });
    const out = run([outbound, inbound, c], [[makeEvent({ ts: 0, src_ip: '10.0.0.7', attributes: { dir: 'out' } }), makeEvent({ ts: 1, dst_ip: '10.0.0.7', src_ip: '9.9.9.9', attributes: { dir: 'in' } })]]);
    expect(out[0]?.[0]?.matched).toEqual({ internal_ip: '10.0.0.7', count: 2 });
  });
});

describe('refused correlation rules', () => {
  test.each([
    [{ type: 'temporal', rules: ['failed_logon'], 'group-by': ['User'], timespan: '5m' }, 'correlation type "temporal" is not supported'],
    [{ type: 'temporal_ordered', rules: ['failed_logon'], 'group-by': ['User'], timespan: '5m' }, 'temporal_ordered'],
    [{ type: 'value_sum', rules: ['failed_logon'], timespan: '5m', condition: { gte: 1 } }, 'correlation type "value_sum" is not supported'],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '5m', condition: { lt: 3 } }, 'condition "lt" is not supported'],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '5m', condition: { lte: 3 } }, 'condition "lte"'],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '5m', condition: { eq: 3 } }, 'condition "eq"'],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '5m', condition: { gt: 100, lte: 200 } }, 'condition "lte"'],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '5m', condition: { gte: 1, gt: 2 } }, 'use one of "gt" and "gte"'],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '5m', condition: { gte: 0 } }, 'needs "gte" (at least 1)'],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '5m', condition: { gte: 2.5 } }, 'whole number'],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '5m', condition: { near: 2 } }, 'unknown correlation condition "near"'],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '5m', condition: 5 }, 'must be a map such as {gte: 10}'],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '5 minutes', condition: { gte: 2 } }, 'timespan'],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '0m', condition: { gte: 2 } }, 'timespan'],
    [{ type: 'event_count', rules: [], timespan: '5m', condition: { gte: 2 } }, 'correlation.rules'],
    [{ type: 'event_count', rules: ['nope'], timespan: '5m', condition: { gte: 2 } }, 'no loaded rule has the id or name "nope"'],
    [{ type: 'value_count', rules: ['failed_logon'], timespan: '5m', condition: { gte: 2 } }, 'needs "field"'],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '5m', condition: { gte: 2 }, 'group-by': 'x,y' }, undefined],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '5m', condition: { gte: 2 }, 'group-by': [1] }, 'group-by'],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '5m', condition: { gte: 2 }, window: 3 }, 'unknown correlation attribute "window"'],
    [{ type: 'event_count', rules: ['failed_logon'], timespan: '5m', condition: { gte: 2 }, 'group-by': ['ip'], aliases: { ip: { other_rule: 'SourceIp' } } }, 'alias "ip" names no field for rule failed_logon'],
  ])('%j', (correlation, message) => {
    const { rules, errors } = load([failedLogin, corr(correlation)]);
    if (message === undefined) {
      expect(errors).toEqual([]);
      return;
    }
    expect(errors).toEqual([{ file: 'rules/c.yml', rule: 'Correlation', message: expect.stringContaining(message) }]);
    expect(errors[0]?.message.startsWith('document 2: "Correlation" (corr-1): ')).toBe(true);
    // A rule named by the correlation does not alert on its own, even when the correlation fails.
    const named = (correlation.rules as string[]).includes('failed_logon');
    expect(rules.map((r) => r.meta.id)).toEqual(named ? [] : ['sigma-base-1']);
  });
});
