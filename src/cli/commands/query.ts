import { hasSearchTerm } from '../../store/fts-query.js';
import { Option, type Command } from 'commander';
import { parseAlertFilter } from '../../query/alert-query.js';
import type { AlertFilter } from '../../core/alert.js';
import { ATTR_PREFIX, LOG_FILTER_PARAMS, readLogFilter, withApiParams } from '../../query/log-query.js';
import { QueryReader, type RawQuery } from '../../query/params.js';
import { toApiAlert, toApiLog, type ApiAlert, type ApiLog } from '../../query/render.js';
import { LogaggError, badRequest, isLogaggError } from '../../errors.js';
import { LogReader, MAX_PAGE, type LogStats } from '../../store/log-reader.js';
import type { LogFilter } from '../../store/log-filter.js';
import { SqliteAlertsPort } from '../../store/alert-port.js';
import { openStore, type Store } from '../../store/store.js';
import { storeOptionsFromConfig } from '../../store/store-options.js';
import type { FrozenConfig } from '../../config/load.js';
import type { SortOrder } from '../../store/cursor.js';
import { processEnv } from '../../config/environment.js';
import { cliContext } from '../context.js';
import { ALERT_LAYOUT } from '../output/alert-layout.js';
import { COLOR_MODES, useColor, type ColorMode } from '../../client/colors.js';
import { LOG_LAYOUT } from '../output/log-layout.js';
import { OUTPUT_FORMATS, recordOutput, type OutputFormat, type RecordLayout } from '../output/record-output.js';
import { OutputSink } from '../output/sink.js';
import { renderCount, renderStats } from '../output/stats-output.js';
import type { TableOptions } from '../output/table.js';
import { RemoteClient } from '../../client/api-client.js';

/**
 * `logagg query`: the filters of GET /logs, from the local database (a read-only connection,
 * safe beside a running `serve`) or from a remote appliance (--url). The flags are turned into
 * the API's query parameters and read by the API's own parser (src/api/log-query.ts), so the
 * same search gives the same answer on both sides. Results stream page by page (keyset
 * cursor), each page written before the next is read: memory stays bounded at any --limit.
 */

export interface QueryFlags {
  from?: string;
  to?: string;
  host?: string[];
  level?: string;
  topic?: string[];
  format?: string[];
  tag?: string[];
  threats?: boolean;
  threatSeverity?: string;
  errors?: boolean;
  search?: string;
  attr?: string[];
  limit: number;
  order: SortOrder;
  output: OutputFormat;
  color: ColorMode;
  alerts?: boolean;
  state?: string[];
  severity?: string[];
  minSeverity?: string;
  rule?: string[];
  count?: boolean;
  stats?: boolean;
  topHosts?: number;
  db?: string;
  url?: string;
  token?: string;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function nonNegativeInt(name: string, max: number) {
  return (v: string): number => {
    if (!/^\d{1,9}$/.test(v.trim()) || Number(v) > max) throw new LogaggError('USAGE', `${name} ${v}: give an integer from 0 to ${max}`);
    return Number(v);
  };
}

/** The API parameter behind each flag, for error messages that name what the user typed. */
const FLAG_OF: Record<string, string> = {
  from: '--from',
  to: '--to',
  host: '--host',
  level: '--level',
  topic: '--topic',
  format: '--format',
  tag: '--tag',
  has_threats: '--threats',
  threat_severity: '--threat-severity',
  has_error: '--errors',
  q: '-q/--search',
  attr: '--attr',
  limit: '--limit',
  sort: '--order',
  top_hosts: '--top-hosts',
  state: '--state',
  severity: '--severity',
  min_severity: '--min-severity',
  rule: '--rule',
};

/** Rewrites a BAD_REQUEST naming an API parameter into a usage error naming the flag. */
export function asFlagError(e: unknown): unknown {
  if (!isLogaggError(e) || e.code !== 'BAD_REQUEST' || typeof e.details.param !== 'string') return e;
  const param = e.details.param;
  const flag = param.startsWith(ATTR_PREFIX) ? `--attr ${param.slice(ATTR_PREFIX.length)}=…` : FLAG_OF[param];
  if (flag === undefined) return e;
  const message = e.message.startsWith(`${param}: `) ? `${flag}: ${e.message.slice(param.length + 2)}` : `${flag}: ${e.message}`;
  return new LogaggError('USAGE', message, { details: { ...e.details, flag }, cause: e });
}

/** The flags as GET /logs query parameters (names and value syntax of the API). */
export function logQueryParams(f: QueryFlags): RawQuery {
  const q: RawQuery = {};
  if (f.from !== undefined) q.from = f.from;
  if (f.to !== undefined) q.to = f.to;
  if (f.host) q.host = f.host;
  if (f.level !== undefined) q.level = f.level;
  if (f.topic) q.topic = f.topic;
  if (f.format) q.format = f.format;
  if (f.tag) q.tag = f.tag;
  if (f.threats !== undefined) q.has_threats = String(f.threats);
  if (f.threatSeverity !== undefined) q.threat_severity = f.threatSeverity;
  if (f.errors !== undefined) q.has_error = String(f.errors);
  if (f.search !== undefined) q.q = f.search;
  for (const a of f.attr ?? []) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new LogaggError('USAGE', `--attr ${a}: give path=value, e.g. --attr http.status=500`);
    const key = ATTR_PREFIX + a.slice(0, eq);
    const prev = q[key];
    q[key] = prev === undefined ? a.slice(eq + 1) : [...(Array.isArray(prev) ? prev : [prev]), a.slice(eq + 1)];
  }
  return q;
}

/**
 * Validates the parameters as GET /logs does; relative times are resolved against `now`. One
 * check more: a --from after --to is refused (the API answers an empty window, but at a terminal
 * it is a typo worth naming).
 */
export function parseLogFilter(params: RawQuery, now: number): LogFilter {
  const f = readLogFilter(new QueryReader(params, LOG_FILTER_PARAMS, [ATTR_PREFIX]), now, undefined);
  if (f.from !== undefined && f.to !== undefined && f.from > f.to) throw badRequest('from', 'must not be after `to`');
  const q = params.q;
  if (typeof q === 'string' && !hasSearchTerm(q)) throw badRequest('q', 'no search term: give at least one word, "phrase" or prefix*');
  return f;
}

/**
 * The parameters sent to a remote appliance: relative times made absolute once here, so every
 * page of one query covers the same window (the server would re-read `24h` at each page).
 */
export function remoteParams(params: RawQuery, filter: { from?: number; to?: number }): RawQuery {
  const out = { ...params };
  if (filter.from !== undefined) out.from = new Date(filter.from).toISOString();
  if (filter.to !== undefined) out.to = new Date(filter.to).toISOString();
  return out;
}

/** The alert flags as GET /alerts query parameters. */
export function alertQueryParams(f: QueryFlags): RawQuery {
  const q: RawQuery = {};
  if (f.from !== undefined) q.from = f.from;
  if (f.to !== undefined) q.to = f.to;
  if (f.host) q.host = f.host;
  if (f.state) q.state = f.state;
  if (f.severity) q.severity = f.severity;
  if (f.minSeverity !== undefined) q.min_severity = f.minSeverity;
  if (f.rule) q.rule = f.rule;
  return q;
}

const LOG_ONLY: (keyof QueryFlags)[] = ['level', 'topic', 'format', 'tag', 'threats', 'threatSeverity', 'errors', 'search', 'attr', 'order', 'stats', 'topHosts'];
const ALERT_ONLY: (keyof QueryFlags)[] = ['state', 'severity', 'minSeverity', 'rule'];
const FLAG_NAME = (k: string): string => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

function checkCombination(f: QueryFlags, cmd: Command): void {
  const given = (k: keyof QueryFlags): boolean => cmd.getOptionValueSource(k) === 'cli' || cmd.getOptionValueSource(k) === 'env';
  if (f.count && f.stats) throw new LogaggError('USAGE', '--count and --stats: give one of them');
  if (f.alerts) {
    const bad = LOG_ONLY.find(given);
    if (bad) throw new LogaggError('USAGE', `${bad === 'search' ? '-q/--search' : FLAG_NAME(bad)} filters logs; it does not apply with --alerts`);
  } else {
    const bad = ALERT_ONLY.find(given);
    if (bad) throw new LogaggError('USAGE', `${FLAG_NAME(bad)} filters alerts; add --alerts`);
  }
  if (f.db !== undefined && f.url !== undefined) throw new LogaggError('USAGE', '--db and --url: read the local database or a remote appliance, not both');
}

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('search stored logs (or alerts) with the filters of GET /logs, in the local database or on a remote appliance')
    .option('--from <time>', 'events at or after: ISO 8601 (2024-05-01T12:00:00Z), epoch ms, or ago (15m, 24h, 7d)')
    .option('--to <time>', 'events before (exclusive); same forms as --from')
    .option('--host <hosts>', "host names or patterns ('web-*'); repeat or comma-separate", collect)
    .option('--level <level>', 'at or above this level: emergency alert critical error warning notice info debug, or 0-7')
    .option('--topic <topics>', 'Kafka topics; repeat or comma-separate', collect)
    .option('--format <formats>', 'message formats: json syslog5424 syslog3164 cef logfmt text; repeat or comma-separate', collect)
    .option('--tag <tags>', 'events carrying every one of these tags; repeat or comma-separate', collect)
    .option('--threats', 'only events with threats')
    .option('--no-threats', 'only events without threats')
    .option('--threat-severity <severity>', 'highest threat at least this severe: LOW MEDIUM HIGH CRITICAL')
    .option('--errors', 'only messages that failed to decode')
    .option('--no-errors', 'only messages that decoded')
    .option('-q, --search <text>', 'full-text search: words, "phrases", prefix*, AND OR NOT, parentheses')
    .option('--attr <path=value>', 'attribute equals value, e.g. http.status=500; repeat for several', collect)
    .option('--limit <n>', 'at most n results; 0 = all of them', nonNegativeInt('--limit', 1_000_000_000), 100)
    .addOption(new Option('--order <order>', 'by event time').choices(['desc', 'asc']).default('desc'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .addOption(new Option('--color <when>', 'color severities: auto = when stdout is a terminal and NO_COLOR is unset').choices(COLOR_MODES).default('auto'))
    .option('--count', 'print the number of matching events (or alerts) only')
    .option('--stats', 'print counts by host, level and threat severity')
    .option('--top-hosts <n>', 'hosts listed by --stats (default 50)', nonNegativeInt('--top-hosts', 1000))
    .option('--alerts', 'query alerts instead of logs (--from/--to/--host/--limit apply, and the alert flags below)')
    .option('--state <states>', 'alerts: open acknowledged resolved; repeat or comma-separate', collect)
    .option('--severity <severities>', 'alerts: any of LOW MEDIUM HIGH CRITICAL; repeat or comma-separate', collect)
    .option('--min-severity <severity>', 'alerts: at least this severe')
    .option('--rule <ids>', 'alerts: raised by these rules; repeat or comma-separate', collect)
    .option('--db <file>', 'the database file (storage.path)')
    .option('--url <url>', 'query a remote appliance instead, e.g. http://10.0.0.5:8080 (also LOGAGG_URL)')
    .option('--token <jwt>', 'API token for --url, role viewer or above (also LOGAGG_TOKEN)')
    .addHelpText(
      'after',
      `
Examples:
  logagg query --from 1h --level warning
  logagg query --host 'web-*' -q 'timeout OR refused' --limit 20
  logagg query --threats --threat-severity HIGH --from 24h -o json
  logagg query --attr http.status=500 --attr method=POST --output csv > errors.csv
  logagg query --limit 0 -o ndjson --from 2024-05-01T00:00:00Z --to 2024-05-02T00:00:00Z | gzip > day.ndjson.gz
  logagg query --from 7d --stats
  logagg query --alerts --state open --min-severity HIGH
  LOGAGG_TOKEN=$(logagg token --role viewer) logagg query --url http://10.0.0.5:8080 --from 15m

Times: ISO 8601 (no zone = UTC), epoch seconds or ms, now, or ago: 30s 15m 24h 7d 2w.
Exit codes: 0 ok, 1 runtime error (database or appliance unreachable), 2 usage error.`,
    )
    .action(async (flags: QueryFlags, cmd: Command) => {
      try {
        await runQuery(flags, cmd);
      } catch (e) {
        throw asFlagError(e);
      }
    });
}

async function runQuery(flags: QueryFlags, cmd: Command): Promise<void> {
  checkCombination(flags, cmd);
  const env = processEnv();
  const url = flags.url ?? (flags.db === undefined ? nonEmpty(env.url) : undefined);
  const token = flags.token ?? nonEmpty(env.token);
  const { config } = cliContext(cmd, { 'storage.path': flags.db });
  const now = Date.now();
  const sink = new OutputSink(process.stdout);
  const table: TableOptions = {
    width: process.stdout.isTTY ? (process.stdout.columns ?? 80) : null,
    color: useColor(flags.color, process.stdout, env.vars),
  };
  try {
    if (flags.alerts) {
      const params = alertQueryParams(flags);
      const filter = parseAlertFilter(params, now);
      if (url !== undefined) {
        if (flags.count) throw new LogaggError('USAGE', '--alerts --count reads the local database (the API has no alert count); drop --url');
        const remote = new RemoteClient({ url, token });
        await writeRecords(remote.pages<ApiAlert>('/alerts', remoteParams(params, filter), flags.limit), flags.output, ALERT_LAYOUT, sink, table);
        return;
      }
      await withLocalStore(config, async (store) => {
        const alerts = new SqliteAlertsPort(store, null);
        if (flags.count) {
          const n = alerts.counts(filter).reduce((sum, c) => sum + c.count, 0);
          await sink.write(renderCount(n, flags.output));
        } else await writeRecords(localAlertPages(alerts, filter, flags.limit), flags.output, ALERT_LAYOUT, sink, table);
      });
      return;
    }

    const params = logQueryParams(flags);
    const filter = parseLogFilter(params, now);
    const topHosts = flags.topHosts;
    if (url !== undefined) {
      const remote = new RemoteClient({ url, token });
      const sent = remoteParams(params, filter);
      if (flags.count || flags.stats) {
        const stats = await remote.get<LogStats>('/logs/stats', { ...sent, ...(topHosts !== undefined ? { top_hosts: String(topHosts) } : {}) });
        await sink.write(flags.count ? renderCount(stats.total, flags.output) : renderStats(stats, flags.output, table.color));
      } else {
        await writeRecords(remote.pages<ApiLog>('/logs', { ...sent, sort: flags.order }, flags.limit), flags.output, LOG_LAYOUT, sink, table);
      }
      return;
    }
    await withLocalStore(config, async (store) => {
      const reader = new LogReader(store);
      if (flags.count) await sink.write(renderCount(withApiParams(() => reader.countLogs(filter)), flags.output));
      else if (flags.stats) {
        const stats = withApiParams(() => reader.statsLogs(filter, topHosts !== undefined ? { topHosts } : {}));
        await sink.write(renderStats(stats, flags.output, table.color));
      } else await writeRecords(localLogPages(reader, filter, flags.order, flags.limit), flags.output, LOG_LAYOUT, sink, table);
    });
  } finally {
    await sink.flush().catch(() => undefined);
    sink.dispose();
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

async function withLocalStore(config: FrozenConfig, fn: (store: Store) => Promise<void>): Promise<void> {
  // One pass over the pages, each block read once in turn: a few cached blocks are enough, and
  // an export of millions of rows stays in bounded memory (test/cli/commands/query-large.test.ts).
  const store = openStore(config.storage.path, { ...storeOptionsFromConfig(config), readonly: true, blockCache: 4 });
  try {
    await fn(store);
  } finally {
    store.close();
  }
}

/** Pages of the local database in the API's shape; `limit` 0 = every matching row. */
export async function* localLogPages(reader: LogReader, filter: LogFilter, order: SortOrder, limit: number): AsyncGenerator<ApiLog[]> {
  let cursor: string | null = null;
  let remaining = limit === 0 ? Infinity : limit;
  while (remaining > 0) {
    const page = withApiParams(() => reader.queryLogs(filter, { limit: Math.min(MAX_PAGE, remaining), cursor, order }));
    remaining -= page.items.length;
    if (page.items.length > 0) yield page.items.map((e) => toApiLog(e, false));
    if (page.next_cursor === null) return;
    cursor = page.next_cursor;
  }
}

/** Pages of alerts (newest first) in the API's shape; `limit` 0 = every matching alert. */
export async function* localAlertPages(alerts: Pick<SqliteAlertsPort, 'list'>, filter: AlertFilter, limit: number): AsyncGenerator<ApiAlert[]> {
  let cursor: string | null = null;
  let remaining = limit === 0 ? Infinity : limit;
  while (remaining > 0) {
    const page = alerts.list(filter, { limit: Math.min(MAX_PAGE, remaining), cursor });
    const items = page.items.slice(0, remaining);
    remaining -= items.length;
    if (items.length > 0) yield items.map(toApiAlert);
    if (page.next_cursor === null || page.items.length === 0) return;
    cursor = page.next_cursor;
  }
}

/** Writes pages as they come; stops reading when the reader of stdout has gone away. */
async function writeRecords<T>(pages: AsyncGenerator<T[]>, format: OutputFormat, layout: RecordLayout<T>, sink: OutputSink, table: TableOptions): Promise<void> {
  const out = recordOutput(format, layout, sink, table);
  for await (const page of pages) {
    await out.write(page);
    if (sink.closed) {
      await pages.return(undefined);
      return;
    }
  }
  await out.end();
  if (out.count === 0 && format === 'table') process.stderr.write('no matching results\n');
}
