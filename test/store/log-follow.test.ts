import { describe, expect, test } from 'vitest';
import { logsAfter, maxLogId } from '../../src/store/log-follow.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { openStore } from '../../src/store/store.js';
import { deferCleanup } from '../helpers/temp.js';
import { caught, makeEvent, openTemp, tempDbPath } from './fixtures.js';

describe('maxLogId and logsAfter', () => {
  test('an empty table: 0 and nothing', () => {
    const s = openTemp();
    expect(maxLogId(s)).toBe(0);
    expect(logsAfter(s, {}, 0, 10)).toEqual([]);
  });

  test('a reader follows the writer by id, in id order, filtered, in batches', () => {
    const file = tempDbPath();
    const writer = openTemp(file);
    const w = new LogWriter(writer);
    const reader = openStore(file, { readonly: true });
    deferCleanup(() => reader.close());
    // ts deliberately out of order: following is by id (commit order), not by time.
    const ids = w.writeBatch({
      events: [makeEvent({ ts: 3, host: 'a' }), makeEvent({ ts: 1, host: 'b' }), makeEvent({ ts: 2, host: 'a', message: 'needle' })],
      offsets: [],
    }).ids as number[];
    expect(maxLogId(reader)).toBe(ids[2]);
    expect(logsAfter(reader, {}, 0, 2).map((e) => e.id)).toEqual([ids[0], ids[1]]);
    expect(logsAfter(reader, {}, ids[1]!, 10).map((e) => e.id)).toEqual([ids[2]]);
    expect(logsAfter(reader, { hosts: ['a'] }, 0, 10).map((e) => e.id)).toEqual([ids[0], ids[2]]);
    expect(logsAfter(reader, { q: 'needle' }, 0, 10).map((e) => e.id)).toEqual([ids[2]]);
    expect(logsAfter(reader, { hostScope: [] }, 0, 10)).toEqual([]);
    const more = w.writeBatch({ events: [makeEvent({ host: 'a' })], offsets: [] }).ids as number[];
    expect(logsAfter(reader, {}, ids[2]!, 10).map((e) => e.id)).toEqual(more);
    expect(logsAfter(reader, {}, ids[2]!, 10, 1000).map((e) => e.id)).toEqual(more);
  });

  test.each<[string, number, number, string]>([
    ['negative id', -1, 10, 'afterId'],
    ['fractional id', 1.5, 10, 'afterId'],
    ['zero limit', 0, 0, 'limit'],
    ['huge limit', 0, 10_001, 'limit'],
  ])('%s -> BAD_REQUEST', (_n, after, limit, param) => {
    const e = caught(() => logsAfter(openTemp(), {}, after, limit));
    expect(e.details.param).toBe(param);
  });

  test('a filter the store refuses is a BAD_REQUEST, not a driver error', () => {
    const e = caught(() => logsAfter(openTemp(), { q: 'NOT x' }, 0, 10));
    expect(e.code).toBe('BAD_REQUEST');
  });
});
