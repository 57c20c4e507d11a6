import { describe, expect, test } from 'vitest';
import { compileTemplate, fieldNames, MAX_TEMPLATE_LENGTH, TemplateError } from '../../src/core/notify-template.js';

const known = { outbox_id: 1, kind: 'x', link: null, alert: { title: 't', host: 'h', count: 1, sample_event_ids: [1], severity: 'LOW' } };

describe('compileTemplate: refused templates name the problem', () => {
  test.each<[string, string, RegExp]>([
    ['unknown field', '{"a":"{{alert.nope}}"}', /unknown field \{\{alert\.nope\}\}; fields: .*alert\.title/],
    ['unknown top-level field', '{{nothing}}', /unknown field \{\{nothing\}\}/],
    ['a path through a non-object', '{{alert.title.length}}', /unknown field/],
    ['a path into an array', '{{alert.sample_event_ids.0}}', /does not start a placeholder|unknown field/],
    ['malformed placeholder', '{"a":"{{alert title}}"}', /does not start a placeholder/],
    ['unclosed placeholder', '{"a":"{{alert.title"}', /does not start a placeholder/],
    ['an unterminated JSON string', '{"a":"{{alert.title}}}', /not closed/],
    ['too long', 'x'.repeat(MAX_TEMPLATE_LENGTH + 1), /longer than/],
    ['an inherited property', '{{constructor}}', /unknown field/],
  ])('%s', (_n, text, message) => {
    expect(() => compileTemplate(text, known)).toThrow(TemplateError);
    expect(() => compileTemplate(text, known)).toThrow(message);
  });
});

describe('rendering: values are JSON-escaped for where they stand', () => {
  const view = (title: unknown, host: unknown = 'web-1', count: unknown = 3) => ({ ...known, alert: { ...known.alert, title, host, count } });
  test.each<[string, string, Record<string, unknown>, string]>([
    ['empty template', '', view('x'), ''],
    ['no placeholders', '{"a":1}', view('x'), '{"a":1}'],
    ['a string inside quotes', '{"t":"{{alert.title}}"}', view('disk full'), '{"t":"disk full"}'],
    ['quotes and backslashes escaped', '{"t":"{{alert.title}}"}', view('say "hi" \\ bye'), '{"t":"say \\"hi\\" \\\\ bye"}'],
    ['control characters escaped', '{"t":"{{ alert.title }}"}', view('a\nb\u0001'), '{"t":"a\\nb\\u0001"}'],
    ['an injection attempt stays inside its string', '{"t":"{{alert.title}}","ok":true}', view('","ok":false,"x":"'), '{"t":"\\",\\"ok\\":false,\\"x\\":\\"","ok":true}'],
    ['a number outside quotes is a number', '{"n":{{alert.count}}}', view('x', 'h', 42), '{"n":42}'],
    ['a string outside quotes is a JSON string', '{"h":{{alert.host}}}', view('x', 'web-1'), '{"h":"web-1"}'],
    ['null outside quotes is null', '{"h":{{alert.host}}}', view('x', null), '{"h":null}'],
    ['null inside quotes is empty', '{"h":"host={{alert.host}}"}', view('x', null), '{"h":"host="}'],
    ['an array outside quotes is an array', '{"s":{{alert.sample_event_ids}}}', view('x'), '{"s":[1]}'],
    ['an object inside quotes is its JSON text, escaped', '{"a":"{{alert}}"}', { alert: { q: '"' } }, '{"a":"{\\"q\\":\\"\\\\\\"\\"}"}'],
    ['an escaped quote in the template does not end the string', '{"t":"\\"{{alert.title}}\\""}', view('x'), '{"t":"\\"x\\""}'],
    ['several placeholders in one string', '{"t":"[{{alert.severity}}] {{alert.title}} on {{alert.host}}"}', view('cpu'), '{"t":"[LOW] cpu on web-1"}'],
  ])('%s', (_n, text, v, want) => {
    const out = compileTemplate(text, known).render(v);
    expect(out).toBe(want);
    if (want.startsWith('{')) expect(() => JSON.parse(out)).not.toThrow();
  });

  test('a field missing at render time renders as null / empty, never "undefined"', () => {
    const t = compileTemplate('{"a":{{alert.host}},"b":"{{alert.host}}"}', known);
    expect(t.render({ alert: {} })).toBe('{"a":null,"b":""}');
  });

  test('fields lists what the template uses', () => {
    expect(compileTemplate('{{kind}} {{ alert.title }}', known).fields).toEqual(['kind', 'alert.title']);
  });
});

test('fieldNames lists every dotted name, objects included', () => {
  expect(fieldNames({ a: 1, b: { c: 2, d: [1] } })).toEqual(['a', 'b', 'b.c', 'b.d']);
});
