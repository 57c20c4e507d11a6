import { describe, expect, test } from 'vitest';
import {
  compilePattern, compilePatterns, DASH, ONE, parseSigmaString, shapeOf, STAR, windash, wrap,
} from '../../../../src/core/rules/sigma/sigma-string.js';

describe('parseSigmaString', () => {
  test.each([
    ['', []],
    ['abc', ['abc']],
    ['*', [STAR]],
    ['**', [STAR]],
    ['a*b?c', ['a', STAR, 'b', ONE, 'c']],
    ['\\*', ['*']],
    ['\\?', ['?']],
    ['a\\*b', ['a*b']],
    ['\\\\*', ['\\', STAR]], // escaped backslash, then a wildcard
    ['\\\\\\*', ['\\*']], // escaped backslash, escaped star
    ['\\\\\\\\', ['\\\\']], // four backslashes: two plain
    ['C:\\Windows\\System32', ['C:\\Windows\\System32']], // a lone backslash is plain
    ['trailing\\', ['trailing\\']],
    ['\\\\', ['\\']],
  ])('%j', (input, tokens) => {
    expect(parseSigmaString(input)).toEqual(tokens);
  });
});

describe('shapeOf picks the cheapest test', () => {
  test.each([
    ['abc', 'eq'],
    ['', 'eq'],
    ['*', 'any'],
    ['abc*', 'prefix'],
    ['*abc', 'suffix'],
    ['*abc*', 'contains'],
    ['ab*cd', 'seq'],
    ['*a*b*', 'seq'],
    ['a*b*c', 'seq'],
    ['a?c', 'regex'],
    ['*a?*', 'regex'],
  ])('%j → %s', (input, kind) => {
    expect(shapeOf(parseSigmaString(input), false).kind).toBe(kind);
  });

  test('literals are lower-cased unless cased', () => {
    expect(shapeOf(['AbC'], false)).toEqual({ kind: 'eq', text: 'abc' });
    expect(shapeOf(['AbC'], true)).toEqual({ kind: 'eq', text: 'AbC' });
  });
});

describe('compilePattern (input already lower-cased when not cased)', () => {
  test.each([
    // pattern, text, expected
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['', '', true],
    ['', 'x', false],
    ['*', '', true],
    ['*', 'anything', true],
    ['adm*', 'administrator', true],
    ['adm*', 'xadm', false],
    ['*\\cmd.exe', 'c:\\windows\\cmd.exe', true],
    ['*\\cmd.exe', 'c:\\windows\\cmd.exe.bak', false],
    ['*evil*', 'so evil here', true],
    ['ab*ab', 'ab', false], // prefix and suffix may not overlap
    ['ab*ab', 'abab', true],
    ['ab*ab', 'abxab', true],
    ['prog?.exe', 'proga.exe', true],
    ['prog?.exe', 'prog.exe', false],
    ['prog?.exe', 'progab.exe', false],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxcyyb', false],
    ['50%\\*', '50%*', true], // escaped star is literal
    ['50%\\*', '50%x', false],
    ['\\%x%', '\\%x%', true], // a backslash before a non-wildcard stays
    ['what\\?', 'what?', true],
    ['what\\?', 'whatx', false],
    ['a.b', 'axb', false], // regex metacharacters are literal
    ['(x)*', '(x)yz', true],
    ['*[a-z]*', 'x[a-z]y', true],
    ['*[a-z]*', 'xqy', false],
    ['line1*', 'line1\nline2', true],
    ['?', '\n', true],
  ])('%j on %j → %s', (pattern, text, expected) => {
    expect(compilePattern(parseSigmaString(pattern), false)(text)).toBe(expected);
  });

  test('cased patterns compare as written', () => {
    expect(compilePattern(parseSigmaString('*Evil*'), true)('so Evil')).toBe(true);
    expect(compilePattern(parseSigmaString('*Evil*'), true)('so evil')).toBe(false);
  });
});

describe('texts between stars are found in order, in linear time', () => {
  test.each([
    ['*a*b*c*', 'xaxbxcx', true],
    ['*a*b*c*', 'xcxbxax', false],
    ['pre*mid*suf', 'premidsuf', true],
    ['pre*mid*suf', 'presuf', false],
    ['pre*mid*suf', 'premisuf', false],
    ['ab*b*ba', 'abba', false], // parts may not overlap the prefix or suffix
    ['ab*b*ba', 'abbba', true],
    ['*aa*aa*', 'aaa', false],
    ['*aa*aa*', 'aaaa', true],
  ])('%j on %j → %s', (pattern, text, expected) => {
    expect(compilePattern(parseSigmaString(pattern), false)(text)).toBe(expected);
  });

  test('a huge text with many near matches', () => {
    const f = compilePattern(parseSigmaString('*a*b*c*d*e*f*g*'), false);
    expect(f('a'.repeat(200_000) + 'bcdef')).toBe(false);
    expect(f('a'.repeat(200_000) + 'bcdefg')).toBe(true);
  });
});

describe('compilePatterns ORs many shapes', () => {
  const f = compilePatterns(['exact', 'pre*', '*suf', '*mid*', 'a*z', 'q?q'].map((p) => shapeOf(parseSigmaString(p), false)));
  test.each([
    ['exact', true],
    ['prefix', true],
    ['asuf', true],
    ['xmidx', true],
    ['abcz', true],
    ['qxq', true],
    ['exactly', false],
    ['nothing', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(f(text)).toBe(expected);
  });

  test('an "any" pattern makes the group always true', () => {
    expect(compilePatterns([shapeOf(['x'], false), { kind: 'any' }])('')).toBe(true);
  });
});

describe('windash', () => {
  test.each([
    [' -enc', [' ', DASH, 'enc']],
    [' /c', [' ', DASH, 'c']],
    ['-f', [DASH, 'f']],
    ['a-b', ['a-b']], // not a flag: inside a word
    ['x -- y', ['x -- y']], // not followed by a word character
    [' \u2013enc', [' ', DASH, 'enc']],
  ])('%j', (input, tokens) => {
    expect(windash(parseSigmaString(input))).toEqual(tokens);
  });

  test.each([
    [' -enc ', true],
    [' /enc ', true],
    [' \u2013enc ', true],
    [' \u2014enc ', true],
    [' \u2015enc ', true],
    [' +enc ', false],
    [' enc ', false],
  ])('" -enc" with windash|contains on %j → %s', (text, expected) => {
    const f = compilePattern(wrap(windash(parseSigmaString(' -enc')), true, true), false);
    expect(f(text)).toBe(expected);
  });
});
