import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { forwarderSettings, outputSettings } from '../../../src/forward/forward-service.js';

const load = (overrides: Record<string, unknown>, env: Record<string, string> = {}) => loadConfig({ defaultsFile: null, env, overrides });

function problems(fn: () => unknown): { key: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('forward: config', () => {
  test('defaults: no outputs; durations in ms', () => {
    expect(load({}).forward).toEqual({ appliance: null, poll_interval: 1000, backoff_initial: 500, backoff_max: 30_000, degraded_after: 300_000, timeout: 30_000, outputs: {} });
  });

  test('an output with its defaults, and the filter in the words of GET /api/v1/logs', () => {
    const cfg = load({ 'forward.appliance': 'edge-7', 'forward.outputs': { central: { events_topic: 'ev', filter: { host: ['web-*', 'db-1'], level: 'warning', has_threats: true, 'attr.http.status': 500 } } } });
    expect(cfg.forward.outputs.central).toEqual({
      type: 'kafka',
      brokers: null,
      events_topic: 'ev',
      alerts_topic: null,
      filter: { host: ['web-*', 'db-1'], level: 'warning', has_threats: true, 'attr.http.status': 500 },
      batch: 500,
      linger: 50,
      compression: 'gzip',
      start: 'beginning',
    });
    expect(forwarderSettings(cfg.forward).appliance).toBe('edge-7');
    expect(forwarderSettings(load({}).forward, 'box-1').appliance).toBe('box-1');
    expect(outputSettings(cfg.forward)[0]!.filter).toEqual({ hosts: ['web-*', 'db-1'], minLevel: 4, hasThreats: true, attr: [{ path: 'http.status', value: '500' }] });
  });

  test('outputs from a LOGAGG_FORWARD_OUTPUTS variable (YAML)', () => {
    const cfg = load({}, { LOGAGG_FORWARD_OUTPUTS: '{c1: {alerts_topic: al, compression: none}}' });
    expect(cfg.forward.outputs.c1).toMatchObject({ alerts_topic: 'al', compression: 'none', events_topic: null });
  });

  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ['no topic at all', { 'forward.outputs': { c: {} } }, 'forward.outputs.c.events_topic', /events_topic, alerts_topic or both/],
    ['a bad output name', { 'forward.outputs': { Central: { events_topic: 'e' } } }, 'forward.outputs.Central', /output name/],
    ['a bad topic name', { 'forward.outputs': { c: { events_topic: 'a topic' } } }, 'forward.outputs.c.events_topic', /Kafka topic name/],
    ['an unknown filter word', { 'forward.outputs': { c: { events_topic: 'e', filter: { hots: 'x' } } } }, 'forward.outputs.c.filter', /hots/],
    ['a time range in the filter', { 'forward.outputs': { c: { events_topic: 'e', filter: { from: '1h' } } } }, 'forward.outputs.c.filter', /from/],
    ['a bad level', { 'forward.outputs': { c: { events_topic: 'e', filter: { level: 'loud' } } } }, 'forward.outputs.c.filter', /level/],
    ['a bad broker', { 'forward.outputs': { c: { events_topic: 'e', brokers: ['nohost'] } } }, 'forward.outputs.c.brokers.0', /host:port/],
    ['acks cannot be weakened: no such key', { 'forward.outputs': { c: { events_topic: 'e', acks: 1 } } }, 'forward.outputs.c.acks', /unknown key/],
    ['backoff_initial over backoff_max', { 'forward.backoff_initial': '1m', 'forward.backoff_max': '1s' }, 'forward.backoff_initial', /backoff_max/],
  ])('refused: %s', (_name, overrides, key, message) => {
    const p = problems(() => load(overrides));
    expect(p).toContainEqual({ key, message: expect.stringMatching(message) });
  });
});
