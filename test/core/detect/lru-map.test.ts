import { describe, expect, test } from 'vitest';
import { LruMap } from '../../../src/core/detect/lru-map.js';

describe('LruMap', () => {
  test.each([0, -1, Number.NaN])('refuses size %d', (n) => {
    expect(() => new LruMap(n)).toThrow(RangeError);
  });

  test('drops the least recently used entry beyond max', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('a')).toBe(1); // a is now the most recent
    m.set('c', 3);
    expect([...m.keys()]).toEqual(['a', 'c']);
    expect(m.has('b')).toBe(false);
    expect(m.evictions).toBe(1);
  });

  test('reading the newest entry again keeps order; delete forgets it', () => {
    const m = new LruMap<string, number>(3);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('b')).toBe(2);
    expect(m.get('b')).toBe(2);
    expect([...m.keys()]).toEqual(['a', 'b']);
    expect(m.delete('b')).toBe(true);
    m.set('c', 3);
    expect(m.get('a')).toBe(1);
    expect([...m.keys()]).toEqual(['c', 'a']);
    expect(m.get('zz')).toBeUndefined();
    expect(m.size).toBe(2);
  });

  test('overwriting a key moves it to the end without eviction', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 10);
    expect([...m.keys()]).toEqual(['b', 'a']);
    expect(m.evictions).toBe(0);
  });

  test('a flood of keys stays bounded', () => {
    const m = new LruMap<number, number>(100);
    for (let i = 0; i < 100_000; i++) m.set(i, i);
    expect(m.size).toBe(100);
    expect(m.evictions).toBe(99_900);
    expect(m.get(99_999)).toBe(99_999);
    expect(m.get(0)).toBeUndefined();
  });
});
