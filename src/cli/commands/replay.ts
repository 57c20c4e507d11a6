import { Option, type Command } from 'commander';
import { parseTime } from '../../query/params.js';
import { loadEnrichContext } from '../../app/enrich-context.js';
import { extractorsFromConfig } from '../../app/extractors.js';
import { parseDuration } from '../../config/units.js';
import { LogaggError } from '../../errors.js';
import { replay, type ReplaySummary } from '../../ingest/replay.js';
import { cliContext, list } from '../context.js';
import { createProgress } from '../output/progress.js';

/**
 * `logagg replay`: parses the range asked for, runs the replay (src/ingest/replay.ts) with a
 * progress bar on stderr and SIGINT/SIGTERM as its early stop, prints the summary.
 */

interface ReplayFlags {
  topic: string;
  partition?: string[];
  fromOffset?: string;
  since?: string;
  toOffset?: string;
  db?: string;
  brokers?: string;
  idleTimeout: string;
  output: 'table' | 'json';
}

const OFFSET = /^(0|[1-9]\d{0,18})$/;

function offsetFlag(name: string, v: string | undefined): bigint | null {
  if (v === undefined) return null;
  if (!OFFSET.test(v.trim())) throw new LogaggError('USAGE', `${name} ${v}: give a Kafka offset (a non-negative integer)`);
  return BigInt(v.trim());
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('read a range of a topic again into the database (idempotent: stored events are not doubled)')
    .requiredOption('--topic <topic>', 'the topic to read')
    .option('--partition <n>', 'only these partitions; repeat or comma-separate (default: all)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--from-offset <n>', 'start at this offset (in each partition read)')
    .option('--since <time>', 'start at the first message at or after this time: ago (24h, 30m) or ISO 8601')
    .option('--to-offset <n>', 'last offset to read, inclusive (default: the end of the partition when replay starts)')
    .option('--db <file>', 'the database file (storage.path)')
    .option('--brokers <list>', 'Kafka brokers, comma-separated (kafka.brokers)')
    .option('--idle-timeout <duration>', 'give up when no message arrives for this long', '30s')
    .addOption(new Option('-o, --output <format>', 'summary format').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  logagg replay --topic threat-logs --since 24h
  logagg replay --topic system-metrics --partition 0 --from-offset 120000 --to-offset 125000
  logagg replay --topic threat-logs --since 2024-05-01T00:00:00Z --output json

Replay uses a temporary consumer group of its own and stores no offsets: the main consumer
group's position, in Kafka and in the database, does not move. Events already stored (same
topic, partition and offset) are skipped and counted as "already present".
Exit codes: 0 ok, 1 runtime error (Kafka or database), 2 usage or config error.`,
    )
    .action(async (flags: ReplayFlags, cmd: Command) => {
      if ((flags.fromOffset === undefined) === (flags.since === undefined)) throw new LogaggError('USAGE', 'give one of --from-offset or --since');
      const fromOffset = offsetFlag('--from-offset', flags.fromOffset);
      const toOffset = offsetFlag('--to-offset', flags.toOffset);
      if (fromOffset !== null && toOffset !== null && toOffset < fromOffset) throw new LogaggError('USAGE', '--to-offset must not be below --from-offset');
      let since: number | null = null;
      if (flags.since !== undefined) {
        since = parseTime(flags.since, Date.now());
        if (since === null) throw new LogaggError('USAGE', `--since ${flags.since}: give a time: ago (24h, 30m, 7d) or ISO 8601 (2024-05-01T12:00:00Z)`);
      }
      const partitions = flags.partition?.flatMap((p) => list(p) ?? []).map((p) => {
        if (!/^\d{1,6}$/.test(p)) throw new LogaggError('USAGE', `--partition ${p}: give a partition number`);
        return Number(p);
      });
      const idleMs = parseDuration(flags.idleTimeout);
      if (idleMs === null || idleMs < 1000) throw new LogaggError('USAGE', `--idle-timeout ${flags.idleTimeout}: give a duration of at least 1s`);

      const { config, logger } = cliContext(cmd, { 'storage.path': flags.db, 'kafka.brokers': list(flags.brokers) });
      const summary = await replay(
        config,
        logger,
        { topic: flags.topic, partitions, fromOffset, since, toOffset, idleMs },
        {
          loadEnrichContext: () => loadEnrichContext(config.enrich),
          extractors: extractorsFromConfig(config.extract),
          progress: (total) => createProgress({ stream: process.stderr, label: `replaying ${flags.topic}`, unit: 'offsets', total }),
          onStop: (stop) => {
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
            return () => {
              process.off('SIGINT', stop);
              process.off('SIGTERM', stop);
            };
          },
        },
      );
      if (flags.output === 'json') process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else process.stdout.write(renderSummary(summary));
      if (summary.stopped_early) process.exitCode = 1;
    });
}

export function renderSummary(s: ReplaySummary): string {
  let out = `replayed ${s.topic}: ${s.read} messages read, ${s.inserted} inserted, ${s.already_present} already present`;
  out += s.parse_errors > 0 ? `, ${s.parse_errors} could not be decoded (stored with parse_error)\n` : '\n';
  for (const p of s.partitions) out += `  partition ${p.partition}: offsets ${p.from}..${p.to}, ${p.read} read${p.complete ? '' : ' (INCOMPLETE)'}\n`;
  if (s.partitions.length === 0) out += '  nothing to read in that range\n';
  if (s.stopped_early) out += 'replay stopped before the end of the range; run it again to finish (nothing is doubled)\n';
  return out;
}

