import { describe, expect, test } from 'vitest';
import { builtinThresholdRules } from '../../../src/core/rules/builtin.js';
import { ruleCompileContext } from '../../../src/core/rules/context.js';
import { metric } from './event-fixture.js';

const ctx = ruleCompileContext();

describe('builtinThresholdRules', () => {
  test('nothing configured, no rules', () => {
    expect(builtinThresholdRules({}, ctx)).toEqual([]);
  });

  test('one threshold rule per configured metric', () => {
    const rules = builtinThresholdRules({ cpu_pct: 90, mem_pct: '95%', net_out: '50MB/s', severity: 'MEDIUM', suppress: '5m' }, ctx);
    expect(rules.map((r) => [r.meta.id, r.meta.kind, r.meta.severity, r.meta.suppress_ms])).toEqual([
      ['builtin.cpu_pct', 'threshold', 'MEDIUM', 300_000],
      ['builtin.mem_pct', 'threshold', 'MEDIUM', 300_000],
      ['builtin.net_out', 'threshold', 'MEDIUM', 300_000],
    ]);
    const events = [metric(0, { cpu_pct: 90 }), metric(1, { cpu_pct: 90.5, mem_pct: 96, net_out: 60e6 })];
    const found = rules.flatMap((r) => r.evaluate(events, r.initialState()));
    expect(found.map((f) => [f.rule_id, f.title, f.event_indexes])).toEqual([
      ['builtin.cpu_pct', 'CPU 90.5% on web-1 (above 90%)', [1]],
      ['builtin.mem_pct', 'Memory 96% on web-1 (above 95%)', [1]],
      ['builtin.net_out', 'Outbound 60 MB/s on web-1 (above 50MB/s)', [1]],
    ]);
  });

  test('severity defaults to HIGH; for sustains', () => {
    const [r] = builtinThresholdRules({ cpu_pct: 80, for: 2 }, ctx);
    expect(r!.meta.severity).toBe('HIGH');
    const state = r!.initialState();
    expect(r!.evaluate([metric(0, { cpu_pct: 85 })], state)).toEqual([]);
    expect(r!.evaluate([metric(1, { cpu_pct: 85 })], state).length).toBe(1);
  });

  test.each([
    [{ cpu_pct: 'lots' }, 'config (cpu_pct): rule "builtin.cpu_pct": value: "lots" is not a number: write e.g. 90, 90%, 50MB/s, 1.5GB, 500ms'],
    [{ net_in: '5GB' }, 'config (net_in): rule "builtin.net_in": value: "5GB" is in bytes but net_in is in bytes/s'],
    [{ mem_pct: 90, for: 'a while' }, 'config (mem_pct): rule "builtin.mem_pct": for: "a while" is not a duration: write a number of consecutive events (for: 3) or a duration (for: 5m)'],
  ])('bad config %j is refused naming the key', (cfg, message) => {
    expect(() => builtinThresholdRules(cfg, ctx)).toThrow(message);
  });
});
