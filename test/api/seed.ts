// The shared data set of the API tests: a few distinctive events and a bulk of fillers whose
// timestamps tie in threes (to exercise the (ts, id) keyset tie-break).
import type { NormalizedEvent } from '../../src/core/event.js';
import { makeEvent, T0 } from '../store/fixtures.js';

export { T0 };
export const MIN = 60_000;

export const SPECIAL: NormalizedEvent[] = [
  makeEvent({
    ts: T0,
    host: 'web-1',
    message: 'GET /index.html served in 12 ms',
    metrics: { cpu_pct: 20, mem_pct: 40 },
    tags: ['prod'],
    attributes: { http: { status: 200 }, route: '/index.html' },
    raw: '{"host":"web-1","message":"GET /index.html served in 12 ms","cpu_usage":20}',
  }),
  makeEvent({ ts: T0 + MIN, host: 'web-1', level: 4, level_name: 'warning', message: 'disk almost full on /var', metrics: { cpu_pct: 30, mem_pct: 50 } }),
  makeEvent({
    ts: T0 + 2 * MIN,
    host: 'web-2',
    source: { kind: 'kafka', topic: 'threat-logs', partition: 1, offset: '900001' },
    format: 'syslog5424',
    level: 3,
    level_name: 'error',
    message: 'connection refused to upstream 10.0.0.9',
    process: 'nc',
    threats: [{ name: 'port-scan', severity: 'HIGH', tags: ['recon'], origin: 'message' }],
    tags: ['prod', 'edge'],
    attributes: { process: 'nc', http: { status: 502 } },
  }),
  makeEvent({
    ts: T0 + 3 * MIN,
    host: 'db-1',
    level: 2,
    level_name: 'critical',
    message: 'database connection timeout after 5000 ms',
    process: 'postgres',
    metrics: { cpu_pct: 90, mem_pct: 80 },
    threats: [{ name: 'exfiltration', severity: 'CRITICAL', tags: ['data'], origin: 'intel', list: 'bad-ips', indicator: '203.0.113.7' }],
    attributes: { query_ms: 5000, secure: true },
  }),
  makeEvent({ ts: T0 + 4 * MIN, host: null, format: 'text', level: null, level_name: null, message: 'orphan line without host', process: null }),
  makeEvent({
    ts: T0 + 5 * MIN,
    host: 'web-2',
    format: 'cef',
    level: 7,
    level_name: 'debug',
    message: 'CEF:0|bad header',
    parse_error: 'CEF header has 2 fields, expected 7',
  }),
  makeEvent({ ts: T0 + 6 * MIN, host: 'db-1', message: 'backup completed', process: 'pg_dump', metrics: { cpu_pct: 10, mem_pct: 30 } }),
];

export const HOSTS = ['web-1', 'web-2', 'db-1'] as const;

/** n fillers from T0 + 1h on, three per timestamp, rotating hosts; CPU rising over time. */
export function fillers(n: number, start = T0 + 60 * MIN): NormalizedEvent[] {
  return Array.from({ length: n }, (_, i) =>
    makeEvent({
      ts: start + Math.floor(i / 3) * 1000,
      host: HOSTS[i % 3]!,
      message: `filler event number ${i} heartbeat`,
      metrics: { cpu_pct: 10 + (i % 50), mem_pct: 50 },
      attributes: { seq: i },
    }),
  );
}

export function seed(nFillers = 240): NormalizedEvent[] {
  return [...SPECIAL, ...fillers(nFillers)];
}
