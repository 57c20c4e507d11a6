import { describe, expect, test } from 'vitest';
import { PAGERDUTY_SEVERITY, pagerDutyDedupKey, pagerDutyRequest, sendPagerDuty } from '../../../src/notify/channels/pagerduty.js';
import { httpSender } from '../../../src/notify/http-send.js';
import { startEndpoint } from '../endpoint.js';
import { message } from '../fixtures.js';

const ch = { routingKey: 'R0UTING0KEY0123456789abcdef01234' };

test.each([
  ['LOW', 'info'],
  ['MEDIUM', 'warning'],
  ['HIGH', 'error'],
  ['CRITICAL', 'critical'],
] as const)('severity %s -> %s', (s, want) => {
  expect(PAGERDUTY_SEVERITY[s]).toBe(want);
  expect(JSON.parse(pagerDutyRequest(ch, message({}, { severity: s })).body).payload.severity).toBe(want);
});

describe('pagerDutyDedupKey', () => {
  test.each<[string, number]>([
    ['', 0],
    ['cpu-high|web-01', 15],
    ['x'.repeat(255), 255],
  ])('a key of %#: unchanged', (k, len) => {
    expect(pagerDutyDedupKey(k)).toBe(k);
    expect(k.length).toBe(len);
  });
  test('longer than 255: cut and hashed, stable, distinct', () => {
    const a = pagerDutyDedupKey('y'.repeat(300));
    expect(a).toMatch(/^y{190}#[0-9a-f]{64}$/);
    expect(a.length).toBeLessThanOrEqual(255);
    expect(pagerDutyDedupKey('y'.repeat(300))).toBe(a);
    expect(pagerDutyDedupKey('y'.repeat(301))).not.toBe(a);
  });
});

describe('pagerDutyRequest', () => {
  test('trigger: Events API v2 shape, dedup_key = the alert dedup key', () => {
    const e = JSON.parse(pagerDutyRequest(ch, message()).body);
    expect(e).toEqual({
      routing_key: ch.routingKey,
      event_action: 'trigger',
      dedup_key: 'cpu-high|web-01',
      payload: {
        summary: '[HIGH] CPU above 90% on web-01',
        source: 'web-01',
        severity: 'error',
        timestamp: '2025-01-15T12:01:00.000Z',
        component: 'web-01',
        class: 'cpu-high',
        custom_details: {
          alert_id: 7,
          rule_id: 'cpu-high',
          rule_name: 'CPU high',
          count: 3,
          first_seen: '2025-01-15T12:00:00.000Z',
          last_seen: '2025-01-15T12:01:00.000Z',
          state: 'open',
          sample_event_ids: [11, 12, 13],
          notification: 'trigger',
          outbox_id: 42,
        },
      },
      client: 'logagg',
      client_url: 'https://dash.example.com/alerts/7',
      links: [{ href: 'https://dash.example.com/alerts/7', text: 'Alert #7 in logagg' }],
    });
  });

  test.each(['renotify', 'escalate'] as const)('%s is a trigger with the same dedup_key (PagerDuty updates the incident)', (kind) => {
    const e = JSON.parse(pagerDutyRequest(ch, message({ kind, previous_severity: 'MEDIUM' }, { severity: 'CRITICAL' })).body);
    expect(e).toMatchObject({ event_action: 'trigger', dedup_key: 'cpu-high|web-01', payload: { severity: 'critical', custom_details: { notification: kind, previous_severity: 'MEDIUM' } } });
  });

  test('resolve: only routing key, action and dedup_key', () => {
    expect(JSON.parse(pagerDutyRequest(ch, message({ kind: 'resolve' })).body)).toEqual({ routing_key: ch.routingKey, event_action: 'resolve', dedup_key: 'cpu-high|web-01' });
  });

  test('no host: source logagg, no component; no link: no client_url', () => {
    const e = JSON.parse(pagerDutyRequest(ch, message({ link: null }, { host: null })).body);
    expect(e.payload.source).toBe('logagg');
    expect(e.payload).not.toHaveProperty('component');
    expect(e).not.toHaveProperty('client_url');
    expect(e).not.toHaveProperty('links');
  });

  test('the summary is capped at 1024 characters', () => {
    const e = JSON.parse(pagerDutyRequest(ch, message({}, { title: 'z'.repeat(5000) })).body);
    expect(e.payload.summary).toHaveLength(1024);
  });
});

test('sendPagerDuty posts to the configured URL', async () => {
  const ep = await startEndpoint();
  ep.respond(() => ({ status: 202, headers: { 'Content-Type': 'application/json' }, body: '{"status":"success","dedup_key":"cpu-high|web-01"}' }));
  await sendPagerDuty({ type: 'pagerduty', name: 'p', url: ep.url, routingKey: ch.routingKey }, message(), httpSender({ timeoutMs: 2000, secrets: [] }));
  const [r] = await ep.waitFor(1);
  expect(r!.json.event_action).toBe('trigger');
});

test('a title without the host gets " on <host>" in the summary', () => {
  expect(JSON.parse(pagerDutyRequest(ch, message({}, { title: 'CPU high' })).body).payload.summary).toBe('[HIGH] CPU high on web-01');
});
