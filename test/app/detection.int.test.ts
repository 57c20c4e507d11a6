// Detection in the real appliance: the built CLI (`logagg serve` / `logagg consume`) against a
// real Kafka broker and a real SQLite file. The seed's example rules raise alerts that the API
// serves; alerts survive SIGKILL mid-stream exactly once (compared with a clean run).
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import { countRows, runCli, startCli, waitFor } from '../helpers/cli.js';
import { createTopic, describeKafka, produce, requireKafka, uniqueTopic } from '../helpers/kafka.js';
import { tempDir } from '../helpers/temp.js';
import { SECRET, token } from '../api/harness.js';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

function env(brokers: string, topic: string, db: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LOGAGG_KAFKA_BROKERS: brokers,
    LOGAGG_KAFKA_TOPICS: topic,
    LOGAGG_KAFKA_GROUP_ID: `g-${topic}`,
    LOGAGG_STORAGE_PATH: db,
    LOGAGG_KAFKA_BATCH_LINGER: '50ms',
    LOGAGG_LOG_FORMAT: 'json',
    // the messages carry fixed, old timestamps: retention must not delete them under the test
    LOGAGG_RETENTION_DAYS: '0',
    ...extra,
  };
}

function query<T>(db: string, sql: string): T[] {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare(sql).all() as T[];
  } finally {
    conn.close();
  }
}

describeKafka('detection in the appliance (real broker, real SQLite)', () => {
  test("the seed's two example rules fire on broker messages and the API serves the alerts", async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('seed-alerts');
    await createTopic(brokers, topic, 1);
    const at = (s: number) => new Date(T0 + s * 1000).toISOString();
    const messages = [
      ...[95, 96.5, 99, 93.5, 91].map((cpu, i) => JSON.stringify({ timestamp: at(i), host: 'WEB-01', cpu_usage: cpu, memory_usage: { used: 1, total: 2, percentage: 50 } })),
      JSON.stringify({ timestamp: at(10), host: 'web-02', cpu_usage: 90, memory_usage: { used: 1, total: 2, percentage: 50 } }),
      JSON.stringify({ timestamp: at(11), host: 'web-03', process: '/tmp/.x/xmrig', message: 'process started' }),
    ];
    await produce(brokers, topic, messages);
    const db = path.join(tempDir(), 'logagg.db');
    const cli = startCli(['serve'], env(brokers, topic, db, { LOGAGG_API_PORT: '0', LOGAGG_API_AUTH_SECRET: SECRET }));
    await waitFor('two alerts', () => countRows(db, 'SELECT count(*) FROM alerts') >= 2, 60_000).catch((e: Error) => {
      throw new Error(`${e.message}; the appliance said:\n${cli.output().slice(-3000)}`);
    });
    await waitFor('all messages', () => countRows(db) === messages.length, 30_000);
    // The API starts on its own thread beside ingest: it may listen after the rows are stored.
    await waitFor('API listening', () => cli.output().includes('"msg":"API listening"'), 30_000, 50);

    const listening = cli
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; url?: string })
      .find((l) => l.msg === 'API listening');
    const res = await fetch(`${listening!.url}/api/v1/alerts`, { headers: { Authorization: `Bearer ${token({ roles: ['viewer'] })}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { rule_id: string; severity: string; host: string; count: number; state: string; sample_event_ids: number[] }[] };
    const byRule = Object.fromEntries(body.items.map((a) => [a.rule_id, a]));
    expect(Object.keys(byRule).sort()).toEqual(['cpu-high', 'malicious-process']);
    expect(byRule['cpu-high']).toMatchObject({ severity: 'HIGH', host: 'web-01', count: 5, state: 'open' });
    expect(byRule['cpu-high']!.sample_event_ids).toHaveLength(5);
    expect(byRule['malicious-process']).toMatchObject({ severity: 'CRITICAL', host: 'web-03', count: 1 });
    const rules = await fetch(`${listening!.url}/api/v1/rules`, { headers: { Authorization: `Bearer ${token({ roles: ['analyst'] })}` } });
    const listed = ((await rules.json()) as { items: { id: string }[] }).items.map((r) => r.id);
    expect(listed).toEqual(expect.arrayContaining(['cpu-high', 'malicious-process']));

    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  test('with detection.strict a bad rule stops start-up with exit code 2, naming the file and the rule', async () => {
    const dir = tempDir('logagg-bad-rules-');
    writeFileSync(path.join(dir, 'bad.yaml'), 'id: cpu-typo\nname: x\nkind: threshold\nseverity: HIGH\nfield: cpu_pct\nop: ">>"\nvalue: 90\n');
    const cli = startCli(['consume'], env('127.0.0.1:1', 'unused', path.join(tempDir(), 'x.db'), { LOGAGG_DETECTION_RULES_DIR: dir, LOGAGG_DETECTION_STRICT: 'true' }));
    const { code } = await cli.exited;
    expect(code).toBe(2);
    expect(cli.output()).toMatch(/bad\.yaml: rule "cpu-typo": op/);
  });

  test('one bad Sigma rule (|expand) and one broken YAML file among good rules: serve runs the good ones and every surface shows the refusal; strict refuses to start', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('refused-rules');
    await createTopic(brokers, topic, 1);
    const dir = tempDir('logagg-refused-rules-');
    writeFileSync(path.join(dir, 'cpu.yaml'), 'id: cpu-high\nname: CPU usage exceeds 90%\nkind: threshold\nseverity: HIGH\nfield: cpu_pct\nop: ">"\nvalue: 90%\n');
    writeFileSync(path.join(dir, 'broken.yaml'), 'id: [unclosed\n');
    writeFileSync(
      path.join(dir, 'expand.yml'),
      "title: Admin logon\nid: 0f6c1d52-4f0b-4a50-9a1e-5b2a8f3c9e11\nstatus: test\nlogsource:\n  product: windows\n  service: security\ndetection:\n  selection:\n    EventID: 4624\n    TargetUserName|expand: '%admins%'\n  condition: selection\nlevel: high\n",
    );
    await produce(brokers, topic, [JSON.stringify({ timestamp: new Date(T0).toISOString(), host: 'web-01', cpu_usage: 97 })]);
    const db = path.join(tempDir(), 'logagg.db');
    const e = env(brokers, topic, db, { LOGAGG_API_PORT: '0', LOGAGG_API_AUTH_SECRET: SECRET, LOGAGG_DETECTION_RULES_DIR: dir });
    const cli = startCli(['serve'], e);
    try {
      await waitFor('the cpu-high alert', () => countRows(db, "SELECT count(*) FROM alerts WHERE rule_id = 'cpu-high'") === 1, 60_000).catch((err: Error) => {
        throw new Error(`${err.message}; the appliance said:\n${cli.output().slice(-3000)}`);
      });
      await waitFor('API listening', () => cli.output().includes('"msg":"API listening"'), 30_000, 50);
      const lines = cli
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; level: string; url?: string; file?: string; rule?: string | null; reason?: string });
      // the log: one line per refused rule
      expect(lines.filter((l) => l.msg.startsWith('rule refused')).map((l) => [l.level, path.basename(l.file!), l.rule])).toEqual([
        ['error', 'broken.yaml', null],
        ['error', 'expand.yml', 'Admin logon'],
      ]);
      // the internal alert
      expect(query<{ rule_id: string; title: string }>(db, "SELECT rule_id, title FROM alerts WHERE rule_id = 'logagg.rules-refused'")).toEqual([
        { rule_id: 'logagg.rules-refused', title: expect.stringMatching(/^2 detection rules refused/) },
      ]);
      const url = lines.find((l) => l.msg === 'API listening')!.url!;
      const get = (p: string, roles: string[]) => fetch(url + p, { headers: { Authorization: `Bearer ${token({ roles })}` } });
      const rules = (await (await get('/api/v1/rules', ['analyst'])).json()) as { items: { state: string; id: string | null; reason?: string }[] };
      expect(rules.items.map((r) => [r.state, r.id])).toEqual([
        ['active', 'cpu-high'],
        ['refused', null],
        ['refused', 'Admin logon'],
      ]);
      expect(rules.items[2]!.reason).toMatch(/placeholder %admins% has no list/);
      // The API answers before Kafka is joined, and learns the consumer's state from the ingest
      // side within a second (STATS_PUSH_MS): ready once both have happened.
      let ready = await get('/readyz', ['viewer']);
      for (let i = 0; i < 50 && ready.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 200));
        ready = await get('/readyz', ['viewer']);
      }
      const readyBody = await ready.json();
      expect(ready.status, JSON.stringify(readyBody)).toBe(200);
      expect(readyBody).toMatchObject({ status: 'degraded', rules_refused: 2 });
      expect(await (await get('/metrics', ['viewer'])).text()).toMatch(/^logagg_rules_refused 2$/m);
      const status = await runCli(['status', '--no-kafka', '-o', 'json'], e);
      expect(status.code).toBe(0);
      const refused = (JSON.parse(status.output) as { rules: { refused: { file: string; id: string | null }[] } }).rules.refused;
      expect(refused.map((r) => [path.basename(r.file), r.id])).toEqual([
        ['broken.yaml', null],
        ['expand.yml', 'Admin logon'],
      ]);
    } finally {
      cli.proc.kill('SIGTERM');
      await cli.exited;
    }

    const strict = startCli(['serve'], { ...e, LOGAGG_STORAGE_PATH: path.join(tempDir(), 'strict.db'), LOGAGG_DETECTION_STRICT: 'true' });
    expect((await strict.exited).code).toBe(2);
    expect(strict.output()).toMatch(/expand\.yml: rule "Admin logon": .*placeholder %admins% has no list/);
    expect(strict.output()).toMatch(/broken\.yaml: document 1: not valid YAML/);
  });

  test('SIGKILL mid-stream, twice: the alerts equal those of a clean run over the same messages', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('alerts-crash');
    await createTopic(brokers, topic, 1);
    // 20 hosts, one reading a second in turn; CPU high for 2000 s, then normal for 2000 s
    // (longer than the 10-minute window: each high spell is a new alert per host); a miner
    // every 997 s. The cap (15 alerts per rule per hour) suppresses 5 hosts of each spell.
    const N = 20_000;
    const messages: string[] = [];
    for (let i = 0; i < N; i++) {
      const ts = new Date(T0 + i * 1000).toISOString();
      if (i % 997 === 500) messages.push(JSON.stringify({ timestamp: ts, host: 'miner-1', process: 'xmrig', message: `started ${i}` }));
      else messages.push(JSON.stringify({ timestamp: ts, host: `web-${i % 20}`, cpu_usage: Math.floor(i / 2000) % 2 === 0 ? 95 : 50, seq: i }));
    }
    await produce(brokers, topic, messages);

    // Stateless rules and stateful ones (a for: streak, a count window, a baseline): their state
    // is saved every 1,500 events and the events stored after a save are replayed at start, so
    // the crashed run must raise exactly what the clean run raises.
    const rules = tempDir('logagg-rules-');
    cpSync(path.resolve('config/rules/threats.yaml'), path.join(rules, 'threats.yaml'));
    mkdirSync(path.join(rules, 'lists'));
    cpSync(path.resolve('config/rules/lists'), path.join(rules, 'lists'), { recursive: true });
    writeFileSync(path.join(rules, 'cpu.yaml'), 'id: cpu-high\nname: CPU usage exceeds 90%\nkind: threshold\nseverity: HIGH\nfield: cpu_pct\nop: ">"\nvalue: 90%\n');
    writeFileSync(
      path.join(rules, 'stateful.yaml'),
      [
        'id: cpu-streak\nname: CPU high three readings in a row\nkind: threshold\nseverity: MEDIUM\nfield: cpu_pct\nop: ">"\nvalue: 90\nfor: 3\n',
        'id: cpu-count\nname: Two high CPU readings within a minute\nkind: count\nseverity: LOW\nfilter: { cpu_pct: { gt: 90 } }\ngroup_by: host\nwindow: 1m\nthreshold: 2\n',
        'id: cpu-jump\nname: CPU far from its baseline\nkind: anomaly\nseverity: MEDIUM\nmetric: cpu_pct\nmethod: ewma\nhalf_life: 10m\nk: 3\nwarmup: 10\nmin_stddev: 2\ndirection: both\n',
      ].join('---\n'),
    );
    const common = {
      LOGAGG_DETECTION_RULES_DIR: rules,
      LOGAGG_DETECTION_MAX_ALERTS_PER_RULE_PER_HOUR: '15',
      LOGAGG_KAFKA_BATCH_MAX_MESSAGES: '300',
      LOGAGG_KAFKA_BATCH_MAX_BYTES_PER_PARTITION: '32768',
      LOGAGG_KAFKA_SESSION_TIMEOUT: '6s',
      LOGAGG_KAFKA_HEARTBEAT_INTERVAL: '1s',
      LOGAGG_DETECTION_STATE_EVERY_EVENTS: '1500',
    };

    const clean = path.join(tempDir(), 'clean.db');
    const c = startCli(['consume'], env(brokers, topic, clean, { ...common, LOGAGG_KAFKA_GROUP_ID: `clean-${topic}` }));
    await waitFor('the clean run', () => countRows(clean) >= N, 120_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${countRows(clean)} of ${N} stored; consumer said:\n${c.output().slice(-3000)}`);
    });
    c.proc.kill('SIGTERM');
    expect((await c.exited).code).toBe(0);

    const crashed = path.join(tempDir(), 'crashed.db');
    const e = env(brokers, topic, crashed, { ...common, LOGAGG_KAFKA_GROUP_ID: `crash-${topic}` });
    for (const killAt of [N * 0.3, N * 0.7]) {
      const cli = startCli(['consume'], e);
      await waitFor(`> ${killAt} rows`, () => countRows(crashed) > killAt, 120_000, 20).catch((err: Error) => {
        throw new Error(`${err.message}: ${countRows(crashed)} of ${N} stored; consumer said:\n${cli.output().slice(-3000)}`);
      });
      cli.proc.kill('SIGKILL');
      expect((await cli.exited).signal).toBe('SIGKILL');
      expect(countRows(crashed), 'killed mid-stream').toBeLessThan(N);
    }
    const last = startCli(['consume'], e);
    await waitFor('the crashed run to finish', () => countRows(crashed) >= N, 120_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${countRows(crashed)} of ${N} stored; consumer said:\n${last.output().slice(-3000)}`);
    });
    await new Promise((r) => setTimeout(r, 1000));
    last.proc.kill('SIGTERM');
    expect((await last.exited).code).toBe(0);

    const alertsSql = `SELECT rule_id, dedup_key, severity, host, count, first_seen, last_seen, state, sample_event_ids, matched
                       FROM alerts ORDER BY first_seen, dedup_key`;
    const statsSql = 'SELECT rule_id, hits, alerts_opened, suppressed, last_hit FROM rule_stats ORDER BY rule_id';
    const want = query<Record<string, unknown>>(clean, alertsSql);
    // what the data must give: 5 high spells x 15 hosts (cap), and one alert per miner line
    expect(want.filter((a) => a.rule_id === 'cpu-high')).toHaveLength(75);
    expect(want.filter((a) => a.rule_id === 'malicious-process')).toHaveLength(20);
    expect(query<{ suppressed: number }>(clean, "SELECT suppressed FROM rule_stats WHERE rule_id = 'cpu-high'")[0]!.suppressed).toBeGreaterThan(0);
    for (const id of ['cpu-streak', 'cpu-count', 'cpu-jump']) expect(want.filter((a) => a.rule_id === id).length, id).toBeGreaterThan(0);
    expect(query(crashed, alertsSql)).toEqual(want);
    expect(query(crashed, statsSql)).toEqual(query(clean, statsSql));
    expect(countRows(crashed, 'SELECT count(*) FROM alert_events')).toBe(countRows(clean, 'SELECT count(*) FROM alert_events'));
  }, 300_000);
});
