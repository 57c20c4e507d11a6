/**
 * `logagg parse [FILE…]`: decodes lines (from files, or standard input) as the consumer does —
 * the same normalizer, the configured extractors, the topic's format — and shows for each line
 * which parser claimed it and the fields it produced, then a summary. The tool to write an
 * extractor with. Nothing is stored.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { extractorsFromConfig } from '../../app/extractors.js';
import { parseLine, ParseTally, type ParseOptions } from '../../app/parse-lines.js';
import { FORMATS, type Format } from '../../core/event.js';
import { LogaggError } from '../../errors.js';
import { cliContext } from '../context.js';
import { OutputSink } from '../output/sink.js';
import { renderLineJson, renderLineText, renderSummaryJson, renderSummaryText } from '../output/parse-output.js';
import { splitLines, type InputLine } from './rules/input-lines.js';

interface ParseFlags {
  topic: string;
  format?: Format | 'auto';
  json?: boolean;
  summary: boolean;
}

export function registerParse(program: Command): void {
  program
    .command('parse [files...]')
    .description('decode log lines as the consumer would and show which parser claimed each and the fields it produced')
    .option('--topic <name>', 'topic the lines are taken to come from (extractors scoped by topic, kafka.formats)', 'input')
    .addOption(new Option('--format <format>', "the topic's format (default: kafka.formats for --topic, else auto)").choices([...FORMATS, 'auto']))
    .option('--json', 'one JSON object per line, then {"summary": …}')
    .option('--no-summary', 'leave out the summary at the end')
    .addHelpText(
      'after',
      `
Examples:
  logagg parse /var/log/auth.log
  tail -n 100 /var/log/syslog | logagg parse
  logagg -c my.yaml parse --topic app-logs app.log --json | jq 'select(.parser == null)'

Reads standard input when no file is given (or for "-"). Each line is one message; blank lines
are skipped. The extractors come from the config (extract:), so try a new one with -c.`,
    )
    .action(async (files: string[], flags: ParseFlags, cmd: Command) => {
      const { config } = cliContext(cmd);
      const sources = files.length === 0 ? ['-'] : files;
      for (const f of sources) if (f !== '-') await checkFile(f);
      const opts: ParseOptions = {
        topic: flags.topic,
        format: flags.format ?? config.kafka.formats[flags.topic] ?? 'auto',
        maxBytes: config.storage.max_message_bytes,
        extractors: extractorsFromConfig(config.extract),
        receivedAt: Date.now(),
      };
      const tally = new ParseTally();
      const sink = new OutputSink(process.stdout);
      try {
        for (const f of sources) {
          for await (const l of linesOf(f)) {
            const p = parseLine(l.bytes, f, l.line, opts);
            tally.add(p);
            await sink.write(flags.json === true ? renderLineJson(p) : renderLineText(p));
            if (sink.closed) return;
          }
        }
        if (flags.summary) await sink.write(flags.json === true ? renderSummaryJson(tally.summary()) : renderSummaryText(tally.summary()));
        await sink.flush();
      } finally {
        sink.dispose();
      }
    });
}

function linesOf(file: string): AsyncGenerator<InputLine> {
  return splitLines(file === '-' ? process.stdin : createReadStream(file));
}

async function checkFile(file: string): Promise<void> {
  try {
    if ((await stat(file)).isDirectory()) throw new LogaggError('USAGE', `${file}: a folder, not a file`);
  } catch (e) {
    if (e instanceof LogaggError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new LogaggError('USAGE', `${file}: ${code === 'ENOENT' ? 'file not found' : (e as Error).message}`);
  }
}
