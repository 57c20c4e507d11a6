/**
 * Turning the configured channels into channels ready to send to: secrets read from their
 * file or environment variable (their values given as a parameter, read in config loading:
 * nothing here reads process.env), the body template compiled. Done once at start, so a missing file or variable
 * stops start-up with a ConfigError naming the key, never a failure at the first alert. No
 * error here quotes a secret.
 */
import { readFileSync } from 'node:fs';
import type { ChannelConfig } from '../config/sections/notify.js';
import { isHttpUrl } from '../core/net/url.js';
import { ConfigError } from '../errors.js';
import { messageView, sampleMessage } from '../core/message-view.js';
import { compileTemplate } from '../core/notify-template.js';
import type { Channel } from './transports.js';

/**
 * The values of the environment variables the config names for secrets (`*_env`,
 * `headers_env`), read when the config is loaded (notifySecretEnv in
 * src/config/sections/notify.ts): variable name → value. Not the whole environment.
 */
export type SecretEnv = Readonly<Record<string, string | undefined>>;

interface Problem {
  key: string;
  message: string;
}

function readSecret(c: Record<string, unknown>, key: string, at: string, env: SecretEnv, problems: Problem[]): string {
  const inline = c[key];
  if (typeof inline === 'string' && inline !== '') return inline;
  const file = c[`${key}_file`];
  if (typeof file === 'string') {
    try {
      const v = readFileSync(file, 'utf8').trim();
      if (v === '') problems.push({ key: `${at}.${key}_file`, message: `${file} is empty` });
      return v;
    } catch (e) {
      problems.push({ key: `${at}.${key}_file`, message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}; check the path and its permissions` });
      return '';
    }
  }
  const name = c[`${key}_env`];
  if (typeof name === 'string') {
    const v = env[name]?.trim() ?? '';
    if (v === '') problems.push({ key: `${at}.${key}_env`, message: `the environment variable ${name} is not set or empty` });
    return v;
  }
  problems.push({ key: `${at}.${key}`, message: 'required' });
  return '';
}

/** The channels of `notify.channels`, in config order. Throws ConfigError listing every problem. */
export function resolveChannels(channels: Readonly<Record<string, ChannelConfig>>, env: SecretEnv): Channel[] {
  const problems: Problem[] = [];
  const out: Channel[] = [];
  const sample = messageView(sampleMessage(0)) as unknown as Record<string, unknown>;
  for (const [name, c] of Object.entries(channels)) {
    const at = `notify.channels.${name}`;
    const raw = c as unknown as Record<string, unknown>;
    if (c.type === 'pagerduty') {
      const routingKey = readSecret(raw, 'routing_key', at, env, problems);
      out.push({ type: 'pagerduty', name, url: c.url, routingKey });
      continue;
    }
    const url = readSecret(raw, 'url', at, env, problems);
    if (url !== '' && !isHttpUrl(url)) problems.push({ key: `${at}.url`, message: 'not an http(s) URL (the value is not repeated here: it is a secret)' });
    if (c.type === 'slack') {
      out.push({ type: 'slack', name, url });
      continue;
    }
    const headers: Record<string, string> = { ...c.headers };
    for (const [header, variable] of Object.entries(c.headers_env)) {
      const v = env[variable];
      if (v === undefined || v === '') problems.push({ key: `${at}.headers_env.${header}`, message: `the environment variable ${variable} is not set or empty` });
      else headers[header] = v;
    }
    out.push({
      type: 'webhook',
      name,
      url,
      method: c.method,
      headers,
      // Already checked by the schema; compiled here once for good.
      template: c.body_template === null ? null : compileTemplate(c.body_template, sample),
      contentType: c.content_type,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}

/**
 * The `notify:` section with every inline secret replaced by `***`: webhook and Slack URLs,
 * routing keys, header values (file paths and variable names stay: they are not secrets). For
 * showing the config (`logagg status`); the logger's key-name masking does not know that a
 * channel's `url` is a credential.
 */
export function maskNotifyConfig(notify: { channels: Readonly<Record<string, ChannelConfig>> }): unknown {
  const channels: Record<string, unknown> = {};
  for (const [name, c] of Object.entries(notify.channels)) {
    const out: Record<string, unknown> = { ...c };
    if (c.type !== 'pagerduty' && c.url !== null) out.url = '***';
    if (c.type === 'pagerduty' && c.routing_key !== null) out.routing_key = '***';
    if (c.type === 'webhook') out.headers = Object.fromEntries(Object.keys(c.headers).map((h) => [h, '***']));
    channels[name] = out;
  }
  return { ...notify, channels };
}
