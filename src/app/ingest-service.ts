import type { FrozenConfig } from '../config/load.js';
import type { Logger } from '../logger.js';
import { openStore, type Store } from '../store/store.js';
import { convertV1, pendingV1 } from '../store/convert-v1.js';
import { LogWriter } from '../store/log-writer.js';
import { readOffsets } from '../store/offsets.js';
import { pruneAll, retentionCutoffs } from '../store/retention.js';
import { DiskBudget } from './disk-budget.js';
import { createKafka } from '../ingest/kafka-client.js';
import { KafkaSource } from '../ingest/kafka-source.js';
import { extractorsFromConfig } from './extractors.js';
import { IngestPipeline, type BatchDetector } from '../ingest/pipeline.js';
import { runCommitJob } from '../ingest/commit-job.js';
import { CommitQueue, inProcessExecutor, type CommitExecutor } from '../ingest/commit-queue.js';
import { startWriterThread } from '../ingest/writer/writer-thread.js';
import type { EnqueueSettings } from '../notify/outbox.js';
import { IngestStats } from '../ingest/ingest-stats.js';
import { loadEnrichContext } from './enrich-context.js';
import { storeOptionsFromConfig } from '../store/store-options.js';

/**
 * The ingest service: the writer, the pipeline, the Kafka source and the retention timer,
 * started and stopped together. `consume` runs it alone; `serve` runs it beside the API.
 *
 * Batches are stored by the committer (src/ingest/commit-queue.ts), in the order they were
 * prepared: with storage.writer_thread (the default) on the writer thread
 * (src/ingest/writer/), so the next chunk is decoded and detected here while this one is
 * stored there; else on this thread. `store` is this thread's connection (the control
 * connection): it opens and migrates the database, and carries the rare short writes that are
 * not batches (docs/storage.md, "The writer thread"): rule overrides, alert state changes from
 * the API, the notification sender's bookkeeping and retention. SQLite lets one connection
 * write at a time; each of these waits (busy_timeout) for at most the batch being stored.
 */
export interface IngestService {
  readonly store: Store;
  /** Rejects when nothing more can be stored (the writer thread died): the process must stop. */
  readonly crashed: Promise<never>;
  readonly stats: IngestStats;
  /** The pipeline on the one writer, for the other sources of this process (src/listen). */
  readonly pipeline: IngestPipeline;
  /** null when kafka.enabled is false. */
  readonly source: KafkaSource | null;
  /**
   * Starts consuming (joins the group) when startIngest was told to defer it; otherwise it has
   * started already and this does nothing. On failure the caller stops the service.
   */
  startSource(): Promise<void>;
  stop(): Promise<void>;
}

export interface IngestServiceOptions {
  config: FrozenConfig;
  logger: Logger;
  nativeBinding?: unknown;
  /**
   * Detection, or a factory called with the writer connection once the database is open and
   * migrated, before consuming starts (detection reads its rule overrides there).
   */
  detector?: BatchDetector | ((store: Store) => BatchDetector);
  /** The notification outbox written with alerts, and the sender woken after such a batch. */
  notify?: { enqueue: EnqueueSettings; wake(): void } | null;
  clock?: () => number;
  /** The writer thread's entry (tests give another). */
  writerEntry?: URL;
  /**
   * Do not start consuming yet: the caller calls startSource() when it is ready (serve starts
   * its API first, so /healthz and /readyz answer while the group join waits out a killed
   * member's session, up to kafka.session_timeout).
   */
  deferSource?: boolean;
}

/** Converts v1 events left by an older logagg (src/store/convert-v1.ts), with log lines. */
export async function convertStoredV1(store: Store, logger: Logger): Promise<void> {
  const total = pendingV1(store);
  if (total === 0) return;
  logger.info('converting events to storage v2', { events: total });
  let logged = 0;
  const done = await convertV1(store, {
    onProgress: (p) => {
      if (p.done - logged >= 100_000 || p.done === p.total) {
        logged = p.done;
        logger.info('converting events to storage v2', { done: p.done, total: p.total });
      }
    },
  });
  logger.info('events converted to storage v2', { events: done.done });
}

export async function startIngest(opts: IngestServiceOptions): Promise<IngestService> {
  const { config, logger } = opts;
  const clock = opts.clock ?? Date.now;
  const enrichContext = loadEnrichContext(config.enrich);
  const store = openStore(config.storage.path, storeOptionsFromConfig(config, { nativeBinding: opts.nativeBinding }));
  logger.info('database open', { path: config.storage.path, schema: store.schemaVersion });
  try {
    // A database written before storage v2: convert it before anything reads (detection's replay).
    await convertStoredV1(store, logger);
  } catch (e) {
    store.close();
    throw e;
  }
  const stats = new IngestStats();
  const disk = new DiskBudget(
    store,
    { path: config.storage.path, maxBytes: config.retention.max_bytes, minFreeBytes: config.retention.min_free_bytes, ballastBytes: config.storage.ballast_bytes, chunk: config.retention.chunk },
    { logger, clock, onPause: (p) => (stats.storePaused = p) },
  );
  let detector: BatchDetector | undefined;
  try {
    detector = typeof opts.detector === 'function' ? opts.detector(store) : opts.detector;
  } catch (e) {
    store.close();
    throw e;
  }
  const outbox = opts.notify?.enqueue ?? null;
  let executor: CommitExecutor;
  try {
    executor = config.storage.writer_thread
      ? await startWriterThread({ storage: config.storage, outbox, logger, youngGenerationMb: config.memory.young_generation_mb, ...(opts.writerEntry ? { entry: opts.writerEntry } : {}) })
      : inProcessExecutor(((writer) => (job) => runCommitJob(writer, job, outbox))(new LogWriter(store)));
  } catch (e) {
    store.close();
    throw e;
  }
  const committer = new CommitQueue({
    executor,
    logger,
    onFailure: (e) => {
      stats.storeFailures++;
      disk.storeFailed(e);
    },
    onCommitted: () => disk.storeRecovered(),
    gate: () => disk.mayWrite(),
    ...(opts.notify ? { onOutbox: opts.notify.wake } : {}),
  });
  const pipeline = new IngestPipeline({
    committer,
    enrichContext: () => enrichContext,
    formats: config.kafka.formats,
    extractors: extractorsFromConfig(config.extract),
    maxMessageBytes: config.storage.max_message_bytes,
    clock,
    detector,
  });
  const source = config.kafka.enabled
    ? new KafkaSource({
        kafka: createKafka(config.kafka, logger),
        config: config.kafka,
        pipeline,
        storedOffsets: () => readOffsets(store, config.kafka.group_id),
        logger,
        stats,
      })
    : null;
  if (!source) logger.info('kafka disabled (kafka.enabled: false): ingest only through the listeners');

  let retentionTimer: NodeJS.Timeout | null = null;
  let pruning: Promise<unknown> = Promise.resolve();
  const runRetention = (): void => {
    const cutoffs = retentionCutoffs(clock(), { logs: config.retention.days, rollup1m: config.retention.rollup_1m_days, rollup1h: config.retention.rollup_1h_days });
    pruning = pruneAll(store, { ...cutoffs, chunk: config.retention.chunk })
      .then((r) => logger.info('retention applied', { ...r }))
      .catch((e: unknown) => logger.warn('retention failed; will retry at the next interval', { err: e }));
  };

  let sourceStarted: Promise<void> | null = null;
  const startSource = (): Promise<void> =>
    (sourceStarted ??= (async () => {
      try {
        await source?.start();
      } catch (e) {
        await source?.stop().catch(() => undefined);
        throw e;
      }
    })());
  if (!opts.deferSource) {
    try {
      await startSource();
    } catch (e) {
      await committer.close();
      store.close();
      throw e;
    }
  }
  runRetention();
  retentionTimer = setInterval(runRetention, config.retention.interval);
  retentionTimer.unref();
  // The disk budget and the floor, checked often (a burst fills a disk faster than retention's hour).
  const runBudget = (): void => {
    disk.enforce().catch((e: unknown) => logger.warn('disk budget failed; will retry at the next check', { err: e }));
  };
  runBudget();
  const budgetTimer = setInterval(runBudget, config.retention.budget_interval);
  budgetTimer.unref();

  return {
    store,
    crashed: committer.fatal,
    stats,
    pipeline,
    source,
    startSource,
    async stop() {
      if (retentionTimer) clearInterval(retentionTimer);
      clearInterval(budgetTimer);
      await source?.stop();
      await pruning;
      // What the sources still wait for is committed first; what is not running is given up.
      await committer.close();
      store.close();
      logger.info('stopped', { events: stats.events, batches: stats.batches });
    },
  };
}
