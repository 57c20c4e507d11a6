import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { render } from 'ink';
import { createElement } from 'react';
import { parseLevel } from '../../query/params.js';
import { LogaggError } from '../../errors.js';
import { enqueueForTransition } from '../../notify/outbox.js';
import { SqliteAlertsPort } from '../../store/alert-port.js';
import { openStore, type Store } from '../../store/store.js';
import { storeOptionsFromConfig } from '../../store/store-options.js';
import { LocalTailSource, MAX_RECENT } from '../../tui/local-source.js';
import { runPlainTail } from '../../tui/plain-tail.js';
import { RemoteTailSource } from '../../tui/remote-source.js';
import { TailApp } from '../../tui/tail-app.js';
import { parseHostsInput, parseQueryInput, type TailFilter } from '../../tui/tail-filter.js';
import type { TailSource } from '../../tui/tail-source.js';
import { processEnv, type Env } from '../../config/environment.js';
import { cliContext } from '../context.js';
import { COLOR_MODES, useColor, type ColorMode } from '../../client/colors.js';

/**
 * `logagg tail`: new logs and alerts as they land. A live TUI on a terminal (src/tui/tail-app.tsx);
 * with --plain, --no-follow, -o ndjson or when stdout or stdin is not a terminal, one line per
 * event like `tail -f` (src/tui/plain-tail.ts). Reads the local database read-only (safe
 * beside `serve`) or a remote appliance's event stream (--url).
 */

interface TailFlags {
  search?: string;
  host?: string[];
  level?: string;
  db?: string;
  url?: string;
  token?: string;
  plain?: boolean;
  output: 'text' | 'ndjson';
  withAlerts?: boolean;
  follow: boolean;
  lines?: number;
  interval: number;
  maxLines: number;
  color: ColorMode;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function intIn(name: string, min: number, max: number) {
  return (v: string): number => {
    if (!/^\d{1,9}$/.test(v.trim()) || Number(v) < min || Number(v) > max) throw new LogaggError('USAGE', `${name} ${v}: give an integer from ${min} to ${max}`);
    return Number(v);
  };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** The filter given on the command line (the TUI can change it while running). */
export function tailFilterFromFlags(f: Pick<TailFlags, 'search' | 'host' | 'level'>): TailFilter {
  const filter: TailFilter = {};
  if (f.search !== undefined) {
    const q = parseQueryInput(f.search);
    if (q !== undefined) filter.q = q;
  }
  if (f.host !== undefined) {
    const hosts = parseHostsInput(f.host.join(','));
    if (hosts !== undefined) filter.hosts = hosts;
  }
  if (f.level !== undefined) {
    const level = parseLevel(f.level);
    if (level === null) throw new LogaggError('USAGE', `--level ${f.level}: give a level name (emergency alert critical error warning notice info debug) or 0-7`);
    filter.minLevel = level;
  }
  return filter;
}

export function registerTail(program: Command): void {
  program
    .command('tail')
    .description('follow new logs and alerts live: a terminal UI, or plain lines like tail -f when piped')
    .option('-q, --search <text>', 'full-text filter: words, "phrases", prefix*, AND OR NOT')
    .option('--host <hosts>', "host names or patterns ('web-*'); repeat or comma-separate", collect)
    .option('--level <level>', 'at or above this level: emergency alert critical error warning notice info debug, or 0-7')
    .option('-n, --lines <n>', `recent events shown first (default: 10 plain, 100 in the TUI; at most ${MAX_RECENT})`, intIn('--lines', 0, MAX_RECENT))
    .option('--no-follow', 'print the last --lines events and exit (like tail -n)')
    .option('--plain', 'print one line per event like tail -f instead of the TUI (the default when stdout is not a terminal)')
    .addOption(new Option('-o, --output <format>', 'plain output: text lines or ndjson (the GET /logs item shape)').choices(['text', 'ndjson']).default('text'))
    .option('--with-alerts', 'plain output: print alerts too as they are raised or change')
    .addOption(new Option('--color <when>', 'plain output colors: auto = when stdout is a terminal and NO_COLOR is unset').choices(COLOR_MODES).default('auto'))
    .option('--interval <ms>', 'local mode: how often to look for new rows, ms', intIn('--interval', 20, 60_000), 250)
    .option('--max-lines <n>', 'TUI: lines kept in memory, and held while paused', intIn('--max-lines', 10, 100_000), 1000)
    .option('--db <file>', 'the database file (storage.path)')
    .option('--url <url>', 'follow a remote appliance instead, e.g. http://10.0.0.5:8080 (also LOGAGG_URL)')
    .option('--token <jwt>', 'API token for --url: viewer to read, analyst to acknowledge alerts (also LOGAGG_TOKEN)')
    .addHelpText(
      'after',
      `
Keys (TUI):
  /  text search        h  host filter        l / L  level up / down     c  clear filters
  space or p  pause     ↑↓ or k j  select     tab  logs / alerts pane    enter  open
  a  acknowledge the selected alert           esc  back                  q  quit

Examples:
  logagg tail
  logagg tail --host 'web-*' --level warning
  logagg tail --plain -q 'timeout OR refused' | tee timeouts.log
  logagg tail --no-follow -n 50
  logagg tail -o ndjson --with-alerts | jq -c 'select(.alert)'
  logagg tail --url http://10.0.0.5:8080 --token "$(logagg token --role analyst)"

Exit codes: 0 ok (q, Ctrl+C, SIGINT), 1 runtime error (database or appliance unreachable), 2 usage error.`,
    )
    .action(async (flags: TailFlags, cmd: Command) => {
      await runTail(flags, cmd);
    });
}

async function runTail(flags: TailFlags, cmd: Command): Promise<void> {
  if (flags.db !== undefined && flags.url !== undefined) throw new LogaggError('USAGE', '--db and --url: follow the local database or a remote appliance, not both');
  const filter = tailFilterFromFlags(flags);
  const tty = process.stdout.isTTY === true && process.stdin.isTTY === true;
  const plain = flags.plain === true || !flags.follow || flags.output !== 'text' || !tty;
  const lines = flags.lines ?? (plain ? 10 : 100);
  const env = processEnv();
  const url = flags.url ?? (flags.db === undefined ? nonEmpty(env.url) : undefined);

  let store: Store | null = null;
  /** The writable connection acknowledging opens, if it was used. */
  const ack: { writer: Store | null } = { writer: null };
  let source: TailSource;
  if (url !== undefined) {
    const token = flags.token ?? nonEmpty(env.token);
    source = new RemoteTailSource({ url, ...(token !== undefined ? { token } : {}), window: lines, maxAlerts: 200 });
  } else {
    const { config } = cliContext(cmd, { 'storage.path': flags.db });
    const path = config.storage.path;
    const storeOptions = storeOptionsFromConfig(config);
    store = openStore(path, { ...storeOptions, readonly: true });
    const readStore = store;
    source = new LocalTailSource({
      store: readStore,
      alerts: new SqliteAlertsPort(readStore, null),
      // Acknowledging writes: a short transaction on a connection of its own, opened on first use
      // (SQLite makes it wait for the ingest writer's batch, up to the busy timeout).
      openAckPort: () => {
        ack.writer ??= openStore(path, { ...storeOptions, cacheMb: 2 });
        return new SqliteAlertsPort(readStore, ack.writer, enqueueForTransition);
      },
      actor: `${safeUser()} (logagg tail)`,
      intervalMs: flags.interval,
      window: lines,
    });
  }

  try {
    if (plain) await followPlain(source, filter, flags, lines, env.vars);
    else await runTui(source, filter, flags);
  } finally {
    await source.close();
    store?.close();
    ack.writer?.close();
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'local';
  }
}

async function followPlain(source: TailSource, filter: TailFilter, flags: TailFlags, lines: number, env: Env): Promise<void> {
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  // A reader that went away (`| head`) ends the tail quietly, like tail -f.
  const onError = (e: NodeJS.ErrnoException): void => {
    if (e.code === 'EPIPE') stop();
    else throw e;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.on('error', onError);
  try {
    await runPlainTail({
      source,
      filter,
      follow: flags.follow,
      lines,
      out: process.stdout,
      note: (text) => process.stderr.write(`logagg tail: ${text}\n`),
      color: flags.output === 'text' && useColor(flags.color, process.stdout, env),
      json: flags.output === 'ndjson',
      alerts: flags.withAlerts === true,
      signal: ac.signal,
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.stdout.off('error', onError);
  }
}

async function runTui(source: TailSource, filter: TailFilter, flags: TailFlags): Promise<void> {
  // The alternate screen: the terminal's scrollback is left as it was when tail quits.
  process.stdout.write('\u001b[?1049h\u001b[H');
  const app = render(createElement(TailApp, { source, filter, maxLines: flags.maxLines }), {
    exitOnCtrlC: false, // Ctrl+C is a key of the app: it closes the source first
    patchConsole: true,
    incrementalRendering: false,
  });
  // Ctrl+C is a key in raw mode; these come from elsewhere (kill, a closed terminal).
  const stop = (): void => app.unmount();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  try {
    await app.waitUntilExit();
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.off('SIGHUP', stop);
    process.stdout.write('\u001b[?1049l');
  }
}
