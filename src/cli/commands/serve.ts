import type { Command } from 'commander';
import { startIngest } from '../../app/ingest-service.js';
import { cliContext } from '../context.js';
import { addIngestFlags, ingestOverrides, runUntilSignal, type IngestFlags } from './consume.js';

export function registerServe(program: Command): void {
  addIngestFlags(
    program
      .command('serve')
      .description('run the appliance: Kafka ingest, detection and the REST API in one process')
      .addHelpText(
        'after',
        `
Examples:
  logagg serve
  logagg -c /etc/logagg.yaml serve --db /var/lib/logagg/logagg.db`,
      ),
  ).action(async (flags: IngestFlags, cmd: Command) => {
    const { config, logger } = cliContext(cmd, ingestOverrides(flags));
    const service = await startIngest({ config, logger });
    await runUntilSignal(() => service.stop(), logger);
  });
}
