// The detector glue over real rule files and a real SQLite file: messages go through the real
// ingest pipeline (decode, normalize, enrich, detect) and the alerts land in the batch's
// transaction.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { DetectionService } from '../../src/app/detection.js';
import { loadConfig } from '../../src/config/load.js';
import { buildAssetInventory, type EnrichContext } from '../../src/core/enrich.js';
import { buildIntelIndex } from '../../src/core/intel.js';
import { ConfigError } from '../../src/errors.js';
import { IngestPipeline, inProcessCommitter } from '../../src/ingest/pipeline.js';
import { runCommitJob } from '../../src/ingest/commit-job.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { readRuleStats } from '../../src/store/rule-state.js';
import { openStore, type Store } from '../../src/store/store.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const MIN = 60_000;

const RULES = `
id: cpu-high
name: CPU usage exceeds 90%
kind: threshold
severity: HIGH
field: cpu_pct
op: '>'
value: 90%
title: CPU {cpu_pct}% on {host}
---
id: bad-proc
name: Known malicious process detected
kind: match
severity: CRITICAL
match:
  process: { endswith: [mimikatz.exe, xmrig] }
title: Malicious process {process} on {host}
---
id: quick
name: Short window
kind: match
severity: LOW
suppress: 1m
match:
  attributes.marker: quick
`;

/** A Sigma rule in SigmaHQ's format using `|expand` with a placeholder the config has no list for. */
const SIGMA_EXPAND = `title: Admin logon from an unexpected host
id: f1a2b3c4-0000-4000-8000-00000000e4a1
status: test
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4624
    TargetUserName|expand: '%admin_accounts%'
  condition: selection
level: high
`;

function rulesDir(text = RULES): string {
  const dir = tempDir('logagg-rules-');
  writeFileSync(path.join(dir, 'rules.yaml'), text);
  return dir;
}

function logs(): { logger: Logger; lines: { level: string; msg: string; [k: string]: unknown }[] } {
  const lines: { level: string; msg: string }[] = [];
  return { logger: createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(JSON.parse(l)) }), lines };
}

function settings(dir: string, over: Record<string, unknown> = {}) {
  return loadConfig({ defaultsFile: null, env: {}, overrides: { 'detection.rules_dir': dir, ...over } }).detection;
}

interface Rig {
  store: Store;
  detection: DetectionService;
  pipeline: IngestPipeline;
  /** Runs one batch of JSON messages through prepare + commit. */
  run(messages: object[]): void;
  alerts(): { id: number; rule_id: string; severity: string; host: string | null; count: number; state: string; first_seen: number; last_seen: number; title: string }[];
}

async function rig(opts: { dir?: string; config?: Record<string, unknown>; file?: string; enrich?: EnrichContext; logger?: Logger; topic?: string } = {}): Promise<Rig> {
  const file = opts.file ?? path.join(tempDir('logagg-det-'), 'logagg.db');
  const store = openStore(file);
  deferCleanup(() => store.close());
  const detection = (await DetectionService.load(settings(opts.dir ?? rulesDir(), opts.config), { logger: opts.logger ?? logs().logger, reloadDebounceMs: 50 })).attach(store);
  deferCleanup(() => detection.close());
  const enrichContext = opts.enrich ?? { assets: buildAssetInventory([]), intel: buildIntelIndex([]) };
  const writer = new LogWriter(store);
  const pipeline = new IngestPipeline({ committer: inProcessCommitter(writer), enrichContext: () => enrichContext, formats: {}, maxMessageBytes: 65536, clock: () => T0, detector: detection });
  let offset = 0;
  return {
    store,
    detection,
    pipeline,
    run(messages) {
      const topic = opts.topic ?? 't';
      const prepared = pipeline.prepare(messages.map((m) => ({ value: Buffer.from(JSON.stringify(m)), source: { kind: 'kafka', topic, partition: 0, offset: String(offset++) } })));
      // Synchronously, as the writer (on whichever thread) runs the job.
      runCommitJob(writer, pipeline.job(prepared, [{ group: 'g', topic, partition: 0, nextOffset: String(offset) }]), null);
    },
    alerts: () => store.db.prepare('SELECT id, rule_id, severity, host, count, state, first_seen, last_seen, title FROM alerts ORDER BY id').all() as never,
  };
}

const cpu = (host: string, pct: number, ts: number) => ({ timestamp: new Date(ts).toISOString(), host, cpu_usage: pct });

describe('loading the rules', () => {
  test('a valid folder loads, with the built-in rules of the config', async () => {
    const { logger, lines } = logs();
    const d = await DetectionService.load(settings(rulesDir(), { 'detection.builtin_thresholds.net_out': '50MB/s', 'detection.anomaly.metrics': ['mem_pct'] }), { logger });
    expect(d.rules().map((r) => [r.meta.id, r.meta.kind, r.enabled])).toEqual([
      ['builtin.net_out', 'threshold', true],
      ['builtin.anomaly.mem_pct', 'anomaly', true],
      ['cpu-high', 'threshold', true],
      ['bad-proc', 'match', true],
      ['quick', 'match', true],
    ]);
    expect(lines.find((l) => l.msg === 'rules loaded')).toMatchObject({ rules: 5, files: 1 });
  });

  test('the shipped default set loads', async () => {
    const d = await DetectionService.load(settings(path.resolve('config/rules')), { logger: logs().logger });
    const ids = d.rules().map((r) => r.meta.id);
    expect(ids).toEqual(expect.arrayContaining(['cpu-high', 'malicious-process']));
  });

  test.each<[string, string, RegExp]>([
    ['a bad rule names the file and the rule', RULES + '---\nid: broken\nname: x\nkind: threshold\nseverity: HIGH\nfield: cpu_pct\nop: "~"\nvalue: 1\n', /rules\.yaml: rule "broken": .*op/],
    ['an unknown kind', 'id: k\nname: k\nkind: magic\nseverity: LOW\n', /rules\.yaml: rule "k": kind/],
    ['invalid YAML', 'id: [unclosed\n', /rules\.yaml: .*YAML/],
  ])('%s: with detection.strict, ConfigError (exit 2)', async (_n, text, want) => {
    const err = await DetectionService.load(settings(rulesDir(text), { 'detection.strict': true }), { logger: logs().logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(want);
  });

  test('without strict, one bad Sigma rule (|expand) and one broken YAML file are refused: the others run, the log names each, an alert says so', async () => {
    const dir = rulesDir();
    writeFileSync(path.join(dir, 'broken.yaml'), 'id: [unclosed\n');
    writeFileSync(path.join(dir, 'expand.yml'), SIGMA_EXPAND);
    const { logger, lines } = logs();
    const r = await rig({ dir, logger });
    expect(r.detection.rules().map((x) => x.meta.id)).toEqual(['cpu-high', 'bad-proc', 'quick']);
    expect(r.detection.refusedRules()).toEqual([
      { file: path.join(dir, 'broken.yaml'), id: null, reason: expect.stringMatching(/^document 1: not valid YAML/) },
      // Sigma's compiler names a rule by its title; the reason carries the id.
      { file: path.join(dir, 'expand.yml'), id: 'Admin logon from an unexpected host', reason: expect.stringMatching(/\(f1a2b3c4-0000-4000-8000-00000000e4a1\).*placeholder %admin_accounts% has no list/) },
    ]);
    const refusals = lines.filter((l) => l.msg.startsWith('rule refused'));
    expect(refusals.map((l) => [l.level, l.file, l.rule])).toEqual([
      ['error', path.join(dir, 'broken.yaml'), null],
      ['error', path.join(dir, 'expand.yml'), 'Admin logon from an unexpected host'],
    ]);
    expect(lines.find((l) => l.msg === 'rules loaded')).toMatchObject({ rules: 3, refused: 2 });
    // The internal alert, through the alert store; detection with the good rules goes on.
    expect(r.alerts()).toEqual([expect.objectContaining({ rule_id: 'logagg.rules-refused', severity: 'HIGH', host: null, state: 'open', title: expect.stringMatching(/^2 detection rules refused at start/) })]);
    r.run([cpu('web-1', 97, T0)]);
    expect(r.alerts().map((a) => a.rule_id)).toEqual(['logagg.rules-refused', 'cpu-high']);
  });

  test('a rule taking a built-in id is refused, not run, without strict', async () => {
    const d = await DetectionService.load(settings(rulesDir(RULES + '---\nid: builtin.cpu_pct\nname: x\nkind: match\nseverity: LOW\nmatch: { host: a }\n'), { 'detection.builtin_thresholds.cpu_pct': 80 }), {
      logger: logs().logger,
    });
    expect(d.rules().map((x) => x.meta.id)).toEqual(['builtin.cpu_pct', 'cpu-high', 'bad-proc', 'quick']);
    expect(d.rules().find((x) => x.meta.id === 'builtin.cpu_pct')!.meta.kind).toBe('threshold');
    expect(d.refusedRules()).toEqual([expect.objectContaining({ id: 'builtin.cpu_pct', reason: expect.stringMatching(/taken by a built-in/) })]);
  });

  test('a missing folder is a ConfigError naming it', async () => {
    const err = await DetectionService.load(settings('/nonexistent/rules'), { logger: logs().logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/\/nonexistent\/rules: .*does not exist/);
  });

  test('a bad built-in threshold names the config key; a rule may not take a built-in id', async () => {
    const bad = await DetectionService.load(settings(rulesDir(), { 'detection.builtin_thresholds.cpu_pct': 'lots' }), { logger: logs().logger }).catch((e: unknown) => e);
    expect((bad as ConfigError).problems[0]!.key).toBe('detection.builtin_thresholds');
    const clash = await DetectionService.load(settings(rulesDir('id: builtin.cpu_pct\nname: x\nkind: match\nseverity: LOW\nmatch: { host: a }\n'), { 'detection.builtin_thresholds.cpu_pct': 80, 'detection.strict': true }), {
      logger: logs().logger,
    }).catch((e: unknown) => e);
    expect((clash as Error).message).toMatch(/rule "builtin\.cpu_pct": the id is taken by a built-in rule/);
  });
});

describe('alerts from batches', () => {
  test('a stuck-high CPU host over many batches yields ONE alert whose count grows', async () => {
    const r = await rig();
    for (let b = 0; b < 50; b++) r.run(Array.from({ length: 20 }, (_, i) => cpu('web-01', 95 + (i % 5), T0 + (b * 20 + i) * 1000)));
    const alerts = r.alerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule_id: 'cpu-high', severity: 'HIGH', host: 'web-01', count: 1000, first_seen: T0, last_seen: T0 + 999_000, state: 'open' });
    expect(readRuleStats(r.store).get('cpu-high')).toEqual({ hits: 1000, alerts_opened: 1, suppressed: 0, last_hit: T0 + 999_000 });
  });

  test('the seed examples fire with their severities; readings at or below 90% do not', async () => {
    const r = await rig();
    r.run([cpu('web-01', 90, T0), cpu('web-02', 93.5, T0 + 1), { timestamp: new Date(T0 + 2).toISOString(), host: 'win-7', process: 'C:\\Tools\\mimikatz.exe', message: 'started' }]);
    expect(r.alerts().map((a) => [a.rule_id, a.severity, a.host])).toEqual([
      ['cpu-high', 'HIGH', 'web-02'],
      ['bad-proc', 'CRITICAL', 'win-7'],
    ]);
  });

  test("a rule's own suppression window beats the default", async () => {
    const r = await rig();
    const quick = (ts: number) => ({ timestamp: new Date(ts).toISOString(), host: 'a', marker: 'quick' });
    r.run([quick(T0)]);
    r.run([quick(T0 + 50_000)]); // within 1m: folds
    r.run([quick(T0 + 50_000 + 61_000)]); // 61 s later: new alert, though within the 10m default
    expect(r.alerts().map((a) => a.count)).toEqual([2, 1]);
  });

  test('a host marked critical in the asset inventory raises the severity one step', async () => {
    const enrich = { assets: buildAssetInventory([{ host: 'db-*', criticality: 'critical' }]), intel: buildIntelIndex([]) };
    const r = await rig({ enrich });
    r.run([cpu('db-1', 99, T0), cpu('web-1', 99, T0)]);
    expect(r.alerts().map((a) => [a.host, a.severity])).toEqual([
      ['db-1', 'CRITICAL'],
      ['web-1', 'HIGH'],
    ]);
    const off = await rig({ enrich, config: { 'detection.critical_asset_raise.steps': 0 } });
    off.run([cpu('db-1', 99, T0)]);
    expect(off.alerts()[0]!.severity).toBe('HIGH');
  });

  test('the hourly cap from config counts the rest as suppressed', async () => {
    const r = await rig({ config: { 'detection.max_alerts_per_rule_per_hour': 3 } });
    r.run(Array.from({ length: 10 }, (_, i) => cpu(`h${i}`, 99, T0 + i)));
    expect(r.alerts()).toHaveLength(3);
    expect(r.detection.rules().find((x) => x.meta.id === 'cpu-high')!.stats).toMatchObject({ hits: 10, alerts_opened: 3, suppressed: 7 });
  });

  test('a commit that fails is retried without detecting again: one alert, counted once', async () => {
    const file = path.join(tempDir('logagg-det-'), 'logagg.db');
    const r = await rig({ file });
    const blocker = new Database(file, { timeout: 0 });
    // The writer waits for its busy timeout (5 s) before failing: shorten it for this test.
    r.store.db.exec('PRAGMA busy_timeout = 50');
    const prepared = r.pipeline.prepare([cpu('web-01', 99, T0), cpu('web-01', 98, T0 + 1)].map((m, i) => ({ value: Buffer.from(JSON.stringify(m)), source: { kind: 'kafka', topic: 't', partition: 0, offset: String(i) } })));
    blocker.exec('BEGIN IMMEDIATE');
    await expect(r.pipeline.commit(prepared, [{ group: 'g', topic: 't', partition: 0, nextOffset: '2' }])).rejects.toThrow(/locked|busy/i);
    blocker.exec('ROLLBACK');
    blocker.close();
    await r.pipeline.commit(prepared, [{ group: 'g', topic: 't', partition: 0, nextOffset: '2' }]);
    expect(r.alerts()).toEqual([expect.objectContaining({ count: 2 })]);
    expect(readRuleStats(r.store).get('cpu-high')!.hits).toBe(2);
  });
});

describe('enable/disable overrides', () => {
  test('a disabled rule stops firing at once, stays disabled after a restart, and its override is kept', async () => {
    const file = path.join(tempDir('logagg-det-'), 'logagg.db');
    const dir = rulesDir();
    const a = await rig({ file, dir });
    expect(a.detection.setEnabled('cpu-high', false, 'adam', T0)).toBe(true);
    expect(a.detection.setEnabled('no-such-rule', false, 'adam', T0)).toBe(false);
    a.run([cpu('web-01', 99, T0)]);
    expect(a.alerts()).toEqual([]);
    a.detection.close();
    a.store.close();

    const b = await rig({ file, dir });
    const rule = b.detection.rules().find((x) => x.meta.id === 'cpu-high')!;
    expect(rule.enabled).toBe(false);
    expect(rule.override).toEqual({ enabled: false, by: 'adam', at: T0 });
    b.run([cpu('web-01', 99, T0)]);
    expect(b.alerts()).toEqual([]);
    b.detection.setEnabled('cpu-high', true, 'adam', T0 + 1);
    b.run([cpu('web-01', 99, T0 + 2)]);
    expect(b.alerts()).toHaveLength(1);
  });
});

describe('detection state across restarts', () => {
  const BRUTE = `
id: brute
name: Failed logins
kind: count
severity: HIGH
filter:
  message: { contains: failed }
group_by: src_ip
window: 10m
threshold: 5
title: '{count} failed logins from {src_ip}'
`;
  const failed = (n: number, ts: number) => Array.from({ length: n }, (_, i) => ({ timestamp: new Date(ts + i * 1000).toISOString(), host: 'web-01', src_ip: '10.9.9.9', message: 'login failed' }));

  test('a count window straddling a restart fires after it: the saved state is read back and later events replayed', async () => {
    const file = path.join(tempDir('logagg-det-'), 'logagg.db');
    const dir = rulesDir(BRUTE);
    // Saved every 2 events: the first batch (2 events) is saved, the second (1 event) is not and
    // must come back by replay.
    const config = { 'detection.state.every_events': 2, 'detection.state.every': '1h' };
    const a = await rig({ file, dir, config });
    a.run(failed(2, T0));
    a.run(failed(1, T0 + 10_000));
    expect(a.alerts()).toEqual([]);
    a.detection.close();
    a.store.close(); // as a crash would leave it: nothing written at stop

    const log = logs();
    const b = await rig({ file, dir, config, logger: log.logger });
    expect(log.lines.find((l) => l.msg === 'detection state restored')).toMatchObject({ rules: 1, replayed: 1 });
    b.run(failed(2, T0 + 20_000));
    expect(b.alerts().map((x) => [x.rule_id, x.count])).toEqual([['brute', 1]]);
    const row = b.store.db.prepare("SELECT title FROM alerts WHERE rule_id = 'brute'").get() as { title: string };
    expect(row.title).toBe('5 failed logins from 10.9.9.9');
  });

  test('without saving (detection.state.save: false) the same run starts afresh and stays quiet', async () => {
    const file = path.join(tempDir('logagg-det-'), 'logagg.db');
    const dir = rulesDir(BRUTE);
    const config = { 'detection.state.save': false };
    const a = await rig({ file, dir, config });
    a.run(failed(3, T0));
    a.detection.close();
    a.store.close();
    const b = await rig({ file, dir, config });
    b.run(failed(2, T0 + 20_000));
    expect(b.alerts()).toEqual([]);
    expect(b.store.db.prepare('SELECT count(*) AS n FROM detection_state').get()).toEqual({ n: 0 });
  });

  test('a changed rule starts afresh; too many events to replay starts afresh and says so', async () => {
    const file = path.join(tempDir('logagg-det-'), 'logagg.db');
    const dir = rulesDir(BRUTE);
    const a = await rig({ file, dir, config: { 'detection.state.every_events': 1 } });
    a.run(failed(4, T0));
    a.detection.close();
    a.store.close();

    const changed = await rig({ file, dir: rulesDir(BRUTE.replace('threshold: 5', 'threshold: 6')), topic: 't2' });
    changed.run(failed(2, T0 + 20_000));
    expect(changed.alerts()).toEqual([]);
    changed.detection.close();
    changed.store.close();

    // The changed rule saved its own state (2 events); the original rule's saved state is gone.
    const log = logs();
    const again = await rig({ file, dir, config: { 'detection.state.max_replay': 0 }, logger: log.logger });
    expect(log.lines.find((l) => l.msg === 'detection state restored')).toMatchObject({ rules: 0, changed_or_removed: 1, replayed: 0 });
    again.detection.close();
    again.store.close();
    // Store one event after the last save, then allow no replay.
    const c = await rig({ file, dir, config: { 'detection.state.every_events': 1000, 'detection.state.every': '1h' }, topic: 't3' });
    c.run(failed(1, T0 + 30_000)); // first batch after start: saved (none saved by this process yet)
    c.run(failed(1, T0 + 31_000)); // not saved
    c.detection.close();
    c.store.close();
    const log2 = logs();
    await rig({ file, dir, config: { 'detection.state.max_replay': 0 }, logger: log2.logger });
    expect(log2.lines.find((l) => l.msg.startsWith('detection state not restored'))).toMatchObject({ events_after: 1, max_replay: 0 });
  });
});

describe('hot reload', () => {
  async function until(what: string, fn: () => boolean, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (fn()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  test('a good edit takes effect; a bad edit keeps the last good set and says why; overrides survive reloads', async () => {
    const dir = rulesDir();
    const { logger, lines } = logs();
    const r = await rig({ dir, logger });
    r.detection.setEnabled('bad-proc', false, 'adam', T0);
    r.detection.watch();

    writeFileSync(path.join(dir, 'extra.yaml'), 'id: mem-high\nname: Memory high\nkind: threshold\nseverity: MEDIUM\nfield: mem_pct\nop: ">="\nvalue: 95\n');
    await until('the reload', () => lines.some((l) => l.msg === 'rules reloaded'));
    expect(r.detection.rules().map((x) => x.meta.id)).toContain('mem-high');
    expect(r.detection.rules().find((x) => x.meta.id === 'bad-proc')!.enabled).toBe(false);

    writeFileSync(path.join(dir, 'extra.yaml'), 'id: mem-high\nname: Memory high\nkind: threshold\nseverity: MEDIUM\nfield: mem_pct\nop: ">="\n');
    await until('the refusal', () => lines.some((l) => l.msg.startsWith('rules reload refused')));
    const refusal = lines.find((l) => l.msg.startsWith('rules reload refused'))!;
    expect(refusal.problems).toEqual([expect.stringMatching(/extra\.yaml: rule "mem-high": value/)]);
    expect(r.detection.rules().map((x) => x.meta.id)).toContain('mem-high');
    r.run([{ timestamp: new Date(T0).toISOString(), host: 'x', memory_usage: { percentage: 97 } }]);
    expect(r.alerts().map((a) => a.rule_id)).toEqual(['mem-high']);
  });

  test('watch: false never reloads', async () => {
    const dir = rulesDir();
    const { logger, lines } = logs();
    const r = await rig({ dir, logger, config: { 'detection.watch': false } });
    r.detection.watch();
    mkdirSync(path.join(dir, 'sub'));
    cpSync(path.join(dir, 'rules.yaml'), path.join(dir, 'sub', 'copy.yaml'));
    await new Promise((res) => setTimeout(res, 300));
    expect(lines.filter((l) => l.msg.startsWith('rules reload'))).toEqual([]);
  });
});
