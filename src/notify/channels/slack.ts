/**
 * A Slack incoming webhook: a readable message (Block Kit, with a plain `text` fallback for
 * notifications and old clients) giving the severity, title, host, rule, count, times and a
 * link to the alert. Slack's own markup characters in alert fields are escaped, so a title
 * cannot ping a channel or forge a link.
 */
import type { Severity } from '../../core/event.js';
import { hostSuffix, isoTime } from '../../core/message-view.js';
import type { OutboxKind } from '../../core/notification.js';
import type { NotifyMessage } from '../../core/notification.js';
import type { ChannelTransport, HttpRequest } from '../types.js';

export interface SlackChannel {
  type: 'slack';
  name: string;
  /** The incoming-webhook URL. Secret: never logged, never in an error message. */
  url: string;
}

const SEVERITY_EMOJI: Record<Severity, string> = { LOW: ':large_blue_circle:', MEDIUM: ':large_yellow_circle:', HIGH: ':large_orange_circle:', CRITICAL: ':red_circle:' };
const KIND_EMOJI: Record<OutboxKind, string> = { trigger: ':rotating_light:', renotify: ':repeat:', escalate: ':arrow_double_up:', resolve: ':white_check_mark:' };

/** Slack's mrkdwn needs &, < and > escaped; nothing else is interpreted inside text. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The headline, without emoji: "Resolved: [HIGH] title". */
export function slackHeadline(m: NotifyMessage): string {
  const a = m.alert;
  const t = `[${a.severity}] ${a.title}`;
  switch (m.kind) {
    case 'trigger':
      return `Alert: ${t}`;
    case 'renotify':
      return `Still open: ${t}`;
    case 'escalate':
      return `Escalated ${m.previous_severity ?? '?'} → ${a.severity}: ${a.title}`;
    case 'resolve':
      return `Resolved: ${t}`;
  }
}

export function slackRequest(m: NotifyMessage): HttpRequest {
  const a = m.alert;
  const headline = slackHeadline(m);
  const by = m.kind === 'resolve' && a.state_changed_by !== null ? ` by ${a.state_changed_by}` : '';
  const where = hostSuffix(a.title, a.host);
  const fields = [
    ['Severity', `${SEVERITY_EMOJI[a.severity]} ${a.severity}`],
    ['Host', a.host ?? '—'],
    ['Rule', `${a.rule_name} (${a.rule_id})`],
    ['Count', String(a.count)],
    ['First seen', isoTime(a.first_seen)],
    ['Last seen', isoTime(a.last_seen)],
  ].map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${slackEscape(v!)}` }));
  const linkText = m.link === null ? `Alert #${a.id} in logagg` : `<${m.link.replace(/[|>]/g, encodeURIComponent)}|Open alert #${a.id} in logagg>`;
  const footer = [linkText];
  if (m.kind === 'resolve' && a.comment) footer.push(`Comment: ${slackEscape(a.comment)}`);
  const body = {
    // The fallback shown in notifications and by clients without blocks.
    text: `${KIND_EMOJI[m.kind]} ${slackEscape(headline)}${slackEscape(where)}${slackEscape(by)} (rule ${slackEscape(a.rule_id)}, count ${a.count})`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${KIND_EMOJI[m.kind]} *${slackEscape(headline)}*${slackEscape(by)}` } },
      { type: 'section', fields },
      { type: 'context', elements: footer.map((text) => ({ type: 'mrkdwn', text })) },
    ],
  };
  return { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

export const sendSlack: ChannelTransport<SlackChannel> = (channel, message, ctx) => ctx.send(channel.url, slackRequest(message));
