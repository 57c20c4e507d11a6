import type { Command } from 'commander';
import { DetectionRulesPort } from '../../app/rules-port.js';
import { startApiServer } from '../../api/server.js';
import { SqliteAlertsPort } from '../../store/alert-port.js';
import { openStore } from '../../store/store.js';
import { storeOptionsFromConfig } from '../../app/store-options.js';
import { anyListenerEnabled, startListeners, type DirectListeners } from '../../listen/listeners.js';
import { cliContext } from '../context.js';
import { addIngestFlags, ingestOverrides, runUntilSignal, startIngestWithDetection, type IngestFlags } from './consume.js';

/**
 * The appliance: ingest (the one SQLite writer) and the REST API (its own read-only
 * connection, which WAL lets read beside the writer) in one process.
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
    const { config, logger } = cliContext(cmd, { ...ingestOverrides(flags), ...(flags.api === false ? { 'api.enabled': false } : {}) });
    const ingest = await startIngestWithDetection(config, logger);
    const { service, detection } = ingest;
    let api: { close(): Promise<void> } | null = null;
    let reader: ReturnType<typeof openStore> | null = null;
    let listeners: DirectListeners | null = null;
    try {
      // Syslog and HTTP ingest feed the same pipeline and writer as Kafka (docs/listeners.md).
      if (anyListenerEnabled(config.listeners)) {
        listeners = await startListeners({ config: config.listeners, pipeline: service.pipeline, stats: service.stats, logger });
        if (listeners.http && !config.api.enabled) logger.warn('listeners.http is enabled but the API is not: POST /api/v1/ingest is not served');
      }
      if (config.api.enabled) {
        reader = openStore(config.storage.path, { ...storeOptionsFromConfig(config), readonly: true });
        // Alerts are read on the API's connection; state changes use the ingest writer (alert-port.ts).
        api = await startApiServer({
          config: config.api,
          store: reader,
          stats: service.stats,
          ...(service.source ? { consumer: service.source } : {}),
          ...(listeners?.http ? { ingest: listeners.http } : {}),
          logger,
          alerts: new SqliteAlertsPort(reader, service.store),
          ...(detection ? { rules: new DetectionRulesPort(detection) } : {}),
        });
      }
    } catch (e) {
      await listeners?.stop(0);
      reader?.close();
      await ingest.stop();
      throw e;
    }
    await runUntilSignal(async () => {
      await api?.close();
      await listeners?.stop();
      reader?.close();
      await ingest.stop();
    }, logger);
  });
}
