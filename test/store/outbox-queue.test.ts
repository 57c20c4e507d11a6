import { describe, expect, test } from 'vitest';
import { dueRows, failOrphans, markFailed, markRetry, markSent, nextDueAt, pruneOutbox } from '../../src/store/outbox-queue.js';
import { openTemp } from './fixtures.js';
import { batch, finding, outbox, transitionAlert } from '../notify/store-fixtures.js';

const W = 1_000_000_000;
const stats = (s: ReturnType<typeof openTemp>) => s.db.prepare('SELECT channel, sent, failed, retries FROM notify_stats ORDER BY channel').all();

describe('dueRows', () => {
  test('due rows of one channel, oldest first, with the payload parsed; limited', () => {
    const s = openTemp();
    batch(s, [finding({ dedup_key: 'a' }), finding({ dedup_key: 'b' }), finding({ dedup_key: 'c' })], W);
    const rows = dueRows(s, 'chat', W, 2);
    expect(rows.map((r) => [r.alert_id, r.channel, r.kind, r.attempts, r.created_at])).toEqual([
      [1, 'chat', 'trigger', 0, W],
      [2, 'chat', 'trigger', 0, W],
    ]);
    expect(rows[0]!.payload.alert.id).toBe(1);
    expect(dueRows(s, 'chat', W - 1, 10)).toEqual([]);
    expect(dueRows(s, 'nobody', W, 10)).toEqual([]);
  });

  test('a resolve waits while the trigger of the same alert and channel is pending (backing off)', () => {
    const s = openTemp();
    batch(s, [finding()], W);
    transitionAlert(s, 1, { state: 'resolved', by: 'a', at: W, comment: null });
    const [trigger] = dueRows(s, 'pager', W, 10);
    expect(trigger!.kind).toBe('trigger');
    markRetry(s, trigger!, W + 60_000, 'HTTP 500', 500);
    expect(dueRows(s, 'pager', W + 1000, 10)).toEqual([]); // neither: the trigger is not due, the resolve waits for it
    expect(nextDueAt(s, 'pager')).toBe(W);
    expect(dueRows(s, 'pager', W + 60_000, 10).map((r) => r.kind)).toEqual(['trigger']);
    markSent(s, trigger!, W + 60_000, 202);
    expect(dueRows(s, 'pager', W + 60_000, 10).map((r) => r.kind)).toEqual(['resolve']);
  });
});

describe('recording outcomes', () => {
  test('sent, retried and given up: the row and the channel counters, in step', () => {
    const s = openTemp();
    batch(s, [finding({ dedup_key: 'a' }), finding({ dedup_key: 'b' })], W);
    const [a, b] = dueRows(s, 'hook', W, 10);
    markRetry(s, a!, W + 500, 'HTTP 503: busy', 503);
    expect(markSent(s, a!, W + 600, 200)).toBe(true);
    expect(markSent(s, a!, W + 700, 200)).toBe(false); // already sent: nothing changes
    markFailed(s, b!, W + 800, 'HTTP 400: bad', 400);
    markRetry(s, b!, W + 900, 'late', 500); // a finished row is not touched
    const rows = s.db.prepare("SELECT id, state, attempts, sent_at, finished_at, last_status, last_error FROM notify_outbox WHERE channel = 'hook' ORDER BY id").all();
    expect(rows).toEqual([
      { id: a!.id, state: 'sent', attempts: 2, sent_at: W + 600, finished_at: W + 600, last_status: 200, last_error: 'HTTP 503: busy' },
      { id: b!.id, state: 'failed', attempts: 1, sent_at: null, finished_at: W + 800, last_status: 400, last_error: 'HTTP 400: bad' },
    ]);
    expect(stats(s)).toEqual([{ channel: 'hook', sent: 1, failed: 1, retries: 1 }]);
  });

  test('failOrphans: pending rows of channels no longer configured are failed, with why', () => {
    const s = openTemp();
    batch(s, [finding()], W);
    expect(failOrphans(s, ['hook', 'chat'], W + 1)).toBe(1);
    const row = outbox(s).find((r) => r.channel === 'pager')!;
    expect(row.state).toBe('failed');
    expect(s.db.prepare('SELECT last_error, attempts FROM notify_outbox WHERE id = ?').get(row.id)).toEqual({ last_error: 'channel "pager" is no longer configured (notify.channels)', attempts: 0 });
    expect(failOrphans(s, [], W + 2)).toBe(2);
    expect(failOrphans(s, [], W + 3)).toBe(0);
  });
});

describe('pruneOutbox', () => {
  test('deletes finished rows older than the cut, in chunks; keeps pending and newer ones', () => {
    const s = openTemp();
    batch(s, [finding({ dedup_key: 'a' }), finding({ dedup_key: 'b' })], W);
    for (const r of dueRows(s, 'hook', W, 10)) markSent(s, r, W, 200);
    for (const r of dueRows(s, 'chat', W, 10)) markFailed(s, r, W, 'x', 400);
    expect(pruneOutbox(s, W, 100)).toBe(0); // created_at is not before W
    expect(pruneOutbox(s, W + 1, 3)).toBe(3);
    expect(pruneOutbox(s, W + 1, 3)).toBe(1);
    expect(outbox(s).map((r) => [r.channel, r.state])).toEqual([
      ['pager', 'pending'],
      ['pager', 'pending'],
    ]);
  });

  test('forgets what channels were told of alerts resolved before the cut', () => {
    const s = openTemp();
    batch(s, [finding({ dedup_key: 'a' }), finding({ dedup_key: 'b' })], W);
    transitionAlert(s, 1, { state: 'resolved', by: 'a', at: W, comment: null });
    const memory = () => s.db.prepare('SELECT alert_id, count(*) AS n FROM notify_alert_channels GROUP BY alert_id ORDER BY alert_id').all();
    expect(memory()).toEqual([
      { alert_id: 1, n: 3 },
      { alert_id: 2, n: 3 },
    ]);
    pruneOutbox(s, W + 1, 100);
    expect(memory()).toEqual([{ alert_id: 2, n: 3 }]);
  });
});
