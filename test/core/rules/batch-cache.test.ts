import { describe, expect, test } from 'vitest';
import { BatchCache, lowerRead, someText } from '../../../src/core/rules/batch-cache.js';
import { ev } from './event-fixture.js';

describe('BatchCache: lower-cased text', () => {
  test('one slot per path', () => {
    const c = new BatchCache();
    expect(c.slot('process')).toBe(0);
    expect(c.slot('message')).toBe(1);
    expect(c.slot('process')).toBe(0);
  });

  test('lower-cases once per event and position; another event at the same position is a miss', () => {
    const c = new BatchCache();
    const s = c.slot('message');
    const a = ev({ message: 'Hello' });
    const b = ev({ message: 'WORLD' });
    expect(c.lower(s, a, 3)).toBe('hello');
    a.message = 'changed'; // the cache answers from the first read for the same event object
    expect(c.lower(s, a, 3)).toBe('hello');
    expect(c.lower(s, b, 3)).toBe('world');
    expect(c.lower(s, a, -1)).toBe('changed'); // position unknown: not cached
  });

  test('positions beyond the cached range are computed each time', () => {
    const c = new BatchCache();
    const s = c.slot('process');
    const e = ev({ process: 'SSHD' });
    expect(c.lower(s, e, 1_000_000)).toBe('sshd');
  });

  test.each([
    [undefined, null],
    [null, null],
    ['AbC', 'abc'],
    [42, '42'],
    [{ a: 1 }, null],
    [[], null],
    [['A', { x: 1 }, 'B', null], ['a', 'b']],
    [['A', { x: 1 }], 'a'],
  ])('lowerRead(%j)', (read, want) => {
    expect(lowerRead(read)).toEqual(want);
  });

  test.each([
    [null, false],
    ['abc', true],
    ['xyz', false],
    [['xyz', 'abc'], true],
  ])('someText(%j, startsWith a)', (t, want) => {
    expect(someText(t as never, (s) => s.startsWith('a'))).toBe(want);
  });
});

describe('BatchCache guards', () => {
  const batch = [
    ev({ process: 'sshd', user: 'root' }),
    ev({ process: 'nginx' }),
    ev({ process: null, attributes: { process: 'from-attributes', EventID: 4625 } }),
    ev({ process: null, user: 'admin' }),
    ev({ process: 'SSHD', attributes: { EventID: '4625' } }),
  ];

  test('presence lists: positions of events with a value (attributes fallback included)', () => {
    const c = new BatchCache();
    expect([...c.positions(c.guardSlot('process'), batch)]).toEqual([0, 1, 2, 4]);
    expect([...c.positions(c.guardSlot('user'), batch)]).toEqual([0, 3]);
    expect([...c.positions(c.guardSlot('domain'), batch)]).toEqual([]);
  });

  test('value lists: events whose value is one of the registered ones (any rule), text or number', () => {
    const c = new BatchCache();
    c.addEqualsValues('process', ['sshd']);
    c.addEqualsValues('process', ['from-attributes']);
    c.addEqualsValues('EventID', [4625]);
    expect([...c.positions(c.guardSlot('=process'), batch)]).toEqual([0, 2, 4]);
    expect([...c.positions(c.guardSlot('=EventID'), batch)]).toEqual([2, 4]);
  });

  test('substring lists: events whose text contains, starts or ends with a registered substring', () => {
    const c = new BatchCache();
    const texts = ['Failed password for root', 'accepted key', 'a.c literal dots', 'x FAILED', 'abc'].map((message) => ev({ message }));
    c.addSubstrings('message', 'contains', ['failed']);
    c.addSubstrings('message', 'startswith', ['acc']);
    c.addSubstrings('message', 'endswith', ['a.c']);
    expect([...c.positions(c.guardSlot('~message'), texts)]).toEqual([0, 1, 3]);
    // Regex characters are literal: "a.c" does not match "abc"; a later registration is seen.
    c.addSubstrings('message', 'contains', ['a.c']);
    expect([...c.positions(c.guardSlot('~message'), [...texts])]).toEqual([0, 1, 2, 3]);
  });

  test('candidates: the narrowest alternative; unions; null when every event qualifies', () => {
    const c = new BatchCache();
    const proc = c.guardSlot('process');
    const user = c.guardSlot('user');
    const none = c.guardSlot('domain');
    expect(c.candidates([], batch)).toBeNull();
    expect([...c.candidates([[proc], [user]], batch)!]).toEqual([0, 3]);
    expect([...c.candidates([[user, none]], batch)!]).toEqual([0, 3]);
    expect([...c.candidates([[proc], [none]], batch)!]).toEqual([]);
    const msg = c.guardSlot('message');
    expect(c.candidates([[msg, user]], batch)).toBeNull(); // message is on every event
  });

  test('a batch array reused with other events is recomputed, not trusted', () => {
    const c = new BatchCache();
    const g = c.guardSlot('user');
    const arr = [...batch];
    expect([...c.positions(g, arr)]).toEqual([0, 3]);
    arr[1] = ev({ user: 'someone' });
    expect([...c.positions(g, arr)]).toEqual([0, 1, 3]);
    arr.push(ev({ user: 'x' }));
    expect([...c.positions(g, arr)]).toEqual([0, 1, 3, 5]);
  });

  test('memos are used only when shared, and checked by identity', () => {
    const c = new BatchCache();
    let calls = 0;
    const compute = (): boolean => {
      calls++;
      return true;
    };
    const solo = c.memoSlot('a');
    c.memo(solo, batch[0]!, 0, compute);
    c.memo(solo, batch[0]!, 0, compute);
    expect(calls).toBe(2); // one user: no memo
    const shared = c.memoSlot('b');
    expect(c.memoSlot('b')).toBe(shared);
    calls = 0;
    c.memo(shared, batch[0]!, 0, compute);
    c.memo(shared, batch[0]!, 0, compute);
    expect(calls).toBe(1);
    c.memo(shared, batch[1]!, 0, compute); // another event at that position
    expect(calls).toBe(2);
    c.memo(shared, batch[1]!, -1, compute); // position unknown
    expect(calls).toBe(3);
  });
});
