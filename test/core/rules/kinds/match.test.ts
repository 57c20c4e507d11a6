import { describe, expect, test } from 'vitest';
import type { NormalizedEvent, Threat } from '../../../../src/core/event.js';
import { compileRule, compileRules } from '../../../../src/core/rules/compile.js';
import { ruleCompileContext } from '../../../../src/core/rules/context.js';
import { BatchCache } from '../../../../src/core/rules/batch-cache.js';
import { compileMatchBlock } from '../../../../src/core/rules/match-block.js';
import { Problems } from '../../../../src/core/rules/problems.js';
import type { CompiledRule } from '../../../../src/core/rules/types.js';
import { ev } from '../event-fixture.js';

const ctx = ruleCompileContext({ lists: new Map([['malicious-processes', ['mimikatz.exe', 'lazagne']]]) });

function rule(extra: Record<string, unknown>): CompiledRule {
  return compileRule({ id: 'm', name: 'Malicious process', kind: 'match', severity: 'CRITICAL', match: { process: { list: 'malicious-processes' } }, ...extra }, ctx);
}

function evaluate(r: CompiledRule, events: NormalizedEvent[]) {
  return r.evaluate(events, r.initialState());
}

const threat = (severity: Threat['severity'], origin: Threat['origin'] = 'intel'): Threat => ({ name: 'x', severity, tags: [], origin, list: 'bad-ips', indicator: '192.0.2.1' });

describe('match rules', () => {
  test('fires on matching events only, one finding per group', () => {
    const found = evaluate(rule({}), [ev({ process: 'MIMIKATZ.EXE' }), ev({ process: 'bash' }), ev({ process: 'lazagne', host: 'web-2' }), ev({ process: 'mimikatz.exe' })]);
    expect(found.map((f) => [f.host, f.count, f.event_indexes, f.matched, f.severity])).toEqual([
      ['web-1', 2, [0, 3], { process: 'mimikatz.exe', host: 'web-1' }, 'CRITICAL'],
      ['web-2', 1, [2], { process: 'lazagne', host: 'web-2' }, 'CRITICAL'],
    ]);
    expect(found[0]!.title).toBe('Malicious process on web-1');
  });

  test('nothing matches: no findings', () => {
    expect(evaluate(rule({}), [])).toEqual([]);
    expect(evaluate(rule({}), [ev({ process: 'bash' })])).toEqual([]);
  });

  test('filter must hold as well', () => {
    const r = rule({ filter: { 'asset.environment': 'prod' } });
    expect(evaluate(r, [ev({ process: 'lazagne' })])).toEqual([]);
    expect(evaluate(r, [ev({ process: 'lazagne', asset: { environment: 'prod' } })]).length).toBe(1);
  });

  test.each<[string, Record<string, unknown>, Threat[], string]>([
    ['rules on threats take the highest threat severity', { severity: 'MEDIUM', match: { 'threats.origin': 'intel' } }, [threat('CRITICAL')], 'CRITICAL'],
    ['but never lower than their own', { severity: 'HIGH', match: { 'threats.origin': 'intel' } }, [threat('LOW')], 'HIGH'],
    ['severity_from: rule keeps the rule severity', { severity: 'MEDIUM', severity_from: 'rule', match: { 'threats.origin': 'intel' } }, [threat('CRITICAL')], 'MEDIUM'],
    ['severity_from: threats on a rule not about threats', { severity: 'LOW', severity_from: 'threats', match: { process: 'nc' } }, [threat('HIGH', 'message')], 'HIGH'],
    ['other rules keep their own', { severity: 'LOW', match: { process: 'nc' } }, [threat('HIGH', 'message')], 'LOW'],
  ])('%s', (_name, extra, threats, want) => {
    const found = evaluate(rule(extra), [ev({ process: 'nc', threats })]);
    expect(found.map((f) => f.severity)).toEqual([want]);
  });

  test('the highest severity within a batch wins', () => {
    const r = rule({ severity: 'LOW', match: { 'threats.origin': 'intel' } });
    const found = evaluate(r, [ev({ threats: [threat('HIGH')] }), ev({ threats: [threat('MEDIUM')] })]);
    expect(found.map((f) => [f.severity, f.count])).toEqual([['HIGH', 2]]);
  });

  test('state is not needed: batches are independent', () => {
    const r = rule({});
    expect(r.initialState()).toBeNull();
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    ['missing match', { match: undefined }, ['match: required: the conditions an event must meet, e.g. match: { process: { list: malicious-processes } }']],
    ['bad block', { match: [] }, ['match: expected a match block (a map of field: condition), got []']],
    ['count key', { window: '1m' }, ['unknown key "window" for kind match (it belongs to count and anomaly rules)']],
    ['unknown list', { match: { process: { list: 'nope' } } }, ['match.process.list: unknown list "nope": put one entry per line in lists/nope.txt in the rules folder']],
    ['bad filter and match both reported', { filter: { user: { regex: '[' } }, match: { proces: 'x' } }, ['filter.user.regex: invalid regular expression "[": Invalid regular expression: /[/i: Unterminated character class', 'match.proces: unknown field "proces" (did you mean "process"? write attributes.proces for a message field of that name)']],
  ])('%s', (_name, extra, messages) => {
    const doc = { id: 'm', name: 'Malicious process', kind: 'match', severity: 'CRITICAL', match: { process: 'x' }, ...extra };
    const { rules, errors } = compileRules([{ file: 'r.yaml', index: 0, doc }], ctx);
    expect(rules).toEqual([]);
    expect(errors).toEqual(messages.map((message) => ({ file: 'r.yaml', rule: 'm', message })));
  });
});

describe('match rules: guards never change the answer', () => {
  const blocks: unknown[] = [
    { process: 'nc' },
    { process: { endswith: ['nc', 'cat'] }, user: ['root', 'admin'] },
    { any: [{ user: 'root' }, { 'attributes.EventID': 4625 }] },
    { not: { process: 'nc' } },
    { src_ip: { exists: false }, message: { contains: 'x' } },
    { all: [{ any: [{ process: 'nc' }, { domain: { exists: true } }] }, { not: { user: 'admin' } }] },
    { EventID: [4624, '4625'] },
  ];
  const pick = <T,>(xs: readonly T[], k: number): T => xs[k % xs.length] as T;

  test.each(blocks.map((b, k) => [k, b]))('block %d', (_k, block) => {
    const r = rule({ match: block, group_by: [] });
    // The block's predicate alone, without the guards that pick which events a rule looks at.
    const direct = compileMatchBlock(block, 'match', { lists: ctx.lists, cache: new BatchCache(), problems: new Problems(), usedLists: new Set() })!;
    for (let seed = 1; seed <= 20; seed++) {
      const events = Array.from({ length: 50 }, (_, i) => {
        const k = (seed * 31 + i * 17) % 97;
        return ev({
          process: pick([null, 'nc', 'NC', '/bin/ncat', 'bash'], k),
          user: pick([null, 'root', 'admin', 'bob'], k >> 1),
          src_ip: pick([null, '10.0.0.1'], k >> 2),
          domain: pick([null, 'example.org'], k >> 3),
          message: pick(['', 'x marks', 'nothing'], k >> 4),
          attributes: pick([{}, { EventID: 4625 }, { EventID: '4624' }, { process: 'nc' }], k >> 5),
        });
      });
      const want = events.filter((e) => direct.test(e, -1)).length;
      const found = r.evaluate(events, r.initialState());
      expect(found.reduce((s, f) => s + (f.count ?? 1), 0)).toBe(want);
    }
  });
});
