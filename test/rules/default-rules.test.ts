// The shipped rule set (config/rules) against seed-style messages, through the real normalizer
// and the detection engine: the seed's two examples fire with the right severity, near misses
// stay quiet, and every kind in the set does its job.
import { beforeAll, describe, expect, test } from 'vitest';
import { DetectionEngine } from '../../src/core/detect/engine.js';
import type { NormalizedEvent, Threat } from '../../src/core/event.js';
import { normalizeMessage } from '../../src/core/normalize.js';
import type { CompiledRule, Finding } from '../../src/core/rules/types.js';
import { loadRules } from '../../src/rules/rule-files.js';

const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);
let rules: CompiledRule[];

beforeAll(async () => {
  const loaded = await loadRules('config/rules', { sigmaFieldMap: {}, defaultSuppressMs: 600_000 });
  expect(loaded.errors).toEqual([]);
  rules = loaded.rules;
});

/** A message as a producer would send it, through the real decoder and normalizer. */
function message(fields: Record<string, unknown>, sec = 0): NormalizedEvent {
  const body = { timestamp: new Date(T0 + sec * 1000).toISOString(), host: 'server-01', ...fields };
  return normalizeMessage(new TextEncoder().encode(JSON.stringify(body)), {
    source: { kind: 'kafka', topic: 'system-metrics', partition: 0, offset: String(sec) },
    receivedAt: T0 + sec * 1000,
    maxBytes: 1 << 20,
  });
}

/** The seed's metric message shape. */
function seed(cpu: number, memPct: number, threats: unknown[] = [], extra: Record<string, unknown> = {}, sec = 0): NormalizedEvent {
  return message({ cpu_usage: cpu, memory_usage: { used: memPct * 160_000_000, total: 16_000_000_000, percentage: memPct }, threats, ...extra }, sec);
}

function detect(events: NormalizedEvent[], engine = new DetectionEngine(rules)): Finding[] {
  return engine.evaluate(events);
}

const summary = (found: Finding[]) => found.map((f) => [f.rule_id, f.severity, f.title]);

describe('the default rule set', () => {
  test('loads every kind', () => {
    const kinds = new Set(rules.map((r) => r.meta.kind));
    expect([...kinds].sort()).toEqual(['anomaly', 'count', 'match', 'threshold']);
  });

  test('seed example 1: CPU usage exceeds 90%', () => {
    expect(summary(detect([seed(95.5, 40)]))).toEqual([['cpu-high', 'HIGH', 'CPU 95.5% on server-01']]);
  });

  test('seed example 2: known malicious process detected', () => {
    const found = detect([seed(12, 40, [], { process: 'C:\\Tools\\mimikatz.exe' }), seed(12, 40, [], { process: '/tmp/.x/xmrig', host: 'web-7' })]);
    expect(summary(found)).toEqual([
      ['malicious-process', 'CRITICAL', 'Malicious process C:\\Tools\\mimikatz.exe on server-01'],
      ['malicious-process', 'CRITICAL', 'Malicious process /tmp/.x/xmrig on web-7'],
    ]);
  });

  test('a malicious process named in a reported threat', () => {
    const found = detect([seed(12, 40, [{ name: 'Mimikatz', severity: 'high', tags: ['credential-theft'] }])]);
    expect(summary(found)).toEqual([
      ['malicious-process', 'CRITICAL', 'Malicious process Mimikatz on server-01'],
      ['reported-threat', 'HIGH', 'Threat reported on server-01: Mimikatz'],
    ]);
  });

  test('the seed message with everything at once', () => {
    const found = detect([seed(97, 96.5, [{ name: 'Trojan.Generic', severity: 'critical', tags: ['malware'] }])]);
    expect(summary(found)).toEqual([
      ['cpu-high', 'HIGH', 'CPU 97% on server-01'],
      ['memory-high', 'HIGH', 'Memory 96.5% on server-01'],
      ['reported-threat', 'CRITICAL', 'Threat reported on server-01: Trojan.Generic'],
    ]);
  });

  test.each<[string, NormalizedEvent]>([
    ['CPU exactly 90%', seed(90, 40)],
    ['memory 94.9%', seed(50, 94.9)],
    ['a harmless process', seed(10, 40, [], { process: 'C:\\Windows\\notepad.exe' })],
    ['a name containing a listed one', seed(10, 40, [], { process: '/usr/bin/mimikatz-docs.txt' })],
    ['netcat is not on the list', seed(10, 40, [], { process: 'nc' })],
    ['a LOW threat', seed(10, 40, [{ name: 'adware', severity: 'low', tags: [] }])],
    ['text that fails to decode', message({}, 0)],
  ])('near miss: %s', (_name, event) => {
    expect(detect([event])).toEqual([]);
  });

  test('a stuck-high CPU host: one finding per batch whose count grows, the same dedup key', () => {
    const engine = new DetectionEngine(rules);
    const keys = new Set<string>();
    let total = 0;
    for (let b = 0; b < 5; b++) {
      const found = detect(Array.from({ length: 200 }, (_, i) => seed(99, 40, [], {}, b * 200 + i)), engine).filter((f) => f.rule_id === 'cpu-high');
      expect(found.length).toBe(1);
      keys.add(found[0]!.dedup_key);
      total += found[0]!.count ?? 1;
    }
    expect([...keys]).toEqual(['cpu-high|server-01']);
    expect(total).toBe(1000);
  });

  test('critical assets raise the severity one step', () => {
    const event = { ...seed(95, 40), asset: { criticality: 'critical' } };
    expect(summary(detect([event]))).toEqual([['cpu-high', 'CRITICAL', 'CPU 95% on server-01']]);
  });

  test('threat-intel matches take the list severity when higher', () => {
    const intel: Threat = { name: 'bad-ip', severity: 'CRITICAL', tags: [], origin: 'intel', list: 'feed-a', indicator: '198.18.0.7' };
    const event = { ...message({ src_ip: '198.18.0.7' }), threats: [intel] };
    expect(summary(detect([event]))).toEqual([['threat-intel-match', 'CRITICAL', 'Threat-intel match on server-01: 198.18.0.7 (feed-a)']]);
  });

  test('traffic with a watch-listed documentation address', () => {
    const found = detect([message({ src_ip: '10.1.1.1', dst_ip: '203.0.113.50' }), message({ src_ip: '10.1.1.1', dst_ip: '8.8.8.8' })]);
    expect(summary(found)).toEqual([['bad-ip-traffic', 'HIGH', 'Watch-listed address on server-01: 10.1.1.1 → 203.0.113.50']]);
  });

  test('brute force: 5 failed logins from one address within a minute', () => {
    const fails = (n: number, ip: string) => Array.from({ length: n }, (_, i) => message({ message: `Failed password for root from ${ip} port 22 ssh2`, src_ip: ip }, i * 5));
    expect(detect(fails(4, '172.16.5.44'))).toEqual([]);
    const found = detect(fails(5, '172.16.5.44')).filter((f) => f.rule_id === 'brute-force-src-ip');
    expect(summary(found)).toEqual([['brute-force-src-ip', 'HIGH', '5 failed logins from 172.16.5.44 in 1m']]);
  });

  test('port scan: 20 distinct destination ports from one address within a minute', () => {
    const probes = Array.from({ length: 25 }, (_, i) => message({ src_ip: '10.9.9.9', dst_ip: '10.0.0.1', dst_port: 1000 + i, message: 'connection attempt' }, i));
    const found = detect(probes);
    expect(summary(found)).toEqual([['port-scan', 'MEDIUM', 'Port scan from 10.9.9.9: 25 ports in 1m']]);
  });

  test('baseline anomaly: a quiet host jumping far above its normal', () => {
    const engine = new DetectionEngine(rules);
    const normal = Array.from({ length: 120 }, (_, i) => seed(10 + (i % 5), 40, [], {}, i * 10));
    expect(detect(normal, engine)).toEqual([]);
    const found = detect([seed(70, 40, [], {}, 1300)], engine);
    expect(found.map((f) => f.rule_id)).toEqual(['cpu-anomaly']);
    expect(found[0]!.context).toMatchObject({ value: 70, method: 'ewma' });
    expect(found[0]!.context!['score'] as number).toBeGreaterThan(4);
  });
});
