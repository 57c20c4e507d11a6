import { describe, expect, test } from 'vitest';
import { at, checkKeys, didYouMean, Problems, show } from '../../../src/core/rules/problems.js';

describe('problems', () => {
  test.each([
    ['fro', ['for', 'field'], ' (did you mean "for"?)'],
    ['serverity', ['severity', 'suppress'], ' (did you mean "severity"?)'],
    ['Window', ['window'], ' (did you mean "window"?)'],
    ['zzzzzz', ['window', 'for'], ''],
    ['x', [], ''],
  ])('didYouMean(%s)', (word, candidates, want) => {
    expect(didYouMean(word, candidates)).toBe(want);
  });

  test('checkKeys lists every unknown key', () => {
    const p = new Problems();
    checkKeys({ id: 1, nmae: 2, colour: 3 }, ['id', 'name'], '', p);
    expect(p.list).toEqual(['unknown key "nmae" (did you mean "name"?)', 'unknown key "colour"']);
  });

  test.each([
    ['', 'a', 'a'],
    ['a', 'b', 'a.b'],
    ['a', 2, 'a[2]'],
  ])('at(%j, %j)', (w, k, want) => {
    expect(at(w, k)).toBe(want);
  });

  test.each([
    ['x', '"x"'],
    [undefined, 'nothing'],
    [{ a: 1 }, '{"a":1}'],
    ['y'.repeat(58), `"${'y'.repeat(58)}"`],
    ['y'.repeat(100), `"${'y'.repeat(56)}...`],
    [{ long: 'z'.repeat(100) }, `{"long":"${'z'.repeat(48)}...`],
  ])('show %#', (v, want) => {
    expect(show(v)).toBe(want);
  });
});
