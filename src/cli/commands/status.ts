import { Option, type Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import type { FrozenConfig } from '../../config/load.js';
import { loadInitialRules } from '../../app/detection-rules.js';
import type { RefusedRule } from '../../core/rules/rule-info.js';
import { ConfigError, isLogaggError } from '../../errors.js';
import { lagRows, probeKafka, type KafkaProbe, type PartitionLag } from '../../ingest/kafka-admin.js';
import { maskSecrets } from '../../logger.js';
import { openStore, type Store } from '../../store/store.js';
import { storeOptionsFromConfig } from '../../store/store-options.js';
import { storeStats, type StoreStats } from '../../store/store-stats.js';
import type { OffsetRow } from '../../store/offsets.js';
import { countAlerts } from '../../store/alert-reader.js';
import { emptyRuleStats, readRuleOverrides, readRuleStats, type RuleOverride, type RuleStats } from '../../store/rule-state.js';
import { VERSION } from '../../version.js';
import { notifyStatus, type ChannelStatus } from '../../store/notify-status.js';
import { maskNotifyConfig } from '../../notify/secrets.js';
import { readForwardStatus, type ForwardOutputStatus } from '../../store/forward-cursors.js';
import { parseDuration } from '../../config/units.js';
import { formatBytes } from '../../core/rules/units.js';
import { LogaggError } from '../../errors.js';
import { cliContext, list } from '../context.js';
import { OutputSink } from '../output/sink.js';
import { TableWriter } from '../output/table.js';

/**
 * `logagg status`: what an operator checks first. The config in force (secrets masked), the
 * database (size with its WAL, rows, oldest and newest event), the offsets stored per
 * partition and the consumer lag (Kafka's high watermark − the stored next offset, asked with
 * a short timeout: an unreachable broker is reported, the rest still printed), the rules and
 * the alerts, notifications and forwarding outputs. Reads the database read-only, so it is
 * safe beside `serve`.
 */

export interface AlertCount {
  state: string;
  severity: string;
  count: number;
}

export interface RuleLine {
  id: string;
  kind: string;
  severity: string;
  /** In the rule file, unless an API override says otherwise (rule_overrides). */
  enabled: boolean;
  hits: number;
  alerts_opened: number;
  suppressed: number;
  last_hit: number | null;
}

export interface RulesStatus {
  detection_enabled: boolean;
  dir: string;
  /** Why the rule set would not load (the same problems stop `serve` with exit code 2). */
  problems: string[];
  rules: RuleLine[];
  /** Rules `serve` refuses at start and runs without (detection.strict off): file, id, why. */
  refused: RefusedRule[];
}

/**
 * The rule set `serve` would run now (built-ins from config and the rules folder), with what
 * the database has recorded per rule: enable/disable overrides and counters.
 */
export async function rulesStatus(cfg: FrozenConfig['detection'], store: Store | null): Promise<RulesStatus> {
  const out: RulesStatus = { detection_enabled: cfg.enabled, dir: cfg.rules_dir, problems: [], rules: [], refused: [] };
  let loaded;
  try {
    loaded = await loadInitialRules(cfg);
  } catch (e) {
    if (e instanceof ConfigError) out.problems = e.problems.map((p) => `${p.key}: ${p.message}`);
    else if (isLogaggError(e)) out.problems = [e.message];
    else throw e;
    return out;
  }
  out.refused = loaded.refused;
  const stats = store ? readRuleStats(store) : new Map<string, RuleStats>();
  const overrides = store ? readRuleOverrides(store) : new Map<string, RuleOverride>();
  for (const r of [...loaded.builtins, ...loaded.files]) {
    const s = stats.get(r.meta.id) ?? emptyRuleStats();
    out.rules.push({
      id: r.meta.id,
      kind: r.meta.kind,
      severity: r.meta.severity,
      enabled: overrides.get(r.meta.id)?.enabled ?? r.meta.enabled,
      ...s,
    });
  }
  return out;
}

/** Keys whose values are keys (storage.encryption.key, a notifier's api key): `key`, `*_key`, `*-key`. */
const KEY_NAME = /(^|[_-])key$/i;

/**
 * The config as shown: maskSecrets (the logger's rule) plus key material, and the password of a
 * URL with credentials (`https://user:pass@host`): status output is pasted into tickets.
 */
export function maskConfig(value: unknown, depth = 0): unknown {
  const masked = depth === 0 ? maskSecrets(value) : value;
  if (depth > 8 || masked === null || typeof masked !== 'object') {
    return typeof masked === 'string' ? masked.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*):[^@/\s]+@/i, '$1:***@') : masked;
  }
  if (Array.isArray(masked)) return masked.map((v) => maskConfig(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(masked)) {
    out[k] = KEY_NAME.test(k) && typeof v === 'string' && v !== '' ? '***' : maskConfig(v, depth + 1);
  }
  return out;
}

export interface StatusReport {
  version: string;
  config_file: string | null;
  config: unknown;
  database: (StoreStats & { error?: undefined }) | { path: string; error: string };
  kafka: KafkaProbe | null;
  /** Why Kafka was not asked (kafka is null); null when it was. */
  kafka_skipped: string | null;
  partitions: PartitionLag[];
  rules: RulesStatus;
  /** By state and severity; null when the database could not be read. */
  alerts: AlertCount[] | null;
  /** Notification deliveries per channel; null when the database could not be read. */
  notifications: ChannelStatus[] | null;
  /** Forwarding outputs with a cursor (lag, sent, errors); null when the database could not be read. */
  forwarding: ForwardOutputStatus[] | null;
}

interface StatusFlags {
  db?: string;
  brokers?: string;
  exact?: boolean;
  kafka?: boolean;
  kafkaTimeout: string;
  output: 'table' | 'json';
  showConfig: boolean;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show the config in force, the database, stored offsets and consumer lag, rules and alerts')
    .option('--db <file>', 'the database file (storage.path)')
    .option('--brokers <list>', 'Kafka brokers to ask for the lag, comma-separated (kafka.brokers)')
    .option('--exact', 'count every log row (slow on large databases) instead of estimating from the id range')
    .option('--no-kafka', 'do not contact Kafka (no lag)')
    .option('--kafka-timeout <duration>', 'give up on Kafka after this long', '5s')
    .option('--no-show-config', 'leave the config out of the table output')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  logagg status
  logagg status --exact --output json | jq '.partitions[] | select(.lag > 1000)'
  logagg -c /etc/logagg.yaml status --kafka-timeout 2s

Lag is Kafka's high watermark minus the next offset stored in the database, per partition.
If Kafka cannot be reached, status says so and prints the rest (exit code 0).
Exit codes: 0 ok, 1 runtime error, 2 usage or config error.`,
    )
    .action(async (flags: StatusFlags, cmd: Command) => {
      const timeoutMs = parseDuration(flags.kafkaTimeout);
      if (timeoutMs === null || timeoutMs < 100 || timeoutMs > 120_000) throw new LogaggError('USAGE', `--kafka-timeout ${flags.kafkaTimeout}: give a duration from 100ms to 2m, e.g. 5s`);
      const { config, env } = cliContext(cmd, { 'storage.path': flags.db, 'kafka.brokers': list(flags.brokers) });
      const globals = rootOpts(cmd);
      const report = await buildStatus(config, {
        configFile: globals.config ?? nonEmpty(env.configFile) ?? null,
        exact: flags.exact === true,
        kafka: flags.kafka !== false,
        timeoutMs,
      });
      const sink = new OutputSink(process.stdout);
      try {
        await sink.write(flags.output === 'json' ? JSON.stringify(report, null, 2) + '\n' : renderStatus(report, flags.showConfig));
        await sink.flush();
      } finally {
        sink.dispose();
      }
    });
}

function rootOpts(cmd: Command): { config?: string } {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c.opts<{ config?: string }>();
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

export async function buildStatus(config: FrozenConfig, opts: { configFile: string | null; exact: boolean; kafka: boolean; timeoutMs: number }): Promise<StatusReport> {
  const path = config.storage.path;
  let database: StatusReport['database'];
  let offsets: OffsetRow[] = [];
  let rules: RulesStatus;
  let alerts: AlertCount[] | null = null;
  let notifications: ChannelStatus[] | null = null;
  let forwarding: ForwardOutputStatus[] | null = null;
  let store: Store | null = null;
  try {
    try {
      store = openStore(path, { ...storeOptionsFromConfig(config), readonly: true });
      database = storeStats(store, { exact: opts.exact });
      offsets = database.offsets;
      alerts = countAlerts(store, {});
      notifications = notifyStatus(store);
      forwarding = readForwardStatus(store, Date.now());
    } catch (e) {
      if (!isLogaggError(e)) throw e;
      database = { path, error: e.message };
      store?.close();
      store = null;
    }
    rules = await rulesStatus(config.detection, store);
  } finally {
    store?.close();
  }
  const topics = [...new Set([...config.kafka.topics, ...offsets.map((o) => o.topic)])].sort();
  const skipped = !opts.kafka ? 'not asked (--no-kafka)' : !config.kafka.enabled ? 'off (kafka.enabled is false)' : null;
  const kafka = skipped === null ? await probeKafka(config.kafka, topics, opts.timeoutMs) : null;
  return {
    version: VERSION,
    config_file: opts.configFile,
    // channel URLs and routing keys are secrets whatever their key names
    config: maskConfig({ ...config, notify: { ...config.notify, ...(maskNotifyConfig(config.notify) as object) } }),
    database,
    kafka,
    kafka_skipped: skipped,
    partitions: lagRows(offsets, kafka?.reachable ? kafka : null, config.kafka.group_id, config.kafka.from_beginning),
    rules,
    alerts,
    notifications,
    forwarding,
  };
}

const iso = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '-' : new Date(ms).toISOString());

export function renderStatus(r: StatusReport, showConfig: boolean): string {
  const opts = { width: null, color: false };
  let out = `logagg ${r.version}\nconfig file: ${r.config_file ?? '(none: defaults and LOGAGG_* variables)'}\n\n`;
  const db = r.database;
  out += `DATABASE  ${db.path}\n`;
  if (db.error !== undefined) out += `  unavailable: ${db.error}\n`;
  else {
    out += `  size        ${formatBytes(db.file_bytes, 'iec-fixed')} (WAL ${formatBytes(db.wal_bytes, 'iec-fixed')}, ${db.freelist_count} free pages of ${db.page_count})\n`;
    out += `  schema      version ${db.schema_version}\n`;
    out += `  logs        ${db.logs.exact !== undefined ? db.logs.exact : `~${db.logs.estimate} (estimate; --exact counts)`}\n`;
    out += `  oldest      ${iso(db.logs.oldest_ts)}\n  newest      ${iso(db.logs.newest_ts)}\n`;
    out += `  rollups     ${db.rollup_1m.rows} by minute, ${db.rollup_1h.rows} by hour\n`;
  }
  out += '\nKAFKA  ' + (r.kafka === null ? (r.kafka_skipped ?? 'not asked') : r.kafka.brokers.join(','));
  if (r.kafka !== null) {
    if (r.kafka.error !== undefined) out += `\n  ${r.kafka.reachable ? 'error' : 'unreachable'}: ${r.kafka.error}; lag unknown`;
    if (r.kafka.missing_topics.length > 0) out += `\n  topics Kafka does not have: ${r.kafka.missing_topics.join(', ')}`;
  }
  out += '\n';
  if (r.partitions.length === 0) out += '  no offsets stored yet\n';
  else {
    const t = new TableWriter<PartitionLag>(
      [
        { header: 'GROUP', value: (p) => p.group, max: 30 },
        { header: 'TOPIC', value: (p) => p.topic, max: 40 },
        { header: 'PART', value: (p) => String(p.partition), max: 6 },
        { header: 'STORED NEXT', value: (p) => p.stored_next_offset ?? '-', max: 20 },
        { header: 'HIGH WATERMARK', value: (p) => p.high_watermark ?? '?', max: 20 },
        { header: 'LAG', value: (p) => (p.lag === null ? '?' : String(p.lag)), max: 20 },
        { header: 'UPDATED', value: (p) => iso(p.updated_at), max: 24 },
      ],
      opts,
    );
    out += t.render(r.partitions).replace(/^(?=.)/gm, '  ');
  }
  const rs = r.rules;
  const on = rs.rules.filter((x) => x.enabled).length;
  out += `\nRULES  ${rs.rules.length} loaded (${on} enabled) from ${rs.dir} and detection:${rs.detection_enabled ? '' : ' (detection is OFF: detection.enabled is false)'}\n`;
  for (const p of rs.problems) out += `  problem: ${p}\n`;
  if (rs.refused.length > 0) out += `  ${rs.refused.length} REFUSED (did not compile; serve runs without them):\n`;
  for (const x of rs.refused) out += `  refused: ${x.file}${x.id === null ? '' : `: rule "${x.id}"`}: ${x.reason}\n`;
  if (rs.rules.length > 0) {
    const t = new TableWriter<RuleLine>(
      [
        { header: 'RULE', value: (x) => x.id, max: 48 },
        { header: 'KIND', value: (x) => x.kind, max: 10 },
        { header: 'SEVERITY', value: (x) => x.severity, max: 8 },
        { header: 'ON', value: (x) => (x.enabled ? 'yes' : 'no'), max: 3 },
        { header: 'HITS', value: (x) => String(x.hits), max: 12 },
        { header: 'ALERTS', value: (x) => String(x.alerts_opened), max: 12 },
        { header: 'LAST HIT', value: (x) => iso(x.last_hit), max: 24 },
      ],
      opts,
    );
    out += t.render(rs.rules).replace(/^(?=.)/gm, '  ');
  }
  out += '\nALERTS  ';
  if (r.alerts === null) out += 'unknown (database unavailable)\n';
  else if (r.alerts.length === 0) out += 'none\n';
  else {
    out += `${r.alerts.reduce((s, a) => s + a.count, 0)}\n`;
    const t = new TableWriter<AlertCount>(
      [
        { header: 'STATE', value: (a) => a.state, max: 14 },
        { header: 'SEVERITY', value: (a) => a.severity, max: 10 },
        { header: 'COUNT', value: (a) => String(a.count), max: 12 },
      ],
      opts,
    );
    out += t.render(r.alerts).replace(/^(?=.)/gm, '  ');
  }
  out += '\nNOTIFICATIONS  ';
  if (r.notifications === null) out += 'unknown (database unavailable)\n';
  else if (r.notifications.length === 0) out += 'none\n';
  else {
    out += '\n';
    const t = new TableWriter<ChannelStatus>(
      [
        { header: 'CHANNEL', value: (c) => c.channel, max: 24 },
        { header: 'PENDING', value: (c) => String(c.pending), max: 10 },
        { header: 'SENT', value: (c) => String(c.sent), max: 10 },
        { header: 'FAILED', value: (c) => String(c.failed), max: 10 },
        { header: 'RETRIES', value: (c) => String(c.retries), max: 10 },
        { header: 'LAST FAILURE', value: (c) => (c.last_failure ? JSON.stringify(c.last_failure) : '-'), max: 60 },
      ],
      opts,
    );
    out += t.render(r.notifications).replace(/^(?=.)/gm, '  ');
  }
  out += '\nFORWARDING  ';
  if (r.forwarding === null) out += 'unknown (database unavailable)\n';
  else if (r.forwarding.length === 0) out += 'none\n';
  else {
    out += '\n';
    const t = new TableWriter<ForwardOutputStatus>(
      [
        { header: 'OUTPUT', value: (f) => f.output, max: 24 },
        { header: 'EVENTS BEHIND', value: (f) => String(f.events_behind), max: 14 },
        { header: 'ALERTS BEHIND', value: (f) => String(f.alerts_behind), max: 14 },
        { header: 'EVENTS SENT', value: (f) => String(f.events_sent), max: 14 },
        { header: 'ALERTS SENT', value: (f) => String(f.alerts_sent), max: 14 },
        { header: 'ERRORS', value: (f) => String(f.errors), max: 10 },
        { header: 'STATE', value: (f) => (f.failing_since === null ? 'ok' : `${f.degraded ? 'DEGRADED' : 'failing'} since ${iso(f.failing_since)}`), max: 50 },
        { header: 'LAST ERROR', value: (f) => (f.last_error ? `${iso(f.last_error.at)} ${f.last_error.error}` : '-'), max: 80 },
      ],
      opts,
    );
    out += t.render(r.forwarding).replace(/^(?=.)/gm, '  ');
  }
  if (showConfig) out += '\nCONFIG (secrets masked)\n' + toYaml(r.config).replace(/^(?=.)/gm, '  ').replace(/ +$/gm, '');
  return out;
}
