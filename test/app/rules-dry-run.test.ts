// The dry run behind `rules test` and `rules backtest`: the alerts it reports are those the
// alert store would write (dedup, suppression window, hourly cap), whatever the batch size, and
// the matching events it lists are exactly the rule's occurrences.
import { describe, expect, test } from 'vitest';
import { ruleContextBase } from '../../src/app/detection-rules.js';
import { DryRun, type DryRunReport } from '../../src/app/rules-dry-run.js';
import { loadConfig } from '../../src/config/load.js';
import type { NormalizedEvent } from '../../src/core/event.js';
import { compileRules } from '../../src/core/rules/compile.js';
import { makeEvent, T0 } from '../store/fixtures.js';

const SEC = 1000;
const MIN = 60 * SEC;

function settings(over: Record<string, unknown> = {}) {
  return loadConfig({ defaultsFile: null, env: {}, overrides: over }).detection;
}

function rulesOf(docs: unknown[], cfg = settings()) {
  const r = compileRules(
    docs.map((doc, index) => ({ file: 'r.yaml', index, doc })),
    { ...ruleContextBase(cfg), lists: new Map() },
  );
  expect(r.errors).toEqual([]);
  return r.rules;
}

const CPU_HIGH = { id: 'cpu-high', name: 'CPU high', kind: 'threshold', severity: 'HIGH', field: 'cpu_pct', op: '>', value: '90%' };

/** Runs `events` in batches of `size`; refs are 1-based positions (line numbers). */
function run(docs: unknown[], events: NormalizedEvent[], size: number, over: Record<string, unknown> = {}): DryRunReport {
  const cfg = settings(over);
  const dry = new DryRun({ rules: rulesOf(docs, cfg), settings: cfg, maxMatches: 1000, clock: () => T0 });
  try {
    for (let i = 0; i < events.length; i += size) {
      const batch = events.slice(i, i + size);
      dry.feed(
        batch,
        batch.map((_, k) => i + k + 1),
      );
    }
    return dry.report();
  } finally {
    dry.close();
  }
}

const cpu = (i: number, pct: number, host = 'web-1', over: Partial<NormalizedEvent> = {}) => makeEvent({ ts: T0 + i * 10 * SEC, host, metrics: { cpu_pct: pct }, ...over });
const stuck = (n: number) => Array.from({ length: n }, (_, i) => cpu(i, 95 + (i % 5)));

describe('a stuck-high CPU yields one alert whose count is the number of readings, at any batch size', () => {
  test.each([1, 7, 50, 5000])('batches of %i', (size) => {
    const r = run([CPU_HIGH], stuck(50), size);
    expect(r.events).toBe(50);
    expect(r.batches).toBe(Math.ceil(50 / size));
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]).toMatchObject({
      rule_id: 'cpu-high',
      severity: 'HIGH',
      host: 'web-1',
      count: 50,
      first_seen: T0,
      last_seen: T0 + 49 * 10 * SEC,
      dedup_key: 'cpu-high|web-1',
    });
    // The first four occurrences and the latest, by reference (line numbers here).
    expect(r.alerts[0]!.samples).toEqual([1, 2, 3, 4, 50]);
    expect(r.rules).toEqual([expect.objectContaining({ id: 'cpu-high', hits: 50, matched_events: 50, alerts_opened: 1, suppressed: 0, failures: 0 })]);
    expect(r.rules[0]!.matched.map((m) => m.ref)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});

describe('folding as the alert store folds', () => {
  test('no event matches: no alert, nothing listed', () => {
    const r = run([CPU_HIGH], [cpu(0, 10), cpu(1, 90)], 10);
    expect(r.alerts).toEqual([]);
    expect(r.rules[0]).toMatchObject({ hits: 0, matched_events: 0, matched: [] });
  });

  test('no events at all: no batch', () => {
    const r = run([CPU_HIGH], [], 10);
    expect(r).toMatchObject({ events: 0, batches: 0, alerts: [] });
  });

  test('one alert per host (the dedup key), only matching events referenced', () => {
    const events = [cpu(0, 99, 'a'), cpu(1, 5, 'a'), cpu(2, 99, 'b'), cpu(3, 99, 'a')];
    const r = run([CPU_HIGH], events, 2);
    expect(r.alerts.map((a) => [a.host, a.count, a.samples])).toEqual([
      ['a', 2, [1, 4]],
      ['b', 1, [3]],
    ]);
    expect(r.rules[0]!.matched.map((m) => [m.ref, m.host])).toEqual([
      [1, 'a'],
      [3, 'b'],
      [4, 'a'],
    ]);
  });

  test('a gap longer than the suppression window opens a second alert', () => {
    const rule = { ...CPU_HIGH, suppress: '1m' };
    const events = [cpu(0, 99), cpu(1, 99), cpu(20, 99), cpu(21, 99)]; // 10 s apart, then 190 s later
    const r = run([rule], events, 1);
    expect(r.alerts.map((a) => a.count)).toEqual([2, 2]);
    expect(r.rules[0]).toMatchObject({ alerts_opened: 2 });
  });

  // With suppress 0 every finding opens its own alert, and a finding stands for one batch's
  // occurrences of a group: the split depends on the batches, as in the appliance.
  test.each<[number, number[], number]>([
    [1, [1, 1, 1], 7],
    [3, [3, 3, 3], 1],
    [10, [10], 0],
  ])('the per-rule hourly cap (3), batches of %i: alert counts %j, %i suppressed', (size, counts, suppressed) => {
    const rule = { ...CPU_HIGH, suppress: 0 };
    const r = run([rule], stuck(10), size, { 'detection.max_alerts_per_rule_per_hour': 3 });
    expect(r.alerts.map((a) => a.count)).toEqual(counts);
    expect(r.rules[0]).toMatchObject({ hits: 10, matched_events: 10, alerts_opened: counts.length, suppressed });
  });

  test('a critical asset raises the severity, as the engine does in the appliance', () => {
    const r = run([CPU_HIGH], [cpu(0, 99, 'db-1', { asset: { criticality: 'critical' } })], 1);
    expect(r.alerts[0]).toMatchObject({ severity: 'CRITICAL', context: { severity_raised: { from: 'HIGH' } } });
  });

  test('a rule disabled in its file still runs when asked for', () => {
    const r = run([{ ...CPU_HIGH, enabled: false }], stuck(3), 10);
    expect(r.alerts).toHaveLength(1);
  });
});

describe('the matching events are exactly the occurrences, for stateful rules too', () => {
  const sustained = { ...CPU_HIGH, id: 'cpu-sustained', for: 3 };
  const series = [95, 95, 95, 95, 10, 95, 95, 95, 95].map((p, i) => cpu(i, p));
  test.each([1, 2, 4, 100])('threshold for: 3 in batches of %i', (size) => {
    const r = run([sustained], series, size);
    expect(r.rules[0]!.matched.map((m) => m.ref)).toEqual([3, 4, 8, 9]);
    expect(r.rules[0]).toMatchObject({ hits: 4, matched_events: 4 });
    expect(r.alerts.map((a) => a.count)).toEqual([4]);
  });

  const brute = {
    id: 'brute',
    name: 'Brute force',
    kind: 'count',
    severity: 'HIGH',
    filter: { message: { contains: 'failed password' } },
    group_by: 'src_ip',
    window: '1m',
    threshold: 3,
  };
  const login = (s: number, ip: string, ok = false) => makeEvent({ ts: T0 + s * SEC, src_ip: ip, message: ok ? 'accepted password' : 'failed password for root' });
  // 10.0.0.1 fails at 0, 10, 20 (fires), 30 (fires), then at 100 (window restarted: no);
  // 10.0.0.2 fails twice only.
  const logins = [login(0, '10.0.0.1'), login(5, '10.0.0.2'), login(10, '10.0.0.1'), login(12, '10.0.0.1', true), login(20, '10.0.0.1'), login(25, '10.0.0.2'), login(30, '10.0.0.1'), login(100, '10.0.0.1')];
  test.each([1, 3, 8])('count 3 in 1m in batches of %i', (size) => {
    const r = run([brute], logins, size);
    expect(r.rules[0]!.matched.map((m) => m.ref)).toEqual([5, 7]);
    expect(r.rules[0]).toMatchObject({ hits: 2, matched_events: 2 });
    expect(r.alerts.map((a) => [a.dedup_key, a.count])).toEqual([['brute|10.0.0.1', 2]]);
  });
});

test('matched events kept are capped; all are counted; messages are cut', () => {
  const cfg = settings();
  const dry = new DryRun({ rules: rulesOf([CPU_HIGH], cfg), settings: cfg, maxMatches: 2, clock: () => T0 });
  dry.feed(
    stuck(5).map((e) => ({ ...e, message: 'm'.repeat(1000) })),
    [10, 20, 30, 40, 50],
  );
  const r = dry.report();
  dry.close();
  expect(r.rules[0]!.matched_events).toBe(5);
  expect(r.rules[0]!.matched.map((m) => [m.ref, m.message.length])).toEqual([
    [10, 200],
    [20, 200],
  ]);
});

describe('add: batches cut by size and by event-time span, as live batches are', () => {
  function viaAdd(events: NormalizedEvent[], batchSize: number, batchSpanMs: number): DryRunReport {
    const cfg = settings();
    const dry = new DryRun({ rules: rulesOf([CPU_HIGH], cfg), settings: cfg, maxMatches: 1000, clock: () => T0, batchSize, batchSpanMs });
    try {
      events.forEach((e, i) => dry.add(e, i + 1));
      return dry.report();
    } finally {
      dry.close();
    }
  }
  // Readings 10 s apart for 10 minutes, then again two hours later (past the 10m suppression).
  const series = [...Array.from({ length: 60 }, (_, i) => cpu(i, 99)), ...Array.from({ length: 60 }, (_, i) => cpu(720 + i, 99))];

  test.each<[string, number, number, number, number[]]>([
    ['size only: one batch folds both bursts into one alert', 5000, 0, 1, [120]],
    ['size 50, no span: the middle batch straddles the bursts and joins them', 50, 0, 3, [120]],
    ['span 1s: each reading its own batch, two alerts', 5000, 1000, 120, [60, 60]],
    ['span 1m: seven readings a batch (a reading exactly 1m after the first still joins)', 5000, 60_000, 18, [60, 60]],
    ['size 4 within span 1m', 4, 60_000, 30, [60, 60]],
  ])('%s', (_n, size, span, batches, counts) => {
    const r = viaAdd(series, size, span);
    expect(r.batches).toBe(batches);
    expect(r.events).toBe(120);
    expect(r.alerts.map((a) => a.count)).toEqual(counts);
  });

  test('an event far before the batch start (out of order) also ends the batch', () => {
    const r = viaAdd([cpu(100, 99), cpu(101, 99), cpu(0, 99), cpu(102, 99)], 5000, 60_000);
    expect(r.batches).toBe(3);
  });

  test('feed after add runs what add holds first (order kept)', () => {
    const cfg = settings();
    const dry = new DryRun({ rules: rulesOf([CPU_HIGH], cfg), settings: cfg, maxMatches: 10, clock: () => T0, batchSize: 100, batchSpanMs: 0 });
    dry.add(cpu(0, 99), 1);
    dry.feed([cpu(1, 99)], [2]);
    const r = dry.report();
    dry.close();
    expect(r.batches).toBe(2);
    expect(r.rules[0]!.matched.map((m) => m.ref)).toEqual([1, 2]);
    expect(r.alerts.map((a) => a.samples)).toEqual([[1, 2]]);
  });

  test('report runs what is still pending; nothing added: no batch', () => {
    expect(viaAdd([], 10, 1000)).toMatchObject({ events: 0, batches: 0 });
    expect(viaAdd([cpu(0, 99)], 10, 1000)).toMatchObject({ events: 1, batches: 1 });
  });
});
