// Messages and alerts shared by the notification tests.
import type { AlertSnapshot } from '../../src/core/alert.js';
import type { NotifyMessage } from '../../src/core/notification.js';

export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

export function snapshot(over: Partial<AlertSnapshot> = {}): AlertSnapshot {
  return {
    id: 7,
    rule_id: 'cpu-high',
    rule_name: 'CPU high',
    title: 'CPU above 90% on web-01',
    severity: 'HIGH',
    host: 'web-01',
    count: 3,
    first_seen: T0,
    last_seen: T0 + 60_000,
    state: 'open',
    dedup_key: 'cpu-high|web-01',
    sample_event_ids: [11, 12, 13],
    state_changed_by: null,
    comment: null,
    ...over,
  };
}

export function message(over: Partial<NotifyMessage> = {}, alert: Partial<AlertSnapshot> = {}): NotifyMessage {
  return { outbox_id: 42, kind: 'trigger', created_at: T0 + 61_000, previous_severity: null, link: 'https://dash.example.com/alerts/7', alert: snapshot(alert), ...over };
}
