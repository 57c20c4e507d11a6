import type { Command } from 'commander';
import { DetectionRulesPort } from '../../app/rules-port.js';
import { startApiServer } from '../../api/server.js';
import { SqliteAlertsPort } from '../../store/alert-port.js';
import { openStore } from '../../store/store.js';
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
      .description('run the appliance: Kafka ingest, detection and the REST API in one process')
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
    try {
      if (config.api.enabled) {
        reader = openStore(config.storage.path, { readonly: true, cacheMb: config.storage.cache_mb });
        // Alerts are read on the API's connection; state changes use the ingest writer (alert-port.ts).
        api = await startApiServer({
          config: config.api,
          store: reader,
          stats: service.stats,
          consumer: service.source,
          logger,
          alerts: new SqliteAlertsPort(reader, service.store),
          ...(detection ? { rules: new DetectionRulesPort(detection) } : {}),
        });
      }
    } catch (e) {
      reader?.close();
      await ingest.stop();
      throw e;
    }
    await runUntilSignal(async () => {
      await api?.close();
      reader?.close();
      await ingest.stop();
    }, logger);
  });
}
