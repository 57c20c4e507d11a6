import { expect, test } from 'vitest';
import { channelSecrets, deliver, TRANSPORTS, type Channel } from '../../src/notify/transports.js';
import { CHANNEL_TYPES } from '../../src/notify/types.js';
import { startEndpoint } from './endpoint.js';
import { message } from './fixtures.js';

test('every channel type has a transport, and nothing else does', () => {
  expect(Object.keys(TRANSPORTS).sort()).toEqual([...CHANNEL_TYPES].sort());
});

test.each<[string, Channel, string[]]>([
  ['slack: the URL, its path (the credential)', { type: 'slack', name: 's', url: 'https://hooks.slack.com/services/T0/B0/abcdef' }, ['https://hooks.slack.com/services/T0/B0/abcdef', '/services/T0/B0/abcdef']],
  ['webhook: URL, query, password and header values', { type: 'webhook', name: 'w', url: 'https://u:p4ssw0rd@h.example/hook?token=s3cr3t', method: 'POST', headers: { Authorization: 'Bearer abcdefgh', X: 'no' }, template: null, contentType: 'application/json' }, ['https://u:p4ssw0rd@h.example/hook?token=s3cr3t', 'token=s3cr3t', 'p4ssw0rd', 'Bearer abcdefgh']],
  ['pagerduty: URL and routing key', { type: 'pagerduty', name: 'p', url: 'https://events.pagerduty.com/v2/enqueue', routingKey: 'R0UTINGKEY' }, ['https://events.pagerduty.com/v2/enqueue', '/v2/enqueue', 'R0UTINGKEY']],
])('channelSecrets %s', (_n, c, want) => {
  expect(channelSecrets(c).sort()).toEqual(want.sort());
});

test('deliver dispatches on the channel type through the table', async () => {
  const ep = await startEndpoint();
  const send = (url: string, req: { body: string }) => fetch(url, { method: 'POST', body: req.body }).then(() => undefined);
  await deliver({ type: 'pagerduty', name: 'p', url: ep.url, routingKey: 'k' }, message(), { send });
  await deliver({ type: 'slack', name: 's', url: ep.url }, message(), { send });
  const got = await ep.waitFor(2);
  expect(got[0]!.json.event_action).toBe('trigger');
  expect(got[1]!.json.blocks).toBeDefined();
});
