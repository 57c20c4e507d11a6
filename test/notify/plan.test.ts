import { describe, expect, test } from 'vitest';
import { planNotifications, severityOfRank, type AlertChangeFacts, type ChannelMemory, type NotifyPolicy } from '../../src/notify/plan.js';

const HOUR = 3_600_000;
const NOW = 10 * HOUR;
const policy = (over: Partial<NotifyPolicy> = {}): NotifyPolicy => ({ renotifyAfterMs: HOUR, escalate: true, ...over });
const facts = (over: Partial<AlertChangeFacts> = {}): AlertChangeFacts => ({ state: 'open', rank: 3, opened: false, previousRank: 3, ...over });
const told = (rank: number, notifiedAt: number): Map<string, ChannelMemory> => new Map([['c', { rank, notifiedAt }]]);

describe('planNotifications (one channel "c")', () => {
  test.each<[string, Partial<AlertChangeFacts>, Map<string, ChannelMemory>, Partial<NotifyPolicy>, unknown[]]>([
    ['opened: trigger', { opened: true, previousRank: null }, new Map(), {}, [{ channel: 'c', kind: 'trigger', previousSeverity: null }]],
    ['a repeat right after: nothing', {}, told(3, NOW - 1), {}, []],
    ['a repeat just before renotify_after: nothing', {}, told(3, NOW - HOUR + 1), {}, []],
    ['a repeat exactly renotify_after later: renotify', {}, told(3, NOW - HOUR), {}, [{ channel: 'c', kind: 'renotify', previousSeverity: null }]],
    ['renotify_after null: never again', {}, told(3, 0), { renotifyAfterMs: null }, []],
    ['an acknowledged alert is not re-notified', { state: 'acknowledged' }, told(3, 0), {}, []],
    ['severity rose above what was told: escalate', { rank: 4 }, told(3, NOW - 1), {}, [{ channel: 'c', kind: 'escalate', previousSeverity: 'HIGH' }]],
    ['an acknowledged alert still escalates', { rank: 4, state: 'acknowledged' }, told(3, NOW - 1), {}, [{ channel: 'c', kind: 'escalate', previousSeverity: 'HIGH' }]],
    ['escalate off: a rise alone is not news', { rank: 4 }, told(3, NOW - 1), { escalate: false }, []],
    ['escalate off, renotify due: renotify', { rank: 4 }, told(3, 0), { escalate: false }, [{ channel: 'c', kind: 'renotify', previousSeverity: null }]],
    ['the same severity as told is no escalation', { rank: 3, previousRank: 2 }, told(3, NOW - 1), {}, []],
    ['not told yet, the rise routed it here: escalate from the previous rank', { rank: 3, previousRank: 2 }, new Map(), {}, [{ channel: 'c', kind: 'escalate', previousSeverity: 'MEDIUM' }]],
    ['not told yet, escalate off: trigger', { rank: 3, previousRank: 2 }, new Map(), { escalate: false }, [{ channel: 'c', kind: 'trigger', previousSeverity: null }]],
    ['not told yet, no rise (channel added since): trigger', {}, new Map(), {}, [{ channel: 'c', kind: 'trigger', previousSeverity: null }]],
  ])('%s', (_n, f, memory, p, want) => {
    expect(planNotifications(facts(f), ['c'], memory, policy(p), NOW)).toEqual(want);
  });

  test('no routed channel: nothing', () => {
    expect(planNotifications(facts({ opened: true }), [], new Map(), policy(), NOW)).toEqual([]);
  });

  test('each channel decides from its own memory', () => {
    const memory = new Map<string, ChannelMemory>([
      ['slack', { rank: 2, notifiedAt: NOW - 1 }],
      ['hook', { rank: 3, notifiedAt: NOW - 2 * HOUR }],
    ]);
    expect(planNotifications(facts({ rank: 3, previousRank: 2 }), ['slack', 'hook', 'pager'], memory, policy(), NOW)).toEqual([
      { channel: 'slack', kind: 'escalate', previousSeverity: 'MEDIUM' },
      { channel: 'hook', kind: 'renotify', previousSeverity: null },
      { channel: 'pager', kind: 'escalate', previousSeverity: 'MEDIUM' },
    ]);
  });
});

test.each([
  [0, null],
  [1, 'LOW'],
  [4, 'CRITICAL'],
  [5, null],
])('severityOfRank(%i) = %s', (rank, want) => {
  expect(severityOfRank(rank)).toBe(want);
});
