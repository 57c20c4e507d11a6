/**
 * The REST API alone, in its own process, for the API benchmark's `split` mode: the same app
 * and read-only connection `logagg serve` builds, without ingest on its event loop (ingest runs
 * in a `logagg consume` beside it). Alert state changes are refused here (no writer); the
 * benchmark only reads. Configured by LOGAGG_* variables; stops on SIGTERM. Not part of the appliance.
 */
import { startApiServer } from '../api/server.js';
import { storeOptionsFromConfig } from '../store/store-options.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../logger.js';
import { SqliteAlertsPort } from '../store/alert-port.js';
import { openStore } from '../store/store.js';

async function run(): Promise<void> {
  const config = loadConfig({ env: process.env });
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  const reader = openStore(config.storage.path, { ...storeOptionsFromConfig(config), readonly: true });
  const api = await startApiServer({ config: config.api, store: reader, logger, alerts: new SqliteAlertsPort(reader, null) });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await api.close();
  reader.close();
}

run().catch((e: unknown) => {
  process.stderr.write(`api-standalone: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
