/**
 * The vocabulary of alert notifications: what the outbox holds, what a channel is sent, and the
 * transport table's entry type. A new channel type is a new entry in TRANSPORTS
 * (transports.ts), not an edit to a switch.
 */
import type { AlertSnapshot } from '../core/alert.js';
import type { Severity } from '../core/event.js';

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

export const CHANNEL_TYPES = ['webhook', 'slack', 'pagerduty'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

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

/** One HTTP request a transport wants sent. */
export interface HttpRequest {
  method: 'POST' | 'PUT';
  /** Header names as given; Content-Type included. */
  headers: Record<string, string>;
  body: string;
}

export interface TransportContext {
  /**
   * Sends the request to `url`. Resolves on a 2xx answer; throws a DeliveryError otherwise
   * (its message never holds the URL or another secret).
   */
  send(url: string, request: HttpRequest): Promise<void>;
}

/** Delivers one message to one channel; resolves once the endpoint accepted it. */
export type ChannelTransport<C> = (channel: C, message: NotifyMessage, ctx: TransportContext) => Promise<void>;
