import { z } from 'zod';
import { SEVERITIES } from '../../core/event.js';
import { isHttpUrl } from '../../core/net/url.js';
import { messageView, sampleMessage } from '../../core/message-view.js';
import { compileTemplate, TemplateError } from '../../core/notify-template.js';
import { durationSchema } from '../units.js';

/**
 * The `notify:` section of the config: alert notification channels (webhook, Slack,
 * PagerDuty), routing, re-notify and escalation, and the sender's retry policy. Wired into the
 * schema in src/config/schema.ts; config/default.yaml documents the same keys with the same
 * defaults; docs/notify.md explains them.
 *
 * Secrets (webhook URLs, routing keys, header values) are given inline, in a file (`*_file`)
 * or in an environment variable named by `*_env`; they are read at start (src/notify/secrets.ts).
 * No message here ever repeats a secret's value.
 */

const duration = durationSchema();

/** The PagerDuty Events API v2 endpoint: notify.channels.<name>.url's default for type pagerduty. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

const severity = z.enum(SEVERITIES);
export const CHANNEL_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const CHANNEL_NAME_RULE = 'a channel name: lower-case letters, digits, "_" or "-" (at most 63)';
const channelName = z.string().regex(CHANNEL_NAME, CHANNEL_NAME_RULE);
/** RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const envVar = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name');

/** A secret URL: checked without ever quoting it back. */
const secretUrl = z
  .string()
  .nullable()
  .default(null)
  .refine((v) => v === null || isHttpUrl(v), 'not an http(s) URL (the value is not repeated here: it is a secret)');

/** Exactly one of `key`, `key_file`, `key_env` (the first may be optional: `required` false). */
function oneSource(c: Record<string, unknown>, key: string, ctx: z.core.$RefinementCtx, required = true): void {
  const given = [key, `${key}_file`, `${key}_env`].filter((k) => c[k] !== null && c[k] !== undefined && c[k] !== '');
  if (given.length > 1) ctx.addIssue({ code: 'custom', path: [given[1]!], message: `give one of ${key}, ${key}_file and ${key}_env, not ${given.join(' and ')}` });
  if (required && given.length === 0) ctx.addIssue({ code: 'custom', path: [key], message: `required: set ${key}, ${key}_file (a file holding it) or ${key}_env (an environment variable holding it)` });
}

const webhookSchema = z
  .strictObject({
    type: z.literal('webhook'),
    /** The endpoint. Secret: prefer url_file or url_env. */
    url: secretUrl,
    url_file: z.string().min(1).nullable().default(null),
    url_env: envVar.nullable().default(null),
    method: z.enum(['POST', 'PUT']).default('POST'),
    /** Extra request headers (values are treated as secrets: never logged). */
    headers: z.record(z.string(), z.string()).default({}),
    /** Headers whose value comes from an environment variable: { Authorization: HOOK_AUTH }. */
    headers_env: z.record(z.string(), envVar).default({}),
    /** JSON with {{field}} placeholders (docs/notify.md); null = the message's JSON. */
    body_template: z.string().nullable().default(null),
    content_type: z.string().min(1).default('application/json'),
  })
  .superRefine((c, ctx) => {
    oneSource(c, 'url', ctx);
    for (const field of ['headers', 'headers_env'] as const) {
      for (const h of Object.keys(c[field])) {
        if (!HEADER_NAME.test(h)) ctx.addIssue({ code: 'custom', path: [field, h], message: 'not a valid header name (letters, digits and !#$%&\'*+.^_`|~-)' });
      }
    }
    if (c.body_template === null) return;
    try {
      const sample = messageView(sampleMessage(0)) as unknown as Record<string, unknown>;
      const t = compileTemplate(c.body_template, sample);
      if (/json/i.test(c.content_type)) JSON.parse(t.render(sample));
    } catch (e) {
      const why = e instanceof TemplateError ? e.message : `rendered with a sample alert it is not valid JSON (${(e as Error).message})`;
      ctx.addIssue({ code: 'custom', path: ['body_template'], message: why });
    }
  });

const slackSchema = z
  .strictObject({
    type: z.literal('slack'),
    /** The incoming-webhook URL (https://hooks.slack.com/services/…). Secret: prefer url_file or url_env. */
    url: secretUrl,
    url_file: z.string().min(1).nullable().default(null),
    url_env: envVar.nullable().default(null),
  })
  .superRefine((c, ctx) => oneSource(c, 'url', ctx));

const pagerDutySchema = z
  .strictObject({
    type: z.literal('pagerduty'),
    /** The Events API v2 endpoint. */
    url: z.string().refine(isHttpUrl, 'not an http(s) URL').default(PAGERDUTY_EVENTS_URL),
    /** The integration's routing key. Secret: prefer routing_key_file or routing_key_env. */
    routing_key: z.string().nullable().default(null),
    routing_key_file: z.string().min(1).nullable().default(null),
    routing_key_env: envVar.nullable().default(null),
  })
  .superRefine((c, ctx) => oneSource(c, 'routing_key', ctx));

const channelSchema = z.discriminatedUnion('type', [webhookSchema, slackSchema, pagerDutySchema]);

const routeSchema = z.strictObject({
  /** Channels (names under notify.channels) the matching alerts go to. */
  channels: z.array(channelName).min(1, 'name at least one channel'),
  /** At least this severe; null = any. */
  min_severity: severity.nullable().default(null),
  /** Any of these severities; [] = any. */
  severities: z.array(severity).default([]),
  /** Rule id globs (`sigma.*`); [] = any rule. */
  rules: z.array(z.string().min(1)).default([]),
  /** Host globs (`web-*`); [] = any host. */
  hosts: z.array(z.string().min(1)).default([]),
});

const senderSchema = z
  .strictObject({
    /** How often each channel looks for due notifications (new ones are sent at once). */
    poll_interval: duration.default(1_000),
    /** Rows taken per look, per channel. */
    batch: z.number().int().min(1).max(1000).default(50),
    /** Per request: connect, send, and the whole answer. */
    timeout: duration.default(10_000),
    /** First retry delay; doubles per attempt, with jitter, up to backoff_max. */
    backoff_initial: duration.default(1_000),
    backoff_max: duration.default(300_000),
    /** A notification not delivered this long after it was enqueued is given up (recorded as failed). */
    give_up_after: duration.default(86_400_000),
    /** Sent and failed notifications are kept this long (logagg status, the API), then deleted. */
    keep: duration.default(30 * 86_400_000),
  })
  .prefault({})
  .superRefine((s, ctx) => {
    if (s.timeout < 100) ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'must be at least 100ms' });
    if (s.poll_interval < 10) ctx.addIssue({ code: 'custom', path: ['poll_interval'], message: 'must be at least 10ms' });
    if (s.backoff_initial < 1) ctx.addIssue({ code: 'custom', path: ['backoff_initial'], message: 'must be at least 1ms' });
    if (s.backoff_initial > s.backoff_max) ctx.addIssue({ code: 'custom', path: ['backoff_initial'], message: 'must not exceed backoff_max' });
  });

export const notifySchema = z
  .strictObject({
    /** Enqueue and send notifications (serve and consume). false = neither. */
    enabled: z.boolean().default(true),
    /** Base URL of the dashboard; links to alerts are <dashboard_url>/alerts/<id>. null = no links. */
    dashboard_url: z.string().refine(isHttpUrl, 'not an http(s) URL').nullable().default(null),
    /** A repeat of an open alert notifies again once this long has passed since the last notification. null = never. */
    renotify_after: duration.nullable().default(null),
    /** Notify again when an alert's severity rises. */
    escalate: z.boolean().default(true),
    channels: z.record(z.string(), channelSchema).default({}),
    routes: z.array(routeSchema).default([]),
    sender: senderSchema,
  })
  .prefault({})
  .superRefine((n, ctx) => {
    for (const name of Object.keys(n.channels)) {
      if (!CHANNEL_NAME.test(name)) ctx.addIssue({ code: 'custom', path: ['channels', name], message: CHANNEL_NAME_RULE });
    }
    n.routes.forEach((r, i) => {
      r.channels.forEach((c, j) => {
        if (!Object.hasOwn(n.channels, c)) {
          const known = Object.keys(n.channels);
          ctx.addIssue({ code: 'custom', path: ['routes', i, 'channels', j], message: `no channel "${c}" under notify.channels${known.length ? ` (there are: ${known.join(', ')})` : ''}` });
        }
      });
    });
    if (n.renotify_after !== null && n.renotify_after < 1000) ctx.addIssue({ code: 'custom', path: ['renotify_after'], message: 'must be at least 1s, or null' });
  });

export type NotifyConfig = z.output<typeof notifySchema>;
export type ChannelConfig = z.output<typeof channelSchema>;
export type RouteConfigEntry = z.output<typeof routeSchema>;

/**
 * The values of the environment variables the section names for secrets (`url_env`,
 * `routing_key_env`, `headers_env`), read from `env` with the rest of the config: what
 * src/notify is given instead of the environment. Unset variables are absent.
 */
export function notifySecretEnv(notify: { readonly channels: Readonly<Record<string, ChannelConfig>> }, env: Readonly<Record<string, string | undefined>>): Readonly<Record<string, string>> {
  const names = new Set<string>();
  for (const c of Object.values(notify.channels)) {
    if (c.type === 'pagerduty') {
      if (c.routing_key_env !== null) names.add(c.routing_key_env);
      continue;
    }
    if (c.url_env !== null) names.add(c.url_env);
    if (c.type === 'webhook') for (const v of Object.values(c.headers_env)) names.add(v);
  }
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = env[n];
    if (v !== undefined) out[n] = v;
  }
  return out;
}
