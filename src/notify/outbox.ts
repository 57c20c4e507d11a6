/**
 * Deciding what the notification outbox gets, inside the transaction of the alert change being
 * announced: the batch's (enqueueForAlerts, from the detector's hook) or the state change's
 * (enqueueForTransition, the hook transitionAlert is given). Either the alert change and its
 * notifications are stored together, or neither is: a crash never loses a notification, and a
 * replayed batch never enqueues one twice (its first try was rolled back whole).
 *
 * The rows are read and written through OutboxWrites (src/store/outbox-writes.ts), on the
 * connection of whatever transaction the caller holds.
 */
import type { AlertState } from '../core/alert.js';
import type { AlertWritten } from '../store/alert-store.js';
import type { OutboxWrites } from '../store/outbox-writes.js';
import { planNotifications, type ChannelMemory, type NotifyPolicy } from './plan.js';
import { routeAlert, type RouteConfig } from './routing.js';

/** What the batch hook needs from the config. */
export interface EnqueueSettings {
  routes: readonly RouteConfig[];
  /** Configured channel names, in config order. */
  channels: readonly string[];
  policy: NotifyPolicy;
}

/**
 * Enqueues what the alerts opened or updated by one batch call for (plan.ts), and remembers
 * what each channel was told. An alert a silence or a maintenance window muted (silenced_by,
 * set by applyFindings) gets nothing. Returns the number of rows enqueued.
 */
export function enqueueForAlerts(outbox: OutboxWrites, written: readonly AlertWritten[], s: EnqueueSettings, now: number): number {
  if (written.length === 0 || s.channels.length === 0) return 0;
  // An alert may be written several times in one batch: opened wins, the first previous rank counts.
  const byId = new Map<number, { opened: boolean; previousRank: number | null }>();
  for (const w of written) {
    const seen = byId.get(w.alertId);
    if (seen === undefined) byId.set(w.alertId, { opened: w.opened, previousRank: w.previousRank });
    else if (w.opened) seen.opened = true;
  }
  let n = 0;
  for (const [id, w] of byId) {
    const current = outbox.alert(id);
    // A muted alert is stored but not announced; after the silence, its next write is (plan.ts: a trigger).
    if (current === undefined || current.silencedBy !== null) continue;
    const alert = current.snapshot;
    const routed = routeAlert(s.routes, s.channels, alert);
    if (routed.length === 0) continue;
    const memory = new Map<string, ChannelMemory>();
    for (const m of outbox.lastTold(id)) memory.set(m.channel, { rank: m.rank, notifiedAt: m.notifiedAt });
    const planned = planNotifications({ state: current.state, rank: current.rank, opened: w.opened, previousRank: w.previousRank }, routed, memory, s.policy, now);
    if (planned.length === 0) continue;
    for (const p of planned) {
      outbox.insert(id, p.channel, p.kind, { alert, previous_severity: p.previousSeverity }, now);
      outbox.remember(id, p.channel, current.rank, now);
      n++;
    }
  }
  return n;
}

/**
 * The hook transitionAlert calls inside its transaction. Resolving an alert enqueues a
 * `resolve` for every channel that was told of it; reopening a resolved alert enqueues a
 * `trigger` for the same channels. Acknowledging sends nothing. Needs no config: the channels
 * are those on record. Returns the number of rows enqueued.
 */
export function enqueueForTransition(outbox: OutboxWrites, alertId: number, from: AlertState, to: AlertState, at: number): number {
  if (from === to) return 0;
  const resolving = to === 'resolved';
  const reopening = from === 'resolved' && to === 'open';
  if (!resolving && !reopening) return 0;
  const channels = outbox.toldChannels(alertId, !resolving);
  if (channels.length === 0) return 0;
  const current = outbox.alert(alertId);
  if (current === undefined) return 0;
  const alert = current.snapshot;
  for (const c of channels) outbox.insert(alertId, c, resolving ? 'resolve' : 'trigger', { alert, previous_severity: null }, at);
  if (resolving) outbox.markResolved(alertId);
  else outbox.markReopened(alertId, at, current.rank);
  return channels.length;
}
