import { describe, expect, test } from 'vitest';
import { SseLineTooLongError, SseParser, type SseItem } from '../../src/tui/sse.js';

const ev = (data: string, type = 'message', lastEventId = ''): SseItem => ({ kind: 'event', type, data, lastEventId });

/** Feeds the chunks in order and returns every item. */
function parse(chunks: string[], opts: { lastEventId?: string } = {}): SseItem[] {
  const p = new SseParser(opts);
  return chunks.flatMap((c) => p.push(c));
}

describe('SseParser', () => {
  test.each<[string, string[], SseItem[]]>([
    ['nothing', [], []],
    ['an empty chunk', [''], []],
    ['a blank line alone dispatches nothing', ['\n'], []],
    ['an event without its blank line is not dispatched yet', ['data: x\n'], []],
    ['one event', ['data: hello\n\n'], [ev('hello')]],
    ['no space after the colon', ['data:hello\n\n'], [ev('hello')]],
    ['only one leading space is dropped', ['data:  two\n\n'], [ev(' two')]],
    ['multi-line data joined with LF', ['data: a\ndata: b\n\n'], [ev('a\nb')]],
    ['empty data line still dispatches', ['data\n\n'], [ev('')]],
    ['data with an empty value line', ['data: a\ndata:\n\n'], [ev('a\n')]],
    ['event type', ['event: log\ndata: {}\n\n'], [ev('{}', 'log')]],
    ['event type resets after dispatch', ['event: log\ndata: 1\n\ndata: 2\n\n'], [ev('1', 'log'), ev('2')]],
    ['event without data is dropped, type reset', ['event: log\n\ndata: 2\n\n'], [ev('2')]],
    ['id persists across events', ['id: 7~\ndata: a\n\ndata: b\n\n'], [ev('a', 'message', '7~'), ev('b', 'message', '7~')]],
    ['id without data still moves the position', ['id: 9\n\ndata: x\n\n'], [ev('x', 'message', '9')]],
    ['empty id resets the position', ['id: 9\ndata: a\n\nid\ndata: b\n\n'], [ev('a', 'message', '9'), ev('b')]],
    ['id with NUL is ignored', ['id: 5\ndata: a\n\nid: 6\u0000\ndata: b\n\n'], [ev('a', 'message', '5'), ev('b', 'message', '5')]],
    ['comments', [': keep-alive 2025\n: \n'], [{ kind: 'comment', text: 'keep-alive 2025' }, { kind: 'comment', text: '' }]],
    ['retry with digits', ['retry: 2000\n'], [{ kind: 'retry', ms: 2000 }]],
    ['retry not digits is ignored', ['retry: 2s\nretry: -1\nretry:\n'], []],
    ['unknown fields are ignored', ['foo: bar\ndata: x\n\n'], [ev('x')]],
    ['a field name without colon', ['data\ndata\n\n'], [ev('\n')]],
    ['CRLF line ends', ['data: a\r\n\r\n'], [ev('a')]],
    ['CR line ends', ['data: a\r\r'], [ev('a')]],
    ['CRLF split across chunks', ['data: a\r', '\n\r', '\n'], [ev('a')]],
    ['CR at a chunk end followed by a new line', ['data: a\r', 'data: b\r\r'], [ev('a\nb')]],
    ['split inside a field name', ['da', 'ta: x', 'y\n', '\n'], [ev('xy')]],
    ['one character at a time', [...'event: alert\ndata: {"id":1}\n\n'], [ev('{"id":1}', 'alert')]],
    ['leading BOM skipped', ['\ufeffdata: a\n\n'], [ev('a')]],
    ['BOM only skipped at the start', ['data: a\n\n', '\ufeffdata: b\n\n'], [ev('a')]],
    ['colon in the value kept', ['data: {"a":"b:c"}\n\n'], [ev('{"a":"b:c"}')]],
    [
      'the server stream shape',
      ['retry: 2000\n: stream open; types=logs,alerts\n\nid: 8213~MTc\nevent: log\ndata: {"id":8213}\n\n'],
      [{ kind: 'retry', ms: 2000 }, { kind: 'comment', text: 'stream open; types=logs,alerts' }, ev('{"id":8213}', 'log', '8213~MTc')],
    ],
  ])('%s', (_name, chunks, expected) => {
    expect(parse(chunks)).toEqual(expected);
  });

  test('lastEventId starts from the constructor and follows the stream', () => {
    const p = new SseParser({ lastEventId: '3~' });
    expect(p.lastEventId).toBe('3~');
    expect(p.push('data: a\n\n')).toEqual([ev('a', 'message', '3~')]);
    p.push('id: 4~x\ndata: b\n\n');
    expect(p.lastEventId).toBe('4~x');
  });

  test('a huge event split in many chunks', () => {
    const big = 'x'.repeat(1_000_000);
    const text = `data: ${big}\n\n`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 65_536) chunks.push(text.slice(i, i + 65_536));
    expect(parse(chunks)).toEqual([ev(big)]);
  });

  test.each([
    ['in one chunk', ['data: ' + 'x'.repeat(200) + '\n']],
    ['growing without a newline', ['data: ', 'x'.repeat(100), 'x'.repeat(100)]],
  ])('a line longer than the limit throws (%s)', (_n, chunks) => {
    const p = new SseParser({ maxLineChars: 100 });
    expect(() => chunks.forEach((c) => p.push(c))).toThrow(SseLineTooLongError);
  });

  test('a line at the limit is accepted', () => {
    const p = new SseParser({ maxLineChars: 10 });
    expect(p.push('data: 1234\n\n')).toEqual([ev('1234')]);
  });
});
