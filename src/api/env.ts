/**
 * What createApp is given, and what the routes share.
 */
import type { FrozenConfig } from '../config/load.js';
import type { IngestStats } from '../ingest/ingest-stats.js';
import type { Logger } from '../logger.js';
import type { LogReader } from '../store/log-reader.js';
import type { Store } from '../store/store.js';
import type { ApiMetrics } from './api-metrics.js';
import type { AlertsPort, RulesPort } from './ports.js';
import type { StreamHub } from './stream-hub.js';

export type ApiSettings = FrozenConfig['api'];

export interface ApiDeps {
  config: ApiSettings;
  /** A read-only connection (openStore(path, { readonly: true })). */
  store: Store;
  alerts?: AlertsPort;
  rules?: RulesPort;
  /** Ingest counters when ingest runs in this process; absent = the API runs alone. */
  stats?: IngestStats;
  /** The Kafka source (KafkaSource satisfies this), for /readyz. */
  consumer?: { readonly isConnected: boolean };
  logger: Logger;
  /** Epoch ms; defaults to Date.now. */
  clock?: () => number;
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
