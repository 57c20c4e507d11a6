/**
 * What a key does in the `tail` TUI. Pure: the state and the key in, reducer actions and at
 * most one command (an effect the component runs: a filter query, loading an event,
 * acknowledging an alert, quitting) out.
 *
 * List view:  / text search · h hosts · l / L level up / down · c clear filters
 *             space or p pause · ↑↓ or k j select · tab logs/alerts · enter open
 *             a acknowledge the selected alert · esc back · q quit
 * Detail:     ↑↓ k j scroll · PgUp/PgDn · a acknowledge (alert view) · esc back · q quit
 * Prompt:     type · backspace · ctrl+u clear · enter apply · esc cancel
 */
import { cycleLevel, parseHostsInput, parseQueryInput, withFilter, type TailFilter } from './tail-filter.js';
import type { TailAction, TailState } from './tail-state.js';

/** The parts of Ink's Key that tail uses (kept apart so this stays testable without Ink). */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

export type TailCommand =
  | { type: 'quit' }
  | { type: 'filter'; filter: TailFilter }
  | { type: 'detail'; id: number }
  | { type: 'ack'; alertId: number };

export interface KeyResult {
  actions: TailAction[];
  command?: TailCommand;
}

export interface KeyContext {
  /** Rows of the visible pane, for page up / page down. */
  pageRows: number;
  /** The largest scroll offset of the open detail view. */
  maxScroll: number;
}

const MAX_PROMPT = 500;

function promptKey(s: TailState, input: string, key: KeyInfo): KeyResult {
  const p = s.prompt!;
  if (key.escape) return { actions: [{ type: 'promptClose' }] };
  if (key.return) {
    const base = s.applying ?? s.filter;
    const filter = p.kind === 'q' ? withFilter(base, 'q', parseQueryInput(p.text)) : withFilter(base, 'hosts', parseHostsInput(p.text));
    return { actions: [{ type: 'promptClose' }, { type: 'filterApplying', filter }], command: { type: 'filter', filter } };
  }
  // Terminals send DEL (0x7f) for the backspace key; Ink reports it as `delete`.
  if (key.backspace || key.delete) return { actions: [{ type: 'promptEdit', text: [...p.text].slice(0, -1).join('') }] };
  if (key.ctrl && input === 'u') return { actions: [{ type: 'promptEdit', text: '' }] };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return { actions: [] };
  // Pasted text arrives as one input; newlines and other control characters are dropped.
  const typed = input.replace(/[\u0000-\u001f\u007f]/g, '');
  if (typed === '') return { actions: [] };
  return { actions: [{ type: 'promptEdit', text: (p.text + typed).slice(0, MAX_PROMPT) }] };
}

export function handleKey(s: TailState, input: string, key: KeyInfo, ctx: KeyContext): KeyResult {
  if (s.prompt !== null) return promptKey(s, input, key);
  const actions: TailAction[] = s.message !== null ? [{ type: 'clearMessage' }] : [];
  const done = (more: TailAction[] = [], command?: TailCommand): KeyResult => (command ? { actions: [...actions, ...more], command } : { actions: [...actions, ...more] });

  if (input === 'q' || (key.ctrl && input === 'c')) return done([], { type: 'quit' });
  if (key.escape) return done([{ type: 'back' }]);

  const page = Math.max(1, ctx.pageRows - 1);
  const step = key.upArrow || input === 'k' ? -1 : key.downArrow || input === 'j' ? 1 : key.pageUp ? -page : key.pageDown ? page : 0;

  if (s.view.kind !== 'list') {
    if (step !== 0) return done([{ type: 'move', delta: step, max: ctx.maxScroll }]);
    if (input === 'a') {
      if (s.view.kind === 'alert') return done([], { type: 'ack', alertId: s.view.id });
      return done([{ type: 'message', text: 'to acknowledge: esc, tab to the alerts pane, select the alert, press a', tone: 'info' }]);
    }
    return done();
  }

  if (step !== 0) return done([{ type: 'move', delta: step }]);
  if (key.tab) return done([{ type: 'toggleFocus' }]);
  if (key.return) {
    if (s.focus === 'logs' && s.selectedLog !== null) return done([{ type: 'open' }], { type: 'detail', id: s.selectedLog });
    return done([{ type: 'open' }]);
  }
  const base = s.applying ?? s.filter;
  switch (input) {
    case '/':
      return done([{ type: 'promptOpen', kind: 'q' }]);
    case 'h':
      return done([{ type: 'promptOpen', kind: 'host' }]);
    case 'l':
    case 'L': {
      const filter = withFilter(base, 'minLevel', cycleLevel(base.minLevel, input === 'l' ? 1 : -1));
      return done([{ type: 'filterApplying', filter }], { type: 'filter', filter });
    }
    case 'c':
      return done([{ type: 'filterApplying', filter: {} }], { type: 'filter', filter: {} });
    case ' ':
    case 'p':
      return done([{ type: 'togglePause' }]);
    case 'a':
      if (s.focus === 'alerts' && s.selectedAlert !== null) return done([], { type: 'ack', alertId: s.selectedAlert });
      return done([{ type: 'message', text: 'select an alert first: tab to the alerts pane, ↑/↓, then a', tone: 'info' }]);
    default:
      return done();
  }
}
