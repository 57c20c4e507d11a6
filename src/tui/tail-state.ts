/**
 * The state of the `tail` TUI and its reducer. Pure: what arrives from the source and what the
 * keys ask for are actions; effects (queries, acknowledging) are commands returned by
 * tail-keys.ts and run by the component.
 *
 * Memory is bounded: at most `maxLines` lines are shown, at most `maxLines` more wait while
 * paused (beyond that they are counted in `missed`, not kept), at most `maxAlerts` alerts.
 */
import { SEVERITIES } from '../core/event.js';
import type { Alert } from '../core/alert.js';
import { toTailLine, type TailEvent, type TailLine } from './event-line.js';
import type { TailFilter } from './tail-filter.js';
import type { EventDetail, TailStatus } from './tail-source.js';

export type Focus = 'logs' | 'alerts';
export type PromptKind = 'q' | 'host';

export type View =
  | { kind: 'list' }
  | { kind: 'event'; id: number; detail: EventDetail | null; error: string | null; scroll: number }
  | { kind: 'alert'; id: number; scroll: number };

export interface TailState {
  /** Shown lines, oldest first. */
  lines: TailLine[];
  /** Lines that arrived while paused, oldest first. */
  pending: TailLine[];
  /** Lines dropped while paused because `pending` was full. */
  missed: number;
  paused: boolean;
  /** Most recently seen first. */
  alerts: Alert[];
  focus: Focus;
  /** Event id of the selected log line; null = following the newest. */
  selectedLog: number | null;
  selectedAlert: number | null;
  view: View;
  prompt: { kind: PromptKind; text: string } | null;
  /** The filter the shown lines match. */
  filter: TailFilter;
  /** A filter sent to the source and not applied yet. */
  applying: TailFilter | null;
  status: TailStatus;
  message: { text: string; tone: 'info' | 'error' } | null;
  maxLines: number;
  maxAlerts: number;
}

export type TailAction =
  | { type: 'reset'; events: readonly TailEvent[] }
  | { type: 'logs'; events: readonly TailEvent[] }
  | { type: 'alertsReset'; alerts: readonly Alert[] }
  | { type: 'alerts'; alerts: readonly Alert[] }
  | { type: 'status'; status: Partial<TailStatus> }
  | { type: 'message'; text: string; tone: 'info' | 'error' }
  | { type: 'clearMessage' }
  | { type: 'togglePause' }
  /** Up/down: moves the selection in the focused pane, or scrolls a detail view (max: last scroll position). */
  | { type: 'move'; delta: number; max?: number }
  | { type: 'toggleFocus' }
  | { type: 'open' }
  | { type: 'back' }
  | { type: 'detail'; id: number; detail: EventDetail | null; error: string | null }
  | { type: 'promptOpen'; kind: PromptKind }
  | { type: 'promptEdit'; text: string }
  | { type: 'promptClose' }
  | { type: 'filterApplying'; filter: TailFilter }
  | { type: 'filterApplied'; filter: TailFilter }
  | { type: 'filterFailed'; message: string };

export const DEFAULT_MAX_LINES = 1000;
export const DEFAULT_MAX_ALERTS = 200;

export function initialState(opts: { filter?: TailFilter; maxLines?: number; maxAlerts?: number } = {}): TailState {
  return {
    lines: [],
    pending: [],
    missed: 0,
    paused: false,
    alerts: [],
    focus: 'logs',
    selectedLog: null,
    selectedAlert: null,
    view: { kind: 'list' },
    prompt: null,
    filter: opts.filter ?? {},
    applying: null,
    status: { rate: null, lag: null, dbBytes: null, behind: 0, connection: 'starting', alerts: { available: true } },
    message: null,
    maxLines: Math.max(1, opts.maxLines ?? DEFAULT_MAX_LINES),
    maxAlerts: Math.max(1, opts.maxAlerts ?? DEFAULT_MAX_ALERTS),
  };
}

function keepLast<T>(items: T[], n: number): T[] {
  return items.length > n ? items.slice(items.length - n) : items;
}

function stillThere(id: number | null, items: readonly { id: number }[]): number | null {
  return id !== null && items.some((x) => x.id === id) ? id : null;
}

/** Newest last_seen first, then highest id. */
function byRecency(a: Alert, b: Alert): number {
  return b.last_seen - a.last_seen || b.id - a.id;
}

function upsertAlerts(current: readonly Alert[], incoming: readonly Alert[], max: number): Alert[] {
  const byId = new Map(current.map((a) => [a.id, a]));
  for (const a of incoming) byId.set(a.id, a);
  return [...byId.values()].sort(byRecency).slice(0, max);
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

function moveSelection(s: TailState, delta: number): TailState {
  if (s.focus === 'logs') {
    const n = s.lines.length;
    if (n === 0) return s;
    const idx = s.selectedLog === null ? -1 : s.lines.findIndex((l) => l.id === s.selectedLog);
    if (idx === -1) return delta < 0 ? { ...s, selectedLog: s.lines[n - 1]!.id } : s;
    const next = idx + delta;
    // Down past the newest line: back to following.
    if (next >= n) return { ...s, selectedLog: null };
    return { ...s, selectedLog: s.lines[Math.max(0, next)]!.id };
  }
  const n = s.alerts.length;
  if (n === 0) return s;
  const idx = s.selectedAlert === null ? -1 : s.alerts.findIndex((a) => a.id === s.selectedAlert);
  const next = idx === -1 ? 0 : clamp(idx + delta, 0, n - 1);
  return { ...s, selectedAlert: s.alerts[next]!.id };
}

export function tailReducer(s: TailState, a: TailAction): TailState {
  switch (a.type) {
    case 'reset': {
      const lines = keepLast(a.events.map(toTailLine), s.maxLines);
      return { ...s, lines, pending: [], missed: 0, selectedLog: stillThere(s.selectedLog, lines) };
    }
    case 'logs': {
      if (a.events.length === 0) return s;
      const incoming = a.events.map(toTailLine);
      if (s.paused) {
        const all = [...s.pending, ...incoming];
        const dropped = Math.max(0, all.length - s.maxLines);
        return { ...s, pending: dropped > 0 ? all.slice(dropped) : all, missed: s.missed + dropped };
      }
      const lines = keepLast([...s.lines, ...incoming], s.maxLines);
      return { ...s, lines, selectedLog: stillThere(s.selectedLog, lines) };
    }
    case 'alertsReset': {
      const alerts = [...a.alerts].sort(byRecency).slice(0, s.maxAlerts);
      return { ...s, alerts, selectedAlert: stillThere(s.selectedAlert, alerts) };
    }
    case 'alerts': {
      if (a.alerts.length === 0) return s;
      const alerts = upsertAlerts(s.alerts, a.alerts, s.maxAlerts);
      return { ...s, alerts, selectedAlert: stillThere(s.selectedAlert, alerts) };
    }
    case 'status':
      return { ...s, status: { ...s.status, ...a.status } };
    case 'message':
      return { ...s, message: { text: a.text, tone: a.tone } };
    case 'clearMessage':
      return s.message === null ? s : { ...s, message: null };
    case 'togglePause': {
      if (!s.paused) return { ...s, paused: true };
      const lines = keepLast([...s.lines, ...s.pending], s.maxLines);
      const message =
        s.missed > 0
          ? { text: `resumed: ${s.missed} line(s) arrived beyond the pause buffer (${s.maxLines}) and were skipped`, tone: 'info' as const }
          : s.message;
      return { ...s, paused: false, lines, pending: [], missed: 0, message, selectedLog: stillThere(s.selectedLog, lines) };
    }
    case 'move': {
      if (s.view.kind !== 'list') {
        const max = a.max ?? Number.MAX_SAFE_INTEGER;
        return { ...s, view: { ...s.view, scroll: clamp(s.view.scroll + a.delta, 0, Math.max(0, max)) } };
      }
      return moveSelection(s, a.delta);
    }
    case 'toggleFocus': {
      const focus: Focus = s.focus === 'logs' ? 'alerts' : 'logs';
      const selectedAlert = focus === 'alerts' && s.selectedAlert === null && s.alerts.length > 0 ? s.alerts[0]!.id : s.selectedAlert;
      return { ...s, focus, selectedAlert };
    }
    case 'open': {
      if (s.view.kind !== 'list') return s;
      if (s.focus === 'logs') {
        if (s.selectedLog === null) return { ...s, message: { text: 'select a line first: ↑/↓ or k/j', tone: 'info' } };
        return { ...s, view: { kind: 'event', id: s.selectedLog, detail: null, error: null, scroll: 0 } };
      }
      if (s.selectedAlert === null) return { ...s, message: { text: 'no alert selected', tone: 'info' } };
      return { ...s, view: { kind: 'alert', id: s.selectedAlert, scroll: 0 } };
    }
    case 'back':
      if (s.view.kind !== 'list') return { ...s, view: { kind: 'list' } };
      if (s.focus === 'logs' && s.selectedLog !== null) return { ...s, selectedLog: null };
      if (s.focus === 'alerts') return { ...s, focus: 'logs' };
      return s;
    case 'detail':
      if (s.view.kind !== 'event' || s.view.id !== a.id) return s;
      return { ...s, view: { ...s.view, detail: a.detail, error: a.error } };
    case 'promptOpen': {
      const f = s.applying ?? s.filter;
      const text = a.kind === 'q' ? (f.q ?? '') : (f.hosts ?? []).join(',');
      return { ...s, prompt: { kind: a.kind, text } };
    }
    case 'promptEdit':
      return s.prompt === null ? s : { ...s, prompt: { ...s.prompt, text: a.text } };
    case 'promptClose':
      return s.prompt === null ? s : { ...s, prompt: null };
    case 'filterApplying':
      return { ...s, applying: a.filter };
    case 'filterApplied':
      return { ...s, filter: a.filter, applying: null };
    case 'filterFailed':
      return { ...s, applying: null, message: { text: a.message, tone: 'error' } };
  }
}

/** Open alerts per severity, most severe first, for the alerts pane title. */
export function openAlertCounts(alerts: readonly Alert[]): { severity: (typeof SEVERITIES)[number]; count: number }[] {
  return [...SEVERITIES]
    .reverse()
    .map((severity) => ({ severity, count: alerts.filter((a) => a.state === 'open' && a.severity === severity).length }))
    .filter((c) => c.count > 0);
}
