import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

const load = (overrides: Record<string, unknown> = {}, env: Record<string, string> = {}) => loadConfig({ defaultsFile: null, env, overrides });

function problems(fn: () => unknown): { key: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('listeners config', () => {
  test('defaults: every listener off, loopback addresses', () => {
    expect(load().listeners).toEqual({
      udp: { enabled: false, name: 'syslog-udp', host: '127.0.0.1', port: 5514, receive_buffer: 4_194_304 },
      tcp: { enabled: false, name: 'syslog-tcp', host: '127.0.0.1', port: 5514, framing: 'auto', max_message_bytes: 65_536, max_connections: 1000, idle_timeout: 0 },
      tls: {
        enabled: false,
        name: 'syslog-tls',
        host: '127.0.0.1',
        port: 6514,
        framing: 'auto',
        max_message_bytes: 65_536,
        max_connections: 1000,
        idle_timeout: 0,
        cert_file: null,
        key_file: null,
        ca_file: null,
        min_version: 'TLSv1.2',
      },
      http: { enabled: false, name: 'http', max_body_bytes: 4_194_304, max_lines: 10_000, idempotency_window: 86_400_000 },
      batch: { max_messages: 1000, linger: 100 },
      queue_max: 100_000,
    });
    expect(load().kafka.enabled).toBe(true);
  });

  test('from the environment: booleans, numbers, durations, enums', () => {
    const l = load(
      {},
      {
        LOGAGG_LISTENERS_UDP_ENABLED: 'true',
        LOGAGG_LISTENERS_UDP_HOST: '0.0.0.0',
        LOGAGG_LISTENERS_UDP_PORT: '514',
        LOGAGG_LISTENERS_TCP_FRAMING: 'octet-counting',
        LOGAGG_LISTENERS_TCP_IDLE_TIMEOUT: '5m',
        LOGAGG_LISTENERS_BATCH_LINGER: '250ms',
        LOGAGG_KAFKA_ENABLED: 'false',
      },
    );
    expect(l.listeners.udp).toMatchObject({ enabled: true, host: '0.0.0.0', port: 514 });
    expect(l.listeners.tcp).toMatchObject({ framing: 'octet-counting', idle_timeout: 300_000 });
    expect(l.listeners.batch.linger).toBe(250);
    expect(l.kafka.enabled).toBe(false);
  });

  test('kafka disabled: topics are not required', () => {
    expect(load({ 'kafka.enabled': false, 'kafka.topics': [] }).kafka.topics).toEqual([]);
    expect(problems(() => load({ 'kafka.topics': [] }))).toEqual([{ key: 'kafka.topics', message: expect.stringContaining('name at least one topic') }]);
  });

  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a port out of range', { 'listeners.udp.port': 70000 }, 'listeners.udp.port', /65535/],
    ['an unknown framing', { 'listeners.tcp.framing': 'nul' }, 'listeners.tcp.framing', /auto|octet-counting|lf/],
    ['a name with spaces', { 'listeners.udp.name': 'my syslog' }, 'listeners.udp.name', /letters, digits/],
    ['a tiny max message', { 'listeners.tcp.max_message_bytes': 100 }, 'listeners.tcp.max_message_bytes', /480/],
    ['a bad duration', { 'listeners.batch.linger': 'soon' }, 'listeners.batch.linger', /not a duration/],
    ['TLS without a certificate', { 'listeners.tls.enabled': true, 'listeners.tls.key_file': 'k.pem' }, 'listeners.tls.cert_file', /required/],
    ['TLS without a key', { 'listeners.tls.enabled': true, 'listeners.tls.cert_file': 'c.pem' }, 'listeners.tls.key_file', /required/],
    ['two enabled listeners with one name', { 'listeners.udp.enabled': true, 'listeners.tcp.enabled': true, 'listeners.tcp.name': 'syslog-udp' }, 'listeners.tcp.name', /already the name of listeners\.udp/],
    ['tcp and tls on one address', { 'listeners.tcp.enabled': true, 'listeners.tls.enabled': true, 'listeners.tls.cert_file': 'c', 'listeners.tls.key_file': 'k', 'listeners.tls.port': 5514 }, 'listeners.tls.port', /already listens/],
    ['an HTTP request larger than the queue', { 'listeners.http.enabled': true, 'listeners.queue_max': 100 }, 'listeners.http.max_lines', /queue_max/],
    ['an unknown key', { 'listeners.udp.buffer': 1 }, 'listeners.udp.buffer', /./],
  ])('%s is refused, naming the key', (_n, overrides, key, message) => {
    const p = problems(() => load(overrides));
    expect(p.map((x) => x.key)).toContain(key);
    expect(p.find((x) => x.key === key)!.message).toMatch(message);
  });

  test('disabled listeners may share a name (nothing listens)', () => {
    expect(load({ 'listeners.tcp.name': 'syslog-udp' }).listeners.tcp.name).toBe('syslog-udp');
  });
});
