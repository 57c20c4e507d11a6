import { describe, expect, test } from 'vitest';
import { compileSigma, isSigmaDoc, MAX_SAMPLES } from '../../../../src/core/rules/sigma/compile-rule.js';
import { SigmaError } from '../../../../src/core/rules/sigma/sigma-error.js';
import { makeEvent } from './event-factory.js';
import { ev, ruleDoc, sigmaCtx } from './sigma-kit.js';

const detection = { sel: { EventID: 4625 }, condition: 'sel' };

describe('isSigmaDoc', () => {
  test.each([
    [{ detection: {} }, true],
    [{ correlation: {} }, true],
    [{ title: 'x', kind: 'match' }, false],
    [null, false],
    ['detection', false],
    [[{ detection: {} }], false],
  ])('%j → %s', (doc, expected) => {
    expect(isSigmaDoc(doc)).toBe(expected);
  });
});

describe('rule meta', () => {
  test('id, name, kind, severity, description, tags, file', () => {
    const rule = compileSigma(
      ruleDoc(detection, {
        id: '5638F7C0-AC70-491D-8465-2A65075E0D86',
        description: 'Failed logons',
        tags: ['attack.credential-access', 'attack.t1110'],
        level: 'medium',
        author: 'me',
        date: '2024-01-31',
        references: ['https://example.org'],
        falsepositives: ['Typos'],
        fields: ['User'],
        related: [{ id: 'x', type: 'derived' }],
        custom_key: { anything: true }, // custom attributes are allowed by the specification
      }),
      sigmaCtx(),
      'rules/sigma/logons.yml',
    );
    expect(rule.meta).toEqual({
      id: 'sigma-5638f7c0-ac70-491d-8465-2a65075e0d86',
      name: 'Test rule',
      kind: 'sigma',
      severity: 'MEDIUM',
      enabled: true,
      description: 'Failed logons',
      tags: ['attack.credential-access', 'attack.t1110'],
      file: 'rules/sigma/logons.yml',
    });
    expect(rule.sigma).toMatchObject({ author: 'me', date: '2024-01-31', references: ['https://example.org'], falsepositives: ['Typos'], fields: ['User'], logsource: { product: 'test' } });
  });

  test.each([
    ['Suspicious  PowerShell -enc Usage!', 'sigma-suspicious-powershell-enc-usage'],
    ['Überwachung', 'sigma-uberwachung'],
    ['!!!', 'sigma-untitled'],
    ['x'.repeat(200), 'sigma-' + 'x'.repeat(80)],
  ])('without an id the rule id is a slug of the title: %j', (title, id) => {
    const doc = ruleDoc(detection, { title });
    delete doc['id'];
    expect(compileSigma(doc, sigmaCtx()).meta.id).toBe(id);
  });

  test.each([
    ['low', 'skip', 'LOW', true],
    ['medium', 'skip', 'MEDIUM', true],
    ['high', 'skip', 'HIGH', true],
    ['critical', 'skip', 'CRITICAL', true],
    ['informational', 'skip', 'LOW', false],
    ['informational', 'LOW', 'LOW', true],
    [undefined, 'skip', 'MEDIUM', true],
  ] as const)('level %s (informational: %s) → %s, enabled %s', (level, informational, severity, enabled) => {
    const doc = ruleDoc(detection, { level });
    const rule = compileSigma(doc, sigmaCtx({ sigmaInformational: informational }));
    expect(rule.meta.severity).toBe(severity);
    expect(rule.meta.enabled).toBe(enabled);
  });

  test.each([
    ['deprecated', false],
    ['unsupported', false],
    ['experimental', true],
    ['stable', true],
  ])('status %s → enabled %s', (status, enabled) => {
    expect(compileSigma(ruleDoc(detection, { status }), sigmaCtx()).meta.enabled).toBe(enabled);
  });

  test('a YAML date object is kept as its ISO date', () => {
    expect(compileSigma(ruleDoc(detection, { date: new Date('2023-06-16T00:00:00Z') }), sigmaCtx()).sigma.date).toBe('2023-06-16');
  });
});

describe('findings', () => {
  const rule = compileSigma(ruleDoc(detection, { id: 'r1', tags: ['attack.t1110'] }), sigmaCtx());

  test('none for no match, and for an empty batch', () => {
    expect(rule.evaluate([], null)).toEqual([]);
    expect(rule.evaluate([ev({ EventID: 4624 })], null)).toEqual([]);
  });

  test('one finding per host per batch, for its latest event, counting the others', () => {
    const batch = [
      ev({ EventID: 4625, n: 0 }, { host: 'a', ts: 1000 }),
      ev({ EventID: 4625, n: 1 }, { host: 'b', ts: 1001 }),
      ev({ EventID: 4624, n: 2 }, { host: 'a', ts: 1002 }),
      ev({ EventID: '4625', n: 3 }, { host: 'a', ts: 1003 }),
      ev({ EventID: 4625, n: 4 }, { host: null, ts: 1004 }),
    ];
    const findings = rule.evaluate(batch, null);
    expect(findings).toEqual([
      {
        rule_id: 'sigma-r1',
        rule_name: 'Test rule',
        severity: 'HIGH',
        host: 'a',
        title: 'Test rule',
        dedup_key: 'sigma-r1|a',
        ts: 1003,
        event_indexes: [0, 3],
        count: 2,
        matched: { EventID: '4625' },
        context: { sigma: { id: 'r1', level: 'high', status: null, tags: ['attack.t1110'], logsource: { product: 'test' } } },
      },
      expect.objectContaining({ host: 'b', dedup_key: 'sigma-r1|b', event_indexes: [1], count: 1 }),
      expect.objectContaining({ host: null, dedup_key: 'sigma-r1|', event_indexes: [4], count: 1 }),
    ]);
  });

  test(`samples are capped at ${MAX_SAMPLES}, the latest event last`, () => {
    const batch = Array.from({ length: 12 }, (_, i) => ev({ EventID: 4625 }, { host: 'h', ts: i }));
    const [f] = rule.evaluate(batch, null);
    expect(f?.count).toBe(12);
    expect(f?.event_indexes).toEqual([7, 8, 9, 10, 11]);
    expect(f?.ts).toBe(11);
  });

  test('state is not needed: batches are independent', () => {
    expect(rule.initialState()).toBeNull();
    const e = ev({ EventID: 4625 });
    expect(rule.evaluate([e], null)).toHaveLength(1);
    expect(rule.evaluate([e], null)).toHaveLength(1);
  });

  test('the same batch array evaluated again with other events gives fresh answers', () => {
    const batch = [ev({ EventID: 4625 }), ev({ EventID: 1 })];
    expect(rule.evaluate(batch, null)).toHaveLength(1);
    const other = [ev({ EventID: 1 }), ev({ EventID: 1 })];
    expect(rule.evaluate(other, null)).toHaveLength(0);
  });
});

describe('logsource restriction from config', () => {
  const ctx = sigmaCtx({
    sigmaLogsources: {
      'product:linux': { 'source.topic|startswith': 'linux' },
      'service:sshd': { process: 'sshd' },
    },
  });
  const sshd = makeEvent({ source: { kind: 'kafka', topic: 'linux-auth', partition: 0, offset: '1' }, process: 'sshd', message: 'Failed password', raw: 'Failed password' });
  const windows = makeEvent({ source: { kind: 'kafka', topic: 'windows', partition: 0, offset: '1' }, process: 'sshd', message: 'Failed password', raw: 'Failed password' });
  const cron = makeEvent({ source: { kind: 'kafka', topic: 'linux-auth', partition: 0, offset: '1' }, process: 'cron', message: 'Failed password', raw: 'Failed password' });
  const kw = { k: ['failed password'], condition: 'k' };

  test('every named entry must match', () => {
    const rule = compileSigma(ruleDoc(kw, { logsource: { product: 'linux', service: 'sshd' } }), ctx);
    expect(rule.evaluate([sshd, windows, cron], null).flatMap((f) => f.event_indexes)).toEqual([0]);
  });

  test('a logsource without a mapping entry does not restrict', () => {
    const rule = compileSigma(ruleDoc(kw, { logsource: { product: 'linux', category: 'other' } }), ctx);
    expect(rule.evaluate([sshd, windows, cron], null)).toHaveLength(1); // all three share host web-1
    expect(rule.evaluate([sshd, windows, cron], null)[0]?.count).toBe(2);
  });

  test('without sigmaLogsources nothing is restricted', () => {
    const rule = compileSigma(ruleDoc(kw, { logsource: { product: 'linux', service: 'sshd' } }), sigmaCtx());
    expect(rule.evaluate([sshd, windows, cron], null)[0]?.count).toBe(3);
  });

  test('a bad mapping entry is reported', () => {
    const bad = sigmaCtx({ sigmaLogsources: { 'product:linux': { 'x|foo': 1 } } });
    expect(() => compileSigma(ruleDoc(kw, { logsource: { product: 'linux' } }), bad)).toThrow('logsource mapping "product:linux": detection.sel: "x|foo": unknown modifier "foo"');
  });
});

describe('refused at load, naming file, rule and problem', () => {
  test.each([
    [{ ...ruleDoc(detection), title: undefined }, 'rules/a.yml: Sigma rule: "title" is required', 'title'],
    [{ ...ruleDoc(detection), title: '' }, '"title" is required', 'title'],
    [{ ...ruleDoc(detection), level: 'severe' }, '"level" must be one of informational, low, medium, high, critical, not "severe"', 'level'],
    [{ ...ruleDoc(detection), logsource: undefined }, '"logsource" is required', 'logsource'],
    [{ ...ruleDoc(detection), logsource: 'windows' }, '"logsource" must be a map', 'logsource'],
    [{ ...ruleDoc(detection), tags: 'a, b' }, undefined, undefined],
    [{ ...ruleDoc(detection), tags: [1] }, '"tags" must be a list of strings', 'tags'],
    [{ ...ruleDoc(detection), id: 5 }, '"id" must be a string', 'id'],
    [{ ...ruleDoc(detection), related: [{ id: 'x' }] }, '"related" must be a list of {id, type}', 'related'],
    [{ ...ruleDoc(detection), action: 'global' }, 'Sigma 1 rule collections', 'action'],
    [{ ...ruleDoc(detection), detection: 'sel' }, '"detection" must be a map', 'detection'],
    [{ title: 'C', correlation: { type: 'event_count' } }, 'needs the rules it references', 'correlation'],
  ])('%#', (doc, message, feature) => {
    let err: unknown = null;
    try {
      compileSigma(doc, sigmaCtx(), 'rules/a.yml');
    } catch (e) {
      err = e;
    }
    if (message === undefined) {
      expect(err).toBeNull();
      return;
    }
    expect(err).toBeInstanceOf(SigmaError);
    const se = err as SigmaError;
    expect(se.message).toContain(message);
    expect(se.message.startsWith('rules/a.yml: ')).toBe(true);
    expect(se.file).toBe('rules/a.yml');
    expect(se.feature).toBe(feature);
    expect(se.details['file']).toBe('rules/a.yml');
  });

  test('the message names the title and id', () => {
    expect(() => compileSigma(ruleDoc({ s: { 'F|base64offset': 'a*' }, condition: 's' }, { title: 'Enc', id: 'abc' }), sigmaCtx())).toThrow(
      /^"Enc" \(abc\): detection\.s: "F\|base64offset": a value with wildcards cannot be base64offset-encoded$/,
    );
  });

  test('not a map', () => {
    expect(() => compileSigma(['x'], sigmaCtx(), 'f.yml')).toThrow('f.yml: a Sigma rule must be a YAML map');
  });
});

describe('rules compiled one by one with one context share a field memo', () => {
  test('same results as with separate contexts, rule after rule over one batch', () => {
    const docs = [
      ruleDoc({ s: { 'CommandLine|contains': 'whoami' }, condition: 's' }, { id: 'a' }),
      ruleDoc({ s: { 'CommandLine|contains': ['net user', 'whoami /all'] }, condition: 's' }, { id: 'b' }),
      ruleDoc({ k: ['WHOAMI'], condition: 'k' }, { id: 'c' }),
    ];
    const batch = ['whoami', 'net user x', 'WhoAmI /ALL', 'dir'].map((c, i) => ev({ CommandLine: c }, { host: `h${i}`, message: c, raw: c }));
    const ctx = sigmaCtx();
    const shared = docs.map((d) => compileSigma(d, ctx));
    const separate = docs.map((d) => compileSigma(d, sigmaCtx()));
    const run = (rules: typeof shared) => rules.map((r) => r.evaluate(batch, null).map((f) => f.host));
    expect(run(shared)).toEqual(run(separate));
    expect(run(shared)).toEqual([['h0', 'h2'], ['h1', 'h2'], ['h0', 'h2']]);
  });
});
