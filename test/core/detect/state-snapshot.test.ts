import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DetectionEngine } from '../../../src/core/detect/engine.js';
import { DETECTION_STATE_CODEC } from '../../../src/core/detect/state-classes.js';
import { StateCodec, StateCodecError } from '../../../src/core/detect/state-codec.js';
import type { NormalizedEvent } from '../../../src/core/event.js';
import { compileRules } from '../../../src/core/rules/compile.js';
import { ruleCompileContext } from '../../../src/core/rules/context.js';
import type { Finding } from '../../../src/core/rules/types.js';
import { ev, T0 } from '../rules/event-fixture.js';

/** One rule of every stateful kind and form. */
const DOCS: unknown[] = [
  { id: 'brute', name: 'Brute force', kind: 'count', severity: 'HIGH', filter: { message: { contains: 'failed' } }, group_by: 'src_ip', window: '1m', threshold: 3 },
  { id: 'scan', name: 'Port scan', kind: 'count', severity: 'MEDIUM', filter: { dst_port: { exists: true } }, group_by: 'src_ip', window: '1m', threshold: 4, distinct: 'dst_port' },
  { id: 'cpu3', name: 'CPU streak', kind: 'threshold', severity: 'HIGH', field: 'cpu_pct', op: '>', value: 90, for: 3 },
  { id: 'cpu2m', name: 'CPU held', kind: 'threshold', severity: 'HIGH', field: 'cpu_pct', op: '>', value: 80, for: '2m' },
  { id: 'ewma', name: 'CPU anomaly', kind: 'anomaly', severity: 'MEDIUM', metric: 'cpu_pct', method: 'ewma', half_life: '10m', k: 3, warmup: 5, min_stddev: 1 },
  { id: 'mad', name: 'Mem anomaly', kind: 'anomaly', severity: 'MEDIUM', metric: 'mem_pct', method: 'mad', window: 20, k: 3, warmup: 5, min_stddev: 1 },
  {
    title: 'Failed logins',
    id: '11111111-0000-4000-8000-000000000001',
    name: 'failed_login',
    logsource: { product: 'test' },
    level: 'low',
    detection: { sel: { 'message|contains': 'failed' }, condition: 'sel' },
  },
  {
    title: 'Many failed logins',
    id: '11111111-0000-4000-8000-000000000002',
    correlation: { type: 'event_count', rules: ['failed_login'], 'group-by': ['src_ip'], timespan: '1m', condition: { gte: 4 } },
    level: 'high',
  },
  {
    title: 'Many ports',
    id: '11111111-0000-4000-8000-000000000003',
    correlation: { type: 'value_count', rules: ['failed_login'], 'group-by': ['host'], timespan: '1m', condition: { field: 'dst_port', gte: 3 } },
    level: 'high',
  },
];

function freshEngine(): DetectionEngine {
  const out = compileRules(
    DOCS.map((doc, index) => ({ file: 'rules.yaml', index, doc })),
    ruleCompileContext(),
  );
  expect(out.errors).toEqual([]);
  return new DetectionEngine(out.rules);
}

const event = fc
  .record({
    dt: fc.integer({ min: 0, max: 20_000 }),
    host: fc.constantFrom('web-1', 'web-2'),
    ip: fc.constantFrom('10.0.0.1', '10.0.0.2', null),
    port: fc.constantFrom(22, 80, 443, 3389, 8080, null),
    failed: fc.boolean(),
    cpu: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
    mem: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
  })
  .map((r) => ({ ...r, build: (ts: number): NormalizedEvent => {
    const metrics: NormalizedEvent['metrics'] = {};
    if (r.cpu !== null) metrics.cpu_pct = r.cpu;
    if (r.mem !== null) metrics.mem_pct = r.mem;
    return ev({ ts, host: r.host, src_ip: r.ip, dst_port: r.port, message: r.failed ? 'login failed' : 'ok', metrics });
  } }));

/** The fields of findings that depend on state (counts, streaks, baselines, windows). */
const view = (fs: Finding[]) => fs.map((f) => ({ rule: f.rule_id, key: f.dedup_key, count: f.count, severity: f.severity, ts: f.ts, matched: f.matched, context: f.context }));

describe('detection state snapshots', () => {
  test('property: stopping, saving, restoring into newly compiled rules and going on finds what an uninterrupted run finds', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 2, maxLength: 120 }), fc.nat(), fc.integer({ min: 1, max: 40 }), (raw, cutAt, batch) => {
        let ts = T0;
        const events = raw.map((r) => r.build((ts += r.dt)));
        const cut = 1 + (cutAt % (events.length - 1));
        const run = (engine: DetectionEngine, list: NormalizedEvent[]): Finding[] => {
          const out: Finding[] = [];
          for (let i = 0; i < list.length; i += batch) out.push(...engine.evaluate(list.slice(i, i + batch)));
          return out;
        };
        const straight = freshEngine();
        run(straight, events.slice(0, cut));
        const expected = view(run(straight, events.slice(cut)));

        const first = freshEngine();
        run(first, events.slice(0, cut));
        const { saved, failed } = first.snapshot(DETECTION_STATE_CODEC);
        expect(failed).toEqual([]);
        const text = JSON.stringify(saved); // as stored
        const second = freshEngine();
        const restored = second.restore(JSON.parse(text), DETECTION_STATE_CODEC);
        expect(restored.failed).toEqual([]);
        expect(view(run(second, events.slice(cut)))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  test('every stateful rule is saved; stateless ones are not', () => {
    const engine = freshEngine();
    engine.evaluate([ev({ message: 'login failed', src_ip: '10.0.0.1', dst_port: 22, metrics: { cpu_pct: 95, mem_pct: 50 } })]);
    const ids = engine.snapshot(DETECTION_STATE_CODEC).saved.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['brute', 'scan', 'cpu3', 'cpu2m', 'ewma', 'mad', 'sigma-11111111-0000-4000-8000-000000000002', 'sigma-11111111-0000-4000-8000-000000000003']));
    expect(ids).not.toContain('sigma-11111111-0000-4000-8000-000000000001');
  });

  test('a changed rule (other hash) or a snapshot that does not decode starts afresh', () => {
    const engine = freshEngine();
    const failed = [ev({ message: 'login failed', src_ip: '10.0.0.9' })];
    engine.evaluate([...failed, ...failed]);
    const saved = engine.snapshot(DETECTION_STATE_CODEC).saved;
    const brute = saved.find((s) => s.id === 'brute')!;
    const other = freshEngine();
    const r1 = other.restore([{ ...brute, hash: 'different' }], DETECTION_STATE_CODEC);
    expect(r1.restored).toEqual([]);
    expect(other.evaluate(failed).filter((f) => f.rule_id === 'brute')).toEqual([]); // 1 of 3
    const third = freshEngine();
    const r2 = third.restore([{ ...brute, data: '{"$":"Evil","f":{}}' }], DETECTION_STATE_CODEC);
    expect(r2.failed).toEqual([{ id: 'brute', error: 'unknown class "Evil"' }]);
    expect(third.evaluate(failed).filter((f) => f.rule_id === 'brute')).toEqual([]);
    const fourth = freshEngine();
    expect(fourth.restore([brute], DETECTION_STATE_CODEC).restored).toEqual(['brute']);
    expect(fourth.evaluate(failed).filter((f) => f.rule_id === 'brute').map((f) => f.count)).toEqual([1]); // the third
  });

  test('replayed batches change state but not hit counts, and raise nothing', () => {
    const engine = freshEngine();
    const failed = ev({ message: 'login failed', src_ip: '10.0.0.3' });
    expect(engine.evaluate([failed, failed, failed], { replay: true })).toEqual([]);
    expect(engine.hitCounts().get('brute')).toBeUndefined();
    expect(engine.evaluate([failed]).filter((f) => f.rule_id === 'brute').length).toBe(1);
  });
});

describe('StateCodec', () => {
  class Point {
    constructor(
      public x: number,
      public y: number,
    ) {}
    norm(): number {
      return Math.hypot(this.x, this.y);
    }
  }
  const codec = new StateCodec({ Point });

  test.each([
    ['numbers, infinities, NaN, undefined', [1, -0.5, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NaN, undefined, null, 'x', true]],
    ['maps and sets, keys of any type', new Map<unknown, unknown>([['a', new Set([1, 2])], [3, { deep: [new Map([['k', 'v']])] }]])],
    ['plain objects with odd keys', { ['__proto__']: 1, constructor: 'c', $: 'dollar' }],
  ])('round trip: %s', (_name, value) => {
    expect(codec.decode(codec.encode(value))).toEqual(value);
  });

  test('registered classes come back with their prototype; `__proto__` stays a plain key', () => {
    const back = codec.decode(codec.encode({ p: new Point(3, 4) })) as { p: Point };
    expect(back.p).toBeInstanceOf(Point);
    expect(back.p.norm()).toBe(5);
    const o = codec.decode('{"$":"o","f":{"__proto__":{"$":"o","f":{"polluted":1}}}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.hasOwn(o, '__proto__')).toBe(true);
  });

  test.each([
    ['a function', { f: () => 1 }, 'cannot keep a function'],
    ['an unregistered class', new (class Other {})(), 'an instance of an unregistered class (Other)'],
    ['a cycle', (() => { const a: Record<string, unknown> = {}; a['self'] = a; return a; })(), 'a cycle'],
    ['a bigint', { n: 1n }, 'cannot keep a bigint'],
  ])('encoding refuses %s', (_n, value, message) => {
    expect(() => codec.encode(value)).toThrow(new StateCodecError(message));
  });

  test.each([
    ['not JSON', '{', /^not JSON/],
    ['an unknown tag', '{"$":"Nope","f":{}}', /unknown class "Nope"/],
    ['an untagged object', '{"a":1}', /untagged object/],
    ['a bad number', '{"$":"n","v":"1e999"}', /bad number/],
    ['a bad map entry', '{"$":"Map","e":[[1]]}', /bad Map entry/],
    ['too deep', '['.repeat(100) + ']'.repeat(100), /deeper than/],
  ])('decoding refuses %s', (_n, text, message) => {
    expect(() => codec.decode(text)).toThrow(message);
  });
});
