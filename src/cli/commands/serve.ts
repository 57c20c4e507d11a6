import type { Command } from 'commander';
import { DetectionRulesPort } from '../../app/rules-port.js';
import { spawnApiThread, type ApiThread } from '../../api/worker/api-thread.js';
import { anyListenerEnabled, startListeners, type DirectListeners } from '../../listen/listeners.js';
import { cliContext } from '../context.js';
import { startIngestWithDetection, type IngestWithDetection } from '../../app/appliance.js';
import { runUntilSignal } from '../../app/signals.js';
import { applyHeapGrowth } from '../../runtime/heap-growth.js';
import { addIngestFlags, ingestOverrides, type IngestFlags } from './consume.js';

/**
 * The appliance: ingest (the one SQLite writer) on the main thread and the REST API on a
 * worker thread of the same process (src/api/worker/), with its own read-only connection, which
 * WAL lets read beside the writer: a request never waits for an ingest step it does not need.
 */
export function registerServe(program: Command): void {
  addIngestFlags(
    program
      .command('serve')
      .description('run the appliance: Kafka and syslog/HTTP ingest, detection and the REST API in one process')
      .option('--no-api', 'ingest only (same as api.enabled: false)')
      .addHelpText(
        'after',
        `
Examples:
  logagg serve
  logagg -c /etc/logagg.yaml serve --db /var/lib/logagg/logagg.db
  LOGAGG_API_PORT=8443 LOGAGG_API_TLS_CERT_FILE=cert.pem LOGAGG_API_TLS_KEY_FILE=key.pem logagg serve`,
      ),
  ).action(async (flags: IngestFlags & { api: boolean }, cmd: Command) => {
    const { config, logger, env } = cliContext(cmd, { ...ingestOverrides(flags), ...(flags.api === false ? { 'api.enabled': false } : {}) });
    // Before any thread starts: V8's flags are the process's (src/runtime/heap-growth.ts).
    applyHeapGrowth(config.memory.heap_growth_percent);
    // The API thread loads the app while ingest starts; it opens the database once ingest has.
    const thread = config.api.enabled ? spawnApiThread({ config, logger }) : null;
    let ingest: IngestWithDetection;
    try {
      // Kafka is joined last (below): the API answers /healthz and /readyz meanwhile.
      ingest = await startIngestWithDetection(config, logger, env.vars, { deferSource: true });
    } catch (e) {
      await thread?.abort();
      throw e;
    }
    const { service, detection } = ingest;
    let api: ApiThread | null = null;
    let listeners: DirectListeners | null = null;
    try {
      // Syslog and HTTP ingest feed the same pipeline and writer as Kafka (docs/listeners.md).
      if (anyListenerEnabled(config.listeners)) {
        listeners = await startListeners({ config: config.listeners, pipeline: service.pipeline, stats: service.stats, logger, store: service.store });
        if (listeners.http && !config.api.enabled) logger.warn('listeners.http is enabled but the API is not: POST /api/v1/ingest is not served');
      }
      if (thread) {
        // Alerts are read on the API thread's connection; state changes, the rules and direct
        // ingest are answered here, on the ingest side (api-thread.ts).
        api = await thread.start({
          writer: service.store,
          stats: service.stats,
          ...(service.source ? { consumer: service.source } : {}),
          ...(listeners?.http ? { ingest: listeners.http } : {}),
          ...(detection ? { rules: new DetectionRulesPort(detection) } : {}),
        });
      }
    } catch (e) {
      await thread?.abort();
      await listeners?.stop(0);
      await ingest.stop();
      throw e;
    }
    // Kafka is joined while the API already answers (a join can wait out a killed member's
    // session); a signal meanwhile stops serve as usual, and a join that fails stops it with the
    // error, like a crash.
    let stopping = false;
    const never = new Promise<never>(() => {});
    const joinFailed = service.startSource().then(
      () => never,
      (e: unknown) => (stopping ? never : Promise.reject(e)),
    );
    await runUntilSignal(
      async () => {
        stopping = true;
        await api?.close();
        await listeners?.stop();
        await ingest.stop();
      },
      logger,
      // The API thread or the writer thread dying, or the Kafka join failing, stops serve (exit non-zero).
      Promise.race(api ? [service.crashed, api.crashed, joinFailed] : [service.crashed, joinFailed]),
    );
  });
}
