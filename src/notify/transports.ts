/**
 * The transport table: one entry per channel type. A new channel type is a new entry here (and
 * its config schema and secret resolution), never a switch somewhere else.
 */
import { sendPagerDuty, type PagerDutyChannel } from './channels/pagerduty.js';
import { sendSlack, type SlackChannel } from './channels/slack.js';
import { sendWebhook, type WebhookChannel } from './channels/webhook.js';
import type { NotifyMessage } from '../core/notification.js';
import type { ChannelTransport, ChannelType, TransportContext } from './types.js';

/** A channel with its secrets read (secrets.ts), ready to send to. */
export type Channel = WebhookChannel | SlackChannel | PagerDutyChannel;

type TransportTable = { [T in ChannelType]: ChannelTransport<Extract<Channel, { type: T }>> };

export const TRANSPORTS: TransportTable = {
  webhook: sendWebhook,
  slack: sendSlack,
  pagerduty: sendPagerDuty,
};

export function deliver(channel: Channel, message: NotifyMessage, ctx: TransportContext): Promise<void> {
  const transport = TRANSPORTS[channel.type] as ChannelTransport<Channel>;
  return transport(channel, message, ctx);
}

/** The strings an error message or a log line must never show for this channel. */
export function channelSecrets(channel: Channel): string[] {
  const out = [channel.url];
  try {
    const u = new URL(channel.url);
    // The path and query of a webhook URL are its credential (Slack: /services/T…/B…/xyz).
    if (u.pathname.length > 1) out.push(u.pathname);
    if (u.search.length > 1) out.push(u.search.slice(1));
    if (u.password) out.push(u.password);
  } catch {
    // validated at start; nothing more to hide
  }
  if (channel.type === 'pagerduty') out.push(channel.routingKey);
  if (channel.type === 'webhook') out.push(...Object.values(channel.headers));
  // Short strings ("1", "yes") would blank out ordinary words.
  return [...new Set(out)].filter((s) => s.length >= 6);
}
