import { describe, expect, test } from 'vitest';
import { blockColumns, CODEC_BROTLI, CODEC_BROTLI_LINES, CODEC_DEFLATE, compress, decodeBlock, decompress, encodeBlock, eventAt, messageRef, processAt, slotOf, STORED_CODEC } from '../../src/store/log-block.js';
import { logRowParams } from '../../src/store/log-row.js';
import { makeEvent } from './fixtures.js';

describe('messageRef: the message derived from raw', () => {
  test.each([
    ['', '', 'null'],
    ['abc', 'abc', 'null'],
    ['', 'raw text', '[0,0]'],
    ['world', 'hello world', '[6,5]'],
    ['not there', 'hello world', '"not there"'],
    ['é', 'café', '[3,1]'],
  ])('%j in %j → %s', (message, raw, ref) => {
    expect(messageRef(message, raw)).toBe(ref);
  });
});

describe('blocks', () => {
  const events = [
    makeEvent({ message: 'first', raw: 'x first y', source: { kind: 'kafka', topic: 't', partition: 2, offset: '9007199254740993' } }),
    makeEvent({ message: 'second', raw: '{"m":"second"}', source: { kind: 'http', topic: 'h', partition: -1, offset: null, peer: '10.0.0.1:9' }, attributes: { a: { b: 1 } } }),
    makeEvent({ message: 'third', raw: 'third' }),
  ];
  const ids = [10, 12, 15]; // gaps, as after a conversion
  const inputs = events.map((e, i) => ({ id: ids[i]!, params: logRowParams(e), at: 0 }));

  test.each([
    ['deflate, columnar (codec 1, the first v2 blocks)', CODEC_DEFLATE],
    ['brotli 4, columnar (codec 2)', CODEC_BROTLI],
    ['brotli 4, a line per event (codec 3, written now)', CODEC_BROTLI_LINES],
  ] as const)('%s: every event comes back, offsets beyond 2^53 exact', (_, codec) => {
    const b = decodeBlock(10, 15, codec, compress(encodeBlock(inputs, codec), codec));
    expect(b.ids).toEqual(ids);
    expect(slotOf(b, 11)).toBe(-1);
    events.forEach((e, i) => {
      const row = { id: ids[i]!, ts: e.ts, host: e.host, level: e.level, topic: e.source.topic, format: e.format, tags: e.tags };
      expect(eventAt(b, slotOf(b, ids[i]!), row)).toEqual({ ...e, id: ids[i] });
    });
  });

  test('new blocks are written a line per event; read in any order, each line parsed alone', () => {
    expect(STORED_CODEC).toBe(CODEC_BROTLI_LINES);
    const text = decompress(compress(encodeBlock(inputs, CODEC_BROTLI_LINES), CODEC_BROTLI_LINES), CODEC_BROTLI_LINES);
    const lines = text.split('\n');
    expect(lines).toHaveLength(4); // the header, then the three events
    expect(JSON.parse(lines[0]!)).toMatchObject({ n: 3, id: [10, 2, 3] });
    const b = decodeBlock(10, 15, CODEC_BROTLI_LINES, compress(text, CODEC_BROTLI_LINES));
    for (const slot of [2, 0, 1, 1, 2]) expect(eventAt(b, slot, { id: ids[slot]!, ts: 0, host: null, level: null, topic: 't', format: 'text', tags: [] }).raw).toBe(events[slot]!.raw);
    expect(processAt(b, 0)).toBe(events[0]!.process);
  });

  test('a message with newlines and other control characters stays on its line', () => {
    const e = makeEvent({ message: 'a\nb\r\n\u2028c', raw: 'x\ny "quoted" \\ \u0000 z' });
    const b = decodeBlock(1, 1, CODEC_BROTLI_LINES, compress(encodeBlock([{ id: 1, params: logRowParams(e), at: 0 }], CODEC_BROTLI_LINES), CODEC_BROTLI_LINES));
    expect(eventAt(b, 0, { id: 1, ts: e.ts, host: e.host, level: e.level, topic: e.source.topic, format: e.format, tags: e.tags })).toEqual({ ...e, id: 1 });
  });

  test('the fields as columns, whatever the layout, leave out what every event lacks', () => {
    for (const codec of [CODEC_BROTLI, CODEC_BROTLI_LINES] as const) {
      const cols = blockColumns(compress(encodeBlock(inputs, codec), codec), codec);
      expect(cols['raw']).toEqual(events.map((e) => e.raw));
      expect(cols['attributes']).toEqual([null, '{"a":{"b":1}}', null]);
      expect(Object.keys(cols)).not.toContain('file_hash');
    }
  });

  test('a line block whose lines do not add up is refused, not misread', () => {
    const text = encodeBlock(inputs, CODEC_BROTLI_LINES);
    const cut = text.slice(0, text.lastIndexOf('\n'));
    expect(() => decodeBlock(10, 15, CODEC_BROTLI_LINES, compress(cut, CODEC_BROTLI_LINES))).toThrow(/3 events announced/);
  });

  test('an unknown codec is a STORE_FAILED asking for an upgrade', () => {
    expect(() => decodeBlock(1, 1, 9, Buffer.from('x'))).toThrow(/codec 9.*upgrade logagg/);
  });
});
