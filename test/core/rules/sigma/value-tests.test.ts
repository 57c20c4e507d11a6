import { describe, expect, test } from 'vitest';
import { SigmaProblem } from '../../../../src/core/rules/sigma/sigma-error.js';
import { compareTest, compileRegex, equalsAny, isAbsent, numberOf } from '../../../../src/core/rules/sigma/value-tests.js';

describe('compileRegex', () => {
  test.each([
    ['^cmd', '', 'cmd.exe', true],
    ['^cmd', '', 'CMD.exe', false], // case-sensitive by default
    ['^cmd', 'i', 'CMD.exe', true],
    ['(?i)^cmd', '', 'CMD.exe', true], // leading inline flags
    ['(?s)a.b', '', 'a\nb', true],
    ['a.b', '', 'a\nb', false],
    ['^b$', '', 'a\nb', false],
    ['^b$', 'm', 'a\nb', true],
    ['evil', '', 'not so evil.exe', true], // unanchored search
    ['\\d{3,}', '', 'port 4444', true],
    ['[a-z]+\\.exe$', '', 'X.exe', false],
    ['\\-enc', '', ' -enc', true], // identity escape of a non-letter
  ])('/%s/%s on %j → %s', (src, flags, text, expected) => {
    expect(compileRegex(src, flags, 'w').test(text)).toBe(expected);
  });

  test.each([
    ['(?x)a b', 'inline flag "x"'],
    ['\\Aabc', 'escape "\\A"'],
    ['abc\\Z', 'escape "\\Z"'],
    ['\\p{L}+', 'escape "\\p"'],
    ['[[:alpha:]]', 'POSIX character classes'],
    ['a++', 'invalid regular expression'],
    ['(?>a)', 'invalid regular expression'],
    ['(unclosed', 'invalid regular expression'],
    ['a(?i)b', 'invalid regular expression'],
  ])('refuses /%s/', (src, message) => {
    expect(() => compileRegex(src, '', 'where')).toThrow(SigmaProblem);
    expect(() => compileRegex(src, '', 'where')).toThrow(message);
  });
});

describe('numberOf', () => {
  test.each([
    [5, '5', 5],
    ['5', '5', 5],
    [' 5.5 ', ' 5.5 ', 5.5],
    ['-1e3', '-1e3', -1000],
    ['.5', '.5', 0.5],
    ['0x10', '0x10', NaN],
    ['', '', NaN],
    ['5 MB', '5 MB', NaN],
    [true, 'true', NaN],
  ])('%j → %s', (v, s, n) => {
    expect(numberOf(v, s)).toBe(n);
  });
});

describe('equalsAny', () => {
  const t = equalsAny(['Admin', 4625, true], false);
  test.each([
    ['admin', 'admin', 'admin', true],
    ['ADMIN', 'admin', 'ADMIN', true],
    ['4625', '4625', '4625', true],
    ['4625', '4625', 4625, true],
    ['4625.0', '4625.0', '4625.0', true], // numeric comparison for numeric values
    ['04625', '04625', '04625', true],
    ['true', 'true', true, true],
    ['4626', '4626', 4626, false],
    ['adminx', 'adminx', 'adminx', false],
  ])('%j', (s, lo, v, expected) => {
    expect(t.fn(s, lo, v)).toBe(expected);
  });

  test('cased', () => {
    const c = equalsAny(['Admin'], true);
    expect(c.fn('Admin', 'admin', 'Admin')).toBe(true);
    expect(c.fn('admin', 'admin', 'admin')).toBe(false);
  });
});

describe('compareTest', () => {
  test.each([
    ['gt', 10, 11, true],
    ['gt', 10, 10, false],
    ['gte', 10, 10, true],
    ['lt', 10, 9.5, true],
    ['lt', 10, 10, false],
    ['lte', 10, 10, true],
    ['gt', 10, '11', true],
    ['gt', 10, 'eleven', false],
    ['lt', 10, 'eleven', false],
    ['gt', -1, -0.5, true],
  ] as const)('%s %s on %j → %s', (op, limit, v, expected) => {
    expect(compareTest(op, limit).fn(String(v), String(v), v)).toBe(expected);
  });
});

describe('isAbsent', () => {
  test.each([
    [undefined, true],
    [null, true],
    [[], true],
    [[null], true],
    ['', false],
    [0, false],
    [[null, 'x'], false],
    [{}, false],
  ])('%j → %s', (v, expected) => {
    expect(isAbsent(v)).toBe(expected);
  });
});
