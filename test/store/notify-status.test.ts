import { describe, expect, test } from 'vitest';
import { dueRows, markFailed, markRetry, markSent } from '../../src/store/outbox-queue.js';
import { listDeliveries, notifyStatus } from '../../src/store/notify-status.js';
import { openStore } from '../../src/store/store.js';
import { deferCleanup } from '../helpers/temp.js';
import { openTemp } from './fixtures.js';
import { batch, finding } from '../notify/store-fixtures.js';

const W = 1_000_000_000;

function seeded() {
  const s = openTemp();
  batch(s, [finding({ dedup_key: 'a' }), finding({ dedup_key: 'b' }), finding({ dedup_key: 'c' })], W);
  const [h1, h2] = dueRows(s, 'hook', W, 10);
  markSent(s, h1!, W + 1, 200);
  markRetry(s, h2!, W + 5000, 'HTTP 500', 500);
  const [c1, c2, c3] = dueRows(s, 'chat', W, 10);
  markFailed(s, c1!, W + 2, 'HTTP 404: no such hook', 404);
  markFailed(s, c2!, W + 3, 'HTTP 410: gone', 410);
  markSent(s, c3!, W + 4, 200);
  // A read-only connection, as logagg status and the API use.
  const reader = openStore(s.path, { readonly: true });
  deferCleanup(() => reader.close());
  return { s, reader };
}

describe('notifyStatus', () => {
  test('per channel: pending now, sent / failed / retries since creation, oldest pending, latest failure', () => {
    const { reader } = seeded();
    expect(notifyStatus(reader)).toEqual([
      { channel: 'chat', pending: 0, sent: 1, failed: 2, retries: 0, oldest_pending_at: null, last_failure: { at: W + 3, error: 'HTTP 410: gone' } },
      { channel: 'hook', pending: 2, sent: 1, failed: 0, retries: 1, oldest_pending_at: W, last_failure: null },
      { channel: 'pager', pending: 3, sent: 0, failed: 0, retries: 0, oldest_pending_at: W, last_failure: null },
    ]);
  });

  test('an empty database: no channels', () => {
    expect(notifyStatus(openTemp())).toEqual([]);
  });
});

describe('listDeliveries', () => {
  test('newest first, filtered, paged by id', () => {
    const { reader } = seeded();
    const all = listDeliveries(reader, {}, { limit: 100, beforeId: null });
    expect(all.items.map((d) => d.id)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(all.next_before).toBeNull();
    const failed = listDeliveries(reader, { states: ['failed'] }, { limit: 100, beforeId: null });
    expect(failed.items.map((d) => [d.channel, d.last_status, d.last_error, d.next_attempt_at])).toEqual([
      ['chat', 410, 'HTTP 410: gone', null],
      ['chat', 404, 'HTTP 404: no such hook', null],
    ]);
    const p1 = listDeliveries(reader, { channels: ['hook', 'pager'] }, { limit: 2, beforeId: null });
    expect(p1.items.map((d) => d.id)).toEqual([9, 7]);
    const p2 = listDeliveries(reader, { channels: ['hook', 'pager'] }, { limit: 2, beforeId: p1.next_before });
    expect(p2.items.map((d) => d.id)).toEqual([6, 4]);
    const p3 = listDeliveries(reader, { channels: ['hook', 'pager'] }, { limit: 2, beforeId: p2.next_before });
    expect(p3.items.map((d) => d.id)).toEqual([3, 1]);
    const pending = listDeliveries(reader, { alertId: 2, states: ['pending'] }, { limit: 10, beforeId: null });
    expect(pending.items.map((d) => [d.channel, d.attempts, d.next_attempt_at, d.last_error])).toEqual([
      ['pager', 0, W, null],
      ['hook', 1, W + 5000, 'HTTP 500'],
    ]);
  });
});
