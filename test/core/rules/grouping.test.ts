import { describe, expect, test } from 'vitest';
import { compileGrouping, dedupKey } from '../../../src/core/rules/grouping.js';
import { ev } from './event-fixture.js';

describe('grouping', () => {
  const e = ev({ host: 'web-1', src_ip: '192.0.2.1', dst_port: 22, tags: ['x', 'y'] });

  test.each<[string[], string, string[]]>([
    [[], '', []],
    [['host'], 'web-1', ['web-1']],
    [['src_ip', 'dst_port'], '192.0.2.1\u001f22', ['192.0.2.1', '22']],
    [['user'], '', ['']],
    [['tags'], 'x', ['x']],
  ])('%j', (paths, key, values) => {
    const g = compileGrouping(paths);
    expect(g.key(e)).toBe(key);
    expect(g.values(e)).toEqual(values);
  });

  test.each([
    ['r', [], 'r'],
    ['r', ['web-1'], 'r|web-1'],
    ['r', ['a', ''], 'r|a|'],
  ])('dedupKey(%s, %j) = %s', (id, values, want) => {
    expect(dedupKey(id, values)).toBe(want);
  });
});
