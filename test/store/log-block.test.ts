import { describe, expect, test } from 'vitest';
import { CODEC_BROTLI, CODEC_DEFLATE, compress, decodeBlock, encodeBlockJson, eventAt, messageRef, slotOf } from '../../src/store/log-block.js';
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
  const json = encodeBlockJson(events.map((e, i) => ({ id: ids[i]!, params: logRowParams(e), at: 0 })));

  test.each([
    ['deflate (codec 1, written before brotli was chosen)', CODEC_DEFLATE],
    ['brotli 4 (codec 2)', CODEC_BROTLI],
  ] as const)('%s: every event comes back, offsets beyond 2^53 exact', (_, codec) => {
    const b = decodeBlock(10, 15, codec, compress(json, codec));
    expect(b.ids).toEqual(ids);
    expect(slotOf(b, 11)).toBe(-1);
    events.forEach((e, i) => {
      const row = { id: ids[i]!, ts: e.ts, host: e.host, level: e.level, topic: e.source.topic, format: e.format, tags: e.tags };
      expect(eventAt(b, slotOf(b, ids[i]!), row)).toEqual({ ...e, id: ids[i] });
    });
  });

  test('an unknown codec is a STORE_FAILED asking for an upgrade', () => {
    expect(() => decodeBlock(1, 1, 9, Buffer.from('x'))).toThrow(/codec 9.*upgrade logagg/);
  });
});
