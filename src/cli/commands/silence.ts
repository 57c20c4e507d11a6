import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { localSilenceAdmin, remoteSilenceAdmin, type SilenceAdmin } from '../../app/silence-admin.js';
import { RemoteClient } from '../../client/api-client.js';
import { COLOR_MODES, useColor, type ColorMode } from '../../client/colors.js';
import { processEnv } from '../../config/environment.js';
import type { SilenceRequest } from '../../core/silence-request.js';
import { SILENCE_STATES, type SilenceState } from '../../core/silence.js';
import { isLogaggError, LogaggError } from '../../errors.js';
import { parseTime } from '../../query/params.js';
import type { ApiSilence } from '../../query/render.js';
import { openStore, type Store } from '../../store/store.js';
import { storeOptionsFromConfig } from '../../store/store-options.js';
import { cliContext } from '../context.js';
import { OUTPUT_FORMATS, recordOutput, type OutputFormat } from '../output/record-output.js';
import { SILENCE_LAYOUT } from '../output/silence-layout.js';
import { OutputSink } from '../output/sink.js';
import type { TableOptions } from '../output/table.js';

/**
 * `logagg silence add|list|expire`: silences from a terminal, on the local database (safe beside
 * a running `serve`: each change is one short transaction, and the alert writer reads the
 * silences in force at every batch) or on a remote appliance (--url, a token with role analyst).
 * The checks are the API's (src/core/silence-request.ts); logic in src/app/silence-admin.ts.
 */

interface Target {
  db?: string;
  url?: string;
  token?: string;
}

interface AddFlags extends Target {
  rule?: string[];
  host?: string[];
  severity?: string[];
  for?: string;
  until?: string;
  from?: string;
  comment?: string;
  by?: string;
  output: 'table' | 'json';
}

interface ListFlags extends Target {
  all?: boolean;
  limit: number;
  output: OutputFormat;
  color: ColorMode;
}

interface ExpireFlags extends Target {
  by?: string;
  output: 'table' | 'json';
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

/** The request fields behind each flag, for errors that name what the user typed. */
function flagOf(param: string, f: Pick<AddFlags, 'for'>): string | undefined {
  const flags: Record<string, string> = {
    matchers: '--rule/--host/--severity',
    'matchers.rules': '--rule',
    'matchers.hosts': '--host',
    'matchers.severities': '--severity',
    starts_at: '--from',
    ends_at: f.for !== undefined ? '--for' : '--until',
    duration: '--for',
    comment: '--comment',
  };
  return flags[param];
}

/** A BAD_REQUEST naming a request field (from the local check or the appliance) as a usage error naming the flag. */
export function asSilenceFlagError(e: unknown, f: Pick<AddFlags, 'for'>): unknown {
  if (!isLogaggError(e) || (e.code !== 'BAD_REQUEST' && e.code !== 'UNPROCESSABLE') || typeof e.details.param !== 'string') return e;
  const param = e.details.param;
  const flag = flagOf(param, f);
  if (flag === undefined) return e;
  const body = (e.message.startsWith(`${param}: `) ? e.message.slice(param.length + 2) : e.message)
    .replace(/\bstarts_at\b/g, '--from')
    .replace(/\bends_at\b/g, '--until')
    .replace(/\bduration\b/g, '--for');
  return new LogaggError('USAGE', `${flag}: ${body}`, { details: { ...e.details, flag }, cause: e });
}

function timeFlag(name: string, v: string, now: number): string {
  const t = parseTime(v, now);
  if (t === null) throw new LogaggError('USAGE', `${name} ${v}: give a time: ISO 8601 (2025-01-15T14:00:00Z; no zone = UTC), epoch ms, or now`);
  return new Date(t).toISOString();
}

/** The flags of `add` as the API's request body (POST /api/v1/silences). */
export function silenceRequest(f: AddFlags, now: number): SilenceRequest {
  if (f.for !== undefined && f.until !== undefined) throw new LogaggError('USAGE', '--for and --until: give one of them');
  if (f.for === undefined && f.until === undefined) throw new LogaggError('USAGE', 'give how long: --for 2h (30m, 1d, …) or --until TIME');
  return {
    matchers: { rules: f.rule ?? [], hosts: f.host ?? [], severities: (f.severity ?? []).map((s) => s.toUpperCase()) },
    ...(f.from !== undefined ? { starts_at: timeFlag('--from', f.from, now) } : {}),
    ...(f.until !== undefined ? { ends_at: timeFlag('--until', f.until, now) } : {}),
    ...(f.for !== undefined ? { duration: f.for } : {}),
    comment: f.comment,
  };
}

/** Who the local database records: --by, else the OS user. */
function localActor(by: string | undefined): string {
  if (by !== undefined) {
    const b = by.trim();
    if (b === '' || b.length > 256) throw new LogaggError('USAGE', '--by: give a name of 1–256 characters');
    return b;
  }
  try {
    return userInfo().username;
  } catch {
    // a uid without a passwd entry (some containers)
    return `uid:${process.getuid?.() ?? 'unknown'}`;
  }
}

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());

/** Runs `fn` on the local database or the remote appliance the flags name. */
async function withAdmin<T>(cmd: Command, f: Target & { by?: string }, write: boolean, fn: (admin: SilenceAdmin) => Promise<T>): Promise<T> {
  if (f.db !== undefined && f.url !== undefined) throw new LogaggError('USAGE', '--db and --url: use the local database or a remote appliance, not both');
  const env = processEnv();
  const url = f.url ?? (f.db === undefined ? nonEmpty(env.url) : undefined);
  if (url !== undefined) {
    if (f.by !== undefined) throw new LogaggError('USAGE', "--by: a remote appliance records the token's subject; mint a token for that name instead");
    return fn(remoteSilenceAdmin(new RemoteClient({ url, token: f.token ?? nonEmpty(env.token) })));
  }
  const by = localActor(f.by);
  const { config } = cliContext(cmd, { 'storage.path': f.db });
  const path = config.storage.path;
  // A writer connection would create a missing file.
  if (!existsSync(path)) throw new LogaggError('STORE_UNAVAILABLE', `database ${path} does not exist; check --db or storage.path`);
  const store: Store = openStore(path, { ...storeOptionsFromConfig(config), readonly: !write });
  try {
    return await fn(localSilenceAdmin(store, by));
  } finally {
    store.close();
  }
}

async function print(rows: AsyncIterable<ApiSilence[]>, format: OutputFormat, table: TableOptions, single: boolean): Promise<number> {
  const sink = new OutputSink(process.stdout);
  try {
    if (single && format === 'json') {
      for await (const page of rows) for (const s of page) await sink.write(JSON.stringify(s, null, 2) + '\n');
      await sink.flush();
      return 1;
    }
    const out = recordOutput(format, SILENCE_LAYOUT, sink, table);
    for await (const page of rows) {
      await out.write(page);
      if (sink.closed) break;
    }
    await out.end();
    return out.count;
  } finally {
    sink.dispose();
  }
}

async function* one(s: ApiSilence): AsyncGenerator<ApiSilence[]> {
  yield [s];
}

const PLAIN: TableOptions = { width: null, color: false };

function targetOptions(c: Command): Command {
  return c
    .option('--db <file>', 'the database file (storage.path)')
    .option('--url <url>', 'a remote appliance instead, e.g. http://10.0.0.5:8080 (also LOGAGG_URL)')
    .option('--token <jwt>', 'API token for --url, role analyst or above (also LOGAGG_TOKEN)');
}

export function registerSilence(program: Command): void {
  const silence = program
    .command('silence')
    .description('silence alert notifications for a time: add, list and expire silences')
    .addHelpText(
      'after',
      `
Examples:
  logagg silence add --host web-1 --for 2h --comment 'kernel upgrade'
  logagg silence add --rule 'sigma.*' --severity LOW,MEDIUM --from 2025-01-15T22:00:00Z --until 2025-01-16T02:00:00Z --comment 'noisy after the rules update'
  logagg silence list --all
  logagg silence expire 3
  LOGAGG_TOKEN=$(logagg token --role analyst --sub ana) logagg silence add --url http://10.0.0.5:8080 --host 'db-*' --for 30m --comment backup

Silenced alerts are still stored, marked silenced_by (logagg query --alerts shows it); they are
not notified. A silence ends by itself at its end; expire ends it early. Nothing is deleted.`,
    );

  targetOptions(
    silence
      .command('add')
      .description('add a silence: alerts matching every matcher given are not notified until it ends')
      .option('--rule <ids>', "rule ids or globs ('sigma.*'); repeat or comma-separate", collect)
      .option('--host <hosts>', "host names or globs ('web-*'); repeat or comma-separate", collect)
      .option('--severity <severities>', 'LOW MEDIUM HIGH CRITICAL; repeat or comma-separate', collect)
      .option('--for <duration>', 'how long from --from: 30m, 2h, 1d (at most 366d)')
      .option('--until <time>', 'when it ends instead (exclusive): ISO 8601 or epoch ms')
      .option('--from <time>', 'when it starts (default now): ISO 8601, epoch ms, now')
      .option('--comment <text>', 'why (required; recorded with who)')
      .option('--by <name>', 'who, recorded with it (default: your OS user; with --url the token subject is recorded)'),
  )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (flags: AddFlags, cmd: Command) => {
      try {
        const made = await withAdmin(cmd, flags, true, (admin) => admin.add(silenceRequest(flags, Date.now())));
        await print(one(made), flags.output, PLAIN, true);
      } catch (e) {
        throw asSilenceFlagError(e, flags);
      }
    });

  targetOptions(
    silence
      .command('list')
      .description('list silences, newest first: the active and pending ones, or --all')
      .option('--all', 'every silence, expired ones included')
      .option('--limit <n>', 'at most n silences; 0 = all of them', (v: string) => {
        if (!/^\d{1,9}$/.test(v.trim())) throw new LogaggError('USAGE', `--limit ${v}: give an integer from 0`);
        return Number(v);
      }, 100),
  )
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .addOption(new Option('--color <when>', 'color states: auto = when stdout is a terminal and NO_COLOR is unset').choices(COLOR_MODES).default('auto'))
    .action(async (flags: ListFlags, cmd: Command) => {
      const states: SilenceState[] | null = flags.all ? null : SILENCE_STATES.filter((s) => s !== 'expired');
      const table: TableOptions = { width: process.stdout.isTTY ? (process.stdout.columns ?? 80) : null, color: useColor(flags.color, process.stdout, processEnv().vars) };
      const n = await withAdmin(cmd, flags, false, (admin) => print(admin.list(states, flags.limit), flags.output, table, false));
      if (n === 0 && flags.output === 'table') process.stderr.write(flags.all ? 'no silences\n' : 'no active or pending silences (--all shows expired ones)\n');
    });

  targetOptions(
    silence
      .command('expire')
      .description('end a silence now; it stays on record, with who ended it')
      .argument('<id>', 'the silence id (logagg silence list)')
      .option('--by <name>', 'who, recorded with it (default: your OS user; with --url the token subject is recorded)'),
  )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (id: string, flags: ExpireFlags, cmd: Command) => {
      if (!/^[1-9]\d{0,15}$/.test(id.trim())) throw new LogaggError('USAGE', `silence id ${id}: give the number logagg silence list shows`);
      const ended = await withAdmin(cmd, flags, true, (admin) => admin.expire(Number(id.trim())));
      await print(one(ended), flags.output, PLAIN, true);
    });
}
