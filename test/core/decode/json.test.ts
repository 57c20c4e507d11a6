import { expect, test } from 'vitest';
import { newDraft } from '../../../src/core/decode/draft.js';
import { decodeJson, jsonErrorOffset, looksLikeJsonObject } from '../../../src/core/decode/json.js';

const ctx = { receivedAt: Date.UTC(2024, 0, 2) };

test.each([
  ['truncated object', '{"a":1', /^json: .*position 6/],
  ['trailing comma', '{"a":1,}', /^json: .*position 7/],
  ['single quotes', "{'a':1}", /^json: .*position 1/],
  ['empty', '', /^json: /],
  ['garbage after', '{"a":1} x', /^json: .*position 8/],
])('invalid: %s → error naming the position', (_name, text, error) => {
  const d = newDraft('json');
  const r = decodeJson(text, d, ctx);
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error).toMatch(error);
  expect(d).toEqual(newDraft('json')); // untouched
});

test.each([
  ['array', '[1,{"a":2}]', { value: [1, { a: 2 }] }, null],
  ['number', '42', { value: 42 }, null],
  ['string', '"hello"', { value: 'hello' }, 'hello'],
  ['boolean', 'true', { value: true }, null],
  ['null', 'null', { value: null }, null],
])('non-object JSON (%s) is kept in attributes.value', (_name, text, attributes, message) => {
  const d = newDraft('text');
  expect(decodeJson(text, d, ctx).ok).toBe(true);
  expect(d).toMatchObject({ format: 'json', attributes, message });
});

test('an object goes through the alias table', () => {
  const d = newDraft('text');
  decodeJson('{"host":"H","msg":"m","x":{"y":1}}', d, ctx);
  expect(d).toMatchObject({ format: 'json', host: 'h', message: 'm', attributes: { x: { y: 1 } } });
});

test.each([
  ['{"a":1', true],
  ['{ "a"', true],
  ['{}', true],
  ['{', true],
  ['{foo} happened', false],
  ['{ 1 }', false],
])('looksLikeJsonObject(%j) = %s', (text, yes) => {
  expect(looksLikeJsonObject(text, 0)).toBe(yes);
});

test.each([
  ['{"a":1}', -1],
  ['[1, 2.5e-3, -0, "x\\u00e9\\n", true, false, null, {}, []]', -1],
  ['  {"a":{"b":[{}]}}  ', -1],
  ['', 0],
  ['{', 1],
  ['{"a":1', 6],
  ['{"a": nope}', 6],
  ['{"a":1,}', 7],
  ['{"a" 1}', 5],
  ["{'a':1}", 1],
  ['[1,]', 3],
  ['[1 2]', 3],
  ['{"a":1} x', 8],
  ['"abc', 4],
  ['"a\\x"', 3],
  ['"\\u12G4"', 5],
  ['"a\nb"', 2],
  ['01', 1],
  ['-', 1],
  ['1.', 2],
  ['1e+', 3],
  ['[' .repeat(10000), 10000],
])('jsonErrorOffset(%j) = %i', (text, at) => {
  expect(jsonErrorOffset(text)).toBe(at);
  expect(at === -1).toBe((() => { try { JSON.parse(text); return true; } catch { return false; } })());
});

test('errors name a position even where V8 does not', () => {
  const r = decodeJson('{"a": nope}', newDraft('json'), ctx);
  expect(!r.ok && r.error).toMatch(/^json: .*position 6/);
});
