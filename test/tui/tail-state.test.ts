import { describe, expect, test } from 'vitest';
import type { Alert } from '../../src/core/alert.js';
import type { TailEvent } from '../../src/tui/event-line.js';
import { initialState, openAlertCounts, tailReducer, type TailAction, type TailState } from '../../src/tui/tail-state.js';
import { makeEvent, T0 } from '../store/fixtures.js';

const ev = (id: number, over: Partial<TailEvent> = {}): TailEvent => ({ ...makeEvent({ ts: T0 + id, message: `m${id}` }), id, ...over });
const evs = (from: number, to: number): TailEvent[] => Array.from({ length: to - from + 1 }, (_, i) => ev(from + i));
const alert = (id: number, over: Partial<Alert> = {}): Alert => ({
  id,
  rule_id: 'r',
  severity: 'HIGH',
  host: 'h',
  title: `a${id}`,
  first_seen: T0,
  last_seen: T0 + id,
  count: 1,
  sample_event_ids: [],
  state: 'open',
  dedup_key: `r|${id}`,
  state_changed_by: null,
  state_changed_at: null,
  comment: null,
  ...over,
});

const run = (s: TailState, ...actions: TailAction[]): TailState => actions.reduce(tailReducer, s);
const ids = (s: TailState) => s.lines.map((l) => l.id);
const small = () => initialState({ maxLines: 5, maxAlerts: 3 });

describe('lines', () => {
  test.each<[string, TailAction[], number[], Partial<TailState>]>([
    ['nothing', [], [], {}],
    ['reset with nothing', [{ type: 'reset', events: [] }], [], {}],
    ['appending nothing changes nothing', [{ type: 'logs', events: [] }], [], {}],
    ['reset keeps the newest maxLines', [{ type: 'reset', events: evs(1, 8) }], [4, 5, 6, 7, 8], {}],
    ['appended lines scroll in, oldest drop', [{ type: 'reset', events: evs(1, 3) }, { type: 'logs', events: evs(4, 7) }], [3, 4, 5, 6, 7], {}],
    ['a huge batch keeps only the newest', [{ type: 'logs', events: evs(1, 10_000) }], [9996, 9997, 9998, 9999, 10000], {}],
    ['paused: new lines wait', [{ type: 'reset', events: evs(1, 2) }, { type: 'togglePause' }, { type: 'logs', events: evs(3, 4) }], [1, 2], { paused: true, missed: 0 }],
    [
      'paused: beyond the buffer lines are counted, not kept',
      [{ type: 'togglePause' }, { type: 'logs', events: evs(1, 4) }, { type: 'logs', events: evs(5, 12) }],
      [],
      { paused: true, missed: 7 },
    ],
    [
      'resume shows what waited',
      [{ type: 'reset', events: evs(1, 2) }, { type: 'togglePause' }, { type: 'logs', events: evs(3, 4) }, { type: 'togglePause' }],
      [1, 2, 3, 4],
      { paused: false, pending: [], missed: 0, message: null },
    ],
    [
      'a reset while paused drops what waited',
      [{ type: 'togglePause' }, { type: 'logs', events: evs(1, 9) }, { type: 'reset', events: evs(20, 21) }],
      [20, 21],
      { paused: true, pending: [], missed: 0 },
    ],
  ])('%s', (_n, actions, lineIds, more) => {
    const s = run(small(), ...actions);
    expect(ids(s)).toEqual(lineIds);
    expect(s).toMatchObject(more);
  });

  test('resume after skipped lines says how many', () => {
    const s = run(small(), { type: 'togglePause' }, { type: 'logs', events: evs(1, 12) }, { type: 'togglePause' });
    expect(ids(s)).toEqual([8, 9, 10, 11, 12]);
    expect(s.message?.text).toMatch(/7 line\(s\) arrived beyond the pause buffer \(5\)/);
  });

  test('memory stays bounded over a long run, paused or not', () => {
    let s = initialState({ maxLines: 100 });
    for (let i = 0; i < 200; i++) {
      s = tailReducer(s, { type: 'logs', events: evs(i * 50 + 1, i * 50 + 50) });
      if (i % 37 === 0) s = tailReducer(s, { type: 'togglePause' });
      expect(s.lines.length).toBeLessThanOrEqual(100);
      expect(s.pending.length).toBeLessThanOrEqual(100);
    }
  });
});

describe('alerts', () => {
  test.each<[string, TailAction[], number[]]>([
    ['none', [], []],
    ['newest last_seen first', [{ type: 'alerts', alerts: [alert(1), alert(3), alert(2)] }], [3, 2, 1]],
    ['an update moves an alert up', [{ type: 'alerts', alerts: [alert(1), alert(2)] }, { type: 'alerts', alerts: [alert(1, { last_seen: T0 + 99, count: 4 })] }], [1, 2]],
    ['bounded: the least recent drop', [{ type: 'alerts', alerts: [1, 2, 3, 4, 5].map((i) => alert(i)) }], [5, 4, 3]],
    ['reset replaces', [{ type: 'alerts', alerts: [alert(1)] }, { type: 'alertsReset', alerts: [alert(7), alert(8)] }], [8, 7]],
    ['same last_seen: higher id first', [{ type: 'alerts', alerts: [alert(1, { last_seen: 5 }), alert(2, { last_seen: 5 })] }], [2, 1]],
  ])('%s', (_n, actions, alertIds) => {
    expect(run(small(), ...actions).alerts.map((a) => a.id)).toEqual(alertIds);
  });

  test('an update replaces the alert in place (acknowledged, count)', () => {
    const s = run(small(), { type: 'alerts', alerts: [alert(1)] }, { type: 'alerts', alerts: [alert(1, { state: 'acknowledged', count: 9 })] });
    expect(s.alerts).toHaveLength(1);
    expect(s.alerts[0]).toMatchObject({ state: 'acknowledged', count: 9 });
  });

  test('openAlertCounts: open ones per severity, most severe first', () => {
    const list = [alert(1, { severity: 'LOW' }), alert(2, { severity: 'CRITICAL' }), alert(3, { severity: 'LOW' }), alert(4, { severity: 'HIGH', state: 'resolved' })];
    expect(openAlertCounts(list)).toEqual([
      { severity: 'CRITICAL', count: 1 },
      { severity: 'LOW', count: 2 },
    ]);
    expect(openAlertCounts([])).toEqual([]);
  });
});

describe('selection and views', () => {
  const base = () => run(small(), { type: 'reset', events: evs(1, 5) }, { type: 'alerts', alerts: [alert(1), alert(2)] });

  test.each<[string, TailAction[], Partial<TailState>]>([
    ['up from following selects the newest', [{ type: 'move', delta: -1 }], { selectedLog: 5 }],
    ['down from following does nothing', [{ type: 'move', delta: 1 }], { selectedLog: null }],
    ['up twice', [{ type: 'move', delta: -1 }, { type: 'move', delta: -1 }], { selectedLog: 4 }],
    ['up past the oldest stays on it', [{ type: 'move', delta: -1 }, { type: 'move', delta: -100 }], { selectedLog: 1 }],
    ['down past the newest follows again', [{ type: 'move', delta: -1 }, { type: 'move', delta: 1 }], { selectedLog: null }],
    ['esc clears the selection', [{ type: 'move', delta: -2 }, { type: 'back' }], { selectedLog: null }],
    ['a selected line dropped by new lines is forgotten', [{ type: 'move', delta: -1 }, { type: 'move', delta: -4 }, { type: 'logs', events: evs(6, 6) }], { selectedLog: null }],
    ['a selected line still shown is kept', [{ type: 'move', delta: -1 }, { type: 'logs', events: evs(6, 7) }], { selectedLog: 5 }],
    ['tab focuses the alerts and selects the newest', [{ type: 'toggleFocus' }], { focus: 'alerts', selectedAlert: 2 }],
    ['alerts: down then clamp', [{ type: 'toggleFocus' }, { type: 'move', delta: 1 }, { type: 'move', delta: 5 }], { selectedAlert: 1 }],
    ['alerts: up clamps at the top', [{ type: 'toggleFocus' }, { type: 'move', delta: -3 }], { selectedAlert: 2 }],
    ['esc from the alerts pane returns to the logs', [{ type: 'toggleFocus' }, { type: 'back' }], { focus: 'logs' }],
    ['enter without a selection explains', [{ type: 'open' }], { view: { kind: 'list' }, message: { text: 'select a line first: ↑/↓ or k/j', tone: 'info' } }],
    ['enter opens the selected event', [{ type: 'move', delta: -1 }, { type: 'open' }], { view: { kind: 'event', id: 5, detail: null, error: null, scroll: 0 } }],
    ['enter on an alert opens it', [{ type: 'toggleFocus' }, { type: 'open' }], { view: { kind: 'alert', id: 2, scroll: 0 } }],
    ['esc closes a detail view', [{ type: 'move', delta: -1 }, { type: 'open' }, { type: 'back' }], { view: { kind: 'list' }, selectedLog: 5 }],
    ['scrolling a detail view is clamped', [{ type: 'toggleFocus' }, { type: 'open' }, { type: 'move', delta: 50, max: 7 }], { view: { kind: 'alert', id: 2, scroll: 7 } }],
    ['and never below 0', [{ type: 'toggleFocus' }, { type: 'open' }, { type: 'move', delta: -3, max: 7 }], { view: { kind: 'alert', id: 2, scroll: 0 } }],
    ['a detail for another event is ignored', [{ type: 'move', delta: -1 }, { type: 'open' }, { type: 'detail', id: 4, detail: null, error: 'x' }], { view: { kind: 'event', id: 5, detail: null, error: null, scroll: 0 } }],
    ['a detail error is shown', [{ type: 'move', delta: -1 }, { type: 'open' }, { type: 'detail', id: 5, detail: null, error: 'gone' }], { view: { kind: 'event', id: 5, detail: null, error: 'gone', scroll: 0 } }],
  ])('%s', (_n, actions, expected) => {
    expect(run(base(), ...actions)).toMatchObject(expected);
  });

  test('moving with no lines or alerts does nothing', () => {
    const s = small();
    expect(tailReducer(s, { type: 'move', delta: -1 })).toBe(s);
    const a = tailReducer(s, { type: 'toggleFocus' });
    expect(tailReducer(a, { type: 'move', delta: 1 })).toBe(a);
  });
});

describe('prompt and filters', () => {
  test.each<[string, TailState['filter'], TailAction[], Partial<TailState>]>([
    ['the search prompt starts with the current text', { q: 'disk' }, [{ type: 'promptOpen', kind: 'q' }], { prompt: { kind: 'q', text: 'disk' } }],
    ['the host prompt starts with the current hosts', { hosts: ['a', 'b*'] }, [{ type: 'promptOpen', kind: 'host' }], { prompt: { kind: 'host', text: 'a,b*' } }],
    ['editing', {}, [{ type: 'promptOpen', kind: 'q' }, { type: 'promptEdit', text: 'err' }], { prompt: { kind: 'q', text: 'err' } }],
    ['editing without a prompt does nothing', {}, [{ type: 'promptEdit', text: 'x' }], { prompt: null }],
    ['applying then applied', {}, [{ type: 'filterApplying', filter: { q: 'x' } }, { type: 'filterApplied', filter: { q: 'x' } }], { filter: { q: 'x' }, applying: null }],
    ['applying is what the next prompt starts from', {}, [{ type: 'filterApplying', filter: { q: 'x' } }, { type: 'promptOpen', kind: 'q' }], { prompt: { kind: 'q', text: 'x' } }],
    [
      'a failed filter keeps the old one and says why',
      { q: 'old' },
      [{ type: 'filterApplying', filter: { q: 'NOT x' } }, { type: 'filterFailed', message: 'q: NOT needs a left side' }],
      { filter: { q: 'old' }, applying: null, message: { text: 'q: NOT needs a left side', tone: 'error' } },
    ],
  ])('%s', (_n, filter, actions, expected) => {
    expect(run(initialState({ filter }), ...actions)).toMatchObject(expected);
  });
});

describe('status and messages', () => {
  test('status merges', () => {
    const s = run(initialState(), { type: 'status', status: { rate: 3 } }, { type: 'status', status: { lag: 9 } });
    expect(s.status).toMatchObject({ rate: 3, lag: 9, connection: 'starting' });
  });
  test('clearMessage without a message returns the same state', () => {
    const s = initialState();
    expect(tailReducer(s, { type: 'clearMessage' })).toBe(s);
    expect(run(s, { type: 'message', text: 'hi', tone: 'info' }, { type: 'clearMessage' }).message).toBeNull();
  });
  test('limits below 1 are raised to 1', () => {
    expect(initialState({ maxLines: 0, maxAlerts: -5 })).toMatchObject({ maxLines: 1, maxAlerts: 1 });
  });
});
