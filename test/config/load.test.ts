import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { configLeaves, defaultConfigPath, envName, loadConfig, validateConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'logagg-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function problems(fn: () => unknown): { key: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config/default.yaml', () => {
  test('is found and equals the schema defaults, key for key', () => {
    const path = defaultConfigPath();
    expect(path).not.toBeNull();
    const fromFile = validateConfig(parse(readFileSync(path!, 'utf8')));
    expect(fromFile).toEqual(configSchema.parse({}));
  });

  test('documents every key with a comment or a section', () => {
    const text = readFileSync(defaultConfigPath()!, 'utf8');
    for (const path of configLeaves().keys()) {
      const leaf = path.split('.').pop()!;
      expect(text, `default.yaml lacks ${path}`).toMatch(new RegExp(`^\\s*${leaf}:`, 'm'));
    }
  });
});

describe('loadConfig layers', () => {
  test('a user file overrides defaults and keeps the rest', () => {
    const f = file('a.yaml', 'kafka:\n  group_id: edge-7\nstorage:\n  path: /tmp/x.db\n');
    const cfg = loadConfig({ file: f, env: {} });
    expect(cfg.kafka.group_id).toBe('edge-7');
    expect(cfg.kafka.topics).toEqual(['system-metrics', 'threat-logs']);
    expect(cfg.storage.path).toBe('/tmp/x.db');
  });

  test('environment overrides the file; lists split on commas; numbers and durations parse', () => {
    const f = file('b.yaml', 'kafka:\n  group_id: from-file\n');
    const cfg = loadConfig({
      file: f,
      env: {
        LOGAGG_KAFKA_GROUP_ID: 'from-env',
        LOGAGG_KAFKA_BROKERS: '10.0.0.5:9092, 10.0.0.6:9092',
        LOGAGG_KAFKA_BATCH_MAX_MESSAGES: '250',
        LOGAGG_KAFKA_BATCH_LINGER: '2s',
        LOGAGG_KAFKA_SSL_ENABLED: 'true',
        LOGAGG_CONFIG: 'ignored-reserved',
        PATH: '/usr/bin',
      },
    });
    expect(cfg.kafka.group_id).toBe('from-env');
    expect(cfg.kafka.brokers).toEqual(['10.0.0.5:9092', '10.0.0.6:9092']);
    expect(cfg.kafka.batch.max_messages).toBe(250);
    expect(cfg.kafka.batch.linger).toBe(2000);
    expect(cfg.kafka.ssl.enabled).toBe(true);
  });

  test('overrides (CLI flags) win over everything', () => {
    const cfg = loadConfig({ env: { LOGAGG_STORAGE_PATH: 'env.db' }, overrides: { 'storage.path': 'flag.db', 'kafka.topics': undefined } });
    expect(cfg.storage.path).toBe('flag.db');
    expect(cfg.kafka.topics).toEqual(['system-metrics', 'threat-logs']);
  });

  test('the result is deeply frozen', () => {
    const cfg = loadConfig({ env: {} });
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(Object.isFrozen(cfg.kafka.batch)).toBe(true);
    expect(Object.isFrozen(cfg.kafka.brokers)).toBe(true);
  });

  test('every leaf has an environment variable name', () => {
    expect(envName('kafka.batch.max_messages')).toBe('LOGAGG_KAFKA_BATCH_MAX_MESSAGES');
    const names = [...configLeaves().keys()].map(envName);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('bad config names the key and the fix', () => {
  test.each([
    ['unknown key with a near miss', 'kafka:\n  group_idd: x\n', 'kafka.group_idd', /did you mean "group_id"/],
    ['unknown top-level section', 'kafak:\n  brokers: []\n', 'kafak', /did you mean "kafka"/],
    ['wrong type', 'kafka:\n  batch:\n    max_messages: lots\n', 'kafka.batch.max_messages', /expected number, got "lots"/],
    ['out of range', 'kafka:\n  batch:\n    max_messages: 0\n', 'kafka.batch.max_messages', />=\s*1|too small/i],
    ['bad enum', 'log:\n  level: loud\n', 'log.level', /one of "debug", "info"/],
    ['bad duration', 'retention:\n  interval: soon\n', 'retention.interval', /not a duration; write e.g. 500ms/],
    ['bad broker', 'kafka:\n  brokers: [localhost]\n', 'kafka.brokers.0', /host:port/],
    ['bad regex', 'kafka:\n  topic_pattern: "(["\n', 'kafka.topic_pattern', /not a valid regular expression/],
    ['no topics at all', 'kafka:\n  topics: []\n', 'kafka.topics', /at least one topic/],
    ['sasl without user', 'kafka:\n  sasl:\n    mechanism: plain\n', 'kafka.sasl.username', /required when/],
    ['bad criticality', 'enrich:\n  assets:\n    - { host: a, criticality: extreme }\n', 'enrich.assets.0.criticality', /one of/],
  ])('%s', (_name, yaml, key, message) => {
    const f = file('bad.yaml', yaml);
    const found = problems(() => loadConfig({ file: f, env: {} }));
    const hit = found.find((p) => p.key === key);
    expect(hit, JSON.stringify(found)).toBeDefined();
    expect(hit!.message).toMatch(message);
  });

  test('an unknown LOGAGG_ variable is refused with a suggestion', () => {
    const found = problems(() => loadConfig({ env: { LOGAGG_KAFKA_GROUPID: 'x' } }));
    expect(found[0]!.key).toBe('LOGAGG_KAFKA_GROUPID');
    expect(found[0]!.message).toMatch(/did you mean LOGAGG_KAFKA_GROUP_ID/);
  });

  test('a missing file and broken YAML are config errors, not crashes', () => {
    expect(problems(() => loadConfig({ file: join(dir, 'nope.yaml'), env: {} }))[0]!.message).toMatch(/ENOENT/);
    const f = file('broken.yaml', 'kafka:\n  brokers: [a\n');
    expect(problems(() => loadConfig({ file: f, env: {} }))[0]!.message).toMatch(/not valid YAML at line/);
  });
});
