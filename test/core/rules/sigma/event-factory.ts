import { emptyEvent, type NormalizedEvent } from '../../../../src/core/event.js';

/** A complete NormalizedEvent with neutral defaults, overridden by `over` (tests only). */
export function makeEvent(over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return emptyEvent({
    ts: 1_700_000_000_000,
    received_at: 1_700_000_000_000,
    source: { kind: 'kafka', topic: 'logs', partition: 0, offset: '0' },
    format: 'json',
    host: 'web-1',
    level: 6,
    level_name: 'info',
    ...over,
  });
}

/** An event whose attributes are `attrs` (the usual shape of Windows/Sysmon fields). */
export function attrsEvent(attrs: Record<string, unknown>, over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return makeEvent({ attributes: attrs, ...over });
}
