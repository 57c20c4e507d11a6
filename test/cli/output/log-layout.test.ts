import { expect, test } from 'vitest';
import { LOG_LAYOUT, topThreat } from '../../../src/cli/output/log-layout.js';
import type { ApiLog } from '../../../src/query/render.js';

test.each<[string, { severity: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL' }[], string | null]>([
  ['no threats', [], null],
  ['one', [{ severity: 'MEDIUM' }], 'MEDIUM'],
  ['the most severe wins whatever the order', [{ severity: 'HIGH' }, { severity: 'CRITICAL' }, { severity: 'LOW' }], 'CRITICAL'],
])('topThreat: %s', (_n, threats, out) => {
  expect(topThreat({ threats: threats.map((t) => ({ ...t, name: 'x', tags: [], origin: 'message' as const })) })).toBe(out);
});

test('csv columns: nested values as JSON, empty ones as empty fields', () => {
  const log = {
    id: 7,
    ts: '2025-01-01T00:00:00.000Z',
    received_at: '2025-01-01T00:00:01.000Z',
    ts_fallback: false,
    source: { kind: 'kafka', topic: 't', partition: 2, offset: '99' },
    format: 'json',
    host: 'h',
    level: 3,
    level_name: 'error',
    message: 'm',
    metrics: {},
    process: null,
    pid: null,
    user: null,
    src_ip: null,
    dst_ip: null,
    src_port: null,
    dst_port: null,
    domain: null,
    file_hash: null,
    threats: [],
    tags: ['a'],
    asset: null,
    attributes: { k: 1 },
    raw_truncated: false,
    parse_error: null,
  } as ApiLog;
  const values = Object.fromEntries(LOG_LAYOUT.csv.map((c) => [c.header, c.value(log)]));
  expect(values).toMatchObject({ id: 7, topic: 't', partition: 2, offset: '99', metrics: null, threats: null, tags: '["a"]', attributes: '{"k":1}', threat_severity: null });
});
