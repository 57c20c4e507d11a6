import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileSigmaCollection, type SigmaDocInput } from '../../../../src/core/rules/sigma/collection.js';
import { compileSigma } from '../../../../src/core/rules/sigma/compile-rule.js';
import { makeEvent } from './event-factory.js';
import { ev, sigmaCtx } from './sigma-kit.js';

const base = (id: string, name: string | null, eventId: number) => ({
  title: `Base ${id}`,
  id,
  ...(name ? { name } : {}),
  logsource: { product: 'windows', service: 'security' },
  detection: { sel: { EventID: eventId }, condition: 'sel' },
});
const count = (id: string, rules: string[], extra: Record<string, unknown> = {}) => ({
  title: `Count ${id}`,
  id,
  correlation: { type: 'event_count', rules, 'group-by': ['Computer'], timespan: '10m', condition: { gte: 2 } },
  level: 'high',
  ...extra,
});

function load(docs: unknown[], file = 'rules/x.yml') {
  return compileSigmaCollection(
    docs.map((doc, index): SigmaDocInput => ({ file, index, doc })),
    sigmaCtx(),
  );
}
const ids = (r: { rules: { meta: { id: string } }[] }) => r.rules.map((x) => x.meta.id);

describe('references', () => {
  test.each([
    ['by id', ['b1']],
    ['by name', ['failed']],
  ])('%s', (_n, refs) => {
    const out = load([base('b1', 'failed', 4625), count('c1', refs)]);
    expect(out.errors).toEqual([]);
    expect(ids(out)).toEqual(['sigma-c1']);
    const rule = out.rules[0];
    const state = rule?.initialState();
    expect(rule?.evaluate([ev({ EventID: 4625 }), ev({ EventID: 4625 })], state)).toHaveLength(1);
  });

  test('a rule defined after the correlation that uses it', () => {
    expect(ids(load([count('c1', ['failed']), base('b1', 'failed', 4625)]))).toEqual(['sigma-c1']);
  });

  test('generate: true keeps the referenced rules alerting (top level or in the correlation)', () => {
    expect(ids(load([base('b1', null, 4625), count('c1', ['b1'], { generate: true })]))).toEqual(['sigma-b1', 'sigma-c1']);
    const inner = count('c1', ['b1']);
    (inner.correlation as Record<string, unknown>)['generate'] = true;
    expect(ids(load([base('b1', null, 4625), inner]))).toEqual(['sigma-b1', 'sigma-c1']);
  });

  test('unreferenced rules alert on their own, in input order', () => {
    expect(ids(load([base('b2', null, 1), base('b1', null, 4625), count('c1', ['b1']), base('b3', null, 2)]))).toEqual(['sigma-b2', 'sigma-c1', 'sigma-b3']);
  });

  test('a correlation of a correlation is refused, and its parts stay quiet', () => {
    const out = load([base('b1', null, 4625), count('c1', ['b1']), count('c2', ['c1'])]);
    expect(out.errors).toEqual([{ file: 'rules/x.yml', rule: 'Count c2', message: expect.stringContaining('"c1" is a correlation rule; correlations of correlations are not supported') }]);
    expect(ids(out)).toEqual([]);
  });

  test('a correlation whose rule failed to load says so', () => {
    const broken = { ...base('b1', null, 4625), detection: { sel: { 'EventID|foo': 1 }, condition: 'sel' } };
    const out = load([broken, count('c1', ['b1'])]);
    expect(out.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('unknown modifier "foo"'),
      expect.stringContaining('the rule "b1" (rules/x.yml (document 1)) failed to load'),
    ]);
    expect(out.rules).toEqual([]);
  });
});

describe('load errors', () => {
  test('duplicate id or name: the first wins', () => {
    const out = load([base('b1', 'n', 1), base('b1', null, 2), base('b2', 'n', 3)]);
    expect(ids(out)).toEqual(['sigma-b1']);
    expect(out.errors.map((e) => e.message)).toEqual([
      'document 2: "Base b1" (b1): the id or name "b1" is already used by rules/x.yml (document 1)',
      'document 3: "Base b2" (b2): the id or name "n" is already used by rules/x.yml (document 1)',
    ]);
  });

  test('duplicate logagg rule id from titles without ids', () => {
    const a = { title: 'Same Title', logsource: {}, detection: { s: { A: 1 }, condition: 's' } };
    const out = load([a, { ...a, title: 'same  title' }]);
    expect(ids(out)).toEqual(['sigma-same-title']);
    expect(out.errors[0]?.message).toContain('the rule id "sigma-same-title" is already used');
  });

  test('a document that is not a Sigma rule', () => {
    expect(load([{ title: 'x', kind: 'match' }], 'a.yml').errors).toEqual([{ file: 'a.yml', message: 'not a Sigma rule: it has neither "detection" nor "correlation"' }]);
  });

  test('one file, one document: no document number', () => {
    expect(load([{ title: 'x', detection: {} }], 'a.yml').errors).toEqual([{ file: 'a.yml', rule: 'x', message: '"x": "logsource" is required' }]);
  });
});

describe('the specification\'s chained example', () => {
  const yaml = `
title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: 10
---
title: Single failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 529
            - 4625
    condition: selection
---
title: Successful login
id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
name: successful_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 528
            - 4624
    condition: selection
`;
  test('the temporal_ordered outer rule is refused; nothing runs half-applied', () => {
    const docs = parseAllDocuments(yaml).map((d, index) => ({ file: 'mr_brute.yml', index, doc: d.toJS() }));
    const out = compileSigmaCollection(docs, sigmaCtx());
    expect(out.errors).toEqual([
      {
        file: 'mr_brute.yml',
        rule: 'Correlation - Multiple Failed Logins Followed by Successful Login',
        message: expect.stringContaining('correlation type "temporal_ordered" is not supported (only event_count and value_count)'),
      },
    ]);
    expect(out.rules).toEqual([]);
  });
});

describe('rules of a collection share one field memo', () => {
  test('results equal those of rules compiled one by one', () => {
    const docs = [
      { title: 'A', logsource: {}, detection: { s: { 'CommandLine|contains': ['whoami', 'net user'] }, condition: 's' } },
      { title: 'B', logsource: {}, detection: { s: { 'CommandLine|contains|all': ['net', 'user'] }, f: { User: 'admin' }, condition: 's and not f' } },
      { title: 'C', logsource: {}, detection: { k: ['whoami'], condition: 'k' } },
      { title: 'D', logsource: {}, detection: { s: { 'CommandLine|startswith': 'NET' }, condition: 's' } },
    ];
    const batch = [
      makeEvent({ host: 'a', user: 'admin', message: 'x', raw: 'x', attributes: { CommandLine: 'net user bob' } }),
      makeEvent({ host: 'b', user: 'eve', message: 'whoami', raw: 'whoami', attributes: { CommandLine: 'WHOAMI /all' } }),
      makeEvent({ host: 'c', user: 'eve', message: 'y', raw: 'y', attributes: { CommandLine: 'net  user' } }),
      makeEvent({ host: 'd', message: 'z', raw: 'z', attributes: { CommandLine: ['net user', 'other'] } }),
    ];
    const together = load(docs).rules.map((r) => r.evaluate(batch, r.initialState()));
    const alone = docs.map((d) => {
      const r = compileSigma(d, sigmaCtx());
      return r.evaluate(batch, null);
    });
    expect(together).toEqual(alone);
    expect(together.map((fs) => fs.map((f) => f.host))).toEqual([['a', 'b', 'd'], ['c', 'd'], ['b'], ['a', 'c', 'd']]);
  });
});
