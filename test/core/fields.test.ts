import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { asNumber, asText, compileObjectReader, compileReader, readValues, someValue, valuesOf } from '../../src/core/fields.js';
import { fieldValues } from './fields-reference.js';
import { ev } from './rules/event-fixture.js';
import { makeEvent } from './rules/sigma/event-factory.js';

const event = ev({
  host: 'web-1',
  user: null,
  process: 'sshd',
  metrics: { cpu_pct: 50, mem_pct: 0 },
  tags: ['a', 'b'],
  threats: [
    { name: 't1', severity: 'HIGH', tags: ['x', 'y'], origin: 'message' },
    { name: 't2', severity: 'LOW', tags: [], origin: 'intel', list: 'l', indicator: '1.2.3.4' },
  ],
  asset: { criticality: 'critical', tags: ['pci'] },
  attributes: { EventID: 4625, user: 'fallback-user', nested: { deep: { v: 1 }, arr: [{ k: 1 }, { k: 2 }, { j: 3 }] }, nul: null, constructor: 'own', list: [1, null, [2, 3]], empty: [] },
});

const PATHS = [
  'host', 'process', 'user', 'cpu_pct', 'mem_pct', 'disk_pct', 'metrics.cpu_pct', 'tags', 'threats', 'threats.name',
  'threats.tags', 'threats.indicator', 'asset.criticality', 'asset.tags', 'asset.owner', 'attributes', 'attributes.EventID',
  'EventID', 'nested.deep.v', 'attributes.nested.arr.k', 'nested.arr.j', 'nul', 'constructor', 'toString', 'list', 'empty',
  'attributes.missing', 'missing.deep', 'source.topic', 'host.x', 'tags.x', '__proto__',
];

/** The reader's values the way fieldValues lists them (nulls inside arrays skipped). */
function asList(read: unknown): unknown[] {
  return readValues(read, 1000);
}

describe('compileReader agrees with fieldValues', () => {
  test.each(PATHS)('%s', (path) => {
    const want = fieldValues(event, path).filter((v) => v !== null);
    expect(asList(compileReader(path)(event))).toEqual(want);
  });

  test('on random attribute trees and paths', () => {
    const key = fc.constantFrom('a', 'b', 'host', 'user', 'threats', 'x');
    const leaf = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.constant(null), fc.boolean());
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 3 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { maxKeys: 4 }), fc.array(key, { minLength: 1, maxLength: 3 }), fc.boolean(), (attrs, parts, prefix) => {
        const e = ev({ host: null, attributes: attrs as Record<string, unknown> });
        const path = (prefix ? ['attributes', ...parts] : parts).join('.');
        const want = fieldValues(e, path).filter((v) => v !== null);
        expect(asList(compileReader(path)(e))).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });
});

describe('object readers and value helpers', () => {
  test.each([
    ['k', { k: 1 }, [1]],
    ['a.b', { a: [{ b: 1 }, { b: [2, 3] }] }, [1, 2, 3]],
    ['a.b', { a: null }, []],
    ['a', 5, []],
    ['a', null, []],
  ])('object reader %s on %j', (path, obj, want) => {
    expect(readValues(compileObjectReader(path)(obj), 100)).toEqual(want);
  });

  test.each([
    [undefined, false],
    [null, false],
    [[], false],
    [[null, undefined], false],
    [5, true],
    [[1, 5], true],
  ])('someValue(%j, = 5)', (read, want) => {
    expect(someValue(read, (v) => v === 5)).toBe(want);
  });

  test.each([
    ['x', 'x'],
    [1.5, '1.5'],
    [true, 'true'],
    [10n, '10'],
    [null, null],
    [{}, null],
    [[1], null],
  ])('asText %#', (v, want) => {
    expect(asText(v)).toBe(want);
  });

  test.each([
    [3, 3],
    ['3', 3],
    [' 4.5 ', 4.5],
    ['', null],
    ['  ', null],
    ['abc', null],
    [Number.NaN, null],
    [Number.POSITIVE_INFINITY, null],
    [true, null],
    [null, null],
  ])('asNumber(%j)', (v, want) => {
    expect(asNumber(v)).toBe(want);
  });

  test('readValues caps the count', () => {
    expect(readValues([1, 2, 3, 4], 2)).toEqual([1, 2]);
  });
});

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

// Sigma reads through the same readers and counts every value a read stands for (nulls too).
describe('compileReader matches fieldValues value for value (valuesOf, as Sigma reads)', () => {
  test.each([
    'host', 'process', 'user', 'cpu_pct', 'mem_pct', 'tags', 'threats.name', 'threats.tags', 'EventID',
    'attributes.EventID', 'nested.a.b', 'attributes.nested.n', 'list.k', 'attributes.list.other', 'constructor',
    'toString', 'attributes.toString', 'missing', 'missing.deeper', 'attributes', 'empty', 'source.topic',
    'host.length', 'nested.a.b.c', '', 'a..b',
  ])('%s', (path) => {
    expect(valuesOf(compileReader(path)(base))).toEqual(fieldValues(base, path));
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
          expect(valuesOf(compileReader(path)(e))).toEqual(fieldValues(e, path));
        },
      ),
      { numRuns: 500 },
    );
  });
});

// The text conversion Sigma's field cache uses (it was textOf there).
describe('asText, as Sigma uses it', () => {
  test.each([
    ['s', 's'],
    [1.5, '1.5'],
    [false, 'false'],
    [10n, '10'],
    [null, null],
    [undefined, null],
    [{}, null],
    [[1], null],
  ])('%# %s', (v, t) => {
    expect(asText(v)).toBe(t);
  });
});

describe('names that are not event fields', () => {
  // Stored events (replayed through the rules after a restart) carry their row `id`; rules and
  // Sigma read the message's `id`, as on the live event, so state rebuilds the same way.
  test.each<[string, unknown[]]>([
    ['id', ['msg-7']],
    ['id.x', []],
    ['attributes.id', ['msg-7']],
  ])('%s on a stored event', (path, want) => {
    const stored = { ...ev({ attributes: { id: 'msg-7' } }), id: 123 };
    expect(valuesOf(compileReader(path)(stored))).toEqual(want);
  });
});
