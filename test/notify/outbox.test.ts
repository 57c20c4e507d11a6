// The outbox is written in the alert change's own transaction: by the batch (opened / repeated /
// escalated alerts) and by state changes (resolve, reopen). Real SQLite files.
import { describe, expect, test } from 'vitest';
import type { AlertState } from '../../src/core/alert.js';
import { enqueueForTransition } from '../../src/notify/outbox.js';
import { outboxOnStore } from '../../src/store/outbox-writes.js';
import { openTemp } from '../store/fixtures.js';
import { batch, finding, HOUR, kinds, lastId, MIN, outbox, SETTINGS, T0, transitionAlert } from './store-fixtures.js';

const W = 1_000_000_000; // writer clock
const change = (state: AlertState, at = W) => ({ state, by: 'ana', at, comment: state === 'resolved' ? 'fixed' : null });

describe('a new alert', () => {
  test('enqueues a trigger per routed channel, with the alert as it was', () => {
    const s = openTemp();
    expect(batch(s, [finding({ ts: T0 })], W)).toBe(3);
    const rows = outbox(s);
    expect(rows.map((r) => [r.alert_id, r.channel, r.kind, r.state])).toEqual([
      [1, 'hook', 'trigger', 'pending'],
      [1, 'chat', 'trigger', 'pending'],
      [1, 'pager', 'trigger', 'pending'],
    ]);
    expect(rows[0]!.payload).toEqual({
      previous_severity: null,
      alert: expect.objectContaining({ id: 1, rule_id: 'cpu-high', severity: 'HIGH', host: 'web-01', count: 1, state: 'open', dedup_key: 'cpu-high|web-01', sample_event_ids: [1] }),
    });
    expect(s.db.prepare('SELECT next_attempt_at, created_at, attempts FROM notify_outbox WHERE id = 1').get()).toEqual({ next_attempt_at: W, created_at: W, attempts: 0 });
  });

  test('no channels configured, or no route matches: nothing', () => {
    const s = openTemp();
    expect(batch(s, [finding()], W, { ...SETTINGS, channels: [] })).toBe(0);
    expect(batch(s, [finding({ dedup_key: 'x' })], W, { ...SETTINGS, routes: [{ channels: ['pager'], min_severity: 'CRITICAL', severities: [], rules: [], hosts: [] }] })).toBe(0);
    expect(outbox(s)).toEqual([]);
  });

  test('routing picks channels by severity, rule and host', () => {
    const s = openTemp();
    const routes = [
      { channels: ['pager'], min_severity: 'HIGH' as const, severities: [], rules: [], hosts: ['db-*'] },
      { channels: ['chat'], min_severity: null, severities: [], rules: ['cpu-*'], hosts: [] },
    ];
    batch(s, [finding({ host: 'db-1', dedup_key: 'a' }), finding({ host: 'web-1', dedup_key: 'b' }), finding({ rule_id: 'disk', host: 'db-2', dedup_key: 'c', severity: 'LOW' })], W, { ...SETTINGS, routes });
    expect(outbox(s).map((r) => [r.alert_id, r.channel])).toEqual([
      [1, 'chat'],
      [1, 'pager'],
      [2, 'chat'],
    ]);
  });

  test('written twice in one batch (opened, then folded): one trigger', () => {
    const s = openTemp();
    batch(s, [finding({ ts: T0 }), finding({ ts: T0 + 1000 })], W);
    expect(kinds(s)).toEqual([
      ['hook', 'trigger'],
      ['chat', 'trigger'],
      ['pager', 'trigger'],
    ]);
    expect(outbox(s)[0]!.payload.alert.count).toBe(2);
  });

  test('the outbox rolls back with the batch: a failed batch enqueues nothing', () => {
    const s = openTemp();
    expect(() => batch(s, [finding()], W, SETTINGS, true)).toThrow(/disk on fire/);
    expect(outbox(s)).toEqual([]);
    expect(s.db.prepare('SELECT count(*) FROM alerts').pluck().get()).toBe(0);
    // The replayed batch enqueues exactly once.
    batch(s, [finding()], W);
    expect(outbox(s)).toHaveLength(3);
  });
});

describe('repeats of a deduplicated alert', () => {
  test('do not notify again inside renotify_after; do once it passed; the clock is the writer clock', () => {
    const s = openTemp();
    batch(s, [finding({ ts: T0 })], W);
    const first = lastId(s);
    batch(s, [finding({ ts: T0 + MIN })], W + HOUR - 1);
    expect(kinds(s, first)).toEqual([]);
    batch(s, [finding({ ts: T0 + 2 * MIN })], W + HOUR);
    expect(kinds(s, first)).toEqual([
      ['hook', 'renotify'],
      ['chat', 'renotify'],
      ['pager', 'renotify'],
    ]);
    expect(outbox(s).at(-1)!.payload.alert.count).toBe(3);
    // the interval restarts from the re-notification
    const second = lastId(s);
    batch(s, [finding({ ts: T0 + 3 * MIN })], W + HOUR + 10);
    expect(kinds(s, second)).toEqual([]);
  });

  test('renotify_after null: a repeat never notifies again', () => {
    const s = openTemp();
    const never = { ...SETTINGS, policy: { renotifyAfterMs: null, escalate: true } };
    batch(s, [finding({ ts: T0 })], W, never);
    batch(s, [finding({ ts: T0 + MIN })], W + 100 * HOUR, never);
    expect(outbox(s)).toHaveLength(3);
  });

  test('an acknowledged alert is not re-notified', () => {
    const s = openTemp();
    batch(s, [finding({ ts: T0 })], W);
    transitionAlert(s, 1, change('acknowledged'));
    batch(s, [finding({ ts: T0 + MIN })], W + 2 * HOUR);
    expect(outbox(s)).toHaveLength(3);
  });

  test('a severity rise escalates at once, naming the severity the channel knew', () => {
    const s = openTemp();
    batch(s, [finding({ ts: T0, severity: 'MEDIUM' })], W);
    const first = lastId(s);
    batch(s, [finding({ ts: T0 + MIN, severity: 'CRITICAL' })], W + 1);
    expect(kinds(s, first)).toEqual([
      ['hook', 'escalate'],
      ['chat', 'escalate'],
      ['pager', 'escalate'],
    ]);
    expect(outbox(s).at(-1)!.payload).toMatchObject({ previous_severity: 'MEDIUM', alert: { severity: 'CRITICAL' } });
    // the same severity again is not news; a lower one does not lower the alert
    const second = lastId(s);
    batch(s, [finding({ ts: T0 + 2 * MIN, severity: 'LOW' })], W + 2);
    expect(kinds(s, second)).toEqual([]);
  });

  test('a route for HIGH and above hears of a MEDIUM alert when it becomes HIGH (escalate); the others escalate', () => {
    const s = openTemp();
    const routes = [
      { channels: ['chat'], min_severity: null, severities: [], rules: [], hosts: [] },
      { channels: ['pager'], min_severity: 'HIGH' as const, severities: [], rules: [], hosts: [] },
    ];
    const settings = { ...SETTINGS, routes };
    batch(s, [finding({ ts: T0, severity: 'MEDIUM' })], W, settings);
    expect(kinds(s)).toEqual([['chat', 'trigger']]);
    batch(s, [finding({ ts: T0 + MIN, severity: 'HIGH' })], W + 1, settings);
    expect(kinds(s, 1)).toEqual([
      ['chat', 'escalate'],
      ['pager', 'escalate'],
    ]);
    expect(outbox(s).at(-1)!.payload.previous_severity).toBe('MEDIUM');
  });

  test('escalate off: a rise is told only at the next re-notification', () => {
    const s = openTemp();
    const quiet = { ...SETTINGS, policy: { renotifyAfterMs: HOUR, escalate: false } };
    batch(s, [finding({ ts: T0, severity: 'LOW' })], W, quiet);
    batch(s, [finding({ ts: T0 + MIN, severity: 'HIGH' })], W + 1, quiet);
    expect(outbox(s)).toHaveLength(3);
    batch(s, [finding({ ts: T0 + 2 * MIN })], W + HOUR, quiet);
    expect(kinds(s, 3).map((k) => k[1])).toEqual(['renotify', 'renotify', 'renotify']);
  });
});

describe('state changes', () => {
  test('resolving enqueues a resolve for each channel that was told, in the same transaction; once', () => {
    const s = openTemp();
    const routes = [{ channels: ['pager', 'hook'], min_severity: null, severities: [], rules: [], hosts: [] }];
    batch(s, [finding()], W, { ...SETTINGS, routes });
    transitionAlert(s, 1, change('acknowledged'));
    expect(outbox(s)).toHaveLength(2); // acknowledging sends nothing
    transitionAlert(s, 1, change('resolved', W + 5));
    expect(kinds(s, 2)).toEqual([
      ['hook', 'resolve'],
      ['pager', 'resolve'],
    ]);
    const r = outbox(s).at(-1)!;
    expect(r.payload.alert).toMatchObject({ state: 'resolved', state_changed_by: 'ana', comment: 'fixed' });
    expect(s.db.prepare('SELECT created_at FROM notify_outbox WHERE id = ?').pluck().get(r.id)).toBe(W + 5);
    transitionAlert(s, 1, change('resolved')); // again: a new comment, no new notification
    expect(outbox(s)).toHaveLength(4);
  });

  test('reopening a resolved alert triggers the same channels again; resolving again resolves them', () => {
    const s = openTemp();
    batch(s, [finding()], W);
    transitionAlert(s, 1, change('resolved'));
    transitionAlert(s, 1, change('open', W + 10));
    expect(kinds(s, 6).map((k) => k[1])).toEqual(['trigger', 'trigger', 'trigger']);
    transitionAlert(s, 1, change('resolved'));
    expect(kinds(s, 9).map((k) => k[1])).toEqual(['resolve', 'resolve', 'resolve']);
  });

  test('an alert no channel was told of: resolving sends nothing', () => {
    const s = openTemp();
    batch(s, [finding()], W, { ...SETTINGS, channels: [] });
    transitionAlert(s, 1, change('resolved'));
    expect(outbox(s)).toEqual([]);
  });

  test('a refused state change enqueues nothing (the whole transaction rolls back)', () => {
    const s = openTemp();
    batch(s, [finding()], W);
    transitionAlert(s, 1, change('resolved'));
    expect(() => transitionAlert(s, 1, change('acknowledged'))).toThrow(/cannot become acknowledged/);
    expect(outbox(s)).toHaveLength(6);
  });

  test('enqueueForTransition alone: moves that announce nothing', () => {
    const s = openTemp();
    batch(s, [finding()], W);
    const st = outboxOnStore(s);
    expect(enqueueForTransition(st, 1, 'open', 'open', W)).toBe(0);
    expect(enqueueForTransition(st, 1, 'open', 'acknowledged', W)).toBe(0);
    expect(enqueueForTransition(st, 1, 'acknowledged', 'open', W)).toBe(0);
    expect(enqueueForTransition(st, 99, 'open', 'resolved', W)).toBe(0);
  });
});

describe('silences', () => {
  test('a muted alert is stored and enqueues nothing; its first write after the silence triggers', async () => {
    const { createSilence } = await import('../../src/store/silence-store.js');
    const s = openTemp();
    createSilence(s, { matchers: { hosts: ['web-01'] }, starts_at: T0 - HOUR, ends_at: T0 + 5 * MIN, created_by: 'ann', comment: 'patching' }, W);
    expect(batch(s, [finding({ ts: T0 })], T0)).toBe(0);
    expect(outbox(s)).toEqual([]);
    expect(s.db.prepare('SELECT silenced_by FROM alerts WHERE id = 1').pluck().get()).toBe('silence:1');
    // Same alert folded after the silence ended (writer clock too): every channel hears of it.
    expect(batch(s, [finding({ ts: T0 + 6 * MIN })], T0 + 6 * MIN)).toBe(3);
    expect(kinds(s)).toEqual([
      ['hook', 'trigger'],
      ['chat', 'trigger'],
      ['pager', 'trigger'],
    ]);
  });

  test('a window mutes only what it matches', () => {
    const s = openTemp();
    const policy = { maxAlertsPerRulePerHour: 0, windows: [{ name: 'db-maint', cron: '0 * * * *', duration_ms: HOUR, time_zone: 'UTC', matchers: { hosts: ['db-*'] }, comment: '' }] };
    expect(batch(s, [finding({ host: 'db-1', dedup_key: 'a' }), finding({ host: 'web-1', dedup_key: 'b' })], W, SETTINGS, false, policy)).toBe(3);
    expect(outbox(s).map((r) => r.alert_id)).toEqual([2, 2, 2]);
  });
});
