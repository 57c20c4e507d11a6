/**
 * The direct listeners of `logagg serve`, started and stopped together: syslog over UDP, TCP
 * and TLS, and the port behind POST /api/v1/ingest, all feeding one DirectIngest queue into
 * the ingest pipeline of this process (the one SQLite writer).
 */
import type { FrozenConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import type { IngestStats } from '../ingest/ingest-stats.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { DirectIngest } from './direct-ingest.js';
import { HttpIngest } from './http-ingest.js';
import { SyslogTcpListener } from './syslog-tcp.js';
import { SyslogUdpListener } from './syslog-udp.js';

export interface DirectListeners {
  readonly ingest: DirectIngest;
  readonly udp: SyslogUdpListener | null;
  readonly tcp: SyslogTcpListener | null;
  readonly tls: SyslogTcpListener | null;
  /** For the API (ApiDeps.ingest); null when listeners.http.enabled is false. */
  readonly http: HttpIngest | null;
  /** Stops the sockets, then stores what they queued (waiting at most graceMs for a failing store). */
  stop(graceMs?: number): Promise<void>;
}

export interface StartListenersOptions {
  config: FrozenConfig['listeners'];
  /** Store retries (backoff) happen in the pipeline's committer. */
  pipeline: Pick<IngestPipeline, 'prepare' | 'submit'>;
  stats: IngestStats;
  logger: Logger;
  /** The ingest side's connection, where HTTP idempotency keys are looked up; none = keys ignored. */
  store?: Store;
}

/** Whether any listener is enabled. */
export function anyListenerEnabled(config: FrozenConfig['listeners']): boolean {
  return config.udp.enabled || config.tcp.enabled || config.tls.enabled || config.http.enabled;
}

export async function startListeners(opts: StartListenersOptions): Promise<DirectListeners> {
  const { config, stats, logger } = opts;
  const ingest = new DirectIngest({
    pipeline: opts.pipeline,
    stats,
    logger,
    maxMessages: config.batch.max_messages,
    lingerMs: config.batch.linger,
    queueMax: config.queue_max,
  });
  const deps = { ingest, stats, logger };
  const udp = config.udp.enabled ? new SyslogUdpListener({ config: config.udp, ...deps }) : null;
  const tcp = config.tcp.enabled ? new SyslogTcpListener({ config: config.tcp, ...deps }) : null;
  const tls = config.tls.enabled ? new SyslogTcpListener({ config: config.tls, ...deps }) : null;
  const idempotency = opts.store && config.http.idempotency_window > 0 ? { store: opts.store, windowMs: config.http.idempotency_window } : null;
  const http = config.http.enabled ? new HttpIngest(ingest, stats.listener(config.http.name, 'http'), config.http, idempotency) : null;

  const started: { stop(): Promise<void> }[] = [];
  try {
    for (const [key, l] of [['udp', udp], ['tcp', tcp], ['tls', tls]] as const) {
      if (!l) continue;
      try {
        await l.start();
      } catch (e) {
        throw listenError(e, key, config[key]);
      }
      started.push(l);
    }
  } catch (e) {
    await Promise.all(started.map((l) => l.stop()));
    await ingest.close(0);
    throw e;
  }

  return {
    ingest,
    udp,
    tcp,
    tls,
    http,
    async stop(graceMs = 10_000) {
      await Promise.all(started.map((l) => l.stop()));
      await ingest.close(graceMs);
      const lost = [...stats.listeners.values()].reduce((n, c) => n + c.failed, 0);
      logger.info('listeners stopped', { stored: [...stats.listeners.values()].reduce((n, c) => n + c.stored, 0), not_stored: lost });
    },
  };
}

/** A socket that cannot be bound is a configuration problem: name the key and the fix. */
function listenError(e: unknown, key: 'udp' | 'tcp' | 'tls', c: { host: string; port: number }): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === undefined || e instanceof ConfigError) return e;
  const why: Record<string, string> = {
    EADDRINUSE: 'the address is in use by another program (or another logagg)',
    EACCES: 'permission denied: ports below 1024 need root or CAP_NET_BIND_SERVICE; or use a port above 1024',
    EADDRNOTAVAIL: 'this machine has no such address',
  };
  return new ConfigError([{ key: `listeners.${key}.port`, message: `cannot listen on ${c.host}:${c.port}: ${why[code] ?? code}` }]);
}
