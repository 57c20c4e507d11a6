// The bulk protocol, pure: bodies cut into items (edges first), ids, and the answer's shape.
import { describe, expect, test } from 'vitest';
import { bulkAnswer, esIdOffset, parseBulk, type BulkItem } from '../../src/listen/es-bulk-request.js';

const SHA = 'a'.repeat(64);
const parse = (body: string, index: string | null = null, max = 100) => parseBulk(Buffer.from(body), index, SHA, max);
const items = (body: string, index: string | null = null): BulkItem[] => {
  const r = parse(body, index);
  if (!r.ok) throw new Error(`not ok: ${r.reason}`);
  return r.items;
};
const brief = (it: BulkItem) => [it.action, it.index, it.clientId ? it.id : '(derived)', it.doc?.toString() ?? null, it.error?.status ?? null, it.error?.type ?? null];

describe('parseBulk', () => {
  test.each([
    ['empty', ''],
    ['only newlines', '\n\r\n\n'],
    ['only a byte-order mark', '\uFEFF'],
  ])('no line at all: %s', (_n, body) => {
    expect(parse(body)).toEqual({ ok: false, reason: 'empty' });
  });

  test.each<[string, string, string | null, unknown[][]]>([
    ['index with the path index, no trailing newline', '{"index":{}}\n{"a":1}', 'logs', [['index', 'logs', '(derived)', '{"a":1}', null, null]]],
    ['CRLF lines and blank lines between', '{"create":{"_index":"x"}}\r\n\r\n{"a":1}\r\n', null, [['create', 'x', '(derived)', '{"a":1}', null, null]]],
    ['_index in the action wins over the path', '{"index":{"_index":"own"}}\n{}\n', 'path', [['index', 'own', '(derived)', '{}', null, null]]],
    ['a client _id', '{"create":{"_index":"x","_id":"e-1"}}\n{}\n', null, [['create', 'x', 'e-1', '{}', null, null]]],
    ['no index anywhere', '{"index":{}}\n{}\n', null, [['index', '', '(derived)', null, 400, 'action_request_validation_exception']]],
    ['an upper-case index', '{"index":{"_index":"Logs"}}\n{}\n', null, [['index', 'Logs', '(derived)', null, 400, 'invalid_index_name_exception']]],
    ['_index not a string', '{"index":{"_index":7}}\n{}\n', 'p', [['index', 'p', '(derived)', null, 400, 'illegal_argument_exception']]],
    ['an empty _id', '{"index":{"_index":"x","_id":""}}\n{}\n', null, [['index', 'x', '(derived)', null, 400, 'illegal_argument_exception']]],
    ['an _id over 512 bytes', `{"index":{"_index":"x","_id":"${'é'.repeat(257)}"}}\n{}\n`, null, [['index', 'x', 'é'.repeat(257), null, 400, 'illegal_argument_exception']]],
    ['a string document', '{"index":{"_index":"x"}}\n"text"\n', null, [['index', 'x', '(derived)', null, 400, 'document_parsing_exception']]],
    ['an array document', '{"index":{"_index":"x"}}\n[1]\n', null, [['index', 'x', '(derived)', null, 400, 'document_parsing_exception']]],
    ['broken JSON document', '{"index":{"_index":"x"}}\n{"a":\n', null, [['index', 'x', '(derived)', null, 400, 'document_parsing_exception']]],
    ['update takes its source line, refused', '{"update":{"_index":"x","_id":"1"}}\n{"doc":{}}\n{"index":{"_index":"x"}}\n{}\n', null, [
      ['update', 'x', '1', null, 400, 'action_request_validation_exception'],
      ['index', 'x', '(derived)', '{}', null, null],
    ]],
    ['delete has no source line, refused', '{"delete":{"_index":"x","_id":"1"}}\n{"index":{"_index":"x"}}\n{}\n', null, [
      ['delete', 'x', '1', null, 400, 'action_request_validation_exception'],
      ['index', 'x', '(derived)', '{}', null, null],
    ]],
    ['a line that is no action: one refused item, the next line read as an action', 'garbage\n{"index":{"_index":"x"}}\n{}\n', 'p', [
      ['index', 'p', '(derived)', null, 400, 'illegal_argument_exception'],
      ['index', 'x', '(derived)', '{}', null, null],
    ]],
    ['an unknown action', '{"upsert":{}}\n', 'p', [['index', 'p', '(derived)', null, 400, 'illegal_argument_exception']]],
    ['two actions in one line', '{"index":{},"create":{}}\n{}\n', 'p', [['index', 'p', '(derived)', null, 400, 'illegal_argument_exception'], ['index', 'p', '(derived)', null, 400, 'illegal_argument_exception']]],
    ['an action without its source line at the end', '{"index":{"_index":"x"}}\n{}\n{"create":{"_index":"x"}}\n', null, [
      ['index', 'x', '(derived)', '{}', null, null],
      ['create', 'x', '(derived)', null, 400, 'illegal_argument_exception'],
    ]],
  ])('%s', (_n, body, index, want) => {
    expect(items(body, index).map(brief)).toEqual(want);
  });

  test('more items than the cap: too-many with the count', () => {
    const body = Array.from({ length: 5 }, () => '{"index":{"_index":"x"}}\n{}').join('\n');
    expect(parse(body, null, 4)).toEqual({ ok: false, reason: 'too-many', count: 5 });
    expect(parse(body, null, 5).ok).toBe(true);
  });

  test('derived ids: 20 base64url characters, the same for the same body and position, different otherwise', () => {
    const body = '{"index":{"_index":"x"}}\n{}\n{"index":{"_index":"x"}}\n{}\n';
    const a = items(body).map((i) => i.id);
    expect(a[0]).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(a[0]).not.toBe(a[1]);
    expect(items(body).map((i) => i.id)).toEqual(a);
    expect(parseBulk(Buffer.from(body), null, 'b'.repeat(64), 10)).not.toEqual(parse(body));
  });
});

test('esIdOffset: a non-negative int64 as decimal text, stable, different per id', () => {
  const o = esIdOffset('evt-1');
  expect(o).toMatch(/^\d{1,19}$/);
  expect(BigInt(o) <= 0x7fff_ffff_ffff_ffffn).toBe(true);
  expect(esIdOffset('evt-1')).toBe(o);
  expect(esIdOffset('evt-2')).not.toBe(o);
});

describe('bulkAnswer', () => {
  const body = '{"index":{"_index":"x"}}\n{}\n{"create":{"_index":"x","_id":"c"}}\n{}\n{"index":{"_index":"x","_id":"i"}}\n{}\n{"delete":{"_index":"x","_id":"d"}}\n';

  test('created items 201; existing: create 409, index 200 noop; refused items keep their error', () => {
    const a = bulkAnswer(items(body), ['created', 'exists', 'exists'], 3.6);
    expect(a.took).toBe(4);
    expect(a.errors).toBe(true);
    expect(a.items.map((it) => Object.entries(it).map(([k, v]) => [k, v!.status, v!.result ?? v!.error!.type])[0])).toEqual([
      ['index', 201, 'created'],
      ['create', 409, 'version_conflict_engine_exception'],
      ['index', 200, 'noop'],
      ['delete', 400, 'action_request_validation_exception'],
    ]);
    expect(a.items[0]!.index).toMatchObject({ _index: 'x', _version: 1, _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: 0, _primary_term: 1 });
  });

  test('all stored: errors false', () => {
    expect(bulkAnswer(items('{"index":{"_index":"x"}}\n{}\n'), ['created'], 0)).toMatchObject({ errors: false, took: 0 });
  });
});
