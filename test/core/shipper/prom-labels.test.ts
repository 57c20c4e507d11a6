import { describe, expect, test } from 'vitest';
import { parseLabelString } from '../../../src/core/shipper/prom-labels.js';

describe('parseLabelString', () => {
  test.each([
    ['{}', {}],
    [' { } ', {}],
    ['{job="x"}', { job: 'x' }],
    ['{job="x", host="y"}', { job: 'x', host: 'y' }],
    ['{level="info",job="app"}', { level: 'info', job: 'app' }],
    ['{a=""}', { a: '' }],
    ['{path="C:\\\\logs\\\\a.log"}', { path: 'C:\\logs\\a.log' }],
    ['{msg="say \\"hi\\"\\n"}', { msg: 'say "hi"\n' }],
    ['{u="\\u00e9\\x41"}', { u: 'éA' }],
    ['{sel="{a=\\"b\\", c}"}', { sel: '{a="b", c}' }],
    ['{_x9="1"}', { _x9: '1' }],
    ['{__proto__="p"}', { ['__proto__']: 'p' }],
  ])('%s', (input, labels) => {
    const r = parseLabelString(input);
    expect(r).toEqual({ ok: true, labels });
  });

  test.each([
    ['', 'expected {'],
    ['job="x"', 'expected {'],
    ['{job=x}', 'expected "'],
    ['{job="x"', 'expected , or }'],
    ['{job="x",}', 'expected a label name'],
    ['{9job="x"}', 'expected a label name'],
    ['{job="x} ', 'unterminated value'],
    ['{job="x"} extra', 'text after }'],
    ['{a="1", a="2"}', 'label a twice'],
    ['{a="\\q"}', 'bad escape'],
    ['{a="\\u12"}', 'bad escape'],
    ['{a-b="1"}', 'expected ='],
  ])('refuses %s', (input, why) => {
    const r = parseLabelString(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(why);
  });
});
