// `logagg rules list|validate|test|backtest` as a user runs them: the built CLI (`npm run build`
// first) as a child process, over fixture rule folders, NDJSON files and a seeded SQLite file.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import type { NormalizedEvent } from '../../../src/core/event.js';
import { addRuleStats, writeRuleOverride } from '../../../src/store/rule-state.js';
import { makeEvent } from '../../store/fixtures.js';
import { tempDir } from '../../helpers/temp.js';
import { cli, HOUR, MIN, seedDb, type SeededDb } from '../fixtures.js';
import { queryV1 } from '../../helpers/v1-rows.js';

// Every test starts the CLI (a Node process): on 2 busy cores that takes seconds.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const RULES = [
  '# the seed examples, and a rule disabled in its file',
  'id: cpu-high',
  'name: CPU usage exceeds 90%',
  'kind: threshold',
  'severity: HIGH',
  'field: cpu_pct',
  "op: '>'",
  'value: 90%',
  'title: CPU {cpu_pct}% on {host}',
  '---',
  'id: malicious-process',
  'name: Known malicious process detected',
  'kind: match',
  'severity: CRITICAL',
  'match: { process: { list: malicious-processes } }',
  'title: Malicious process {process} on {host}',
  '---',
  'id: quiet',
  'name: Disabled in its file',
  'kind: match',
  'severity: LOW',
  'enabled: false',
  'match: { process: sshd }',
  '',
].join('\n');

let dir: string;
let rulesDir: string;
let config: string;
let dbPath: string;
let cpuFile: string;

function writeConfig(file: string, rules: string, db: string): void {
  writeFileSync(file, ['detection:', `  rules_dir: ${JSON.stringify(rules)}`, '  builtin_thresholds:', '    mem_pct: 95', 'storage:', `  path: ${JSON.stringify(db)}`, ''].join('\n'));
}

/** A rules folder of `files` (name → text) in a new temp dir. */
function rulesFolder(files: Record<string, string>): string {
  const d = tempDir('logagg-rules-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(d, name)), { recursive: true });
    writeFileSync(path.join(d, name), text);
  }
  return d;
}

const T = Date.UTC(2025, 0, 15, 12);
const json = (o: Record<string, unknown>): string => JSON.stringify(o);
const iso = (ms: number): string => new Date(ms).toISOString();

beforeAll(() => {
  dir = tempDir('logagg-rules-cli-');
  rulesDir = rulesFolder({ 'system.yaml': RULES, 'lists/malicious-processes.txt': '# known bad\nmimikatz.exe\n' });
  dbPath = path.join(dir, 'none.db'); // no database: list says so, test needs none
  config = path.join(dir, 'logagg.yaml');
  writeConfig(config, rulesDir, dbPath);
  // Line 1 normal; lines 2-31 a CPU stuck high on web-1; 32 blank; 33 undecodable; 34 mimikatz.
  const lines = [json({ timestamp: iso(T), host: 'web-1', cpu_usage: 20 })];
  for (let i = 0; i < 30; i++) lines.push(json({ timestamp: iso(T + (i + 1) * 10_000), host: 'web-1', cpu_usage: 95 + (i % 5) }));
  lines.push('', '{"timestamp": "2025-01-15T12:10:00Z", "host": ', json({ timestamp: iso(T + 11 * MIN), host: 'ws-7', process: 'mimikatz.exe', message: 'process started' }));
  cpuFile = path.join(dir, 'cpu.ndjson');
  writeFileSync(cpuFile, lines.join('\n') + '\n');
});

const rules = (args: string[], cfg = config) => cli(['-c', cfg, 'rules', ...args]);

describe('logagg rules validate', () => {
  test('a good folder: a summary, exit 0', async () => {
    const r = await rules(['validate']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`ok: 3 rules in 1 file under ${rulesDir}, and 1 built-in from the config\n`);
  });

  const broken = () =>
    rulesFolder({
      'a.yaml': ['id: brute', 'name: Brute', 'kind: count', 'severity: HIGH', 'window: 1m', 'treshold: 5', '---', 'id: loud', 'name: Loud', 'kind: match', 'severity: HUGE', 'match: { process: nc }', '---',
        'id: fine', 'name: Fine', 'kind: match', 'severity: LOW', 'match: { process: nc }', ''].join('\n'),
      'b.yaml': 'id: [unclosed\n',
      'sub/c.yml': 'id: fine\nname: Again\nkind: match\nseverity: LOW\nmatch: { user: root }\n---\nid: builtin.mem_pct\nname: Clash\nkind: match\nseverity: LOW\nmatch: { user: x }\n',
    });

  test('a folder with bad files: every problem listed with its file and rule, exit 2', async () => {
    const d = broken();
    const r = await rules(['validate', d]);
    expect(r.code).toBe(2);
    const lines = r.stdout.trimEnd().split('\n');
    const problems = lines.slice(0, -2);
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^${path.join(d, 'b.yaml')}: document 1: not valid YAML`)),
      `${path.join(d, 'a.yaml')}: rule "brute": unknown key "treshold" (did you mean "threshold"?)`,
      expect.stringMatching(new RegExp(`^${path.join(d, 'a.yaml')}: rule "brute": filter: required`)),
      expect.stringMatching(new RegExp(`^${path.join(d, 'a.yaml')}: rule "brute": threshold: required`)),
      expect.stringMatching(new RegExp(`^${path.join(d, 'a.yaml')}: rule "loud": severity`)),
      `${path.join(d, 'sub/c.yml')}: rule "fine": duplicate rule id "fine" (first defined in ${path.join(d, 'a.yaml')}); ids must be unique across the rules folder`,
      `${path.join(d, 'sub/c.yml')}: rule "builtin.mem_pct": the id is taken by a built-in rule of detection:; rename it`,
    ]);
    expect(lines.at(-1)).toBe(`7 problems in ${d} (3 files read; 1 rule compiled): the appliance would refuse this rule set`);
  });

  test('--output json: the problems as data, exit 2', async () => {
    const d = broken();
    const r = await rules(['validate', d, '-o', 'json']);
    expect(r.code).toBe(2);
    const v = JSON.parse(r.stdout);
    expect(v).toMatchObject({ dir: d, rules: 1, builtin: 1 });
    expect(v.problems.map((p: { file: string; rule?: string }) => [path.relative(d, p.file), p.rule ?? null])).toEqual([
      ['b.yaml', null],
      ['a.yaml', 'brute'],
      ['a.yaml', 'brute'],
      ['a.yaml', 'brute'],
      ['a.yaml', 'loud'],
      ['sub/c.yml', 'fine'],
      ['sub/c.yml', 'builtin.mem_pct'],
    ]);
  });

  test('Sigma rules: each one\'s logsource coverage and what it applies, in the text and the JSON', async () => {
    const sigma = (id: string, logsource: string) => `title: T ${id}\nid: ${id}\nlevel: high\nlogsource: { ${logsource} }\ndetection: { selection: { Image|endswith: '\\\\x.exe' }, condition: selection }\n`;
    const d = rulesFolder({
      'net.yml': sigma('0b3a7c52-1d2e-4f6a-9b8c-7d6e5f4a3b21', 'product: windows, category: network_connection'),
      'odd.yml': sigma('1c4b8d63-2e3f-4a7b-8c9d-8e7f6a5b4c32', 'product: windows, category: nosuch'),
    });
    const text = await rules(['validate', d]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('partly mapped: product:windows,category:nosuch (1 rule, applies product:windows)');
    const v = JSON.parse((await rules(['validate', d, '-o', 'json'])).stdout);
    expect(v.logsource_coverage.by_rule).toEqual([
      { id: 'sigma-0b3a7c52-1d2e-4f6a-9b8c-7d6e5f4a3b21', file: path.join(d, 'net.yml'), logsource: 'product:windows,category:network_connection', coverage: 'mapped', applied: ['product:windows', 'product:windows,category:network_connection'] },
      { id: 'sigma-1c4b8d63-2e3f-4a7b-8c9d-8e7f6a5b4c32', file: path.join(d, 'odd.yml'), logsource: 'product:windows,category:nosuch', coverage: 'partial', applied: ['product:windows'] },
    ]);
  });

  test('a folder that does not exist: exit 2, naming the config key', async () => {
    const r = await rules(['validate', path.join(dir, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('the rules folder does not exist (set detection.rules_dir in the config, or create it)');
  });
});

describe('logagg rules list', () => {
  test('without a database: every rule, counters zero, a note on stderr, exit 0', async () => {
    const r = await rules(['list']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RULE\s+KIND\s+SEVERITY\s+ENABLED\s+HITS\s+ALERTS\s+SUPPRESSED\s+FILE$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
      ['builtin.mem_pct', 'threshold', 'HIGH', 'yes', '0', '0', '0', 'config (mem_pct)'],
      ['cpu-high', 'threshold', 'HIGH', 'yes', '0', '0', '0', path.join(rulesDir, 'system.yaml')],
      ['malicious-process', 'match', 'CRITICAL', 'yes', '0', '0', '0', path.join(rulesDir, 'system.yaml')],
      ['quiet', 'match', 'LOW', 'no', '0', '0', '0', path.join(rulesDir, 'system.yaml')],
    ]);
    expect(r.stderr).toContain(`note: counters and overrides unknown: no database at ${dbPath} yet`);
  });

  test('with a database: its counters and API overrides (read-only), in a table and as JSON', async () => {
    const db = seedDb([]);
    db.writer.writeBatch({
      events: [],
      offsets: [],
      inTransaction: (tx) => addRuleStats(tx.statement, 'cpu-high', { hits: 42, alerts_opened: 2, suppressed: 5, last_hit: T }),
    });
    writeRuleOverride(db.store, 'quiet', { enabled: true, by: 'ana', at: T + 1 });
    writeRuleOverride(db.store, 'cpu-high', { enabled: true, by: 'bob', at: T + 2 }); // same as its file: no mark
    const r = await rules(['list', '--db', db.path]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const rows = r.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s{2,}/).slice(0, 7));
    expect(rows).toContainEqual(['cpu-high', 'threshold', 'HIGH', 'yes', '42', '2', '5']);
    expect(rows).toContainEqual(['quiet', 'match', 'LOW', 'yes (api)', '0', '0', '0']);

    const j = await rules(['list', '--db', db.path, '-o', 'json']);
    expect(j.code).toBe(0);
    const v = JSON.parse(j.stdout);
    expect(v).toMatchObject({ rules_dir: rulesDir, database: db.path, problems: [] });
    expect(v.rules.find((x: { id: string }) => x.id === 'cpu-high')).toEqual({
      id: 'cpu-high',
      name: 'CPU usage exceeds 90%',
      kind: 'threshold',
      severity: 'HIGH',
      enabled: true,
      enabled_in_file: true,
      override: { enabled: true, by: 'bob', at: iso(T + 2) },
      stats: { hits: 42, alerts_opened: 2, suppressed: 5, last_hit: iso(T) },
      file: path.join(rulesDir, 'system.yaml'),
      description: '',
      tags: [],
      logsource: null,
    });
    expect(v.rules.find((x: { id: string }) => x.id === 'quiet')).toMatchObject({ enabled: true, enabled_in_file: false, override: { by: 'ana' } });
    // Read-only: listing wrote nothing.
    expect(db.store.statement('SELECT count(*) FROM rule_stats').pluck().get()).toBe(1);
  });

  test('a rule set with problems: the rules that load are listed, the problems go to stderr, exit 2', async () => {
    const d = rulesFolder({ 'ok.yaml': 'id: ok\nname: ok\nkind: match\nseverity: LOW\nmatch: { process: nc }\n', 'bad.yaml': 'id: bad\nname: bad\nkind: nope\nseverity: LOW\n' });
    const r = await rules(['list', '--rules-dir', d]);
    expect(r.code).toBe(2);
    expect(r.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['builtin.mem_pct', 'ok']);
    expect(r.stderr).toContain('1 problem: these rules are not listed');
    expect(r.stderr).toContain(`${path.join(d, 'bad.yaml')}: rule "bad": kind`);
  });
});

describe('logagg rules test', () => {
  test('a stuck-high CPU: the matching lines and one alert whose count is the number of readings', async () => {
    const r = await rules(['test', 'cpu-high', '--input', cpuFile]);
    expect(r.code, r.stderr).toBe(0);
    // Readings 10 s apart: each its own batch, as live ingest would see them (--batch-span 1s).
    expect(r.stdout).toContain(`33 events from ${cpuFile} (1 could not be decoded; rules see them with parse_error), in 33 batches (up to 5000 events or 1s of event time each)\n`);
    const table = r.stdout.split('\n');
    const ruleRow = table[table.findIndex((l) => /^RULE\s+KIND/.test(l)) + 1]!.split(/\s{2,}/);
    expect(ruleRow).toEqual(['cpu-high', 'threshold', 'HIGH', '30', '1', '0', '2-31']);
    expect(r.stdout).toContain('1 alert would be raised:\n');
    const alertRow = table[table.findIndex((l) => /^RULE\s+SEVERITY\s+HOST\s+COUNT/.test(l)) + 1]!.split(/\s{2,}/);
    expect(alertRow).toEqual(['cpu-high', 'HIGH', 'web-1', '30', iso(T + 10_000), iso(T + 300_000), '2,3,4,5,31', 'CPU 95% on web-1']);
  });

  test.each([1, 4, 5000])('--output json, batches of %i (no span limit): the same single alert', async (size) => {
    const r = await rules(['test', 'cpu-high', '--input', cpuFile, '--batch-size', String(size), '--batch-span', '0', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v).toMatchObject({ input: cpuFile, lines: 33, events: 33, parse_errors: 1, batches: Math.ceil(33 / size), batch_size: size, batch_span_ms: 0, disabled_in_appliance: [] });
    expect(v.rules).toHaveLength(1);
    expect(v.rules[0]).toMatchObject({ id: 'cpu-high', matched_events: 30, hits: 30, alerts_opened: 1, suppressed: 0, failures: 0 });
    expect(v.rules[0].matched.map((m: { line: number }) => m.line)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
    expect(v.rules[0].matched[0]).toEqual({ line: 2, ts: iso(T + 10_000), host: 'web-1', message: expect.any(String) });
    expect(v.alerts).toEqual([
      {
        rule_id: 'cpu-high',
        rule_name: 'CPU usage exceeds 90%',
        severity: 'HIGH',
        host: 'web-1',
        title: expect.stringMatching(/^CPU 9\d% on web-1$/),
        first_seen: iso(T + 10_000),
        last_seen: iso(T + 300_000),
        count: 30,
        sample_lines: [2, 3, 4, 5, 31],
        matched: expect.objectContaining({ cpu_pct: expect.any(Number) }),
        context: expect.anything(),
        dedup_key: 'cpu-high|web-1',
      },
    ]);
  });

  test('--all: every rule the appliance runs (not those it does not), the seed examples fire', async () => {
    const r = await rules(['test', '--all', '--input', cpuFile, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.skipped_disabled).toEqual(['quiet']);
    expect(v.rules.map((x: { id: string; matched_events: number }) => [x.id, x.matched_events])).toEqual([
      ['builtin.mem_pct', 0],
      ['cpu-high', 30],
      ['malicious-process', 1],
    ]);
    expect(v.alerts.map((a: { rule_id: string; severity: string; host: string; count: number; sample_lines: number[] }) => [a.rule_id, a.severity, a.host, a.count, a.sample_lines])).toEqual([
      ['cpu-high', 'HIGH', 'web-1', 30, [2, 3, 4, 5, 31]],
      ['malicious-process', 'CRITICAL', 'ws-7', 1, [34]],
    ]);

    const t = await rules(['test', '--all', '--input', cpuFile]);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('note: not run, as the appliance does not run them (disabled): quiet\n');
    expect(t.stdout).toContain('1 other rule matched nothing\n');
    expect(t.stdout).toContain('2 alerts would be raised:\n');
  });

  test('a rule disabled in its file is tested when named, with a note; standard input works', async () => {
    const { spawnSync } = await import('node:child_process');
    const { BIN } = await import('../../helpers/cli.js');
    const p = spawnSync(process.execPath, [BIN, '-c', config, 'rules', 'test', 'quiet', '--input', '-'], {
      input: json({ host: 'h', process: 'sshd', message: 'x' }) + '\n',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      encoding: 'utf8',
    });
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toContain('1 event from standard input');
    expect(p.stdout).toContain('note: quiet is disabled in the appliance; tested anyway\n');
    expect(p.stdout).toContain('1 alert would be raised:\n');
  });

  test.each<[string, string[], RegExp]>([
    ['an unknown rule id names the close ids', ['test', 'cpu-hgh', '--input', 'x.ndjson'], /no rule with id "cpu-hgh"; close ids: cpu-high/],
    ['neither a rule nor --all', ['test', '--input', 'x.ndjson'], /give a rule id or --all/],
    ['both a rule and --all', ['test', 'cpu-high', '--all', '--input', 'x.ndjson'], /give a rule id or --all/],
    ['no --input', ['test', 'cpu-high'], /required option '-i, --input <file>'/],
    ['an input file that is not there', ['test', 'cpu-high', '--input', '/nonexistent/x.ndjson'], /--input \/nonexistent\/x\.ndjson: file not found/],
    ['a bad batch size', ['test', 'cpu-high', '--input', 'x', '--batch-size', '0'], /--batch-size 0/],
    ['a bad batch span', ['test', 'cpu-high', '--input', 'x', '--batch-span', 'soon'], /--batch-span soon/],
  ])('%s: exit 2', async (_n, args, message) => {
    const r = await rules(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('a rule set with problems is refused: exit 2, pointing at validate', async () => {
    const d = rulesFolder({ 'x.yaml': 'id: x\nname: x\nkind: match\nseverity: LOW\nmatch: { proces: nc }\n' });
    const r = await rules(['test', '--all', '--input', cpuFile, '--rules-dir', d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('`logagg rules validate` lists these problems');
  });
});

describe('logagg rules backtest', () => {
  let db: SeededDb;
  let highIds: number[];
  const now = Date.now();

  beforeAll(() => {
    const ev = (ts: number, pct: number, host = 'web-1'): NormalizedEvent => makeEvent({ ts, host, metrics: { cpu_pct: pct }, message: `cpu ${pct}` });
    const events: NormalizedEvent[] = [];
    // 20 high readings two days ago (outside --since 24h), then 40 high and 10 normal in the last hour.
    for (let i = 0; i < 20; i++) events.push(ev(now - 48 * HOUR + i * 30_000, 99));
    for (let i = 0; i < 50; i++) events.push(ev(now - HOUR + i * 30_000, i % 5 === 4 ? 10 : 97));
    events.push(ev(now - HOUR + 5_000, 98, 'db-1'));
    db = seedDb(events.reverse()); // stored out of time order: backtest reads in time order
    highIds = (queryV1(db.store, 'SELECT id FROM logs WHERE ts >= ? AND host = ? AND json_extract(metrics, \'$.cpu_pct\') > 90 ORDER BY ts, id', now - 24 * HOUR, 'web-1') as { id: number }[]).map((r) => r.id);
  });

  test('over the stored logs of a range: matches and the alerts that would have been raised; nothing written', async () => {
    const r = await rules(['backtest', 'cpu-high', '--since', '24h', '--db', db.path, '--batch-size', '7', '--batch-span', '0', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(highIds).toHaveLength(40);
    expect(v).toMatchObject({ rule: 'cpu-high', db: db.path, events: 51, batches: 8, batch_size: 7, batch_span_ms: 0, disabled_in_appliance: false });
    expect(v.result).toMatchObject({ id: 'cpu-high', matched_events: 41, hits: 41, alerts_opened: 2, suppressed: 0, matched_truncated: true });
    expect(v.result.matched).toHaveLength(20);
    expect(v.alerts.map((a: { host: string; count: number; sample_event_ids: number[] }) => [a.host, a.count, a.sample_event_ids])).toEqual([
      ['web-1', 40, [...highIds.slice(0, 4), highIds[39]]],
      ['db-1', 1, [expect.any(Number)]],
    ]);
    // The real database is read only: no alert, no counter.
    expect(db.store.statement('SELECT count(*) FROM alerts').pluck().get()).toBe(0);
    expect(db.store.statement('SELECT count(*) FROM rule_stats').pluck().get()).toBe(0);
  });

  test('--until and --matches; the table names the range', async () => {
    const until = new Date(now - HOUR + 10 * 30_000).toISOString(); // the first 10 readings of the hour
    const r = await rules(['backtest', 'cpu-high', '--since', '3d', '--until', until, '--db', db.path, '--matches', '3']);
    expect(r.code, r.stderr).toBe(0);
    // Two days ago (20 high: one alert) and the first 10 of the hour (8 high: a second alert,
    // the gap being longer than the suppression window) plus db-1: 29 matches, 3 alerts.
    expect(r.stdout).toMatch(new RegExp(`^backtest of cpu-high over \\S+ \\.\\. ${until.replace(/\./g, '\\.')} in ${db.path}: 31 stored events, 31 batches \\(up to 5000 events or 1s of event time each\\)\n`));
    expect(r.stdout).toContain('29 events matched (29 occurrences); 3 alerts opened\n');
    expect(r.stdout).toContain('… and 26 more (--matches N shows more)\n');
    expect(r.stdout).toContain('3 alerts would be raised:\n');
  });

  test.each<[string, string[], number, RegExp]>([
    ['an unknown rule', ['backtest', 'cpu', '--since', '24h'], 2, /no rule with id "cpu"; close ids: cpu-high/],
    ['a bad --since', ['backtest', 'cpu-high', '--since', 'yesterday'], 2, /--since yesterday: give a time/],
    ['--since after --until', ['backtest', 'cpu-high', '--since', '1h', '--until', '2h'], 2, /--since must be before --until/],
    ['no --since', ['backtest', 'cpu-high'], 2, /required option '--since <time>'/],
    ['no database', ['backtest', 'cpu-high', '--since', '24h', '--db', '/nonexistent/x.db'], 1, /database \/nonexistent\/x\.db does not exist yet/],
  ])('%s: exit %i', async (_n, args, code, message) => {
    const r = await rules(args.includes('--db') ? args : [...args, '--db', db.path]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });
});
