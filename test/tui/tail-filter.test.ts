import { describe, expect, test } from 'vitest';
import {
  cycleLevel,
  describeFilter,
  parseHostsInput,
  parseQueryInput,
  sameFilter,
  toLogFilter,
  toQueryParams,
  withFilter,
  type TailFilter,
} from '../../src/tui/tail-filter.js';

describe('parseHostsInput', () => {
  test.each<[string, string[] | undefined]>([
    ['', undefined],
    ['   ', undefined],
    [' , ,', undefined],
    ['web-1', ['web-1']],
    ['WEB-1', ['web-1']],
    ['web-*, db-1', ['web-*', 'db-1']],
    ['a b\tc', ['a', 'b', 'c']],
    ['a,a,A', ['a']],
  ])('%j', (text, hosts) => {
    expect(parseHostsInput(text)).toEqual(hosts);
  });
});

describe('parseQueryInput', () => {
  test.each<[string, string | undefined]>([
    ['', undefined],
    ['  \t ', undefined],
    [' error ', 'error'],
    ['"disk full" OR timeout', '"disk full" OR timeout'],
  ])('%j', (text, q) => {
    expect(parseQueryInput(text)).toBe(q);
  });
});

describe('cycleLevel', () => {
  test.each<[number | undefined, 1 | -1, number | undefined]>([
    [undefined, 1, 7],
    [7, 1, 6],
    [4, 1, 3],
    [1, 1, 0],
    [0, 1, undefined],
    [undefined, -1, 0],
    [0, -1, 1],
    [6, -1, 7],
    [7, -1, undefined],
  ])('%s %s -> %s', (from, dir, to) => {
    expect(cycleLevel(from, dir)).toBe(to);
  });

  test('a full cycle in either direction visits every level once and comes back', () => {
    for (const dir of [1, -1] as const) {
      const seen: (number | undefined)[] = [];
      let l: number | undefined;
      for (let i = 0; i < 9; i++) seen.push((l = cycleLevel(l, dir)));
      expect(seen[8]).toBeUndefined();
      expect(new Set(seen.slice(0, 8)).size).toBe(8);
    }
  });
});

describe('describe and translate', () => {
  test.each<[TailFilter, string, Record<string, string>]>([
    [{}, 'no filter', {}],
    [{ q: 'disk full' }, 'q="disk full"', { q: 'disk full' }],
    [{ hosts: ['web-*', 'db-1'] }, 'host=web-*,db-1', { host: 'web-*,db-1' }],
    [{ minLevel: 4 }, 'level>=warning', { level: '4' }],
    [{ minLevel: 0 }, 'level>=emergency', { level: '0' }],
    [{ q: 'x', hosts: ['a'], minLevel: 3 }, 'q="x" host=a level>=error', { q: 'x', host: 'a', level: '3' }],
  ])('%j', (f, text, params) => {
    expect(describeFilter(f)).toBe(text);
    expect(Object.fromEntries(toQueryParams(f))).toEqual(params);
    const lf = toLogFilter(f);
    expect(lf.q).toBe(f.q);
    expect(lf.hosts).toEqual(f.hosts);
    expect(lf.minLevel).toBe(f.minLevel);
  });

  test('withFilter sets and removes one part, leaving the input unchanged', () => {
    const f: TailFilter = { q: 'a', minLevel: 3 };
    expect(withFilter(f, 'q', undefined)).toEqual({ minLevel: 3 });
    expect(withFilter(f, 'hosts', ['x'])).toEqual({ q: 'a', minLevel: 3, hosts: ['x'] });
    expect(f).toEqual({ q: 'a', minLevel: 3 });
  });

  test.each<[TailFilter, TailFilter, boolean]>([
    [{}, {}, true],
    [{ hosts: [] }, {}, true],
    [{ q: 'a' }, { q: 'b' }, false],
    [{ hosts: ['a', 'b'] }, { hosts: ['a', 'b'] }, true],
    [{ hosts: ['a', 'b'] }, { hosts: ['b', 'a'] }, false],
    [{ minLevel: 0 }, {}, false],
  ])('sameFilter %j %j', (a, b, same) => {
    expect(sameFilter(a, b)).toBe(same);
  });
});
