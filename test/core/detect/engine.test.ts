import { describe, expect, test } from 'vitest';
import { DetectionEngine } from '../../../src/core/detect/engine.js';
import type { NormalizedEvent } from '../../../src/core/event.js';
import { compileRule, compileRules } from '../../../src/core/rules/compile.js';
import { ruleCompileContext } from '../../../src/core/rules/context.js';
import type { CompiledRule } from '../../../src/core/rules/types.js';
import { ev, metric, T0 } from '../rules/event-fixture.js';

const ctx = ruleCompileContext();

const CPU = { id: 'cpu', name: 'CPU high', kind: 'threshold', severity: 'HIGH', field: 'cpu_pct', op: '>', value: 90, for: 3 };
const NC = { id: 'nc', name: 'Netcat', kind: 'match', severity: 'MEDIUM', match: { process: 'nc' } };
const BRUTE = { id: 'brute', name: 'Brute force', kind: 'count', severity: 'HIGH', filter: { message: { contains: 'failed' } }, group_by: 'src_ip', window: '1m', threshold: 3 };

const compile = (...docs: object[]): CompiledRule[] => docs.map((d) => compileRule(d, ctx));
const cpu = (sec: number, v: number, over: Partial<NormalizedEvent> = {}) => metric(sec, { cpu_pct: v }, over);

describe('DetectionEngine', () => {
  test('runs every enabled rule and counts hits', () => {
    const engine = new DetectionEngine(compile(CPU, NC, { ...NC, id: 'off', enabled: false }));
    const found = engine.evaluate([cpu(0, 95), cpu(1, 95), ev({ process: 'nc' }), cpu(2, 95), ev({ process: 'NC' }), cpu(3, 99)]);
    expect(found.map((f) => [f.rule_id, f.count])).toEqual([
      ['cpu', 2],
      ['nc', 2],
    ]);
    expect(engine.hitCounts()).toEqual(new Map([['cpu', 2], ['nc', 2]]));
    expect(engine.evaluate([])).toEqual([]);
  });

  test('setEnabled turns rules on and off and survives reloads', () => {
    const engine = new DetectionEngine(compile(NC));
    expect(engine.setEnabled('nc', false)).toBe(true);
    expect(engine.setEnabled('nope', false)).toBe(false);
    expect(engine.evaluate([ev({ process: 'nc' })])).toEqual([]);
    engine.setRules(compile({ ...NC, severity: 'LOW' }));
    expect(engine.isEnabled('nc')).toBe(false);
    engine.setEnabled('nc', true);
    expect(engine.evaluate([ev({ process: 'nc' })]).length).toBe(1);
    const off = new DetectionEngine(compile({ ...NC, enabled: false }));
    off.setEnabled('nc', true);
    expect(off.evaluate([ev({ process: 'nc' })]).length).toBe(1);
  });

  test('hot reload keeps the state of unchanged rules and resets changed ones', () => {
    const engine = new DetectionEngine(compile(CPU, BRUTE));
    const fail = (ms: number) => ev({ ts: T0 + ms, src_ip: '192.0.2.1', message: 'failed password' });
    engine.evaluate([cpu(0, 95), cpu(1, 95), fail(0), fail(1)]);
    // Reload from "files": CPU unchanged (a fresh compile of the same document), BRUTE changed.
    engine.setRules(compileRules([{ file: 'r.yaml', index: 0, doc: [CPU, { ...BRUTE, title: 'changed' }] }], ctx).rules);
    const found = engine.evaluate([cpu(2, 95), fail(2)]);
    // CPU's streak of two continued to three; BRUTE's window started over (one event, not three).
    expect(found.map((f) => f.rule_id)).toEqual(['cpu']);
    expect(engine.hitCounts().get('cpu')).toBe(1);
  });

  test('rules removed by a reload stop running', () => {
    const engine = new DetectionEngine(compile(NC, CPU));
    engine.setRules(compile(CPU));
    expect(engine.evaluate([ev({ process: 'nc' })])).toEqual([]);
    expect(engine.status().map((s) => s.meta.id)).toEqual(['cpu']);
  });

  test('duplicate ids in a rule set are refused', () => {
    expect(() => new DetectionEngine(compile(NC, NC))).toThrow('duplicate rule id "nc" in the rule set');
  });

  test.each([
    [{ criticality: 'critical' }, 'HIGH', { from: 'MEDIUM', reason: 'asset criticality critical' }],
    [{ criticality: 'low' }, 'MEDIUM', undefined],
    [null, 'MEDIUM', undefined],
  ])('asset %j raises severity by the policy', (asset, severity, raised) => {
    const engine = new DetectionEngine(compile(NC));
    const [f] = engine.evaluate([ev({ process: 'nc', asset })]);
    expect(f!.severity).toBe(severity);
    expect(f!.context?.['severity_raised']).toEqual(raised);
  });

  test('a configured policy: more steps, more criticalities, capped at CRITICAL', () => {
    const engine = new DetectionEngine(compile(NC, { ...NC, id: 'nc-high', severity: 'HIGH' }), { assetRaise: { criticalities: ['high', 'critical'], steps: 2 } });
    const found = engine.evaluate([ev({ process: 'nc', asset: { criticality: 'high' } })]);
    expect(found.map((f) => f.severity)).toEqual(['CRITICAL', 'CRITICAL']);
  });

  test('the triggering event decides the raise (the last event index)', () => {
    const engine = new DetectionEngine(compile(NC));
    const [f] = engine.evaluate([ev({ process: 'nc' }), ev({ process: 'nc', asset: { criticality: 'critical' } })]);
    expect(f!.severity).toBe('HIGH');
  });

  test('a rule that throws is skipped and counted; the others still run', () => {
    const broken: CompiledRule = {
      meta: { id: 'broken', name: 'Broken', kind: 'match', severity: 'LOW', enabled: true, description: '', tags: [] },
      initialState: () => null,
      evaluate() {
        throw new Error('boom');
      },
    };
    const engine = new DetectionEngine([broken, ...compile(NC)]);
    expect(engine.evaluate([ev({ process: 'nc' })]).map((f) => f.rule_id)).toEqual(['nc']);
    expect(engine.status().find((s) => s.meta.id === 'broken')).toMatchObject({ failures: 1, lastError: 'boom', enabled: true, hits: 0 });
  });

  test('a stuck-high CPU host yields one finding per batch, not one per event', () => {
    const engine = new DetectionEngine(compile({ ...CPU, for: undefined }));
    let findings = 0;
    for (let b = 0; b < 10; b++) {
      const batch = Array.from({ length: 500 }, (_, i) => cpu(b * 500 + i, 99));
      const found = engine.evaluate(batch);
      findings += found.length;
      expect(found.map((f) => [f.dedup_key, f.count])).toEqual([['cpu|web-1', 500]]);
    }
    expect(findings).toBe(10);
    expect(engine.hitCounts().get('cpu')).toBe(5000);
  });
});
