/**
 * What createApp is given, and what the routes share.
 */
import type { IdempotentRequest, IngestAnswer } from '../listen/http-ingest.js';
import type { EsBulkAnswer, EsBulkDoc, EsBulkRequestKey } from '../listen/es-bulk.js';
import type { FrozenConfig } from '../config/load.js';
import type { IngestStats } from '../ingest/ingest-stats.js';
import type { Logger } from '../logger.js';
import type { LogReader } from '../store/log-reader.js';
import type { Store } from '../store/store.js';
import type { ApiMetrics } from './api-metrics.js';
import type { ConsoleFiles } from './console/console-files.js';
import type { RetentionSettings } from './routes/status.js';
import type { AccountsPort, AlertsPort, RulesPort, SilencesPort } from './ports.js';
import type { StreamHub } from './stream-hub.js';

export type ApiSettings = FrozenConfig['api'];

export interface ApiDeps {
  config: ApiSettings;
  /** A read-only connection (openStore(path, { readonly: true })). */
  store: Store;
  alerts?: AlertsPort;
  rules?: RulesPort;
  /** GET/POST/DELETE /api/v1/silences; absent = 503 (no detection in this process). */
  silences?: SilencesPort;
  /** Local accounts for sign-in; absent = POST /api/v1/auth/login answers 503 (tokens still work). */
  accounts?: AccountsPort;
  /** Ingest counters when ingest runs in this process; absent = the API runs alone. */
  stats?: IngestStats;
  /** The Kafka source (KafkaSource satisfies this), for /readyz. */
  consumer?: { readonly isConnected: boolean };
  /**
   * Brings `stats` and `consumer` up to date before /metrics reads them. Absent when they are
   * the live objects; on the API's worker thread of `serve` they are copies sent by the main
   * thread (src/api/worker/), and this asks for a fresh copy.
   */
  refreshStats?: () => Promise<void>;
  /** Direct ingest (POST /api/v1/ingest) when the writer runs in this process; absent = no such route. */
  ingest?: IngestPort;
  logger: Logger;
  /** Retention in force, for GET /api/v1/status; absent = shown as unknown (null). */
  retention?: RetentionSettings;
  /** The web console's files; default the built console (lib/web, or the executable's copy). Empty = not served. */
  console?: ConsoleFiles;
  /** Epoch ms; defaults to Date.now. */
  clock?: () => number;
}

/** What POST /api/v1/ingest needs (src/listen/http-ingest.ts provides it). */
export interface IngestPort {
  /** Largest body, bytes, and most messages in one request. */
  readonly maxBodyBytes: number;
  readonly maxLines: number;
  /**
   * Stores the messages in one transaction and resolves only once it is committed; throws
   * STORE_UNAVAILABLE (503) without storing anything when ingest cannot take them now. With
   * `request` (an Idempotency-Key), a request already stored is answered from its stored answer.
   */
  submit(lines: Buffer[], peer: string, request?: IdempotentRequest): Promise<IngestAnswer>;
  /**
   * POST /_bulk (src/listen/es-bulk.ts): the documents in one transaction, answered once
   * committed, with whether each was stored or already there; absent = no Elasticsearch endpoint.
   */
  esBulk?(docs: EsBulkDoc[], peer: string, request: EsBulkRequestKey | null): Promise<EsBulkAnswer>;
}

/** Shared by the routes of one app. */
export interface RouteEnv {
  deps: ApiDeps;
  cfg: ApiSettings;
  reader: LogReader;
  now: () => number;
  metrics: ApiMetrics;
  hub: StreamHub;
}
