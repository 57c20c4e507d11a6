/**
 * The vocabulary of notifications, shared by the store (which keeps the outbox rows), the
 * notifier (which plans and sends them), the API (which lists them) and the config (which
 * checks body templates against a sample message).
 */
import type { AlertSnapshot } from './alert.js';
import type { Severity } from './event.js';

/**
 * Why a notification was enqueued:
 *   trigger  — the channel hears of the alert for the first time (opened, or reopened);
 *   renotify — a repeat after `notify.renotify_after` since the channel was last told;
 *   escalate — the alert's severity rose above what the channel was last told;
 *   resolve  — the alert was resolved in logagg.
 */
export const OUTBOX_KINDS = ['trigger', 'renotify', 'escalate', 'resolve'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/** pending: waiting or retrying; sent: the endpoint answered 2xx; failed: given up. */
export const OUTBOX_STATES = ['pending', 'sent', 'failed'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** The outbox row's `payload` column (JSON). */
export interface OutboxPayload {
  alert: AlertSnapshot;
  /** The severity the channel was told before (escalate only). */
  previous_severity: Severity | null;
}

/** What a transport is given: one outbox row, ready to render. */
export interface NotifyMessage {
  /** The outbox row id: the idempotency key of the delivery. */
  outbox_id: number;
  kind: OutboxKind;
  /** When the notification was enqueued, epoch ms. */
  created_at: number;
  alert: AlertSnapshot;
  previous_severity: Severity | null;
  /** `notify.dashboard_url` + `/alerts/<id>`; null when no dashboard URL is configured. */
  link: string | null;
}
