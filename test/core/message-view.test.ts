import { describe, expect, test } from 'vitest';
import { alertLink, hostSuffix, isoTime, messageView, sampleMessage } from '../../src/core/message-view.js';
import { message, T0 } from '../notify/fixtures.js';

test('messageView: the webhook JSON, times as ISO 8601', () => {
  expect(messageView(message({ kind: 'escalate', previous_severity: 'MEDIUM' }))).toEqual({
    outbox_id: 42,
    kind: 'escalate',
    created_at: '2025-01-15T12:01:01.000Z',
    previous_severity: 'MEDIUM',
    link: 'https://dash.example.com/alerts/7',
    alert: {
      id: 7,
      rule_id: 'cpu-high',
      rule_name: 'CPU high',
      title: 'CPU above 90% on web-01',
      severity: 'HIGH',
      host: 'web-01',
      count: 3,
      first_seen: '2025-01-15T12:00:00.000Z',
      last_seen: '2025-01-15T12:01:00.000Z',
      state: 'open',
      dedup_key: 'cpu-high|web-01',
      sample_event_ids: [11, 12, 13],
      state_changed_by: null,
      comment: null,
    },
  });
});

describe('alertLink', () => {
  test.each<[string | null, string | null]>([
    [null, null],
    ['', null],
    ['https://d.example', 'https://d.example/alerts/5'],
    ['https://d.example/', 'https://d.example/alerts/5'],
    ['https://d.example/ui//', 'https://d.example/ui/alerts/5'],
  ])('%j', (base, want) => {
    expect(alertLink(base, 5)).toBe(want);
  });
});

test('isoTime of an out-of-range time falls back to the number', () => {
  expect(isoTime(T0)).toBe('2025-01-15T12:00:00.000Z');
  expect(isoTime(9e15)).toBe('9000000000000000');
});

test('sampleMessage is a LOW trigger with a unique dedup key per time', () => {
  const m = sampleMessage(T0);
  expect(m).toMatchObject({ kind: 'trigger', alert: { severity: 'LOW', rule_id: 'logagg.test' } });
  expect(sampleMessage(T0 + 1).alert.dedup_key).not.toBe(m.alert.dedup_key);
});

test.each<[string, string | null, string]>([
  ['CPU high', 'web-01', ' on web-01'],
  ['CPU 95% on web-01', 'web-01', ''],
  ['CPU 95% on WEB-01', 'web-01', ''],
  ['anything', null, ''],
])('hostSuffix(%j, %j) = %j', (title, host, want) => {
  expect(hostSuffix(title, host)).toBe(want);
});
