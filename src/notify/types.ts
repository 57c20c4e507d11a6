/**
 * The vocabulary of alert notifications: what a channel is sent, and the transport table's
 * entry type (what the outbox holds is in src/core/notification.ts). A new channel type is a
 * new entry in TRANSPORTS (transports.ts), not an edit to a switch.
 */
import type { AlertSnapshot } from '../core/alert.js';
import type { OutboxKind } from '../core/notification.js';
import type { Severity } from '../core/event.js';

export const CHANNEL_TYPES = ['webhook', 'slack', 'pagerduty'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

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
