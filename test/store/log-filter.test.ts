import { describe, expect, test } from 'vitest';
import { attrJsonPath, compileFilter, hostGlob, type LogFilter } from '../../src/store/log-filter.js';
import { openTemp } from './fixtures.js';

describe('hostGlob', () => {
  test.each([
    ['web-*', 'web-*'],
    ['WEB-*', 'web-*'],
    ['a?b', 'a[?]b'],
    ['a[1]', 'a[[]1]'],
    ['*', '*'],
  ])('%j → %j', (pattern, glob) => {
    expect(hostGlob(pattern)).toBe(glob);
  });
});

describe('attrJsonPath', () => {
  test.each([
    ['a', '$."a"'],
    ['a.b', '$."a"."b"'],
    ['user-agent', '$."user-agent"'],
    ['A_1.b-2.c', '$."A_1"."b-2"."c"'],
  ])('%j → %j', (path, jp) => {
    expect(attrJsonPath(path)).toBe(jp);
  });
  test.each(['', '.', 'a.', '.a', 'a..b', 'a b', 'a"b', "a'b", 'a[0]', '$', 'a.*', 'ä', 'a\u0000'])('%j is refused', (path) => {
    expect(() => attrJsonPath(path)).toThrow(/attr/);
  });
});

describe('compileFilter', () => {
  test('no filter is no condition', () => {
    expect(compileFilter({})).toEqual({ conditions: [], params: [] });
  });

  test('user values only ever travel as parameters', () => {
    const evil = "x') OR 1=1 --";
    const f: LogFilter = {
      hosts: [evil, evil + '*'],
      hostScope: [evil],
      topics: [evil],
      tags: [evil],
      q: evil,
      attr: [{ path: 'a', value: evil }],
    };
    const { conditions, params } = compileFilter(f);
    const sql = conditions.join(' AND ');
    expect(sql).not.toContain('1=1');
    expect(sql).not.toContain(evil.slice(0, 3));
    expect(params).toContain(evil);
    // Every condition is parenthesized, so ANDing them cannot be undone by an OR inside one.
    for (const c of conditions) expect(c.startsWith('(') && c.endsWith(')')).toBe(true);
  });

  test('the budget function guards the FTS subquery when named', () => {
    expect(compileFilter({ q: 'x' }, { budgetFn: 'logagg_budget' }).conditions[0]).toContain('logagg_budget() AND logs_fts MATCH');
    expect(compileFilter({ q: 'x' }, 'logagg_budget').conditions[0]).toContain('logagg_budget() AND');
    expect(compileFilter({ q: 'x' }).conditions[0]).not.toContain('logagg_budget');
  });

  describe('query plans of ordered pages', () => {
    const s = openTemp();
    const plan = (f: LogFilter) => {
      const { conditions, params } = compileFilter(f, { forOrderedPage: true });
      const sql = `SELECT id FROM logs WHERE ${conditions.join(' AND ') || '1'} ORDER BY ts DESC, id DESC LIMIT 101`;
      return (s.db.prepare('EXPLAIN QUERY PLAN ' + sql).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    };
    test.each<[string, LogFilter, RegExp]>([
      ['no filter walks the ts index', {}, /logs_ts/],
      ['one host reads its (host, ts) range in order', { hosts: ['web-01'] }, /logs_host_ts \(host_id=\?\)/],
      ['several hosts walk the ts index instead of sorting', { hosts: ['a', 'b'] }, /logs_ts/],
      ['a host pattern walks the ts index instead of sorting', { hostScope: ['web-*'] }, /logs_ts/],
    ])('%s', (_n, f, expected) => {
      const p = plan(f);
      expect(p).toMatch(expected);
      expect(p).not.toMatch(/TEMP B-TREE/);
    });

    test('full text as a test (ftsAsTest) walks the ts index; as the driver it sorts its matches', () => {
      const ftsPlan = (ftsAsTest: boolean) => {
        const { conditions, params } = compileFilter({ q: 'connection' }, { forOrderedPage: true, ftsAsTest });
        const sql = `SELECT id FROM logs WHERE ${conditions.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT 101`;
        return (s.db.prepare('EXPLAIN QUERY PLAN ' + sql).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
      };
      expect(ftsPlan(true)).toMatch(/SCAN logs USING COVERING INDEX logs_ts/);
      expect(ftsPlan(true)).not.toMatch(/TEMP B-TREE/);
      expect(ftsPlan(false)).toMatch(/INTEGER PRIMARY KEY \(rowid=\?\).*TEMP B-TREE FOR ORDER BY/);
    });
  });
});
