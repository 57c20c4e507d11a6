import { describe, expect, test } from 'vitest';
import { isLogaggError } from '../../../src/errors.js';
import { compileRule, compileRules, formatRuleError, stableJson } from '../../../src/core/rules/compile.js';
import { ruleCompileContext } from '../../../src/core/rules/context.js';
import { ev } from './event-fixture.js';

const ctx = ruleCompileContext({ lists: new Map([['procs', ['nc']]]), defaultSuppressMs: 120_000 });

const MATCH = { id: 'nc', name: 'Netcat', kind: 'match', severity: 'LOW', match: { process: 'nc' } };

describe('compileRules', () => {
  test('documents, lists of rules and empty documents', () => {
    const { rules, errors } = compileRules(
      [
        { file: 'a.yaml', index: 0, doc: MATCH },
        { file: 'a.yaml', index: 1, doc: null },
        { file: 'b.yaml', index: 0, doc: [{ ...MATCH, id: 'nc2' }, { ...MATCH, id: 'nc3', enabled: false }] },
      ],
      ctx,
    );
    expect(errors).toEqual([]);
    expect(rules.map((r) => [r.meta.id, r.meta.file, r.meta.enabled])).toEqual([
      ['nc', 'a.yaml', true],
      ['nc2', 'b.yaml', true],
      ['nc3', 'b.yaml', false],
    ]);
  });

  test('meta data and defaults', () => {
    const r = compileRule({ ...MATCH, description: 'Netcat seen', tags: ['t1'], references: ['https://example.org'] }, ctx);
    expect(r.meta).toMatchObject({ id: 'nc', name: 'Netcat', kind: 'match', severity: 'LOW', enabled: true, description: 'Netcat seen', tags: ['t1'], suppress_ms: 120_000 });
    expect(r.meta.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(compileRule({ ...MATCH, suppress: '30s', severity: 'high' }, ctx).meta).toMatchObject({ suppress_ms: 30_000, severity: 'HIGH' });
    expect(compileRule({ ...MATCH, suppress: 0 }, ctx).meta.suppress_ms).toBe(0);
  });

  test('the one problem per document without an id names the document', () => {
    const { rules, errors } = compileRules(
      [
        { file: 'x.yaml', index: 2, doc: 'just text' },
        { file: 'x.yaml', index: 3, doc: [42] },
        { file: 'x.yaml', index: 4, doc: { name: 'no kind' } },
      ],
      ctx,
    );
    expect(rules).toEqual([]);
    expect(errors).toEqual([
      { file: 'x.yaml', message: 'document 3: expected a rule (a map with id, name, kind, severity…), got "just text"' },
      { file: 'x.yaml', message: 'document 4, item 1: expected a rule (a map with id, name, kind, severity…), got 42' },
      { file: 'x.yaml', message: 'document 5: kind: required: one of threshold, match, count, anomaly (Sigma rules are recognized by their detection: key)' },
    ]);
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    ['unknown kind', { kind: 'treshold' }, ['kind: "treshold" is not a rule kind: use threshold, match, count, anomaly (did you mean "threshold"?)']],
    ['kind toString', { kind: 'toString' }, ['kind: "toString" is not a rule kind: use threshold, match, count, anomaly']],
    ['sigma without detection', { kind: 'sigma' }, ['kind: sigma rules need a detection: (or correlation:) section']],
    ['bad severity', { severity: 'urgent' }, ['severity: "urgent" is not a severity: use LOW, MEDIUM, HIGH or CRITICAL']],
    ['missing severity', { severity: undefined }, ['severity: required: LOW, MEDIUM, HIGH or CRITICAL']],
    ['missing name', { name: undefined }, ['name: required']],
    ['empty name', { name: ' ' }, ['name: expected text, got " "']],
    ['bad enabled', { enabled: 'yes' }, ['enabled: must be true or false']],
    ['bad tags', { tags: 'a' }, ['tags: expected a list of text values']],
    ['bad references', { references: [1] }, ['references: expected a list of text values']],
    ['bad suppress', { suppress: '10 minutes' }, ['suppress: "10 minutes" is not a duration: write e.g. 30s, 10m, 1h (or 0 for no suppression)']],
    ['bad title', { title: 'CPU {cpu_pct' }, ['title: unclosed "{" at position 5 (write {{ for a literal brace)']],
    ['empty title', { title: '' }, ['title: expected a text template, e.g. "CPU {cpu_pct}% on {host}"']],
    ['bad severity_from', { severity_from: 'asset' }, ['severity_from: must be rule or threats']],
    ['bad filter', { filter: { proces: 'x' } }, ['filter.proces: unknown field "proces" (did you mean "process"? write attributes.proces for a message field of that name)']],
    ['typo in a key', { serverity: 'LOW' }, ['unknown key "serverity" (did you mean "severity"?)']],
    ['several problems at once', { enabled: 1, suppress: 'x', colour: 'red' }, ['unknown key "colour"', 'enabled: must be true or false', 'suppress: "x" is not a duration: write e.g. 30s, 10m, 1h (or 0 for no suppression)']],
  ])('%s', (_name, extra, messages) => {
    const { rules, errors } = compileRules([{ file: 'r.yaml', index: 0, doc: { ...MATCH, ...extra } }], ctx);
    expect(rules).toEqual([]);
    expect(errors).toEqual(messages.map((message) => ({ file: 'r.yaml', rule: 'nc', message })));
  });

  test.each([
    [undefined, 'id: required: a unique id of lower-case letters, digits, ".", "_" or "-"'],
    ['Has Caps', 'id: "Has Caps" is not a valid id: use lower-case letters, digits, ".", "_" or "-"'],
    ['-leading', 'id: "-leading" is not a valid id: use lower-case letters, digits, ".", "_" or "-"'],
    [7, 'id: 7 is not a valid id: use lower-case letters, digits, ".", "_" or "-"'],
  ])('bad id %j', (id, message) => {
    const { errors } = compileRules([{ file: 'r.yaml', index: 0, doc: { ...MATCH, id } }], ctx);
    const rule = typeof id === 'string' ? { rule: id } : {};
    expect(errors).toEqual([{ file: 'r.yaml', ...rule, message: typeof id === 'string' ? message : `document 1: ${message}` }]);
  });

  test('duplicate ids: the first wins, the second is reported with both files', () => {
    const { rules, errors } = compileRules(
      [
        { file: 'a.yaml', index: 0, doc: MATCH },
        { file: 'b.yaml', index: 0, doc: { ...MATCH, name: 'Other' } },
      ],
      ctx,
    );
    expect(rules.map((r) => r.meta.name)).toEqual(['Netcat']);
    expect(errors).toEqual([{ file: 'b.yaml', rule: 'nc', message: 'duplicate rule id "nc" (first defined in a.yaml); ids must be unique across the rules folder' }]);
  });

  test('compileRule throws RULE_INVALID listing every problem', () => {
    try {
      compileRule({ ...MATCH, severity: 'x', enabled: 2 }, ctx, 'f.yaml');
      expect.unreachable();
    } catch (e) {
      expect(isLogaggError(e) && e.code).toBe('RULE_INVALID');
      expect((e as Error).message).toBe('f.yaml: rule "nc": severity: "x" is not a severity: use LOW, MEDIUM, HIGH or CRITICAL\nf.yaml: rule "nc": enabled: must be true or false');
    }
  });

  test('formatRuleError', () => {
    expect(formatRuleError({ file: 'a.yaml', message: 'document 1: x' })).toBe('a.yaml: document 1: x');
    expect(formatRuleError({ file: 'a.yaml', rule: 'r', message: 'x' })).toBe('a.yaml: rule "r": x');
  });
});

describe('definition hash', () => {
  const hashOf = (doc: unknown, c = ctx) => compileRule(doc, c).meta.hash;

  test('does not depend on key order', () => {
    const reordered = { match: { process: 'nc' }, severity: 'LOW', kind: 'match', name: 'Netcat', id: 'nc' };
    expect(hashOf(reordered)).toBe(hashOf(MATCH));
  });

  test('changes with the definition and with the lists the rule uses', () => {
    const listRule = { ...MATCH, match: { process: { list: 'procs' } } };
    expect(hashOf({ ...MATCH, severity: 'HIGH' })).not.toBe(hashOf(MATCH));
    const other = ruleCompileContext({ lists: new Map([['procs', ['nc', 'ncat']]]) });
    expect(hashOf(listRule, other)).not.toBe(hashOf(listRule));
    const byPath = { ...MATCH, match: { process: { list: 'lists/procs.txt' } } };
    expect(hashOf(byPath, other)).not.toBe(hashOf(byPath));
    // A list the rule does not use does not matter.
    expect(hashOf(MATCH, other)).toBe(hashOf(MATCH));
  });

  test('stableJson sorts keys at every level', () => {
    expect(stableJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});

describe('Sigma documents go to the Sigma compiler', () => {
  const sigma = {
    title: 'Netcat listener',
    id: '0e8b2c1c-1111-4a4a-9b9b-222233334444',
    status: 'test',
    level: 'high',
    logsource: { product: 'linux', category: 'process_creation' },
    detection: { selection: { Image: { '|endswith': '/nc' } }, condition: 'selection' },
  };

  test('a valid rule loads beside logagg rules', () => {
    const doc = { ...sigma, detection: { selection: { 'process|endswith': 'nc' }, condition: 'selection' } };
    const { rules, errors } = compileRules([{ file: 'a.yaml', index: 0, doc: MATCH }, { file: 's.yml', index: 0, doc }], ctx);
    expect(errors).toEqual([]);
    const s = rules[1]!;
    expect(s.meta.kind).toBe('sigma');
    expect(s.meta.file).toBe('s.yml');
    expect(s.meta.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(s.evaluate([ev({ process: '/usr/bin/nc' }), ev({ process: 'bash' })], s.initialState()).length).toBe(1);
  });

  test('an unsupported one is refused with the file and rule named', () => {
    const doc = { ...sigma, detection: { selection: { 'process|base64offset|frobnicate': 'x' }, condition: 'selection' } };
    const { rules, errors } = compileRules([{ file: 's.yml', index: 0, doc }], ctx);
    expect(rules).toEqual([]);
    expect(errors.length).toBe(1);
    expect(errors[0]!.file).toBe('s.yml');
    expect(errors[0]!.rule).toBe('Netcat listener');
    expect(errors[0]!.message).toMatch(/frobnicate/);
    expect(errors[0]!.message.startsWith('s.yml')).toBe(false); // the file is named once, in `file`
  });

  test('correlation rules compile with the rules they reference; duplicate Sigma ids are reported', () => {
    const base = { ...sigma, name: 'nc_run', detection: { selection: { 'process|endswith': 'nc' }, condition: 'selection' } };
    const corr = { title: 'Many netcat runs', id: '0e8b2c1c-1111-4a4a-9b9b-999999999999', level: 'high', correlation: { type: 'event_count', rules: ['nc_run'], 'group-by': ['host'], timespan: '1m', condition: { gte: 3 } } };
    const { rules, errors } = compileRules([{ file: 'c.yml', index: 0, doc: base }, { file: 'c.yml', index: 1, doc: corr }, { file: 'd.yml', index: 0, doc: base }], ctx);
    expect(rules.map((r) => r.meta.name)).toEqual(['Many netcat runs']);
    expect(errors.map((e) => e.file)).toEqual(['d.yml']);
    const r = rules[0]!;
    const state = r.initialState();
    expect(r.evaluate([1, 2].map(() => ev({ process: 'nc' })), state)).toEqual([]);
    expect(r.evaluate([ev({ process: 'nc' })], state).length).toBe(1);
    expect(r.meta.hash).toMatch(/^[0-9a-f]{16}$/);
  });
});
