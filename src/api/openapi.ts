/**
 * The OpenAPI 3.1 document served at /api/v1/openapi.json. Built from the same constants the
 * routes use (limits, buckets, parameter names); tests validate real answers against it.
 */
import { FORMATS, SEVERITIES } from '../core/event.js';
import { VERSION } from '../version.js';
import type { ApiSettings } from './env.js';
import { SCHEMAS } from './openapi-schemas.js';
import { ALERT_STATES } from '../core/alert.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';
import { BUCKETS } from './summary.js';
import { notificationsPathItem } from './routes/notifications.js';
import { statusPathItem } from './routes/status.js';
import { silencePathItems } from './routes/silences.js';
import { authPathItems } from './routes/auth.js';
import { FTS_LIMITS } from '../store/fts-query.js';
import { CURSOR_PATTERN } from '../store/cursor.js';
import { MAX_BUCKETS } from '../store/log-reader.js';
import { LEVEL_PATTERN, LIST_ITEM_SCHEMA, MAX_LIST, MAX_VALUE, TIME_PATTERN } from '../query/params.js';
import { RULE_ID_PATTERN } from './routes/rules.js';
import { IDEMPOTENCY_KEY_PATTERN } from './routes/ingest.js';
import { OTLP_JSON_SCHEMAS, shipperPathItems } from './openapi-shippers.js';
import { ELASTICSEARCH_SECURITY_SCHEMES, elasticsearchPaths } from './openapi-elasticsearch.js';

type Obj = Record<string, unknown>;

/** Path ids are positive integers a JSON number holds exactly (routes/logs.ts pathId). */
const MAX_ID = Number.MAX_SAFE_INTEGER;

const json = (schemaName: string): Obj => ({ 'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } } });
const problem = (description: string): Obj => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } } });
const ok = (schemaName: string, description = 'OK'): Obj => ({ description, content: json(schemaName) });

const ERRORS: Obj = {
  '400': problem('A parameter is wrong; `param` names it.'),
  '401': problem('No token, or the token was refused (see WWW-Authenticate).'),
  '403': problem('The token lacks the role, or its host scope forbids this.'),
  '405': problem('The method is not one this path takes; Allow lists those it does.'),
  '406': problem('The Accept header excludes every media type this operation answers with.'),
  '429': problem('Rate limited; retry after Retry-After seconds.'),
  '431': problem('The request line and headers together exceed 16 KiB; send shorter parameters.'),
  '503': problem('Temporarily unavailable (query time budget exceeded, store busy, too many streams).'),
  default: problem('Any other error.'),
};

const q = (name: string, description: string, schema: Obj, extra: Obj = {}): Obj => ({ name, in: 'query', required: false, description, schema, ...extra });
/** A list value as the server reads it (query/params.ts): at most MAX_LIST items. */
const list = (item: Obj = LIST_ITEM_SCHEMA): Obj => ({ type: 'array', items: item, minItems: 1, maxItems: MAX_LIST });
const text: Obj = { type: 'string', maxLength: MAX_VALUE };
const timeParam = (name: string, what: string) =>
  q(name, `${what}: ISO 8601 (2024-05-01T12:00:00Z; no zone = UTC), epoch seconds or ms, now, or relative like 15m, 24h, 7d (that long ago).`, { type: 'string', pattern: TIME_PATTERN });

function logFilterParams(): Obj[] {
  return [
    timeParam('from', 'Events at or after'),
    timeParam('to', 'Events before'),
    q('host', 'One or more hosts (repeat or comma-separate); `*` is a wildcard (web-*).', list(), { style: 'form', explode: true }),
    q('level', 'At or above this level: emergency, alert, critical, error, warning, notice, info, debug, or 0–7 (aliases emerg, panic, crit, fatal, err, warn, informational, information, trace; any case).', {
      type: 'string',
      pattern: LEVEL_PATTERN,
    }),
    q('topic', 'One or more Kafka topics.', list(), { style: 'form', explode: true }),
    q('format', 'One or more formats.', list({ type: 'string', enum: [...FORMATS] }), { style: 'form', explode: true }),
    q('tag', 'Events carrying every one of these tags.', list(), { style: 'form', explode: true }),
    q('has_threats', 'Only events with (true) or without (false) threats.', { type: 'boolean' }),
    q('threat_severity', 'Highest threat at least this severe.', { type: 'string', enum: [...SEVERITIES] }),
    q('has_error', 'Only events that failed (true) or did not fail (false) to decode.', { type: 'boolean' }),
    q('q', `Full-text search over message, host and process: words, "phrases", prefix*, AND, OR, NOT, parentheses; at most ${FTS_LIMITS.MAX_INPUT} characters, ${FTS_LIMITS.MAX_TERMS} terms and ${FTS_LIMITS.MAX_DEPTH} levels of parentheses.`, {
      type: 'string',
      maxLength: FTS_LIMITS.MAX_INPUT,
    }),
    {
      name: 'attr',
      in: 'query',
      required: false,
      description: 'Attribute filters: attr.<path>=<value>, e.g. attr.process=nc or attr.http.status=500 (numbers match numerically).',
      // store/log-filter.ts: at most 20 filters, paths of at most 200 characters and 16 segments.
      schema: {
        type: 'object',
        maxProperties: 20,
        propertyNames: { maxLength: 205, pattern: '^attr\\.[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+){0,15}$' },
        additionalProperties: text,
      },
      style: 'form',
      explode: true,
    },
  ];
}

function alertFilterParams(): Obj[] {
  return [
    q('state', 'One or more states.', list({ type: 'string', enum: [...ALERT_STATES] }), { style: 'form', explode: true }),
    q('severity', 'One or more severities.', list({ type: 'string', enum: [...SEVERITIES] }), { style: 'form', explode: true }),
    q('min_severity', 'At least this severe.', { type: 'string', enum: [...SEVERITIES] }),
    q('rule', 'One or more rule ids.', list(), { style: 'form', explode: true }),
    q('host', 'One or more hosts; `*` wildcards.', list(), { style: 'form', explode: true }),
    timeParam('from', 'Last seen at or after'),
    timeParam('to', 'First seen before'),
  ];
}

function pageParams(cfg: ApiSettings): Obj[] {
  return [
    q('limit', `Page size, 1–${cfg.limits.max_page}.`, { type: 'integer', minimum: 1, maximum: cfg.limits.max_page, default: cfg.limits.default_page }),
    q('cursor', 'The next_cursor of the previous page, unchanged (opaque).', { type: 'string', pattern: CURSOR_PATTERN }),
  ];
}

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1, maximum: MAX_ID } };

function resourcePaths(cfg: ApiSettings): Record<string, Obj> {
  return {
    '/logs': {
      get: {
        operationId: 'listLogs',
        summary: 'Logs, filtered, newest first by default, with keyset pagination (role viewer).',
        parameters: [...logFilterParams(), ...pageParams(cfg), q('sort', 'By time.', { type: 'string', enum: ['desc', 'asc'], default: 'desc' })],
        responses: { '200': ok('LogPage'), '422': problem('The search text is well-formed but the full-text index cannot search it word by word (code points its tokenizer splits otherwise); `param` is q.'), ...ERRORS },
      },
    },
    '/logs/stats': {
      get: {
        operationId: 'logStats',
        summary: 'Counts by host, level and threat severity of the filtered logs (role viewer).',
        parameters: [...logFilterParams(), q('top_hosts', 'Hosts listed at most.', { type: 'integer', minimum: 1, maximum: 1000, default: 50 })],
        responses: { '200': ok('LogStats'), '422': problem('The search text is well-formed but the full-text index cannot search it word by word (code points its tokenizer splits otherwise); `param` is q.'), ...ERRORS },
      },
    },
    '/logs/histogram': {
      get: {
        operationId: 'logHistogram',
        summary: 'Counts over time of the filtered logs, every filter of /logs applied, full text included: `buckets` equal slices of [from, to); the window defaults to the 24 hours before `to` (default now) (role viewer).',
        parameters: [...logFilterParams(), q('buckets', 'Slices of the window.', { type: 'integer', minimum: 1, maximum: MAX_BUCKETS, default: 60 })],
        responses: { '200': ok('LogHistogram'), '422': problem('The search text is well-formed but the full-text index cannot search it word by word (code points its tokenizer splits otherwise); `param` is q.'), ...ERRORS },
      },
    },
    '/logs/{id}': {
      get: {
        operationId: 'getLog',
        summary: 'One event with its raw text and the alerts it raised (role viewer).',
        parameters: [idParam],
        responses: { '200': ok('LogDetail'), '404': problem('No such log (or outside the token’s host scope).'), ...ERRORS },
      },
    },
    '/alert-stats': {
      get: {
        operationId: 'alertStats',
        summary: 'Counts of the filtered alerts by state, severity, rule and host (the `top` busiest rules and hosts) (role viewer).',
        parameters: [...alertFilterParams(), q('top', 'Rules and hosts listed at most.', { type: 'integer', minimum: 1, maximum: 1000, default: 20 })],
        responses: { '200': ok('AlertStats'), ...ERRORS },
      },
    },
    '/alerts': {
      get: {
        operationId: 'listAlerts',
        summary: 'Alerts, most recently seen first (role viewer).',
        parameters: [...alertFilterParams(), ...pageParams(cfg)],
        responses: { '200': ok('AlertPage'), ...ERRORS },
      },
    },
    '/alerts/{id}': {
      get: {
        operationId: 'getAlert',
        summary: 'One alert (role viewer).',
        parameters: [idParam],
        responses: { '200': ok('Alert'), '404': problem('No such alert.'), ...ERRORS },
      },
      patch: {
        operationId: 'changeAlert',
        summary: 'Acknowledge, resolve or reopen an alert, with a comment; records who and when (role analyst).',
        parameters: [idParam],
        requestBody: { required: true, content: json('AlertPatch') },
        responses: {
          '200': ok('Alert'),
          '404': problem('No such alert.'),
          '409': problem('The move is not allowed from the current state.'),
          '413': problem('Body too large.'),
          '415': problem('Body is not application/json.'),
          ...ERRORS,
        },
      },
    },
    '/alerts/{id}/history': {
      get: {
        operationId: 'alertHistory',
        summary: 'The state changes of one alert, oldest first: who, when, from and to which state, the comment (role viewer).',
        parameters: [idParam],
        responses: { '200': ok('AlertHistory'), '404': problem('No such alert (or outside the token’s host scope).'), ...ERRORS },
      },
    },
    '/rules': {
      get: { operationId: 'listRules', summary: 'Detection rules: those in force, then those refused at start with why (role analyst).', responses: { '200': ok('RuleList'), ...ERRORS } },
    },
    '/rules/{id}': {
      patch: {
        operationId: 'changeRule',
        summary: 'Enable or disable a rule (role admin).',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: RULE_ID_PATTERN } }],
        requestBody: { required: true, content: json('RulePatch') },
        responses: { '200': ok('Rule'), '404': problem('No such rule.'), '413': problem('Body too large.'), '415': problem('Body is not application/json.'), ...ERRORS },
      },
    },
    '/notifications': notificationsPathItem(cfg, ERRORS),
    '/metrics/summary': {
      get: {
        operationId: 'metricsSummary',
        summary: 'CPU, memory and event counts from the rollups, trends per bucket, change against the previous window, alert counts (role viewer).',
        parameters: [
          timeParam('from', 'Window start (default: 24h before `to`)'),
          timeParam('to', 'Window end (default: now)'),
          q('bucket', 'Bucket width (default by window: ≤6h 1m, ≤3d 5m, ≤60d 1h, else 1d).', { type: 'string', enum: Object.keys(BUCKETS) }),
          q('host', 'One or more hosts; `*` wildcards.', list(), { style: 'form', explode: true }),
        ],
        responses: { '200': ok('Summary'), ...ERRORS },
      },
    },
  };
}

/** POST /api/v1/ingest, documented when the server serves it (ingest runs in its process). */
function ingestPath(limits: IngestLimits): Obj {
  // Empty lines (and a leading byte-order mark) are skipped: a body needs one other character.
  const lines: Obj = { type: 'string', pattern: '[^\\r\\n\\uFEFF]', description: `One message a line (LF or CRLF), at most ${limits.maxLines} lines and ${limits.maxBodyBytes} bytes.` };
  const count = (description: string): Obj => ({ type: 'integer', minimum: 0, description });
  return {
    post: {
      operationId: 'ingest',
      summary:
        'Store messages (role ingest): NDJSON or text, one message a line, or a JSON array, one message an element. Decoded, enriched, run through detection and stored like Kafka messages, in one transaction; the answer comes after the commit, so a 2xx means durable and any other answer means nothing was stored.',
      parameters: [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Makes a retry safe: a request with a key is stored once. A retry with the same key and body within listeners.http.idempotency_window (default 24 h; also after a restart) gets the first answer with Idempotent-Replayed: true and stores nothing; one arriving while the first is being stored waits for it. The same key with another body is 422. Use a new key (a UUID) for new messages.',
          schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN },
        },
      ],
      requestBody: {
        required: true,
        content: {
          'application/x-ndjson': { schema: lines },
          'application/json': {
            // No `type`: the array keywords bind arrays only, so any other JSON value (stored as
            // one message) is valid too, exactly as the server reads it.
            schema: {
              minItems: 1,
              maxItems: limits.maxLines,
              // At least one element that is not an empty string (minLength binds strings only).
              contains: { minLength: 1 },
              description: 'An array: string elements are the message text, other elements are stored as their JSON text, empty strings are skipped. Any other JSON value is one message.',
            },
          },
          'text/plain': { schema: lines },
        },
      },
      responses: {
        '200': {
          description: 'Stored (or, with Idempotent-Replayed, the answer of the earlier request with the same Idempotency-Key; nothing stored again).',
          headers: { 'Idempotent-Replayed': { description: 'true when this is the stored answer of an earlier request', schema: { type: 'string', enum: ['true'] } } },
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  stored: count('Events committed.'),
                  duplicates: count('Events skipped as copies of stored ones.'),
                  parse_errors: count('Events stored with parse_error (the message could not be decoded).'),
                },
                required: ['stored', 'duplicates', 'parse_errors'],
                additionalProperties: false,
              },
            },
          },
        },
        '413': problem('Body larger than listeners.http.max_body_bytes, or more than listeners.http.max_lines messages.'),
        '415': problem('Another media type, or a Content-Encoding.'),
        '422': problem('The Idempotency-Key was used with another body; nothing stored.'),
        ...ERRORS,
      },
    },
  };
}

/** The limits of POST /api/v1/ingest (listeners.http), stated in its request schema. */
export interface IngestLimits {
  maxBodyBytes: number;
  maxLines: number;
}

export function buildOpenApi(cfg: ApiSettings, opts: { ingest?: IngestLimits } = {}): Obj {
  const paths: Record<string, Obj> = {};
  const resources = resourcePaths(cfg);
  for (const [path, item] of Object.entries(resources)) paths[`/api/v1${path}`] = item;
  // The seed's unversioned paths answer the same.
  for (const [path, item] of Object.entries(resources)) {
    const copy: Obj = {};
    for (const [method, op] of Object.entries(item)) copy[method] = { ...(op as Obj), operationId: `${(op as Obj).operationId as string}Unversioned` };
    paths[path] = copy;
  }
  paths['/api/v1/stream'] = {
    get: {
      operationId: 'stream',
      summary:
        'Server-Sent Events of new logs (event: log) and new or changed alerts (event: alert), with the filters of /logs and the token’s host scope (role viewer). Resume with Last-Event-ID. A browser EventSource may pass the token as access_token.',
      parameters: [
        ...logFilterParams(),
        q('types', 'What to send.', list({ type: 'string', enum: ['logs', 'alerts'] }), { style: 'form', explode: false }),
        q('access_token', 'The JWT, for clients that cannot send headers (EventSource); only accepted here.', { type: 'string' }),
        q('last_event_id', 'Resume position, as the Last-Event-ID header.', { type: 'string' }),
        { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } },
      ],
      responses: { '200': { description: 'An event stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...ERRORS },
    },
  };
  if (opts.ingest) paths['/api/v1/ingest'] = ingestPath(opts.ingest);
  if (opts.ingest) Object.assign(paths, shipperPathItems(opts.ingest, ERRORS, problem));
  if (opts.ingest) Object.assign(paths, elasticsearchPaths(opts.ingest, ERRORS, problem));
  paths['/api/v1/status'] = statusPathItem(ERRORS);
  for (const [path, item] of Object.entries(silencePathItems(cfg, ERRORS, problem))) paths[`/api/v1${path}`] = item;
  Object.assign(paths, authPathItems(ERRORS, problem));
  paths['/api/v1/openapi.json'] = {
    get: { operationId: 'openapi', summary: 'This document (role viewer).', responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } }, ...ERRORS } },
  };
  paths['/healthz'] = {
    get: { operationId: 'healthz', summary: 'Liveness; no token needed.', security: [], responses: { '200': ok('Health'), default: problem('Any other error.') } },
  };
  paths['/readyz'] = {
    get: {
      operationId: 'readyz',
      summary: 'Readiness: store readable, Kafka consumer connected (when ingest runs here), total lag, rules refused at start (200 with status degraded when some are) (role viewer).',
      responses: { '200': ok('Ready', 'Ready'), '503': { description: 'Not ready', content: json('Ready') }, ...Object.fromEntries(Object.entries(ERRORS).filter(([k]) => k !== '503')) },
    },
  };
  paths['/metrics'] = {
    get: {
      operationId: 'prometheus',
      summary: 'Prometheus text exposition: ingest rate and batch latency, consumer lag per partition, alerts by severity, rules refused, API latency (role viewer, token without host scope).',
      responses: { '200': { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } }, ...ERRORS },
    },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'logagg API',
      version: VERSION,
      description:
        'Logs, alerts and metrics of a logagg appliance. Every route but /healthz, /api/v1/auth/login and /api/v1/auth/logout needs a JWT: Authorization: Bearer, or the logagg_session cookie set by /api/v1/auth/login (then POST, PUT, PATCH and DELETE must also send X-Requested-With: logagg). Roles: viewer < analyst < admin. Errors are RFC 9457 problem details. Timestamps are ISO 8601 UTC.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        cookieAuth: { type: 'apiKey', in: 'cookie', name: 'logagg_session', description: 'Set by POST /api/v1/auth/login.' },
        basicAuth: { type: 'http', scheme: 'basic', description: 'Shipper endpoints only (OTLP, Loki, Elasticsearch): any user name, an ingest token as the password.' },
        ...(opts.ingest ? { elasticApiKey: ELASTICSEARCH_SECURITY_SCHEMES['elasticApiKey'] } : {}),
      },
      schemas: opts.ingest ? { ...SCHEMAS, ...OTLP_JSON_SCHEMAS } : SCHEMAS,
    },
  };
}
