import { beforeAll, describe, expect, test } from 'vitest';
import { LogReader } from '../../src/store/log-reader.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { QueryBudget } from '../../src/store/query-budget.js';
import type { Store } from '../../src/store/store.js';
import { caught, makeEvent, openTemp, T0 } from './fixtures.js';

const ROWS = 100_000;
let store: Store;
let reader: LogReader;

beforeAll(() => {
  store = openTemp();
  // Bulk rows through the writer, in large batches: enough for a scan to take a while.
  const w = new LogWriter(store);
  for (let at = 0; at < ROWS; at += 10_000) {
    const events = Array.from({ length: 10_000 }, (_, k) => {
      const i = at + k + 1;
      return makeEvent({ ts: T0 + i, received_at: T0 + i, host: 'h' + (i % 50), level: i % 8, message: 'common word row ' + i, tags: ['a', 'b'], attributes: { k: i }, raw: 'raw' });
    });
    w.writeBatch({ events, offsets: [] });
  }
  reader = new LogReader(store);
}, 120_000);

describe('query budget', () => {
  test('a scan that outlasts its budget stops with QUERY_TIMEOUT (canRetry)', () => {
    // tags match on every row but the last: json_each runs for all of them.
    const filter = { tags: ['zzz'] };
    const err = caught(() => reader.countLogs(filter, { budgetMs: 1 }));
    expect(err.code).toBe('QUERY_TIMEOUT');
    expect(err.canRetry).toBe(true);
    expect(err.details).toEqual({ budgetMs: 1 });
    expect(caught(() => reader.statsLogs(filter, { budgetMs: 1 })).code).toBe('QUERY_TIMEOUT');
    expect(caught(() => reader.queryLogs(filter, { limit: 10, order: 'desc', budgetMs: 1 })).code).toBe('QUERY_TIMEOUT');
    // The same query with room to finish, and with no budget.
    expect(reader.countLogs(filter, { budgetMs: 60_000 })).toBe(0);
    expect(reader.countLogs(filter)).toBe(0);
  });

  test('a broad full-text match is bounded inside the FTS subquery too', () => {
    expect(caught(() => reader.countLogs({ q: 'common' }, { budgetMs: 1 })).code).toBe('QUERY_TIMEOUT');
    expect(reader.countLogs({ q: 'common' }, { budgetMs: 60_000 })).toBe(ROWS);
  });

  test('after a timeout the connection answers normally, with and without budget', () => {
    caught(() => reader.countLogs({ tags: ['zzz'] }, { budgetMs: 1 }));
    expect(reader.countLogs({ hosts: ['h1'] })).toBe(ROWS / 50);
    expect(reader.queryLogs({ hosts: ['h1'] }, { limit: 2, order: 'asc', budgetMs: 60_000 }).items).toHaveLength(2);
  });

  test.each([0, -5, Number.NaN])('budget %s is a BAD_REQUEST', (budgetMs) => {
    expect(caught(() => reader.countLogs({}, { budgetMs })).details).toEqual({ param: 'budgetMs' });
  });

  test('one budget per connection', () => {
    expect(QueryBudget.of(store)).toBe(QueryBudget.of(store));
  });
});
