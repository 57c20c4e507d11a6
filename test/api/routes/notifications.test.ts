// GET /api/v1/notifications against a real server and database: answers validated against the
// OpenAPI document by the harness.
import { beforeAll, describe, expect, test } from 'vitest';
import { dueRows, markFailed, markRetry, markSent } from '../../../src/store/outbox-queue.js';
import { batch, finding } from '../../notify/store-fixtures.js';
import { admin, analyst, startApi, token, type TestApi } from '../harness.js';

const W = Date.UTC(2025, 0, 15, 12, 0, 0);
let api: TestApi;

beforeAll(async () => {
  api = await startApi();
  const s = api.writerStore;
  batch(s, [finding({ dedup_key: 'a' }), finding({ dedup_key: 'b', host: 'db-01' })], W);
  const [h1, h2] = dueRows(s, 'hook', W, 10);
  markSent(s, h1!, W + 1000, 200);
  markRetry(s, h2!, W + 60_000, 'HTTP 503: busy', 503);
  const [c1] = dueRows(s, 'chat', W, 10);
  markFailed(s, c1!, W + 2000, 'HTTP 404: no such hook; the endpoint refused it (not retried)', 404);
});

describe('GET /api/v1/notifications', () => {
  test('deliveries newest first, and per-channel counts', async () => {
    const r = await api.call('/api/v1/notifications', { token: admin() });
    expect(r.status).toBe(200);
    expect(r.body.limit).toBe(100);
    expect(r.body.next_cursor).toBeNull();
    expect(r.body.items.map((d: { id: number }) => d.id)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(r.body.items.find((d: { id: number }) => d.id === 2)).toEqual({
      id: 2,
      alert_id: 1,
      channel: 'chat',
      kind: 'trigger',
      state: 'failed',
      attempts: 1,
      created_at: '2025-01-15T12:00:00.000Z',
      next_attempt_at: null,
      sent_at: null,
      finished_at: '2025-01-15T12:00:02.000Z',
      last_status: 404,
      last_error: 'HTTP 404: no such hook; the endpoint refused it (not retried)',
    });
    expect(r.body.channels).toEqual([
      { channel: 'chat', pending: 1, sent: 0, failed: 1, retries: 0, oldest_pending_at: '2025-01-15T12:00:00.000Z', last_failure: { at: '2025-01-15T12:00:02.000Z', error: 'HTTP 404: no such hook; the endpoint refused it (not retried)' } },
      { channel: 'hook', pending: 1, sent: 1, failed: 0, retries: 1, oldest_pending_at: '2025-01-15T12:00:00.000Z', last_failure: null },
      { channel: 'pager', pending: 2, sent: 0, failed: 0, retries: 0, oldest_pending_at: '2025-01-15T12:00:00.000Z', last_failure: null },
    ]);
  });

  test('filters: state, channel, alert; pages with the cursor', async () => {
    const failedOrSent = await api.call('/api/v1/notifications?state=failed,sent', { token: admin() });
    expect(failedOrSent.body.items.map((d: { state: string }) => d.state)).toEqual(['failed', 'sent']);
    const pending = await api.call('/api/v1/notifications?state=pending&channel=hook&alert=2', { token: admin() });
    expect(pending.body.items).toEqual([expect.objectContaining({ id: 4, attempts: 1, next_attempt_at: '2025-01-15T12:01:00.000Z', last_error: 'HTTP 503: busy' })]);
    const p1 = await api.call('/api/v1/notifications?limit=4', { token: admin() });
    expect(p1.body.items.map((d: { id: number }) => d.id)).toEqual([6, 5, 4, 3]);
    const p2 = await api.call(`/api/v1/notifications?limit=4&cursor=${p1.body.next_cursor}`, { token: admin() });
    expect(p2.body.items.map((d: { id: number }) => d.id)).toEqual([2, 1]);
    expect(p2.body.next_cursor).toBeNull();
  });

  test.each<[string, string]>([
    ['state=lost', 'state'],
    ['alert=0', 'alert'],
    ['limit=0', 'limit'],
    ['cursor=abc', 'cursor'],
    ['cursor=-1', 'cursor'],
    ['bogus=1', 'bogus'],
  ])('?%s: 400 naming %s', async (query, param) => {
    const r = await api.call(`/api/v1/notifications?${query}`, { token: admin() });
    expect(r.status).toBe(400);
    expect(r.body.param).toBe(param);
  });

  test('admin only, and only with a token covering every host', async () => {
    expect((await api.call('/api/v1/notifications')).status).toBe(403);
    expect((await api.call('/api/v1/notifications', { token: analyst() })).status).toBe(403);
    const scoped = await api.call('/api/v1/notifications', { token: token({ roles: ['admin'], hosts: ['web-*'] }) });
    expect(scoped.status).toBe(403);
    expect(scoped.body.detail).toMatch(/covers every host/);
    expect((await api.call('/api/v1/notifications', { token: null })).status).toBe(401);
  });

  test('the unversioned path answers the same', async () => {
    const r = await api.call('/notifications', { token: admin() });
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(6);
  });
});

test('/metrics: notifications sent, failed, retried and pending per channel', async () => {
  const r = await api.call('/metrics');
  expect(r.status).toBe(200);
  expect(r.text).toMatch(/^logagg_notifications_sent_total\{channel="hook"\} 1$/m);
  expect(r.text).toMatch(/^logagg_notifications_failed_total\{channel="chat"\} 1$/m);
  expect(r.text).toMatch(/^logagg_notifications_retries_total\{channel="hook"\} 1$/m);
  expect(r.text).toMatch(/^logagg_notifications_pending\{channel="pager"\} 2$/m);
});
