import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fieldValues } from '../../../../src/core/fields.js';
import { compileFieldGetter, valuesOf } from '../../../../src/core/rules/sigma/field-getter.js';
import { makeEvent } from './event-factory.js';

const base = makeEvent({
  process: 'sshd',
  user: null,
  metrics: { cpu_pct: 93.5 },
  tags: ['a', 'b'],
  threats: [
    { name: 'x', severity: 'LOW', tags: ['t1', 't2'], origin: 'message' },
    { name: 'y', severity: 'HIGH', tags: [], origin: 'intel' },
  ],
  attributes: {
    EventID: 4625,
    user: 'from-attrs',
    nested: { a: { b: [1, [2, 3]] }, n: null },
    list: [{ k: 'v1' }, { k: ['v2', 'v3'] }, { other: 1 }, null],
    constructor: 'own-key',
    empty: [],
  },
});

describe('compileFieldGetter matches fieldValues', () => {
  test.each([
    'host', 'process', 'user', 'cpu_pct', 'mem_pct', 'tags', 'threats.name', 'threats.tags', 'EventID',
    'attributes.EventID', 'nested.a.b', 'attributes.nested.n', 'list.k', 'attributes.list.other', 'constructor',
    'toString', 'attributes.toString', 'missing', 'missing.deeper', 'attributes', 'empty', 'source.topic',
    'host.length', 'nested.a.b.c', '', 'a..b',
  ])('%s', (path) => {
    expect(valuesOf(compileFieldGetter(path)(base))).toEqual(fieldValues(base, path));
  });

  const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(null, 'k', 'x', 1, true),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('k', 'x', 'host', 'user'), tie('value'), { maxKeys: 3 }),
    ),
  })).value;

  test('for random attributes and paths', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('k', 'x', 'user', 'host', 'EventID'), json, { maxKeys: 4 }),
        fc.constantFrom(null, 'root'),
        fc.array(fc.constantFrom('k', 'x', 'user', 'host', 'attributes', 'EventID'), { minLength: 1, maxLength: 4 }),
        (attributes, user, parts) => {
          const e = makeEvent({ attributes: attributes as Record<string, unknown>, user });
          const path = parts.join('.');
          expect(valuesOf(compileFieldGetter(path)(e))).toEqual(fieldValues(e, path));
        },
      ),
      { numRuns: 500 },
    );
  });
});
