import { describe, expect, test } from 'vitest';
import { sendWebhook, webhookRequest, type WebhookChannel } from '../../../src/notify/channels/webhook.js';
import { httpSender } from '../../../src/notify/http-send.js';
import { messageView } from '../../../src/core/message-view.js';
import { compileTemplate } from '../../../src/core/notify-template.js';
import { VERSION } from '../../../src/version.js';
import { startEndpoint } from '../endpoint.js';
import { message } from '../fixtures.js';

const channel = (over: Partial<WebhookChannel> = {}): WebhookChannel => ({
  type: 'webhook',
  name: 'hook',
  url: 'http://127.0.0.1:1/x',
  method: 'POST',
  headers: {},
  template: null,
  contentType: 'application/json',
  ...over,
});

describe('webhookRequest', () => {
  test('default body: the message JSON, carrying the outbox id; Idempotency-Key = outbox id', () => {
    const r = webhookRequest(channel(), message());
    expect(r.method).toBe('POST');
    expect(JSON.parse(r.body)).toEqual(messageView(message()));
    expect(JSON.parse(r.body).outbox_id).toBe(42);
    expect(r.headers).toEqual({ 'Content-Type': 'application/json', 'User-Agent': `logagg/${VERSION}`, 'Idempotency-Key': '42' });
  });

  test('configured headers are added; Content-Type and User-Agent may be replaced, Idempotency-Key may not', () => {
    const r = webhookRequest(channel({ method: 'PUT', headers: { Authorization: 'Bearer t', 'content-type': 'application/x-custom', 'idempotency-key': 'mine', 'User-Agent': 'me' } }), message());
    expect(r.method).toBe('PUT');
    expect(r.headers).toEqual({ Authorization: 'Bearer t', 'content-type': 'application/x-custom', 'User-Agent': 'me', 'Idempotency-Key': '42' });
  });

  test('a body template renders over the message fields', () => {
    const sample = messageView(message()) as unknown as Record<string, unknown>;
    const template = compileTemplate('{"text":"[{{alert.severity}}] {{alert.title}}","n":{{alert.count}},"id":{{outbox_id}},"kind":"{{kind}}"}', sample);
    const r = webhookRequest(channel({ template }), message({ kind: 'resolve' }, { title: 'a "quoted" title' }));
    expect(JSON.parse(r.body)).toEqual({ text: '[HIGH] a "quoted" title', n: 3, id: 42, kind: 'resolve' });
  });
});

test('sendWebhook delivers it to a real endpoint', async () => {
  const ep = await startEndpoint();
  await sendWebhook(channel({ url: ep.url, headers: { 'X-Team': 'ops' } }), message(), httpSender({ timeoutMs: 2000, secrets: [] }));
  const [r] = await ep.waitFor(1);
  expect(r!.headers['idempotency-key']).toBe('42');
  expect(r!.headers['x-team']).toBe('ops');
  expect(r!.json.alert.dedup_key).toBe('cpu-high|web-01');
});
