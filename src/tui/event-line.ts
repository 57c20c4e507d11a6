/**
 * One log event or alert as one line of `tail` output: the compact form kept in the TUI's
 * buffer (TailLine, no raw text or attributes: bounded memory) and the text `--plain` prints.
 * Pure. Control characters in messages are escaped, so a log line can neither break the
 * layout nor send escape sequences to the terminal.
 */
import { SEVERITIES, type Severity, type StoredEvent } from '../core/event.js';
import type { Alert } from '../core/alert.js';
import { levelStyle, paint, severityStyle } from '../client/colors.js';

/** An event as a tail source delivers it: list items from the API carry no raw text. */
export type TailEvent = Omit<StoredEvent, 'raw'> & { raw?: string };

export interface TailLine {
  id: number;
  ts: number;
  level: number | null;
  host: string | null;
  format: string;
  topic: string;
  /** One line, escaped, at most MAX_LINE_MESSAGE characters. */
  message: string;
  /** The highest threat severity on the event. */
  threat: Severity | null;
  parseError: boolean;
}

/** Characters of a message kept per line: wider than any terminal. */
export const MAX_LINE_MESSAGE = 1000;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': ' ' };

/** Escapes control characters (newline as `\n`, ESC as `\u001b`) and cuts to `max` characters, marking the cut with `…`. */
export function oneLine(text: string, max = MAX_LINE_MESSAGE): string {
  const cut = text.length > max * 2 ? text.slice(0, max * 2) : text;
  const esc = cut.replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (esc.length <= max && cut.length === text.length) return esc;
  let kept = esc.slice(0, Math.max(0, max - 1));
  // Never leave half of a surrogate pair at the cut.
  if (/[\ud800-\udbff]$/.test(kept)) kept = kept.slice(0, -1);
  return kept + '…';
}

export function highestThreat(threats: readonly { severity: Severity }[]): Severity | null {
  let best = -1;
  for (const t of threats) best = Math.max(best, SEVERITIES.indexOf(t.severity));
  return best < 0 ? null : SEVERITIES[best]!;
}

export function toTailLine(e: TailEvent): TailLine {
  return {
    id: e.id,
    ts: e.ts,
    level: e.level,
    host: e.host,
    format: e.format,
    topic: e.source.topic,
    message: oneLine(e.message),
    threat: highestThreat(e.threats),
    parseError: e.parse_error !== null,
  };
}

const LEVEL_LABELS = ['EMERG', 'ALERT', 'CRIT', 'ERROR', 'WARN', 'NOTICE', 'INFO', 'DEBUG'] as const;

/** Six columns wide: `ERROR `, `-     ` when the level is unknown. */
export function levelLabel(level: number | null): string {
  return (level === null ? '-' : (LEVEL_LABELS[level] ?? String(level))).padEnd(6);
}

/** How the TUI (Ink) shows a level or a severity; the same scheme as src/client/colors.ts. */
export interface InkStyle {
  color?: string;
  backgroundColor?: string;
  bold?: boolean;
  dimColor?: boolean;
}

export function levelInkStyle(level: number | null): InkStyle {
  if (level === null) return { dimColor: true };
  if (level <= 2) return { color: 'red', bold: true };
  if (level === 3) return { color: 'red' };
  if (level === 4) return { color: 'yellow' };
  if (level === 5) return { color: 'cyan' };
  if (level === 7) return { dimColor: true };
  return { color: 'green' };
}

export function severityInkStyle(s: Severity): InkStyle {
  switch (s) {
    case 'CRITICAL':
      return { color: 'whiteBright', backgroundColor: 'red', bold: true };
    case 'HIGH':
      return { color: 'red', bold: true };
    case 'MEDIUM':
      return { color: 'yellow' };
    case 'LOW':
      return { color: 'cyan' };
  }
}

/** `12:31:07.123` (UTC) for the TUI; the ISO form for plain output and the detail view. */
export function shortTime(ts: number): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString().slice(11, 23);
}

export function isoTime(ts: number): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString();
}

/** `json/system-metrics` */
export function origin(line: Pick<TailLine, 'format' | 'topic'>): string {
  return `${line.format}/${line.topic}`;
}

/** `2025-01-15T12:31:07.000Z ERROR  web-1 json/system-metrics upstream timed out [HIGH]` */
export function plainLogLine(l: TailLine, color: boolean): string {
  const threat = l.threat === null ? '' : ' ' + paint(`[${l.threat}]`, severityStyle(l.threat), color);
  const err = l.parseError ? ' ' + paint('[parse error]', '33', color) : '';
  return `${isoTime(l.ts)} ${paint(levelLabel(l.level), levelStyle(l.level), color)} ${l.host ?? '-'} ${origin(l)} ${l.message}${threat}${err}`;
}

/** `[silenced silence:3]` when a silence or maintenance window muted the alert (stored, not notified); '' otherwise. */
export function silencedMark(a: Pick<Alert, 'silenced_by'>): string {
  return a.silenced_by === null || a.silenced_by === undefined ? '' : `[silenced ${oneLine(a.silenced_by, 80)}]`;
}

/** `2025-01-15T12:31:07.000Z ALERT  HIGH #12 open web-2 port-scan: Port scan tool nc on web-2 (x3) [silenced window:patching]` */
export function plainAlertLine(a: Alert, color: boolean): string {
  const sev = paint(a.severity, severityStyle(a.severity), color);
  const count = a.count > 1 ? ` (x${a.count})` : '';
  const mark = silencedMark(a);
  const silenced = mark === '' ? '' : ' ' + paint(mark, '2', color);
  return `${isoTime(a.last_seen)} ALERT  ${sev} #${a.id} ${a.state} ${a.host ?? '-'} ${oneLine(a.rule_id, 200)}: ${oneLine(a.title, 500)}${count}${silenced}`;
}
