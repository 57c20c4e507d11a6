import { describe, expect, test } from 'vitest';
import type { Alert } from '../../src/core/alert.js';
import { handleKey, type KeyInfo, type KeyResult } from '../../src/tui/tail-keys.js';
import { initialState, tailReducer, type TailAction, type TailState } from '../../src/tui/tail-state.js';
import { makeEvent, T0 } from '../store/fixtures.js';

const alert: Alert = {
  id: 9,
  rule_id: 'r',
  severity: 'LOW',
  host: 'h',
  title: 't',
  first_seen: T0,
  last_seen: T0,
  count: 1,
  sample_event_ids: [],
  state: 'open',
  dedup_key: 'k',
  state_changed_by: null,
  state_changed_at: null,
  comment: null,
};

const ctx = { pageRows: 10, maxScroll: 20 };
const prepared = (...actions: TailAction[]): TailState =>
  actions.reduce(tailReducer, tailReducer(tailReducer(initialState(), { type: 'reset', events: [1, 2, 3].map((id) => ({ ...makeEvent(), id })) }), { type: 'alerts', alerts: [alert] }));

const list = prepared();
const selected = prepared({ type: 'move', delta: -1 });
const alertsFocus = prepared({ type: 'toggleFocus' });
const withMessage = prepared({ type: 'message', text: 'old', tone: 'info' });
const eventView = prepared({ type: 'move', delta: -1 }, { type: 'open' });
const alertView = prepared({ type: 'toggleFocus' }, { type: 'open' });
const searchPrompt = prepared({ type: 'promptOpen', kind: 'q' }, { type: 'promptEdit', text: 'disk' });
const hostPrompt = prepared({ type: 'promptOpen', kind: 'host' }, { type: 'promptEdit', text: 'web-*, DB-1' });
const filtered = prepared({ type: 'filterApplied', filter: { q: 'x', minLevel: 4 } });

describe('handleKey', () => {
  test.each<[string, TailState, string, KeyInfo, KeyResult]>([
    ['an unknown key does nothing', list, 'z', {}, { actions: [] }],
    ['any key clears a message', withMessage, 'z', {}, { actions: [{ type: 'clearMessage' }] }],
    ['q quits', list, 'q', {}, { actions: [], command: { type: 'quit' } }],
    ['ctrl+c quits', list, 'c', { ctrl: true }, { actions: [], command: { type: 'quit' } }],
    ['q quits from a detail view too', eventView, 'q', {}, { actions: [], command: { type: 'quit' } }],
    ['/ opens the search prompt', list, '/', {}, { actions: [{ type: 'promptOpen', kind: 'q' }] }],
    ['h opens the host prompt', list, 'h', {}, { actions: [{ type: 'promptOpen', kind: 'host' }] }],
    ['l tightens the level', filtered, 'l', {}, { actions: [{ type: 'filterApplying', filter: { q: 'x', minLevel: 3 } }], command: { type: 'filter', filter: { q: 'x', minLevel: 3 } } }],
    ['L loosens it', filtered, 'L', {}, { actions: [{ type: 'filterApplying', filter: { q: 'x', minLevel: 5 } }], command: { type: 'filter', filter: { q: 'x', minLevel: 5 } } }],
    ['l from no level starts at debug', list, 'l', {}, { actions: [{ type: 'filterApplying', filter: { minLevel: 7 } }], command: { type: 'filter', filter: { minLevel: 7 } } }],
    ['c clears every filter', filtered, 'c', {}, { actions: [{ type: 'filterApplying', filter: {} }], command: { type: 'filter', filter: {} } }],
    ['space pauses', list, ' ', {}, { actions: [{ type: 'togglePause' }] }],
    ['p pauses', list, 'p', {}, { actions: [{ type: 'togglePause' }] }],
    ['up selects', list, '', { upArrow: true }, { actions: [{ type: 'move', delta: -1 }] }],
    ['k selects', list, 'k', {}, { actions: [{ type: 'move', delta: -1 }] }],
    ['j moves down', list, 'j', {}, { actions: [{ type: 'move', delta: 1 }] }],
    ['page up moves a page', list, '', { pageUp: true }, { actions: [{ type: 'move', delta: -9 }] }],
    ['tab switches panes', list, '', { tab: true }, { actions: [{ type: 'toggleFocus' }] }],
    ['enter without a selection asks for one', list, '', { return: true }, { actions: [{ type: 'open' }] }],
    ['enter on a line opens it and loads it', selected, '', { return: true }, { actions: [{ type: 'open' }], command: { type: 'detail', id: 3 } }],
    ['enter on an alert opens it', alertsFocus, '', { return: true }, { actions: [{ type: 'open' }] }],
    ['a on the selected alert acknowledges it', alertsFocus, 'a', {}, { actions: [], command: { type: 'ack', alertId: 9 } }],
    ['a without a selected alert explains', list, 'a', {}, { actions: [{ type: 'message', text: 'select an alert first: tab to the alerts pane, ↑/↓, then a', tone: 'info' }] }],
    ['a in an alert view acknowledges it', alertView, 'a', {}, { actions: [], command: { type: 'ack', alertId: 9 } }],
    ['a in an event view explains', eventView, 'a', {}, { actions: [{ type: 'message', text: 'to acknowledge: esc, tab to the alerts pane, select the alert, press a', tone: 'info' }] }],
    ['esc goes back', eventView, '', { escape: true }, { actions: [{ type: 'back' }] }],
    ['down scrolls a detail view within its length', eventView, '', { downArrow: true }, { actions: [{ type: 'move', delta: 1, max: 20 }] }],
    ['page down scrolls a page', alertView, '', { pageDown: true }, { actions: [{ type: 'move', delta: 9, max: 20 }] }],
    ['filter keys do nothing in a detail view', eventView, '/', {}, { actions: [] }],
    ['typing in the prompt', searchPrompt, ' full', {}, { actions: [{ type: 'promptEdit', text: 'disk full' }] }],
    ['q is typed, not quit, in the prompt', searchPrompt, 'q', {}, { actions: [{ type: 'promptEdit', text: 'diskq' }] }],
    ['control characters of a paste are dropped', searchPrompt, '\r\nx\u001b', {}, { actions: [{ type: 'promptEdit', text: 'diskx' }] }],
    ['backspace', searchPrompt, '', { backspace: true }, { actions: [{ type: 'promptEdit', text: 'dis' }] }],
    ['DEL (reported as delete) erases too', searchPrompt, '', { delete: true }, { actions: [{ type: 'promptEdit', text: 'dis' }] }],
    ['ctrl+u clears the line', searchPrompt, 'u', { ctrl: true }, { actions: [{ type: 'promptEdit', text: '' }] }],
    ['arrows are ignored in the prompt', searchPrompt, '', { upArrow: true }, { actions: [] }],
    ['esc cancels the prompt', searchPrompt, '', { escape: true }, { actions: [{ type: 'promptClose' }] }],
    [
      'enter applies the search',
      searchPrompt,
      '',
      { return: true },
      { actions: [{ type: 'promptClose' }, { type: 'filterApplying', filter: { q: 'disk' } }], command: { type: 'filter', filter: { q: 'disk' } } },
    ],
    [
      'enter applies the hosts, lower-cased',
      hostPrompt,
      '',
      { return: true },
      { actions: [{ type: 'promptClose' }, { type: 'filterApplying', filter: { hosts: ['web-*', 'db-1'] } }], command: { type: 'filter', filter: { hosts: ['web-*', 'db-1'] } } },
    ],
  ])('%s', (_n, state, input, key, expected) => {
    expect(handleKey(state, input, key, ctx)).toEqual(expected);
  });

  test('an empty search clears the text filter and keeps the others', () => {
    const s = [{ type: 'promptOpen', kind: 'q' } as const, { type: 'promptEdit', text: '   ' } as const].reduce(tailReducer, filtered);
    expect(handleKey(s, '', { return: true }, ctx).command).toEqual({ type: 'filter', filter: { minLevel: 4 } });
  });

  test('a prompt text is capped', () => {
    const s = tailReducer(tailReducer(list, { type: 'promptOpen', kind: 'q' }), { type: 'promptEdit', text: 'x'.repeat(499) });
    expect(handleKey(s, 'abc', {}, ctx).actions).toEqual([{ type: 'promptEdit', text: 'x'.repeat(499) + 'a' }]);
  });
});
