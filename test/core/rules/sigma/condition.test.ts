import { describe, expect, test } from 'vitest';
import { compileCondition, parseCondition, resolvePattern, tokenize } from '../../../../src/core/rules/sigma/condition.js';
import { SigmaProblem } from '../../../../src/core/rules/sigma/sigma-error.js';

/** Evaluates a condition with named booleans (true when the name is in `truthy`). */
function evalCond(cond: string, names: string[], truthy: string[]): boolean {
  const preds = new Map(names.map((n) => [n, (t: Set<string>) => t.has(n)] as const));
  return compileCondition(parseCondition(cond), preds)(new Set(truthy));
}

describe('tokenize', () => {
  test('words, parentheses, keywords case-insensitively, positions', () => {
    expect(tokenize(' (a AND Not b)or 1 of sel*').map((t) => [t.t, t.text, t.pos])).toEqual([
      ['(', '(', 1],
      ['word', 'a', 2],
      ['and', 'and', 4],
      ['not', 'not', 8],
      ['word', 'b', 12],
      [')', ')', 13],
      ['or', 'or', 14],
      ['quant', '1', 17],
      ['of', 'of', 19],
      ['word', 'sel*', 22],
    ]);
  });
});

describe('parseCondition precedence: or < and < not < of < ()', () => {
  test.each([
    ['a', { kind: 'ref', name: 'a' }],
    ['not a and b', { kind: 'and', args: [{ kind: 'not', arg: { kind: 'ref', name: 'a' } }, { kind: 'ref', name: 'b' }] }],
    ['a or b and c', { kind: 'or', args: [{ kind: 'ref', name: 'a' }, { kind: 'and', args: [{ kind: 'ref', name: 'b' }, { kind: 'ref', name: 'c' }] }] }],
    ['not 1 of f*', { kind: 'not', arg: { kind: 'of', all: false, pattern: 'f*' } }],
    ['all of them', { kind: 'of', all: true, pattern: 'them' }],
    ['any of x', { kind: 'of', all: false, pattern: 'x' }],
    ['not not a', { kind: 'not', arg: { kind: 'not', arg: { kind: 'ref', name: 'a' } } }],
    ['((a))', { kind: 'ref', name: 'a' }],
    ['a and b and c', { kind: 'and', args: [{ kind: 'ref', name: 'a' }, { kind: 'ref', name: 'b' }, { kind: 'ref', name: 'c' }] }],
  ])('%s', (src, ast) => {
    expect(parseCondition(src)).toEqual(ast);
  });
});

describe('condition truth tables', () => {
  const names = ['a', 'b', 'c'];
  const all = [[], ['a'], ['b'], ['c'], ['a', 'b'], ['a', 'c'], ['b', 'c'], ['a', 'b', 'c']];
  test.each([
    ['not a and b', (t: Set<string>) => !t.has('a') && t.has('b')],
    ['not (a and b)', (t: Set<string>) => !(t.has('a') && t.has('b'))],
    ['a or b and c', (t: Set<string>) => t.has('a') || (t.has('b') && t.has('c'))],
    ['(a or b) and c', (t: Set<string>) => (t.has('a') || t.has('b')) && t.has('c')],
    ['a and not b or c', (t: Set<string>) => (t.has('a') && !t.has('b')) || t.has('c')],
    ['not a or not b', (t: Set<string>) => !t.has('a') || !t.has('b')],
    ['a AND b OR NOT c', (t: Set<string>) => (t.has('a') && t.has('b')) || !t.has('c')],
  ])('%s', (cond, reference) => {
    for (const truthy of all) expect(evalCond(cond, names, truthy), `${cond} with ${truthy.join(',')}`).toBe(reference(new Set(truthy)));
  });
});

describe('x of pattern', () => {
  const names = ['selection_img', 'selection_cli', 'filter_main', 'filter_opt', '_helper', 'keywords'];
  test.each([
    ['1 of selection*', ['selection_cli'], true],
    ['1 of selection*', ['filter_main'], false],
    ['all of selection*', ['selection_img'], false],
    ['all of selection*', ['selection_img', 'selection_cli'], true],
    ['1 of selection* and not 1 of filter*', ['selection_img', 'filter_opt'], false],
    ['1 of selection* and not 1 of filter*', ['selection_img'], true],
    ['1 of them', ['keywords'], true],
    ['1 of them', ['_helper'], false], // `them` leaves out names starting with _
    ['all of them', ['selection_img', 'selection_cli', 'filter_main', 'filter_opt', 'keywords'], true], // _helper not needed
    ['all of them', ['selection_img', 'selection_cli', 'filter_main', 'filter_opt'], false],
    ['1 of _h*', ['_helper'], true], // an explicit pattern may name _ identifiers
    ['1 of *_main', ['filter_main'], true],
    ['all of sel*_i*', ['selection_img'], true],
    ['1 of keywords', ['keywords'], true],
  ])('%s with %j → %s', (cond, truthy, expected) => {
    expect(evalCond(cond, names, truthy)).toBe(expected);
  });

  test('resolvePattern keeps definition order and escapes regex characters', () => {
    expect(resolvePattern('sel*', ['b', 'sel2', 'sel1'])).toEqual(['sel2', 'sel1']);
    expect(resolvePattern('a.b*', ['a.b1', 'axb1'])).toEqual(['a.b1']);
    expect(resolvePattern('them', ['_x', 'y'])).toEqual(['y']);
  });
});

test('deep but allowed nesting', () => {
  expect(evalCond('('.repeat(50) + 'not a' + ')'.repeat(50), ['a'], [])).toBe(true);
  expect(evalCond('not '.repeat(99) + 'a', ['a'], ['a'])).toBe(false);
});

describe('parseCondition refuses', () => {
  test.each([
    ['', 'condition is empty'],
    ['   ', 'condition is empty'],
    ['a and', 'found end of condition'],
    ['(a or b', 'expected ")"'],
    ['a or b)', 'unexpected ")"'],
    ['a b', 'unexpected "b"'],
    ['and a', 'found "and" at position 1'],
    ['selection | count() > 5', 'pipe'],
    ['selection | count(User) by src_ip > 5', 'correlation rule'],
    ['sel|near other', 'pipe'],
    ['a near b', 'unexpected "near"'],
    ['near', '"near" (Sigma 1) is not supported'],
    ['2 of sel*', '"2 of" is not supported'],
    ['1 sel*', 'expected "of"'],
    ['1 of (a)', 'expected a name pattern'],
    ['sel*', 'needs "1 of" or "all of"'],
    ['('.repeat(101) + 'a' + ')'.repeat(101), 'nested more than 100 levels deep'],
    ['not '.repeat(101) + 'a', 'nested more than 100 levels deep'],
  ])('%j', (src, message) => {
    expect(() => parseCondition(src)).toThrow(SigmaProblem);
    expect(() => parseCondition(src)).toThrow(message);
  });

  test.each([
    ['missing', 'refers to "missing"'],
    ['1 of nothing*', 'matches no search identifier'],
    ['a and not b_', 'refers to "b_"'],
  ])('unknown names: %s', (cond, message) => {
    expect(() => evalCond(cond, ['a', 'b'], [])).toThrow(message);
  });
});

describe('compileCondition reports names reached without negation', () => {
  test.each([
    ['a and not b', ['a']],
    ['not (a or not b)', ['b']],
    ['1 of them', ['a', 'b']],
    ['not 1 of them', []],
  ])('%s', (cond, expected) => {
    const positive = new Set<string>();
    compileCondition(parseCondition(cond), new Map([['a', () => true], ['b', () => true]]), positive);
    expect([...positive].sort()).toEqual(expected);
  });
});
