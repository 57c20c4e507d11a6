import { describe, expect, test } from 'vitest';
import { EventMemo, FieldCache } from '../../../../src/core/rules/sigma/field-cache.js';
import { makeEvent } from './event-factory.js';

describe('FieldCache', () => {
  test('slots are shared per path', () => {
    const c = new FieldCache();
    expect(c.slot('user')).toBe(c.slot('user'));
    expect(c.slot('host')).not.toBe(c.slot('user'));
  });

  test('values, text and lower-cased text per batch position', () => {
    const c = new FieldCache();
    const s = c.slot('attributes.X');
    const batch = [makeEvent({ attributes: { X: 'AbC' } }), makeEvent({ attributes: { X: 42 } }), makeEvent({ attributes: { X: { o: 1 } } }), makeEvent()];
    c.begin(batch);
    expect(batch.map((e, i) => c.value(s, i, e))).toEqual(['AbC', 42, { o: 1 }, undefined]);
    expect(batch.map((e, i) => c.text(s, i, e))).toEqual(['AbC', '42', null, null]);
    expect(c.lower(s, 0, batch[0]!)).toBe('abc');
    expect(c.column(s, batch)).toEqual(['AbC', 42, { o: 1 }, undefined]);
  });

  test('a new batch array, or a changed one of the same length, is not answered from the old one', () => {
    const c = new FieldCache();
    const s = c.slot('user');
    const a = [makeEvent({ user: 'a' })];
    c.begin(a);
    expect(c.value(s, 0, a[0]!)).toBe('a');
    const b = [makeEvent({ user: 'b' })];
    c.begin(b);
    expect(c.value(s, 0, b[0]!)).toBe('b');
    const mutable = [makeEvent({ user: 'x' }), makeEvent({ user: 'y' }), makeEvent({ user: 'w' })];
    c.begin(mutable);
    expect(c.value(s, 1, mutable[1]!)).toBe('y');
    mutable[1] = makeEvent({ user: 'z' }); // same array, same length, same first and last
    c.begin(mutable);
    expect(c.value(s, 1, mutable[1]!)).toBe('z');
  });

  test('the same events in a new array keep the memo', () => {
    const c = new FieldCache();
    const s = c.slot('attributes.n');
    const e = makeEvent({ attributes: { n: 1 } });
    c.begin([e]);
    expect(c.value(s, 0, e)).toBe(1);
    e.attributes['n'] = 2; // not allowed during evaluation: shows the memo was kept
    c.begin([e]);
    expect(c.value(s, 0, e)).toBe(1);
  });

  test('hasLiteral: the shared substring prefilter', () => {
    const c = new FieldCache();
    const s = c.slot('message');
    c.addLiterals(s, ['evil', 'a.b']);
    const batch = [makeEvent({ message: 'so EVIL' }), makeEvent({ message: 'axb' }), makeEvent({ message: 'a.b' }), makeEvent({ message: 'fine' })];
    c.begin(batch);
    expect(batch.map((e, i) => c.hasLiteral(s, i, e))).toEqual([true, false, true, false]);
    c.addLiterals(s, ['fin']); // registering more invalidates the answers
    expect(batch.map((e, i) => c.hasLiteral(s, i, e))).toEqual([true, false, true, true]);
  });

  test('hasLiteral does not filter list values', () => {
    const c = new FieldCache();
    const s = c.slot('tags');
    c.addLiterals(s, ['zzz']);
    const e = makeEvent({ tags: ['a'] });
    c.begin([e]);
    expect(c.hasLiteral(s, 0, e)).toBe(true);
  });

  test('EventMemo reads through the cache for its bound event', () => {
    const c = new FieldCache();
    const s = c.slot('user');
    const batch = [makeEvent({ user: 'Root' }), makeEvent({ user: 'Bob' })];
    c.begin(batch);
    const m = new EventMemo(c);
    m.bind(batch[1]!, 1);
    expect([m.value(s), m.text(s), m.lower(s)]).toEqual(['Bob', 'Bob', 'bob']);
  });
});
