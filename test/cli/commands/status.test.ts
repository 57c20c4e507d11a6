// `logagg status` against a seeded database, with Kafka unreachable (the real broker's lag is
// in status.int.test.ts): the report still comes, says so, and keeps secrets out.
import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { maskConfig } from '../../../src/cli/commands/status.js';
import { addRuleStats, writeRuleOverride } from '../../../src/store/rule-state.js';
import { finding, writeBatch } from '../../store/alert-fixtures.js';
import { tempDir } from '../../helpers/temp.js';
import { cli, HOUR, seedDb, variedEvents, type SeededDb } from '../fixtures.js';

vi.setConfig({ testTimeout: 60_000 });

const SECRET = 'status-test-secret-0123456789-abcdefghij';
const SASL = 'kafka-password-never-shown';
let db: SeededDb;
let rulesDir: string;
let env: Record<string, string>;

beforeAll(() => {
  db = seedDb(variedEvents(120), [
    { group: 'logagg', topic: 'threat-logs', partition: 0, nextOffset: '1060' },
    { group: 'logagg', topic: 'threat-logs', partition: 1, nextOffset: '1119' },
    { group: 'other', topic: 'system-metrics', partition: 0, nextOffset: '7' },
  ]);
  const t = Date.now() - HOUR;
  writeBatch(db.store, { times: [t], findings: [finding({ rule_id: 'my-cpu', severity: 'HIGH' })] });
  writeBatch(db.store, { times: [t + 1], findings: [finding({ rule_id: 'my-cpu', host: 'web-9', severity: 'HIGH' })] });
  writeBatch(db.store, { times: [t + 2], findings: [finding({ rule_id: 'other', host: 'db-1', severity: 'LOW' })] });
  // Added to the 2 hits and 2 alerts the findings above recorded.
  db.writer.writeBatch({ events: [], offsets: [], inTransaction: (tx) => addRuleStats(tx.statement, 'my-cpu', { hits: 42, alerts_opened: 2, suppressed: 0, last_hit: t }) });
  writeRuleOverride(db.store, 'my-disk', { enabled: false, by: 'ana', at: t });

  rulesDir = tempDir('logagg-rules-');
  mkdirSync(path.join(rulesDir, 'lists'));
  writeFileSync(
    path.join(rulesDir, 'system.yaml'),
    ['id: my-cpu', 'name: CPU high', 'kind: threshold', 'severity: HIGH', 'field: cpu_pct', "op: '>'", 'value: 90', 'title: CPU {cpu_pct} on {host}', '---',
      'id: my-disk', 'name: Disk high', 'kind: threshold', 'severity: MEDIUM', 'field: disk_pct', "op: '>'", 'value: 90', 'title: Disk {disk_pct} on {host}', ''].join('\n'),
  );
  env = {
    LOGAGG_KAFKA_BROKERS: '127.0.0.1:1',
    LOGAGG_KAFKA_TOPICS: 'threat-logs',
    LOGAGG_API_AUTH_SECRET: SECRET,
    LOGAGG_KAFKA_SASL_MECHANISM: 'plain',
    LOGAGG_KAFKA_SASL_USERNAME: 'logagg',
    LOGAGG_KAFKA_SASL_PASSWORD: SASL,
    LOGAGG_DETECTION_RULES_DIR: rulesDir,
  };
});

describe('logagg status', () => {
  test('JSON: database, offsets, rules with their counters and overrides, alert counts; Kafka unreachable said, exit 0', async () => {
    const r = await cli(['status', '--db', db.path, '--exact', '--kafka-timeout', '1s', '-o', 'json'], env);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.database).toMatchObject({ path: db.path, logs: { exact: 123 }, schema_version: expect.any(Number) });
    expect(s.database.file_bytes).toBeGreaterThan(s.database.wal_bytes);
    expect(s.database.logs.newest_ts).toBeGreaterThan(s.database.logs.oldest_ts);
    expect(s.kafka).toMatchObject({ reachable: false, brokers: ['127.0.0.1:1'], error: expect.any(String) });
    expect(s.partitions).toEqual([
      expect.objectContaining({ group: 'logagg', topic: 'threat-logs', partition: 0, stored_next_offset: '1060', lag: null }),
      expect.objectContaining({ group: 'logagg', topic: 'threat-logs', partition: 1, stored_next_offset: '1119', lag: null }),
      expect.objectContaining({ group: 'other', topic: 'system-metrics', partition: 0, stored_next_offset: '7', lag: null }),
    ]);
    expect(s.rules.problems).toEqual([]);
    const mine = s.rules.rules.filter((x: { id: string }) => x.id.startsWith('my-'));
    expect(mine).toEqual([
      expect.objectContaining({ id: 'my-cpu', kind: 'threshold', severity: 'HIGH', enabled: true, hits: 44, alerts_opened: 4 }),
      expect.objectContaining({ id: 'my-disk', enabled: false, hits: 0 }),
    ]);
    expect(s.alerts).toEqual([
      { severity: 'HIGH', state: 'open', count: 2 },
      { severity: 'LOW', state: 'open', count: 1 },
    ]);
  });

  test('secrets are masked in the config shown, in both formats', async () => {
    for (const fmt of ['json', 'table']) {
      const r = await cli(['status', '--db', db.path, '--no-kafka', '-o', fmt], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain(SECRET);
      expect(r.stdout).not.toContain(SASL);
      expect(r.stdout).toContain('***');
      expect(r.stdout).toContain('logagg');
    }
  });

  test('the encryption key is masked too', async () => {
    const key = randomBytes(32).toString('hex');
    const r = await cli(['status', '--db', path.join(tempDir(), 'none.db'), '--no-kafka', '-o', 'json'], {
      ...env,
      LOGAGG_STORAGE_ENCRYPTION_ENABLED: 'true',
      LOGAGG_STORAGE_ENCRYPTION_KEY: key,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(key);
    expect(JSON.parse(r.stdout).config.storage.encryption.key).toBe('***');
  });

  test('table: the sections an operator reads', async () => {
    const r = await cli(['status', '--db', db.path, '--kafka-timeout', '1s', '--no-show-config'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^DATABASE {2}.*logagg\.db$/m);
    expect(r.stdout).toMatch(/logs +~?\d+/);
    expect(r.stdout).toMatch(/KAFKA {2}127\.0\.0\.1:1\n {2}unreachable: .*; lag unknown/);
    expect(r.stdout).toMatch(/GROUP +TOPIC +PART +STORED NEXT +HIGH WATERMARK +LAG +UPDATED/);
    expect(r.stdout).toMatch(/logagg +threat-logs +1 +1119 +\? +\?/);
    expect(r.stdout).toMatch(/RULES {2}\d+ loaded \(\d+ enabled\)/);
    expect(r.stdout).toMatch(/my-disk +threshold +MEDIUM +no/);
    expect(r.stdout).toMatch(/ALERTS {2}3\n/);
    expect(r.stdout).not.toContain('CONFIG');
  });

  test('no database yet: the rest is still reported, exit 0', async () => {
    const r = await cli(['status', '--db', path.join(tempDir(), 'none.db'), '--no-kafka', '-o', 'json'], env);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.database.error).toMatch(/does not exist yet/);
    expect(s.alerts).toBeNull();
    expect(s.config.kafka.brokers).toEqual(['127.0.0.1:1']);
  });

  test('a rules folder with a broken file: the good rules load and the broken one is listed as refused, exit 0', async () => {
    const dir = tempDir('logagg-rules-');
    writeFileSync(path.join(dir, 'bad.yaml'), 'id: [unclosed\n');
    writeFileSync(path.join(dir, 'good.yaml'), 'id: good\nname: Good\nkind: match\nseverity: LOW\nmatch: { host: a }\n');
    const r = await cli(['status', '--db', db.path, '--no-kafka', '-o', 'json'], { ...env, LOGAGG_DETECTION_RULES_DIR: dir });
    expect(r.code, r.stderr).toBe(0);
    const rules = JSON.parse(r.stdout).rules;
    expect(rules.problems).toEqual([]);
    expect(rules.rules.map((x: { id: string }) => x.id)).toEqual(['good']);
    expect(rules.refused).toEqual([{ file: path.join(dir, 'bad.yaml'), id: null, reason: expect.stringMatching(/not valid YAML/) }]);
    const table = await cli(['status', '--db', db.path, '--no-kafka', '--no-show-config'], { ...env, LOGAGG_DETECTION_RULES_DIR: dir });
    expect(table.stdout).toMatch(/1 REFUSED/);
    expect(table.stdout).toContain(`refused: ${path.join(dir, 'bad.yaml')}: document 1: not valid YAML`);
  });

  test('with detection.strict the broken file is a problem (serve would not start), exit 0', async () => {
    const dir = tempDir('logagg-rules-');
    writeFileSync(path.join(dir, 'bad.yaml'), 'id: [unclosed\n');
    const r = await cli(['status', '--db', db.path, '--no-kafka', '-o', 'json'], { ...env, LOGAGG_DETECTION_RULES_DIR: dir, LOGAGG_DETECTION_STRICT: 'true' });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).rules.problems[0]).toMatch(/bad\.yaml/);
  });

  test.each<[string, string[], RegExp]>([
    ['a bad timeout', ['--kafka-timeout', 'soon'], /--kafka-timeout soon/],
    ['an unknown format', ['-o', 'xml'], /argument 'xml' is invalid/],
  ])('%s: exit 2', async (_n, args, msg) => {
    const r = await cli(['status', '--db', db.path, ...args], env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(msg);
  });
});

describe('maskConfig', () => {
  test.each<[string, unknown, unknown]>([
    ['scalars pass', 5, 5],
    ['null', null, null],
    ['secret names (the logger rule)', { password: 'p', api_key: 'k', token: 't', secret_file: '/s' }, { password: '***', api_key: '***', token: '***', secret_file: '***' }],
    ['key material', { encryption: { key: 'abc', key_file: '/k', enabled: true } }, { encryption: { key: '***', key_file: '/k', enabled: true } }],
    ['empty values stay empty (nothing to hide, and it shows they are unset)', { key: '', password: '' }, { key: '', password: '' }],
    ['credentials inside URLs', { url: 'https://bob:hunter2@hooks.example.com/x', plain: 'http://h:80/a@b' }, { url: 'https://bob:***@hooks.example.com/x', plain: 'http://h:80/a@b' }],
    ['lists', [{ routing_key: 'r' }, 'x'], [{ routing_key: '***' }, 'x']],
  ])('%s', (_n, input, out) => {
    expect(maskConfig(input)).toEqual(out);
  });
});
