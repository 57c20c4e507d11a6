import { describe, expect, test } from 'vitest';
import { serverEnv } from '../../src/bench/api-server.js';

describe('serverEnv', () => {
  const base = { db: '/b/bench.db', brokers: '127.0.0.1:9999', topic: 't', group: 'g', secretFile: '/b/secret', settings: {} };

  test("drops the parent's LOGAGG_* settings and keeps the rest", () => {
    const env = serverEnv(base, { PATH: '/usr/bin', LOGAGG_CONFIG: '/etc/x.yaml', LOGAGG_API_RATE_LIMIT_ENABLED: 'true', LOGAGG_KAFKA_TOPICS: 'prod' });
    expect(env.PATH).toBe('/usr/bin');
    expect(env.LOGAGG_CONFIG).toBeUndefined();
    expect(env.LOGAGG_API_RATE_LIMIT_ENABLED).toBe('false');
    expect(env.LOGAGG_KAFKA_TOPICS).toBe('t');
  });

  test('points every process at the benchmark database, topic, group, loopback and an ephemeral port', () => {
    expect(serverEnv(base, {})).toMatchObject({
      LOGAGG_STORAGE_PATH: '/b/bench.db',
      LOGAGG_KAFKA_BROKERS: '127.0.0.1:9999',
      LOGAGG_KAFKA_GROUP_ID: 'g',
      LOGAGG_API_HOST: '127.0.0.1',
      LOGAGG_API_PORT: '0',
      LOGAGG_API_AUTH_SECRET_FILE: '/b/secret',
      LOGAGG_RETENTION_DAYS: '0',
      LOGAGG_LOG_FORMAT: 'json',
    });
  });

  test('extra settings become LOGAGG_* variables and win over the defaults', () => {
    const env = serverEnv({ ...base, settings: { 'kafka.batch.max_messages': '1000', 'retention.days': '7' } }, {});
    expect(env.LOGAGG_KAFKA_BATCH_MAX_MESSAGES).toBe('1000');
    expect(env.LOGAGG_RETENTION_DAYS).toBe('7');
  });
});
