/**
 * Deciding, when detection has opened or updated an alert, which channels are told and how.
 * Pure: the outbox writer (outbox.ts) reads the facts, calls this, and writes the result in the
 * batch's transaction.
 *
 *   - A channel the alert is routed to that has not been told of it yet: `trigger` — or
 *     `escalate` when a severity rise is what routed it there (a route for HIGH and above
 *     hears of a MEDIUM alert when it becomes HIGH).
 *   - A channel already told: `escalate` when the severity rose above what it was told
 *     (notify.escalate), else `renotify` when the alert is open (not acknowledged) and the channel
 *     was last told `renotify_after` or longer ago; else nothing: a repeat is not news.
 */
import type { AlertState } from '../core/alert.js';
import { SEVERITIES, type Severity } from '../core/event.js';
import type { OutboxKind } from '../core/notification.js';

export interface NotifyPolicy {
  /** ms; null = never re-notify. */
  renotifyAfterMs: number | null;
  /** Notify again when the severity rises. */
  escalate: boolean;
}

/** What a channel was last told about an alert (table notify_alert_channels). */
export interface ChannelMemory {
  /** 1 LOW … 4 CRITICAL. */
  rank: number;
  /** Writer clock, epoch ms. */
  notifiedAt: number;
}

export interface AlertChangeFacts {
  state: AlertState;
  /** Current severity rank, 1 LOW … 4 CRITICAL. */
  rank: number;
  /** True when this batch opened the alert. */
  opened: boolean;
  /** The rank before this batch (null when it opened the alert). */
  previousRank: number | null;
}

export interface PlannedNotification {
  channel: string;
  kind: Exclude<OutboxKind, 'resolve'>;
  /** The severity the channel knew before (escalate). */
  previousSeverity: Severity | null;
}

export function severityOfRank(rank: number): Severity | null {
  return SEVERITIES[rank - 1] ?? null;
}

export function planNotifications(
  a: AlertChangeFacts,
  routed: readonly string[],
  memory: ReadonlyMap<string, ChannelMemory>,
  policy: NotifyPolicy,
  now: number,
): PlannedNotification[] {
  const out: PlannedNotification[] = [];
  for (const channel of routed) {
    const m = memory.get(channel);
    if (m === undefined) {
      const rose = !a.opened && a.previousRank !== null && a.rank > a.previousRank;
      out.push(rose && policy.escalate ? { channel, kind: 'escalate', previousSeverity: severityOfRank(a.previousRank!) } : { channel, kind: 'trigger', previousSeverity: null });
    } else if (policy.escalate && a.rank > m.rank) {
      out.push({ channel, kind: 'escalate', previousSeverity: severityOfRank(m.rank) });
    } else if (policy.renotifyAfterMs !== null && a.state === 'open' && now - m.notifiedAt >= policy.renotifyAfterMs) {
      out.push({ channel, kind: 'renotify', previousSeverity: null });
    }
  }
  return out;
}
