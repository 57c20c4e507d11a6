/**
 * JSON Schemas (2020-12, as OpenAPI 3.1 uses) of everything the API sends and accepts.
 * Objects we shape are closed (additionalProperties: false) so the tests, which validate real
 * answers against these, notice any drift between the server and its document.
 */
import { FORMATS, LEVEL_NAMES, SEVERITIES } from '../core/event.js';
import { ALERT_STATES } from '../core/alert.js';

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const strOrNull: Schema = { type: ['string', 'null'] };
const int: Schema = { type: 'integer' };
const intOrNull: Schema = { type: ['integer', 'null'] };
const num: Schema = { type: 'number' };
const numOrNull: Schema = { type: ['number', 'null'] };
const bool: Schema = { type: 'boolean' };
const time: Schema = { type: 'string', format: 'date-time' };
const timeOrNull: Schema = { type: ['string', 'null'], format: 'date-time' };
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const closed = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  additionalProperties: false,
});
const severity: Schema = { type: 'string', enum: [...SEVERITIES] };
const bySeverity: Schema = closed(Object.fromEntries(SEVERITIES.map((s) => [s, int])));

const logProperties: Record<string, Schema> = {
  id: { type: 'integer', minimum: 1 },
  ts: time,
  ts_fallback: { ...bool, description: 'true when ts is the receive time (the message had no usable time)' },
  received_at: time,
  source: closed({ kind: str, topic: str, partition: int, offset: { ...strOrNull, description: 'Kafka offset (int64) as decimal text' }, peer: str }, ['peer']),
  format: { type: 'string', enum: [...FORMATS] },
  host: strOrNull,
  level: { type: ['integer', 'null'], minimum: 0, maximum: 7, description: 'syslog scale: 0 emergency … 7 debug' },
  level_name: { enum: [...LEVEL_NAMES, null] },
  message: str,
  metrics: {
    type: 'object',
    description: 'cpu_pct, mem_pct, disk_pct (0–100), mem_used, mem_total (bytes), net_in, net_out (bytes/s)',
    additionalProperties: num,
  },
  process: strOrNull,
  pid: intOrNull,
  user: strOrNull,
  src_ip: strOrNull,
  dst_ip: strOrNull,
  src_port: intOrNull,
  dst_port: intOrNull,
  domain: strOrNull,
  file_hash: strOrNull,
  threats: {
    type: 'array',
    items: closed({ name: str, severity, tags: { type: 'array', items: str }, origin: { enum: ['message', 'intel'] }, list: str, indicator: str }, ['list', 'indicator']),
  },
  tags: { type: 'array', items: str },
  asset: { type: ['object', 'null'] },
  attributes: { type: 'object', description: 'every other field of the message' },
  raw_truncated: bool,
  parse_error: strOrNull,
};

const alertProperties: Record<string, Schema> = {
  id: { type: 'integer', minimum: 1 },
  rule_id: str,
  severity,
  host: strOrNull,
  title: str,
  first_seen: time,
  last_seen: time,
  count: { type: 'integer', minimum: 1 },
  sample_event_ids: { type: 'array', items: int },
  state: { type: 'string', enum: [...ALERT_STATES] },
  dedup_key: str,
  state_changed_by: strOrNull,
  state_changed_at: timeOrNull,
  comment: strOrNull,
  silenced_by: { ...strOrNull, description: 'What muted the last write (silence:<id> or window:<name>): stored, not notified. null = notified as usual.' },
};

const p95: Schema = {
  ...numOrNull,
  description:
    '95th percentile from the rollup histograms: the upper edge of the whole percentage point holding it, never above max; null without samples or when part of the window was stored before the histograms (schema version 4)',
};
const stat: Schema = closed({ avg: numOrNull, min: numOrNull, max: numOrNull, p95, samples: int });
const trend: Schema = closed({
  slope_per_hour: { ...numOrNull, description: 'least-squares slope, value units per hour' },
  direction: { enum: ['rising', 'falling', 'flat', null] },
  mean: numOrNull,
  previous_mean: { ...numOrNull, description: 'mean over the previous window of the same length' },
  change: numOrNull,
  change_pct: numOrNull,
});

export const SCHEMAS: Record<string, Schema> = {
  Problem: closed(
    {
      type: { type: 'string', format: 'uri', description: 'urn:logagg:problem:<kind>' },
      title: str,
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: str,
      instance: str,
      request_id: str,
      param: { type: 'string', description: 'the parameter, header or body field that was wrong' },
    },
    ['param'],
  ),
  Log: closed(logProperties),
  LogDetail: closed({ ...logProperties, raw: str, alerts: { type: 'array', items: ref('Alert') } }),
  LogPage: closed({ items: { type: 'array', items: ref('Log') }, next_cursor: strOrNull, limit: int }),
  AlertStats: closed({
    total: int,
    by_state: { type: 'array', items: closed({ state: { enum: ['open', 'acknowledged', 'resolved'] }, count: int }) },
    by_severity: { type: 'array', description: 'most severe first', items: closed({ severity: { enum: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] }, count: int }) },
    by_rule: { type: 'array', description: 'the busiest rules, most alerts first', items: closed({ rule_id: str, count: int }) },
    rules_total: int,
    by_host: { type: 'array', description: 'the busiest hosts, most alerts first; host null = alerts about no host', items: closed({ host: strOrNull, count: int }) },
    hosts_total: int,
  }),
  LogHistogram: closed({
    from: time,
    to: time,
    interval_ms: { ...int, minimum: 1, description: 'width of a bucket' },
    buckets: {
      type: 'array',
      description: 'every bucket of [from, to), oldest first, empty ones included; none when from is not before to',
      items: closed({ ts: { ...time, description: 'start of the bucket' }, count: int, threats: { ...int, description: 'events of the bucket carrying threats' } }),
    },
  }),
  LogStats: closed({
    total: int,
    by_host: { type: 'array', items: closed({ host: strOrNull, count: int }) },
    hosts_total: int,
    by_level: { type: 'array', items: closed({ level: intOrNull, count: int }) },
    by_threat_severity: { type: 'array', items: closed({ severity: { enum: [...SEVERITIES, null] }, count: int }) },
  }),
  Alert: closed(alertProperties),
  AlertHistory: closed({
    items: {
      type: 'array',
      description: 'State changes, oldest first.',
      items: closed({
        at: time,
        by: { type: 'string', description: 'The `sub` of the token that made the change.' },
        from: { type: 'string', enum: [...ALERT_STATES] },
        to: { type: 'string', enum: [...ALERT_STATES] },
        comment: { type: ['string', 'null'] },
      }),
    },
  }),
  AlertPage: closed({ items: { type: 'array', items: ref('Alert') }, next_cursor: strOrNull, limit: int }),
  AlertPatch: closed({ state: { type: 'string', enum: [...ALERT_STATES] }, comment: { type: ['string', 'null'], maxLength: 2000 } }, ['comment']),
  Rule: closed({
    state: { const: 'active', description: 'the rule is in force (enabled or not)' },
    id: str,
    name: str,
    kind: { type: 'string', description: 'threshold, match, count, sigma or anomaly' },
    severity,
    enabled: bool,
    description: str,
    tags: { type: 'array', items: str },
    stats: {
      ...closed({
        hits: { type: 'integer', minimum: 0, description: 'occurrences found (a finding counts its count)' },
        alerts_opened: { type: 'integer', minimum: 0 },
        suppressed: { type: 'integer', minimum: 0, description: 'occurrences dropped by the per-rule hourly cap of alerts' },
        last_hit: { ...timeOrNull, description: 'event time of the latest occurrence' },
      }),
      description: 'counters kept in the database since it was created',
    },
    failures: { type: 'integer', minimum: 0, description: 'batches in which the rule threw since the process started' },
    logsource: {
      oneOf: [
        { type: 'null' },
        {
          ...closed({
            logsource: { type: 'string', description: 'the logsource key (`product:windows,category:process_creation`), `(none)` for none' },
            coverage: { type: 'string', enum: ['mapped', 'partial', 'unmapped'], description: 'mapped: every part has a condition; partial: it sees every event of its product; unmapped: every event' },
            applied: { type: 'array', items: str, description: 'the presets and configured entries applied, least specific first' },
          }),
        },
      ],
      description: 'Sigma detection rules: how their logsource is read; null for other rules',
    },
  }),
  RefusedRule: closed({
    state: { const: 'refused', description: 'the rule did not compile at start and does not run (detection.strict is off)' },
    id: { ...strOrNull, description: "the rule's id; null when the document has none usable (e.g. invalid YAML)" },
    file: { ...str, description: 'the rule file' },
    reason: str,
  }),
  RuleList: closed({ items: { type: 'array', items: { oneOf: [ref('Rule'), ref('RefusedRule')] }, description: 'rules in force, then rules refused at start' } }),
  RulePatch: closed({ enabled: bool }),
  Stat: stat,
  Trend: trend,
  Summary: closed({
    from: time,
    to: time,
    bucket: { enum: ['1m', '5m', '1h', '1d'] },
    overall: closed({ events: int, errors: int, threats: int, cpu: ref('Stat'), mem: ref('Stat') }),
    trends: closed({ cpu: ref('Trend'), mem: ref('Trend'), events: ref('Trend') }),
    hosts: {
      type: 'array',
      items: closed({
        host: strOrNull,
        events: int,
        errors: int,
        threats: int,
        cpu: ref('Stat'),
        mem: ref('Stat'),
        trends: closed({ cpu: ref('Trend'), mem: ref('Trend') }),
      }),
    },
    series: {
      type: 'array',
      items: closed({
        t: time,
        events: int,
        errors: int,
        threats: int,
        cpu_avg: numOrNull,
        cpu_min: numOrNull,
        cpu_max: numOrNull,
        cpu_p95: p95,
        mem_avg: numOrNull,
        mem_min: numOrNull,
        mem_max: numOrNull,
        mem_p95: p95,
      }),
    },
    alerts: { oneOf: [{ type: 'null' }, closed({ total: int, by_severity: bySeverity, open_by_severity: bySeverity })] },
  }),
  Health: closed({ status: { const: 'ok' } }),
  Ready: closed({
    status: {
      enum: ['ready', 'degraded', 'not ready'],
      description: 'degraded: ready, but rules_refused rules of the folder are refused and do not run, or a forwarding output has failed for longer than forward.degraded_after',
    },
    store: closed({ ok: bool, schema_version: int, detail: str }, ['detail']),
    consumer: { enum: ['connected', 'disconnected', 'not running'] },
    lag: intOrNull,
    last_batch_at: timeOrNull,
    streams: int,
    rules_refused: { ...intOrNull, description: 'rules refused at start (GET /api/v1/rules lists them); null when detection does not run in this process' },
    ingest_paused: {
      oneOf: [{ type: 'null' }, closed({ reason: str, code: str, since: time })],
      description: 'why ingest is paused (the store refuses writes, e.g. a full disk; the status is then not ready, 503); null otherwise',
    },
    forwarding: {
      type: 'array',
      description: 'forwarding outputs (forward.outputs) with a cursor in the database',
      items: closed({
        output: str,
        events_behind: { ...int, description: 'stored events after the last one forwarded (ids behind)' },
        alerts_behind: { ...int, description: 'alert changes not forwarded yet' },
        failing_since: { ...timeOrNull, description: 'first failure since the last success; null while sending works' },
        degraded: { ...bool, description: 'failing for longer than forward.degraded_after' },
      }),
    },
  }),
};
