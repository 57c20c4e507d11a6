import type { Command } from 'commander';
import { startIngest } from '../../app/ingest-service.js';
import { startApiServer } from '../../api/server.js';
import { openStore } from '../../store/store.js';
import { cliContext } from '../context.js';
import { addIngestFlags, ingestOverrides, runUntilSignal, type IngestFlags } from './consume.js';

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
    const service = await startIngest({ config, logger });
    let api: { close(): Promise<void> } | null = null;
    let reader: ReturnType<typeof openStore> | null = null;
    try {
      if (config.api.enabled) {
        reader = openStore(config.storage.path, { readonly: true, cacheMb: config.storage.cache_mb });
        api = await startApiServer({ config: config.api, store: reader, stats: service.stats, consumer: service.source, logger });
      }
    } catch (e) {
      reader?.close();
      await service.stop();
      throw e;
    }
    await runUntilSignal(async () => {
      await api?.close();
      reader?.close();
      await service.stop();
    }, logger);
  });
}
