import { describe, expect, test } from 'vitest';
import { bodyKind, splitBody, type BodyKind } from '../../src/listen/http-lines.js';

describe('bodyKind', () => {
  test.each<[string | undefined, BodyKind | null]>([
    [undefined, null],
    ['', null],
    ['application/xml', null],
    ['multipart/form-data; boundary=x', null],
    ['application/json', 'json'],
    ['Application/JSON; charset=utf-8', 'json'],
    ['application/x-ndjson', 'ndjson'],
    ['application/jsonl', 'ndjson'],
    ['application/x-jsonlines', 'ndjson'],
    ['text/plain; charset=utf-8', 'text'],
  ])('%s -> %s', (type, kind) => {
    expect(bodyKind(type)).toBe(kind);
  });
});

const text = (r: ReturnType<typeof splitBody>) => (r.ok ? r.lines.map((l) => l.toString('utf8')) : r);

describe('splitBody: lines (ndjson, text)', () => {
  test.each<[string, string, string[]]>([
    ['empty body', '', []],
    ['only line ends', '\n\r\n\n', []],
    ['one line without LF', 'a', ['a']],
    ['LF and CRLF, blank lines skipped', 'a\r\n\nb\n\r\nc\n', ['a', 'b', 'c']],
    ['a BOM at the start is dropped', '\ufeff{"a":1}\n{"b":2}', ['{"a":1}', '{"b":2}']],
    ['whitespace-only lines are kept (stored as empty messages)', 'a\n  \nb', ['a', '  ', 'b']],
    ['a bad JSON line is kept as it is', '{"a":1}\n{broken\n', ['{"a":1}', '{broken']],
    ['a lone CR is content, not a line end', 'a\rb\n', ['a\rb']],
  ])('%s', (_n, body, want) => {
    for (const kind of ['ndjson', 'text'] as const) expect(text(splitBody(Buffer.from(body, 'utf8'), kind, 100))).toEqual(want);
  });

  test('more lines than max_lines is refused with the count', () => {
    expect(splitBody(Buffer.from('a\nb\nc\n'), 'ndjson', 2)).toEqual({ ok: false, reason: 'too-many', count: 3 });
    expect(splitBody(Buffer.from('a\nb\n\n\n'), 'ndjson', 2).ok).toBe(true);
  });

  test('lines are slices of the body, bytes unchanged (invalid UTF-8 too)', () => {
    const body = Buffer.from([0x61, 0xff, 0x0a, 0xc3, 0xa9]);
    const r = splitBody(body, 'text', 10);
    expect(r.ok && r.lines.map((l) => [...l])).toEqual([[0x61, 0xff], [0xc3, 0xa9]]);
  });
});

describe('splitBody: JSON', () => {
  test.each<[string, string, string[]]>([
    ['an empty array', '[]', []],
    ['an empty array with spaces', ' [ \n ] ', []],
    ['an object is one message, as sent', ' {"host":"a", "cpu_usage": 1.50} \n', ['{"host":"a", "cpu_usage": 1.50}']],
    ['objects keep their exact text (spacing, 1.50, big integers)', '[{"a": 1.50}, {"id": 123456789012345678901}]', ['{"a": 1.50}', '{"id": 123456789012345678901}']],
    ['string elements are the message text', '["<13>Jan 1 00:00:00 h app: x", "line\\nwith \\"escapes\\" \\u00e9"]', ['<13>Jan 1 00:00:00 h app: x', 'line\nwith "escapes" é']],
    ['nested arrays and objects, strings with brackets and commas', '[[1,[2,"]"]], {"a":{"b":"},{"}}, "x,y", 7, true, null]', ['[1,[2,"]"]]', '{"a":{"b":"},{"}}', 'x,y', '7', 'true', 'null']],
    ['empty strings are skipped', '["", "a", ""]', ['a']],
    ['a backslash before the closing quote', '["a\\\\", "b"]', ['a\\', 'b']],
    ['a BOM is dropped', '\ufeff[1]', ['1']],
    ['a bare number', '42', ['42']],
  ])('%s', (_n, body, want) => {
    expect(text(splitBody(Buffer.from(body, 'utf8'), 'json', 100))).toEqual(want);
  });

  test.each(['', '[', '{"a":', '[1,]', 'not json', '[1] x'])('invalid JSON %j is refused with the parser’s reason', (body) => {
    const r = splitBody(Buffer.from(body), 'json', 100);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe('bad-json');
  });

  test('an array longer than max_lines is refused', () => {
    expect(splitBody(Buffer.from('[1,2,3]'), 'json', 2)).toEqual({ ok: false, reason: 'too-many', count: 3 });
  });

  test('a large array: every element found', () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ i, s: `a,"]}${i}` }));
    const r = splitBody(Buffer.from(JSON.stringify(items)), 'json', 10_000);
    expect(r.ok && r.lines.map((l) => JSON.parse(l.toString()))).toEqual(items);
  });
});
