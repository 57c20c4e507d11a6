/**
 * What crosses between the main thread of `serve` (ingest, the writer, detection) and the
 * API's worker thread. Everything here is plain data (structured clone).
 *
 * - workerData (ApiWorkerData): the settings and the RPC port, when the thread is spawned.
 * - parentPort, main -> worker: `start` once ingest runs (what runs, the first ingest snapshot),
 *   then ingest snapshots every STATS_PUSH_MS, and `close`.
 * - parentPort, worker -> main: `listening` (or `failed` with the start-up error), `closed`.
 * - the RPC port (src/runtime/thread-rpc.ts): the calls of IngestSideCalls, made by the worker, answered by main.
 */
import type { MessagePort } from 'node:worker_threads';
import type { FrozenConfig } from '../../config/load.js';
import type { IngestStatsSnapshot } from '../../ingest/ingest-stats.js';
import type { IdempotentRequest, IngestAnswer } from '../../listen/http-ingest.js';
import type { EsBulkAnswer, EsBulkDoc, EsBulkRequestKey } from '../../listen/es-bulk.js';
import type { LogLevel } from '../../logger.js';
import type { SeaWorkerRuntime } from '../../runtime/runtime-handoff.js';
import type { Alert, AlertChange } from '../../core/alert.js';
import type { RefusedRule, RuleInfo } from '../../core/rules/rule-info.js';
import type { WireError } from '../../runtime/thread-rpc.js';
import type { NewSilence, Silence } from '../../core/silence.js';
import type { ExpireResult } from '../../store/silence-store.js';
import type { LoginAttempt } from '../../store/user-store.js';

/** Marks the workerData of the API worker (the single executable starts its one bundle as the worker). */
export const API_WORKER_KIND = 'logagg-api-worker';

/** How often the main thread sends ingest counters to the worker (for /readyz), ms. */
export const STATS_PUSH_MS = 250;

/** What the worker's ingest counters and Kafka state are made of. */
export interface IngestState {
  stats: IngestStatsSnapshot;
  /** The Kafka consumer's state; null when no consumer runs. */
  consumerConnected: boolean | null;
  /** Rules refused at start and not running (0 when detection does not run). */
  rulesRefused: number;
}

/** Known when the thread is spawned (before ingest starts, so the thread loads the app meanwhile). */
export interface ApiWorkerData {
  kind: typeof API_WORKER_KIND;
  api: FrozenConfig['api'];
  storage: FrozenConfig['storage'];
  /** For GET /api/v1/status. */
  retention?: Pick<FrozenConfig['retention'], 'days' | 'rollup_1m_days' | 'rollup_1h_days'>;
  log: { level: LogLevel; format: 'json' | 'text' };
  /** The RPC port (src/runtime/thread-rpc.ts), transferred. */
  rpc: MessagePort;
  /** Set when running as the single executable: its addons for this thread. */
  seaRuntime?: SeaWorkerRuntime;
}

/** Sent with `start`, once ingest runs (the database exists and is migrated). */
export interface ApiWorkerStart {
  /** The limits of POST /api/v1/ingest; null when the HTTP listener does not run (no route). */
  ingest: { maxBodyBytes: number; maxLines: number } | null;
  /** Whether detection runs (GET/PATCH /rules through RPC). */
  rules: boolean;
  state: IngestState;
}

/** The calls the worker makes to the main thread. */
export interface IngestSideCalls {
  [method: string]: (...args: never[]) => unknown;
  rulesList(): Promise<RuleInfo[]>;
  rulesSetEnabled(id: string, enabled: boolean, by: string): Promise<RuleInfo | null>;
  rulesRefused(): Promise<RefusedRule[]>;
  alertTransition(id: number, change: AlertChange, hostScope: readonly string[] | undefined): Promise<Alert | null>;
  silenceCreate(s: NewSilence, now: number): Promise<Silence>;
  silenceExpire(id: number, by: string, now: number, hostScope: readonly string[] | undefined): Promise<ExpireResult | null>;
  /** Records a sign-in attempt (login_audit) on the writer. */
  loginRecord(attempt: LoginAttempt): Promise<void>;
  /** Lines arrive as Uint8Array (a Buffer crosses as its bytes). */
  ingestSubmit(lines: Uint8Array[], peer: string, request: IdempotentRequest | undefined): Promise<IngestAnswer>;
  /** POST /_bulk's documents; their values arrive as Uint8Array. */
  esBulkSubmit(docs: EsBulkDoc[], peer: string, request: EsBulkRequestKey | null): Promise<EsBulkAnswer>;
  ingestState(): IngestState;
}

export type ToWorker = { type: 'start'; start: ApiWorkerStart } | { type: 'state'; state: IngestState } | { type: 'close' };
export type FromWorker = { type: 'listening'; url: string } | { type: 'failed'; error: WireError } | { type: 'closed' };
