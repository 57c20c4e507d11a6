/**
 * The API's worker thread of `serve`: the same app (startApiServer) on its own read-only SQLite
 * connection, with the ports that need the ingest side (rules, alert state changes, direct
 * ingest) answered by the main thread over RPC, and the ingest counters kept from the snapshots
 * the main thread sends. A request here never waits for an ingest step on the main thread
 * unless it needs the ingest side (PATCH /rules, PATCH /alerts, POST and DELETE /silences,
 * POST /ingest, /metrics, and the audit record of POST /auth/login).
 */
import { type MessagePort } from 'node:worker_threads';
import { storeOptionsFromConfig } from '../../store/store-options.js';
import { IngestStats } from '../../ingest/ingest-stats.js';
import type { IdempotentRequest, IngestAnswer } from '../../listen/http-ingest.js';
import type { EsBulkAnswer, EsBulkDoc, EsBulkRequestKey } from '../../listen/es-bulk.js';
import { createLogger } from '../../logger.js';
import { SqliteAlertsPort } from '../../store/alert-port.js';
import type { AlertStats } from '../../store/alert-reader.js';
import { SqliteSilencesPort } from '../../store/silence-port.js';
import { SqliteAccountsPort } from '../../store/account-port.js';
import type { Account } from '../../auth/account.js';
import type { LoginAttempt } from '../../store/user-store.js';
import type { ExpireResult, SilenceListFilter, SilencePage } from '../../store/silence-store.js';
import type { NewSilence, Silence } from '../../core/silence.js';
import { openStore, type Store } from '../../store/store.js';
import type { IngestPort } from '../env.js';
import type { Alert, AlertChange, AlertFeed, AlertFilter, AlertHistoryEntry, AlertPage, AlertState } from '../../core/alert.js';
import type { AccountsPort, AlertsPort, RulesPort, SilencesPort } from '../ports.js';
import type { RefusedRule, RuleInfo } from '../../core/rules/rule-info.js';
import { startApiServer, type ApiServer } from '../server.js';
import { API_WORKER_KIND, type ApiWorkerData, type ApiWorkerStart, type FromWorker, type IngestSideCalls, type IngestState, type ToWorker } from './protocol.js';
import { RpcClient, toWireError } from '../../runtime/thread-rpc.js';
import type { Severity } from '../../core/event.js';

/** Rules and alert changes wait this long for the main thread, ms (it answers between two ingest steps). */
const CALL_TIMEOUT_MS = 10_000;
/** POST /ingest waits for its commit, behind the queue: as long as the request may last (server.ts). */
const INGEST_TIMEOUT_MS = 30_000;
/** /metrics waits this long for fresh counters, then shows the last ones sent, ms. */
const REFRESH_TIMEOUT_MS = 2_000;

type Calls = RpcClient<IngestSideCalls>;

export function isApiWorkerData(data: unknown): data is ApiWorkerData {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === API_WORKER_KIND;
}

/** Reads on this thread's connection; state changes on the main thread's writer. */
class WorkerAlertsPort implements AlertsPort {
  private readonly local: SqliteAlertsPort;
  constructor(
    reader: Store,
    private readonly calls: Calls,
  ) {
    this.local = new SqliteAlertsPort(reader, null);
  }
  list(filter: AlertFilter, page: { limit: number; cursor: string | null }): AlertPage {
    return this.local.list(filter, page);
  }
  get(id: number, hostScope?: readonly string[]): Alert | null {
    return this.local.get(id, hostScope);
  }
  transition(id: number, change: AlertChange, hostScope?: readonly string[]): Promise<Alert | null> {
    return this.calls.call('alertTransition', [id, change, hostScope]);
  }
  history(id: number, hostScope?: readonly string[]): AlertHistoryEntry[] | null {
    return this.local.history(id, hostScope);
  }
  counts(filter: AlertFilter): { severity: Severity; state: AlertState; count: number }[] {
    return this.local.counts(filter);
  }

  stats(filter: AlertFilter, top: number): AlertStats {
    return this.local.stats(filter, top);
  }
  feed(position: string | null, filter: AlertFilter, limit: number): AlertFeed {
    return this.local.feed(position, filter, limit);
  }
}

/** Reads on this thread's connection; creating and expiring on the main thread's writer. */
class WorkerSilencesPort implements SilencesPort {
  private readonly local: SqliteSilencesPort;
  constructor(
    reader: Store,
    private readonly calls: Calls,
  ) {
    this.local = new SqliteSilencesPort(reader, null);
  }
  list(filter: SilenceListFilter, page: { limit: number; beforeId: number | null }, now: number): SilencePage {
    return this.local.list(filter, page, now);
  }
  get(id: number, hostScope?: readonly string[]): Silence | null {
    return this.local.get(id, hostScope);
  }
  create(s: NewSilence, now: number): Promise<Silence> {
    return this.calls.call('silenceCreate', [s, now]);
  }
  expire(id: number, by: string, now: number, hostScope?: readonly string[]): Promise<ExpireResult | null> {
    return this.calls.call('silenceExpire', [id, by, now, hostScope]);
  }
}

/** Accounts read on this thread's connection; sign-in attempts recorded on the main thread's writer. */
class WorkerAccountsPort implements AccountsPort {
  private readonly local: SqliteAccountsPort;
  constructor(
    reader: Store,
    private readonly calls: Calls,
  ) {
    this.local = new SqliteAccountsPort(reader, null);
  }
  find(name: string): Account | null {
    return this.local.find(name);
  }
  record(attempt: LoginAttempt): Promise<void> {
    return this.calls.call('loginRecord', [attempt]);
  }
}

class WorkerRulesPort implements RulesPort {
  /** Kept from the state the main thread sends. */
  count = 0;
  constructor(private readonly calls: Calls) {}
  refused(): Promise<RefusedRule[]> {
    return this.calls.call('rulesRefused', []);
  }
  refusedCount(): number {
    return this.count;
  }
  list(): Promise<RuleInfo[]> {
    return this.calls.call('rulesList', []);
  }
  setEnabled(id: string, enabled: boolean, by: string): Promise<RuleInfo | null> {
    return this.calls.call('rulesSetEnabled', [id, enabled, by]);
  }
}

class WorkerIngestPort implements IngestPort {
  constructor(
    private readonly calls: Calls,
    readonly maxBodyBytes: number,
    readonly maxLines: number,
  ) {}
  submit(lines: Buffer[], peer: string, request?: IdempotentRequest): Promise<IngestAnswer> {
    return this.calls.call('ingestSubmit', [lines, peer, request], INGEST_TIMEOUT_MS);
  }
  esBulk(docs: EsBulkDoc[], peer: string, request: EsBulkRequestKey | null): Promise<EsBulkAnswer> {
    return this.calls.call('esBulkSubmit', [docs, peer, request], INGEST_TIMEOUT_MS);
  }
}

/**
 * Waits for `start` from the main thread, then runs the API in this worker thread until the main
 * thread says `close`. Posts `listening` with the URL, or `failed` with the start-up error (then
 * the main thread ends the thread).
 */
export function runApiWorker(data: ApiWorkerData, parent: MessagePort): void {
  const post = (m: FromWorker): void => parent.postMessage(m);
  const logger = createLogger({ level: data.log.level, format: data.log.format });
  const calls: Calls = new RpcClient<IngestSideCalls>(data.rpc, CALL_TIMEOUT_MS);
  const stats = new IngestStats();
  let consumerConnected: boolean | null = null;
  const rules = new WorkerRulesPort(calls);
  const apply = (s: IngestState): void => {
    stats.apply(s.stats);
    consumerConnected = s.consumerConnected;
    rules.count = s.rulesRefused;
  };

  let reader: Store | null = null;
  let api: ApiServer | null = null;
  let closing = false;
  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    try {
      await api?.close();
    } finally {
      reader?.close();
      calls.close('the API is stopping');
      post({ type: 'closed' });
    }
  };

  const start = async (s: ApiWorkerStart): Promise<void> => {
    apply(s.state);
    try {
      reader = openStore(data.storage.path, { ...storeOptionsFromConfig({ storage: data.storage }), readonly: true });
      api = await startApiServer({
        config: data.api,
        store: reader,
        ...(data.retention ? { retention: data.retention } : {}),
        stats,
        ...(consumerConnected === null
          ? {}
          : {
              consumer: {
                get isConnected() {
                  return consumerConnected === true;
                },
              },
            }),
        refreshStats: async () => {
          try {
            apply(await calls.call('ingestState', [], REFRESH_TIMEOUT_MS));
          } catch {
            // the main thread is busy or stopping: the last snapshot it sent (at most STATS_PUSH_MS old)
          }
        },
        ...(s.ingest ? { ingest: new WorkerIngestPort(calls, s.ingest.maxBodyBytes, s.ingest.maxLines) } : {}),
        logger,
        alerts: new WorkerAlertsPort(reader, calls),
        silences: new WorkerSilencesPort(reader, calls),
        accounts: new WorkerAccountsPort(reader, calls),
        ...(s.rules ? { rules } : {}),
      });
      post({ type: 'listening', url: api.url });
    } catch (e) {
      reader?.close();
      calls.close('the API did not start');
      post({ type: 'failed', error: toWireError(e) });
    }
  };

  parent.on('message', (m: ToWorker) => {
    if (m.type === 'start') void start(m.start);
    else if (m.type === 'state') apply(m.state);
    else if (m.type === 'close') void close();
  });
}
