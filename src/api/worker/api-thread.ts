/**
 * The main thread's side of the API worker of `serve`: spawns the thread before ingest starts
 * (it loads the app meanwhile; lib/ runs worker-main.js, the single executable runs its own
 * bundle again, src/sea/app-entry.ts), starts it once ingest runs, answers its calls with the ports of the ingest side, sends it the ingest counters, and
 * watches it: a thread that dies without being asked to is logged and fails `crashed`.
 *
 * The ingest side keeps what only it may touch: the detection engine (rules list and
 * enable/disable), the writer connection (alert state changes, silences and the sign-in audit, so the one writer stays the one
 * writer and a change waits for a batch on this thread, not by blocking the API thread on a
 * SQLite lock), and the direct-ingest queue (POST /api/v1/ingest).
 */
import { workerHeapLimits } from '../../runtime/heap-growth.js';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { FrozenConfig } from '../../config/load.js';
import { LogaggError } from '../../errors.js';
import type { IngestStats } from '../../ingest/ingest-stats.js';
import type { Logger } from '../../logger.js';
import { enqueueForTransition } from '../../notify/outbox.js';
import { currentRuntime } from '../../runtime/runtime-handoff.js';
import { SqliteAlertsPort } from '../../store/alert-port.js';
import { SqliteSilencesPort } from '../../store/silence-port.js';
import { SqliteAccountsPort } from '../../store/account-port.js';
import type { Store } from '../../store/store.js';
import type { IngestPort } from '../env.js';
import type { RulesPort } from '../ports.js';
import { API_WORKER_KIND, STATS_PUSH_MS, type ApiWorkerData, type FromWorker, type IngestSideCalls, type IngestState, type ToWorker } from './protocol.js';
import { fromWireError, serveRpc } from '../../runtime/thread-rpc.js';

/** Known before ingest starts. */
export interface ApiThreadSettings {
  config: Pick<FrozenConfig, 'api' | 'storage' | 'log'> & Partial<Pick<FrozenConfig, 'retention' | 'memory'>>;
  logger: Logger;
  /** The file the thread runs; default: the API worker entry (tests give another). */
  entry?: URL;
}

/** The ingest side, once it runs. */
export interface IngestSide {
  /** The ingest writer: alert state changes are made on it. */
  writer: Store;
  stats: IngestStats;
  consumer?: { readonly isConnected: boolean };
  /** POST /api/v1/ingest, when the HTTP listener runs. */
  ingest?: IngestPort;
  /** GET/PATCH /rules, when detection runs. */
  rules?: RulesPort;
}

export type ApiThreadOptions = ApiThreadSettings & IngestSide;

export interface ApiThread {
  url: string;
  /**
   * Rejects (after the failure is logged) when the thread ends without being asked to: an
   * uncaught error or an exit. Never resolves.
   */
  crashed: Promise<never>;
  /** Closes the API (streams, then requests in flight, as startApiServer's close) and ends the thread. */
  close(): Promise<void>;
}

/** A thread spawned and loading the app, not yet serving. */
export interface SpawnedApiThread {
  /** Resolves once the API listens; rejects with the start-up error as the API gave it. */
  start(side: IngestSide): Promise<ApiThread>;
  /** Ends the thread without starting it (ingest did not start). */
  abort(): Promise<void>;
}

function need<T>(port: T | undefined, what: string): T {
  if (port === undefined) throw new LogaggError('STORE_UNAVAILABLE', `${what} is not available in this process`);
  return port;
}

/** Spawns the thread and starts it at once (tests; `serve` spawns before ingest starts). */
export async function startApiThread(opts: ApiThreadOptions): Promise<ApiThread> {
  return spawnApiThread(opts).start(opts);
}

/**
 * Spawns the API thread: it loads the app while ingest starts on this thread, and waits for
 * start(), which needs the database that ingest opens (and migrates) first.
 */
export function spawnApiThread(settings: ApiThreadSettings): SpawnedApiThread {
  const { logger, config } = settings;
  const seaWorker = currentRuntime()?.forWorker?.();
  const entry = settings.entry ?? (seaWorker ? pathToFileURL(seaWorker.bundleFile) : new URL('./worker-main.js', import.meta.url));
  const { port1, port2 } = new MessageChannel();
  const data: ApiWorkerData = {
    kind: API_WORKER_KIND,
    api: config.api,
    storage: config.storage,
    ...(config.retention ? { retention: { days: config.retention.days, rollup_1m_days: config.retention.rollup_1m_days, rollup_1h_days: config.retention.rollup_1h_days } } : {}),
    log: { level: config.log.level, format: config.log.format },
    rpc: port2,
    ...(seaWorker ? { seaRuntime: seaWorker } : {}),
  };
  const worker = new Worker(entry, { workerData: data, transferList: [port2], ...workerHeapLimits(config.memory?.young_generation_mb) });
  const send = (m: ToWorker): void => worker.postMessage(m);

  let exited = false;
  let stopping = false;
  const exit = new Promise<number>((resolve) =>
    worker.once('exit', (code) => {
      exited = true;
      resolve(code);
    }),
  );
  let failure: Error | null = null;
  worker.on('error', (e) => (failure ??= e));
  let stopRpc = (): void => {};
  let push: NodeJS.Timeout | undefined;
  const release = async (): Promise<void> => {
    stopping = true;
    clearInterval(push);
    stopRpc();
    port1.close();
    await worker.terminate();
  };

  return {
    abort: release,
    async start(side: IngestSide): Promise<ApiThread> {
      const state = (): IngestState => ({
        stats: side.stats.snapshot(),
        consumerConnected: side.consumer ? side.consumer.isConnected : null,
        rulesRefused: side.rules ? side.rules.refusedCount() : 0,
      });
      // A resolve or reopen made through the API is announced in the change's own transaction.
      const changes = new SqliteAlertsPort(side.writer, side.writer, enqueueForTransition);
      const silences = new SqliteSilencesPort(side.writer, side.writer);
      const accounts = new SqliteAccountsPort(side.writer, side.writer);
      stopRpc = serveRpc<IngestSideCalls>(port1, {
        rulesList: () => need(side.rules, 'the rule set').list(),
        rulesSetEnabled: (id, enabled, by) => need(side.rules, 'the rule set').setEnabled(id, enabled, by),
        rulesRefused: () => need(side.rules, 'the rule set').refused(),
        alertTransition: (id, change, hostScope) => changes.transition(id, change, hostScope),
        silenceCreate: (silence, now) => silences.create(silence, now),
        silenceExpire: (id, by, now, hostScope) => silences.expire(id, by, now, hostScope),
        loginRecord: (attempt) => accounts.record(attempt),
        // A Buffer crosses the thread boundary as a Uint8Array: view the same bytes as a Buffer again.
        ingestSubmit: (lines, peer, request) =>
          need(side.ingest, 'direct ingest').submit(
            lines.map((l) => Buffer.from(l.buffer, l.byteOffset, l.byteLength)),
            peer,
            request,
          ),
        esBulkSubmit: (docs, peer, request) => {
          const port = need(side.ingest, 'direct ingest');
          if (port.esBulk === undefined) throw new Error('the Elasticsearch bulk endpoint does not run');
          return port.esBulk(
            docs.map((d) => ({ ...d, value: Buffer.from(d.value.buffer, d.value.byteOffset, d.value.byteLength) })),
            peer,
            request,
          );
        },
        ingestState: state,
      });

      let url: string;
      try {
        url = await new Promise<string>((resolve, reject) => {
          worker.on('message', (m: FromWorker) => {
            if (m.type === 'listening') resolve(m.url);
            else if (m.type === 'failed') reject(fromWireError(m.error));
          });
          void exit.then((code) => reject(failure ?? new Error(`the API thread ended during start-up (exit code ${code})`)));
          send({
            type: 'start',
            start: {
              ingest: side.ingest ? { maxBodyBytes: side.ingest.maxBodyBytes, maxLines: side.ingest.maxLines } : null,
              rules: side.rules !== undefined,
              state: state(),
            },
          });
        });
      } catch (e) {
        await release();
        throw e;
      }
      // Counters for /readyz (and /metrics while this thread is too busy to answer at once).
      push = setInterval(() => send({ type: 'state', state: state() }), STATS_PUSH_MS);
      push.unref();

      // Only an end nobody asked for is a crash: after close() the exit is expected (never settles then).
      const crashed = exit.then((code): Promise<never> => {
        if (stopping) return new Promise<never>(() => {});
        const err = failure;
        logger.error('the API thread failed; stopping', { exit_code: code, err: err ?? undefined, stack: err?.stack });
        throw new LogaggError('INTERNAL', `the API thread failed (${err ? err.message : `exit code ${code}`}); logagg serve stopped`);
      });
      crashed.catch(() => {}); // a caller that never watches must not see an unhandled rejection

      let closing: Promise<void> | null = null;
      return {
        url,
        crashed,
        close() {
          closing ??= (async () => {
            stopping = true;
            if (!exited) {
              const closed = new Promise<void>((resolve) => {
                worker.on('message', (m: FromWorker) => m.type === 'closed' && resolve());
                void exit.then(() => resolve());
              });
              send({ type: 'close' });
              await closed;
            }
            await release();
          })();
          return closing;
        },
      };
    },
  };
}
