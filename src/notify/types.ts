/**
 * The vocabulary of alert notifications: what a channel is sent, and the transport table's
 * entry type (what the outbox holds is in src/core/notification.ts). A new channel type is a
 * new entry in TRANSPORTS (transports.ts), not an edit to a switch.
 */
import type { NotifyMessage } from '../core/notification.js';

export const CHANNEL_TYPES = ['webhook', 'slack', 'pagerduty'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

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
