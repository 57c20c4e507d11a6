/**
 * A generic webhook: POST (or PUT) to a configured URL with configured headers. The body is the
 * message's JSON (messageView) or, when a body template is configured, the template rendered
 * over it. Every request carries `Idempotency-Key: <outbox id>`, and the default body carries
 * `outbox_id`: a receiver that remembers them drops the rare repeat (docs/notify.md).
 */
import { VERSION } from '../../version.js';
import { messageView } from '../../core/message-view.js';
import type { CompiledTemplate } from '../../core/notify-template.js';
import type { NotifyMessage } from '../../core/notification.js';
import type { ChannelTransport, HttpRequest } from '../types.js';

export interface WebhookChannel {
  type: 'webhook';
  name: string;
  /** Secret: never logged, never in an error message. */
  url: string;
  method: 'POST' | 'PUT';
  /** Extra headers; their values are treated as secrets too. */
  headers: Readonly<Record<string, string>>;
  /** null = the message's JSON. */
  template: CompiledTemplate | null;
  contentType: string;
}

/** Headers the channel's own `headers` cannot replace: the delivery guarantee depends on them. */
const FIXED = ['idempotency-key', 'content-length', 'host'];

export function webhookRequest(channel: WebhookChannel, message: NotifyMessage): HttpRequest {
  const view = messageView(message) as unknown as Record<string, unknown>;
  const body = channel.template === null ? JSON.stringify(view) : channel.template.render(view);
  const headers: Record<string, string> = { 'Content-Type': channel.contentType, 'User-Agent': `logagg/${VERSION}` };
  for (const [k, v] of Object.entries(channel.headers)) {
    if (FIXED.includes(k.toLowerCase())) continue;
    // A configured Content-Type or User-Agent replaces ours (case-insensitively).
    for (const own of Object.keys(headers)) if (own.toLowerCase() === k.toLowerCase()) delete headers[own];
    headers[k] = v;
  }
  headers['Idempotency-Key'] = String(message.outbox_id);
  return { method: channel.method, headers, body };
}

export const sendWebhook: ChannelTransport<WebhookChannel> = (channel, message, ctx) => ctx.send(channel.url, webhookRequest(channel, message));
