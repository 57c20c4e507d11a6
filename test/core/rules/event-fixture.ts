// Normalized events for rule tests: every field present, overridable.
import { emptyEvent, type NormalizedEvent } from '../../../src/core/event.js';

export const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

/** An info event from web-1 at T0 (a JSON message from Kafka topic `test`), overridden by `over`. */
export function ev(over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return emptyEvent({
    ts: T0,
    received_at: T0,
    source: { kind: 'kafka', topic: 'test', partition: 0, offset: '0' },
    format: 'json',
    host: 'web-1',
    level: 6,
    level_name: 'info',
    ...over,
  });
}

/** A metric event at T0 + sec seconds. */
export function metric(sec: number, metrics: NormalizedEvent['metrics'], over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return ev({ ts: T0 + sec * 1000, metrics, ...over });
}
