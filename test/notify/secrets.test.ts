import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { maskNotifyConfig, resolveChannels } from '../../src/notify/secrets.js';
import { tempDir } from '../helpers/temp.js';

function channelsOf(channels: Record<string, unknown>) {
  return loadConfig({ defaultsFile: null, env: {}, overrides: { 'notify.channels': channels } }).notify.channels;
}

function problems(fn: () => unknown): { key: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveChannels', () => {
  test('inline, file and environment secrets; templates compiled; config order kept', () => {
    const dir = tempDir();
    const keyFile = path.join(dir, 'pd.key');
    writeFileSync(keyFile, '  R0UTINGKEYFROMFILE\n');
    const out = resolveChannels(
      channelsOf({
        pager: { type: 'pagerduty', routing_key_file: keyFile },
        chat: { type: 'slack', url_env: 'SLACK_URL' },
        hook: { type: 'webhook', url: 'http://127.0.0.1:9/h', headers: { 'X-A': '1' }, headers_env: { Authorization: 'HOOK_AUTH' }, body_template: '{"t":"{{alert.title}}"}' },
      }),
      { SLACK_URL: 'https://hooks.slack.com/services/T/B/x', HOOK_AUTH: 'Bearer zzz' },
    );
    expect(out.map((c) => c.name)).toEqual(['pager', 'chat', 'hook']);
    expect(out[0]).toEqual({ type: 'pagerduty', name: 'pager', url: 'https://events.pagerduty.com/v2/enqueue', routingKey: 'R0UTINGKEYFROMFILE' });
    expect(out[1]).toEqual({ type: 'slack', name: 'chat', url: 'https://hooks.slack.com/services/T/B/x' });
    const hook = out[2]!;
    expect(hook.type === 'webhook' && hook.headers).toEqual({ 'X-A': '1', Authorization: 'Bearer zzz' });
    expect(hook.type === 'webhook' && hook.template?.fields).toEqual(['alert.title']);
  });

  test('every missing secret is named by its key, and no secret is quoted', () => {
    const dir = tempDir();
    const empty = path.join(dir, 'empty');
    writeFileSync(empty, '\n');
    const found = problems(() =>
      resolveChannels(
        channelsOf({
          a: { type: 'pagerduty', routing_key_env: 'NOPE' },
          b: { type: 'slack', url_file: path.join(dir, 'missing') },
          c: { type: 'slack', url_file: empty },
          d: { type: 'webhook', url_env: 'BAD_URL', headers_env: { Authorization: 'UNSET' } },
        }),
        { BAD_URL: 'ftp://secret-host/very-secret' },
      ),
    );
    expect(found).toEqual([
      { key: 'notify.channels.a.routing_key_env', message: 'the environment variable NOPE is not set or empty' },
      { key: 'notify.channels.b.url_file', message: expect.stringMatching(/cannot read .*missing: ENOENT/) },
      { key: 'notify.channels.c.url_file', message: expect.stringMatching(/is empty/) },
      { key: 'notify.channels.d.url', message: expect.stringMatching(/not an http\(s\) URL/) },
      { key: 'notify.channels.d.headers_env.Authorization', message: 'the environment variable UNSET is not set or empty' },
    ]);
    expect(JSON.stringify(found)).not.toContain('very-secret');
  });

  test('no channels: none', () => {
    expect(resolveChannels({}, {})).toEqual([]);
  });
});

test('maskNotifyConfig hides inline URLs, routing keys and header values, and keeps the rest', () => {
  const notify = loadConfig({
    defaultsFile: null,
    env: {},
    overrides: {
      'notify.channels': {
        hook: { type: 'webhook', url: 'https://h.example/SECRETPATH', headers: { Authorization: 'Bearer SECRETTOKEN' }, headers_env: { X: 'HOOK_X' } },
        chat: { type: 'slack', url_env: 'SLACK_URL' },
        pager: { type: 'pagerduty', routing_key: 'SECRETKEY' },
      },
    },
  }).notify;
  const masked = maskNotifyConfig(notify) as typeof notify;
  expect(JSON.stringify(masked)).not.toMatch(/SECRET/);
  expect(masked.channels.hook).toMatchObject({ url: '***', headers: { Authorization: '***' }, headers_env: { X: 'HOOK_X' } });
  expect(masked.channels.chat).toMatchObject({ url: null, url_env: 'SLACK_URL' });
  expect(masked.channels.pager).toMatchObject({ routing_key: '***', url: 'https://events.pagerduty.com/v2/enqueue' });
  expect(masked.sender).toEqual(notify.sender);
});
