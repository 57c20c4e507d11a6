// A real API server on 127.0.0.1 (port 0) over a real SQLite file: the writer connection seeds
// events through LogWriter, the API reads through its own read-only connection. Every answer
// fetched through `call` is checked against the OpenAPI document the server serves.
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { createLogger, type Logger } from '../../src/logger.js';
import { loadConfig } from '../../src/config/load.js';
import type { NormalizedEvent } from '../../src/core/event.js';
import type { ApiSettings } from '../../src/api/env.js';
import type { ConsoleFiles } from '../../src/api/console/console-files.js';
import type { RetentionSettings } from '../../src/api/routes/status.js';
import type { AlertsPort, RulesPort, SilencesPort } from '../../src/api/ports.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { buildOpenApi } from '../../src/api/openapi.js';
import type { IngestStats } from '../../src/ingest/ingest-stats.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { openStore, type Store } from '../../src/store/store.js';
import { SqliteAccountsPort } from '../../src/store/account-port.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';
import { AlertSeed } from './alert-seed.js';
import { OpenApiChecker } from './openapi-check.js';

export const SECRET = 'test-secret-for-logagg-api-0123456789abcdef';

/** The api section as loadConfig makes it: schema defaults, the test secret, port 0, no rate limits. */
export function apiConfig(overrides: Record<string, unknown> = {}): ApiSettings {
  return loadConfig({
    defaultsFile: null,
    env: {},
    overrides: { 'api.port': 0, 'api.auth.secret': SECRET, 'api.rate_limit.enabled': false, ...overrides },
  }).api;
}

/**
 * Environment for `logagg serve` as a child process with the API on an ephemeral port, the
 * test secret, no rate limits, JSON logs, no retention and no Kafka; `extra` wins.
 */
export function serveEnv(db: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LOGAGG_KAFKA_ENABLED: 'false',
    LOGAGG_STORAGE_PATH: db,
    LOGAGG_API_PORT: '0',
    LOGAGG_API_AUTH_SECRET: SECRET,
    LOGAGG_API_RATE_LIMIT_ENABLED: 'false',
    LOGAGG_LOG_FORMAT: 'json',
    LOGAGG_RETENTION_DAYS: '0',
    ...extra,
  };
}

export interface LogLine {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({
    level: 'debug',
    format: 'json',
    write: (line) => {
      const { level, msg, time: _t, ...fields } = JSON.parse(line) as Record<string, unknown>;
      lines.push({ level: String(level), msg: String(msg), fields });
    },
  });
  return { logger, lines };
}

export interface TokenClaims {
  roles?: unknown;
  hosts?: unknown;
  sub?: string;
  /** Seconds from now; default 3600. */
  expiresIn?: number;
  notBefore?: number;
  [claim: string]: unknown;
}

/** An HS256 token signed by jsonwebtoken (an implementation independent of the server's minting). */
export function token(claims: TokenClaims = {}, secret: string | Buffer = SECRET, options: jwt.SignOptions = {}): string {
  const { expiresIn = 3600, notBefore, ...rest } = claims;
  const payload: Record<string, unknown> = { sub: 'tester', roles: ['viewer'], ...rest };
  for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
  return jwt.sign(payload, secret, { algorithm: 'HS256', expiresIn, ...(notBefore !== undefined ? { notBefore } : {}), ...options });
}

export const viewer = () => token({ roles: ['viewer'], sub: 'vera' });
export const analyst = () => token({ roles: ['analyst'], sub: 'ana' });
export const admin = () => token({ roles: 'admin', sub: 'adam' });

export interface CallOptions {
  method?: string;
  token?: string | null;
  headers?: Record<string, string>;
  body?: unknown;
  /** Check the answer against the OpenAPI document (default true). */
  validate?: boolean;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface TestApi {
  url: string;
  server: ApiServer;
  config: ApiSettings;
  /** The writer connection (seeding, inserting while paging). */
  writer: LogWriter;
  writerStore: Store;
  readStore: Store;
  log: LogLine[];
  checker: OpenApiChecker;
  /** Stores events; returns their ids. */
  insert(events: readonly NormalizedEvent[]): number[];
  call(pathAndQuery: string, opts?: CallOptions): Promise<Answer>;
}

export interface StartOptions {
  config?: Record<string, unknown>;
  seed?: readonly NormalizedEvent[];
  /** An AlertSeed: the API serves its database, with the real SQLite alerts port. */
  alerts?: AlertsPort | AlertSeed;
  rules?: RulesPort;
  silences?: SilencesPort;
  stats?: IngestStats;
  consumer?: { readonly isConnected: boolean };
  clock?: () => number;
  /** Serve no account store (sign-in answers 503). */
  noAccounts?: boolean;
  /** The web console's files (default: none, so API tests do not depend on the built console). */
  console?: ConsoleFiles;
  retention?: RetentionSettings;
}

export async function startApi(opts: StartOptions = {}): Promise<TestApi> {
  const seeded = opts.alerts instanceof AlertSeed ? opts.alerts : null;
  const file = seeded?.file ?? path.join(tempDir('logagg-api-'), 'logagg.db');
  const writerStore = seeded?.store ?? openStore(file);
  if (seeded === null) deferCleanup(() => writerStore.close());
  const writer = new LogWriter(writerStore);
  const insert = (events: readonly NormalizedEvent[]): number[] => writer.writeBatch({ events, offsets: [] }).ids.map((id) => id!);
  if (opts.seed && opts.seed.length > 0) insert(opts.seed);
  const readStore = openStore(file, { readonly: true });
  deferCleanup(() => readStore.close());
  const config = apiConfig(opts.config);
  const alerts = seeded === null ? opts.alerts : seeded.port(readStore);
  const { logger, lines } = captureLogger();
  const server = await startApiServer({
    config,
    store: readStore,
    logger,
    ...(alerts ? { alerts } : {}),
    ...(opts.rules ? { rules: opts.rules } : {}),
    ...(opts.silences ? { silences: opts.silences } : {}),
    ...(opts.stats ? { stats: opts.stats } : {}),
    ...(opts.consumer ? { consumer: opts.consumer } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.noAccounts ? {} : { accounts: new SqliteAccountsPort(readStore, writerStore) }),
    console: opts.console ?? new Map(),
    ...(opts.retention ? { retention: opts.retention } : {}),
  });
  deferCleanup(() => server.close());
  const checker = new OpenApiChecker(buildOpenApi(config));

  const call = async (pathAndQuery: string, o: CallOptions = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const tok = o.token === undefined ? viewer() : o.token;
    if (tok !== null) headers.Authorization = `Bearer ${tok}`;
    let body: string | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(server.url + pathAndQuery, { method: o.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (/json/.test(type) && text !== '') parsed = JSON.parse(text);
    if (o.validate !== false && (o.method ?? 'GET') !== 'HEAD' && o.method !== 'OPTIONS') {
      checker.check(o.method ?? 'GET', new URL(server.url + pathAndQuery).pathname, res.status, type, parsed);
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };

  return { url: server.url, server, config, writer, writerStore, readStore, log: lines, checker, insert, call };
}
