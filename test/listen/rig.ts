// A real ingest path for the listener tests: a SQLite file, the writer, the pipeline with the
// shipped detection rules, and the listeners of a config — as `logagg serve` wires them —
// plus a read-only connection to search what was stored.
import path from 'node:path';
import { DetectionService } from '../../src/app/detection.js';
import { loadConfig, type FrozenConfig } from '../../src/config/load.js';
import type { StoredEvent } from '../../src/core/event.js';
import { buildAssetInventory } from '../../src/core/enrich.js';
import { buildIntelIndex } from '../../src/core/intel.js';
import { IngestStats } from '../../src/ingest/ingest-stats.js';
import { inProcessCommitter, IngestPipeline } from '../../src/ingest/pipeline.js';
import { startListeners, type DirectListeners } from '../../src/listen/listeners.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { LogReader } from '../../src/store/log-reader.js';
import type { LogFilter } from '../../src/store/log-filter.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { openStore, type Store } from '../../src/store/store.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface Rig {
  config: FrozenConfig;
  dbFile: string;
  writer: Store;
  stats: IngestStats;
  listeners: DirectListeners;
  logs: LogLine[];
  logger: Logger;
  /** Events matching a filter in the order they were stored, read on a read-only connection. */
  search(filter: LogFilter): StoredEvent[];
  count(filter?: LogFilter): number;
  alerts(): { rule_id: string; host: string | null; severity: string; count: number }[];
  /** Resolves when `fn` holds (polling), or throws after timeoutMs with the log tail. */
  until(what: string, fn: () => boolean, timeoutMs?: number): Promise<void>;
}

export interface RigOptions {
  /** Config overrides (dotted keys); ports default to 0 (any free port). */
  config?: Record<string, unknown>;
  /** Writer busy timeout, ms: 0 makes a locked database fail at once instead of blocking. */
  busyTimeoutMs?: number;
  detection?: boolean;
}

export async function listenRig(opts: RigOptions = {}): Promise<Rig> {
  const dir = tempDir('logagg-listen-');
  const dbFile = path.join(dir, 'logagg.db');
  const config = loadConfig({
    defaultsFile: null,
    env: {},
    overrides: {
      'kafka.enabled': false,
      'storage.path': dbFile,
      'listeners.udp.port': 0,
      'listeners.tcp.port': 0,
      'listeners.tls.port': 0,
      'listeners.batch.linger': 20,
      'detection.rules_dir': path.resolve('config/rules'),
      ...opts.config,
    },
  });
  const logs: LogLine[] = [];
  const logger = createLogger({ level: 'debug', format: 'json', write: (l) => logs.push(JSON.parse(l) as LogLine) });
  const writer = openStore(dbFile, { busyTimeoutMs: opts.busyTimeoutMs ?? 5_000 });
  deferCleanup(() => writer.close());
  let detector: DetectionService | undefined;
  if (opts.detection !== false) {
    detector = (await DetectionService.load(config.detection, { logger })).attach(writer);
    deferCleanup(() => detector!.close());
  }
  const enrichContext = { assets: buildAssetInventory([]), intel: buildIntelIndex([]) };
  const pipeline = new IngestPipeline({
    committer: inProcessCommitter(new LogWriter(writer), { retry: { initialMs: 10, maxMs: 50 }, onFailure: () => stats.storeFailures++ }),
    enrichContext: () => enrichContext,
    formats: {},
    maxMessageBytes: config.storage.max_message_bytes,
    clock: Date.now,
    detector,
  });
  const stats = new IngestStats();
  const listeners = await startListeners({ config: config.listeners, pipeline, stats, logger });
  deferCleanup(() => listeners.stop(1_000));
  const reader = openStore(dbFile, { readonly: true });
  deferCleanup(() => reader.close());
  const logReader = new LogReader(reader);

  const search = (filter: LogFilter) => logReader.queryLogs(filter, { limit: 1000, order: 'asc' }).items.sort((a, b) => a.id - b.id);
  return {
    config,
    dbFile,
    writer,
    stats,
    listeners,
    logs,
    logger,
    search,
    count: (filter = {}) => logReader.countLogs(filter),
    alerts: () => reader.db.prepare('SELECT rule_id, host, severity, count FROM alerts ORDER BY id').all() as never,
    async until(what, fn, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      while (!fn()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last log lines:\n${logs.slice(-10).map((l) => JSON.stringify(l)).join('\n')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
