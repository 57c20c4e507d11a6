import { describe, expect, test } from 'vitest';
import { LogWriter } from '../../src/store/log-writer.js';
import { listOffsets, offsetParams, readOffsets } from '../../src/store/offsets.js';
import { openStore } from '../../src/store/store.js';
import { caught, openTemp, tempDbPath } from './fixtures.js';

describe('offsetParams', () => {
  test.each(['0', '1', '9223372036854775807'])('%s is accepted exactly', (o) => {
    expect(offsetParams({ group: 'g', topic: 't', partition: 0, nextOffset: o }, 1)[3]).toBe(BigInt(o));
  });
  test.each(['', '-1', '+1', '1e3', '0x10', '01', '1.0', '9223372036854775808', '99999999999999999999'])('%j is a BAD_REQUEST', (o) => {
    expect(caught(() => offsetParams({ group: 'g', topic: 't', partition: 0, nextOffset: o }, 1)).details).toEqual({ param: 'nextOffset' });
  });
});

describe('readOffsets / listOffsets', () => {
  test('survive a restart and are visible to a read-only connection', () => {
    const file = tempDbPath();
    const s = openStore(file);
    new LogWriter(s).writeBatch({
      events: [],
      offsets: [
        { group: 'g', topic: 'b', partition: 2, nextOffset: '20' },
        { group: 'g', topic: 'a', partition: 0, nextOffset: '1' },
        { group: 'other', topic: 'a', partition: 0, nextOffset: '99' },
      ],
      now: 1234,
    });
    s.close();
    const r = openTemp(file, { readonly: true });
    expect(readOffsets(r, 'g')).toEqual(new Map([['a', new Map([[0, '1']])], ['b', new Map([[2, '20']])]]));
    expect(listOffsets(r)).toEqual([
      { group: 'g', topic: 'a', partition: 0, next_offset: '1', updated_at: 1234 },
      { group: 'g', topic: 'b', partition: 2, next_offset: '20', updated_at: 1234 },
      { group: 'other', topic: 'a', partition: 0, next_offset: '99', updated_at: 1234 },
    ]);
  });
});
