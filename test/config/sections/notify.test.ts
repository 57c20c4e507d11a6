import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { notifySecretEnv } from '../../../src/config/sections/notify.js';

const load = (overrides: Record<string, unknown>, env: Record<string, string> = {}) => loadConfig({ defaultsFile: null, env, overrides });

function problems(fn: () => unknown): { key: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('notify: defaults', () => {
  test('on, no channels, no routes, retry policy in ms', () => {
    expect(load({}).notify).toEqual({
      enabled: true,
      dashboard_url: null,
      renotify_after: null,
      escalate: true,
      channels: {},
      routes: [],
      sender: { poll_interval: 1000, batch: 50, timeout: 10_000, backoff_initial: 1000, backoff_max: 300_000, give_up_after: 86_400_000, keep: 2_592_000_000 },
    });
  });

  test('channel defaults per type', () => {
    const n = load({
      'notify.channels': { h: { type: 'webhook', url: 'http://127.0.0.1/h' }, s: { type: 'slack', url_env: 'S' }, p: { type: 'pagerduty', routing_key: 'k' } },
      'notify.routes': [{ channels: ['p'] }],
      'notify.renotify_after': '4h',
    }).notify;
    expect(n.channels.h).toEqual({ type: 'webhook', url: 'http://127.0.0.1/h', url_file: null, url_env: null, method: 'POST', headers: {}, headers_env: {}, body_template: null, content_type: 'application/json' });
    expect(n.channels.s).toEqual({ type: 'slack', url: null, url_file: null, url_env: 'S' });
    expect(n.channels.p).toEqual({ type: 'pagerduty', url: 'https://events.pagerduty.com/v2/enqueue', routing_key: 'k', routing_key_file: null, routing_key_env: null });
    expect(n.routes).toEqual([{ channels: ['p'], min_severity: null, severities: [], rules: [], hosts: [] }]);
    expect(n.renotify_after).toBe(14_400_000);
  });

  test('environment variables set the whole channel map (YAML) and single keys', () => {
    const n = loadConfig({
      defaultsFile: null,
      env: { LOGAGG_NOTIFY_CHANNELS: '{ pager: { type: pagerduty, routing_key_env: PD_KEY } }', LOGAGG_NOTIFY_RENOTIFY_AFTER: '30m', LOGAGG_NOTIFY_SENDER_GIVE_UP_AFTER: '2h' },
    }).notify;
    expect(n.channels.pager?.type).toBe('pagerduty');
    expect(n.renotify_after).toBe(1_800_000);
    expect(n.sender.give_up_after).toBe(7_200_000);
  });
});

describe('notify: bad config names the key and the fix', () => {
  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ['unknown channel type', { 'notify.channels': { x: { type: 'email', url: 'http://a' } } }, 'notify.channels.x.type', /./],
    ['bad channel name', { 'notify.channels': { 'Big Name': { type: 'slack', url: 'http://a' } } }, 'notify.channels.Big Name', /lower-case/],
    ['no URL at all', { 'notify.channels': { s: { type: 'slack' } } }, 'notify.channels.s.url', /required: set url, url_file .* or url_env/],
    ['two URL sources', { 'notify.channels': { s: { type: 'slack', url: 'http://a', url_env: 'X' } } }, 'notify.channels.s.url_env', /give one of url, url_file and url_env/],
    ['no routing key', { 'notify.channels': { p: { type: 'pagerduty' } } }, 'notify.channels.p.routing_key', /required/],
    ['unknown key in a channel', { 'notify.channels': { s: { type: 'slack', url: 'http://a', urll: 'x' } } }, 'notify.channels.s.urll', /unknown key/],
    ['bad env var name', { 'notify.channels': { s: { type: 'slack', url_env: 'not a name' } } }, 'notify.channels.s.url_env', /environment variable name/],
    ['bad header name', { 'notify.channels': { h: { type: 'webhook', url: 'http://a', headers: { 'Bad Header': 'x' } } } }, 'notify.channels.h.headers.Bad Header', /header name/],
    ['template with an unknown field', { 'notify.channels': { h: { type: 'webhook', url: 'http://a', body_template: '{"t":"{{alert.titel}}"}' } } }, 'notify.channels.h.body_template', /unknown field \{\{alert\.titel\}\}/],
    ['template that is not JSON', { 'notify.channels': { h: { type: 'webhook', url: 'http://a', body_template: '{"t": {{alert.title}}' } } }, 'notify.channels.h.body_template', /not valid JSON/],
    ['a route naming no channel', { 'notify.channels': { s: { type: 'slack', url: 'http://a' } }, 'notify.routes': [{ channels: ['pager'] }] }, 'notify.routes.0.channels.0', /no channel "pager" under notify.channels \(there are: s\)/],
    ['a route with no channels', { 'notify.routes': [{ channels: [] }] }, 'notify.routes.0.channels', /at least one channel/],
    ['bad severity', { 'notify.routes': [{ channels: ['x'], min_severity: 'SEVERE' }] }, 'notify.routes.0.min_severity', /one of/],
    ['bad dashboard URL', { 'notify.dashboard_url': 'dash.example.com' }, 'notify.dashboard_url', /http\(s\) URL/],
    ['renotify too short', { 'notify.renotify_after': 10 }, 'notify.renotify_after', /at least 1s/],
    ['backoff_initial above backoff_max', { 'notify.sender.backoff_initial': '10m', 'notify.sender.backoff_max': '1m' }, 'notify.sender.backoff_initial', /must not exceed backoff_max/],
    ['timeout too short', { 'notify.sender.timeout': 5 }, 'notify.sender.timeout', /at least 100ms/],
  ])('%s', (_n, overrides, key, message) => {
    const found = problems(() => load(overrides));
    const hit = found.find((p) => p.key === key);
    expect(hit, JSON.stringify(found)).toBeDefined();
    expect(hit!.message).toMatch(message);
  });

  test('a bad inline URL is refused without quoting it (it is a secret)', () => {
    const found = problems(() => load({ 'notify.channels': { s: { type: 'slack', url: 'hooks.slack.com/services/T/B/SECRETPART' } } }));
    expect(found[0]!.key).toBe('notify.channels.s.url');
    expect(JSON.stringify(found)).not.toContain('SECRETPART');
  });
});

describe('notifySecretEnv: the values of the variables the section names, and nothing else', () => {
  test.each<[string, Record<string, unknown>, Record<string, string>, Record<string, string>]>([
    ['no channels', {}, { HOOK_URL: 'x' }, {}],
    [
      'url_env, headers_env and routing_key_env; unrelated and unset variables left out',
      {
        h: { type: 'webhook', url_env: 'HOOK_URL', headers_env: { Authorization: 'HOOK_AUTH', 'X-Missing': 'NOT_SET' } },
        s: { type: 'slack', url_env: 'SLACK_URL' },
        p: { type: 'pagerduty', routing_key_env: 'PD_KEY' },
        i: { type: 'slack', url: 'https://hooks.example/inline' },
      },
      { HOOK_URL: 'https://h', HOOK_AUTH: 'Bearer t', SLACK_URL: 'https://s', PD_KEY: 'k', HOME: '/root', LOGAGG_TOKEN: 'secret' },
      { HOOK_URL: 'https://h', HOOK_AUTH: 'Bearer t', SLACK_URL: 'https://s', PD_KEY: 'k' },
    ],
  ])('%s', (_n, channels, env, want) => {
    const cfg = load({ 'notify.channels': channels }, env);
    expect(notifySecretEnv(cfg.notify, env)).toEqual(want);
  });
});
