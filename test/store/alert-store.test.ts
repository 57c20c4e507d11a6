import { describe, expect, test } from 'vitest';
import type { AlertState } from '../../src/core/alert.js';
import { AlertStateConflict, applyFindings, mergeSampleIds, transitionAlert } from '../../src/store/alert-store.js';
import { alertHistory, getAlert } from '../../src/store/alert-reader.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { readRuleStats } from '../../src/store/rule-state.js';
import { alertRows, count, finding, HOUR, MIN, writeBatch } from './alert-fixtures.js';
import { makeEvent, openTemp, T0 } from './fixtures.js';

describe('mergeSampleIds: the first four occurrences and the latest', () => {
  test.each<[number[], number[], number[]]>([
    [[], [], []],
    [[], [7], [7]],
    [[1, 2], [2, 3], [1, 2, 3]],
    [[1, 2, 3, 4, 5], [], [1, 2, 3, 4, 5]],
    [[1, 2, 3, 4, 5], [6], [1, 2, 3, 4, 6]],
    [[1, 2, 3, 4, 6], [7, 8, 9], [1, 2, 3, 4, 9]],
    [[], [1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 7]],
  ])('%j + %j -> %j', (old, added, want) => {
    expect(mergeSampleIds(old, added)).toEqual(want);
  });
});

describe('applyFindings: new alerts', () => {
  test('a finding opens an alert with every field, linked to its sample events', () => {
    const s = openTemp();
    const { summary, ids } = writeBatch(s, {
      times: [T0, T0 + 1000, T0 + 2000],
      findings: [finding({ event_indexes: [0, 2], count: 2, context: { score: 5 }, matched: { cpu_pct: 97 } })],
    });
    expect(summary).toEqual({ opened: 1, updated: 0, suppressed: 0 });
    const a = getAlert(s, 1)!;
    expect(a).toMatchObject({
      rule_id: 'cpu-high',
      rule_name: 'Rule cpu-high',
      severity: 'HIGH',
      host: 'web-01',
      title: 'cpu-high on web-01',
      first_seen: T0,
      last_seen: T0 + 2000,
      count: 2,
      sample_event_ids: [ids[0], ids[2]],
      matched: { cpu_pct: 97 },
      context: { score: 5 },
      dedup_key: 'cpu-high|web-01',
      state: 'open',
      state_changed_by: null,
      comment: null,
      created_at: 1000,
    });
    expect(s.db.prepare('SELECT log_id FROM alert_events WHERE alert_id = 1 ORDER BY log_id').pluck().all()).toEqual([ids[0], ids[2]]);
  });

  test('no findings: nothing written, not even rule stats', () => {
    const s = openTemp();
    expect(writeBatch(s, { times: [T0], findings: [] }).summary).toEqual({ opened: 0, updated: 0, suppressed: 0 });
    expect(count(s, 'SELECT count(*) FROM alerts') + count(s, 'SELECT count(*) FROM rule_stats')).toBe(0);
  });

  test('a host-less finding is stored with host NULL', () => {
    const s = openTemp();
    writeBatch(s, { times: [T0], findings: [finding({ host: null, dedup_key: 'malformed-burst|t' })] });
    expect(alertRows(s)[0]!.host).toBeNull();
  });

  test('a duplicate event (not stored again) gives no sample id', () => {
    const s = openTemp();
    const e = makeEvent({ ts: T0 });
    new LogWriter(s).writeBatch({ events: [e], offsets: [] });
    writeBatch(s, { times: [], events: [e], findings: [finding()] });
    expect(alertRows(s)[0]!.sample_event_ids).toEqual([]);
    expect(count(s, 'SELECT count(*) FROM alert_events')).toBe(0);
  });
});

describe('applyFindings: folding repeats (suppression window 10 minutes)', () => {
  // gaps between batches, in minutes from the previous batch -> alerts expected
  test.each<[string, number[], number[]]>([
    ['repeats inside the window fold into one alert', [0, 5, 5, 5], [4]],
    ['a gap of exactly the window still folds', [0, 10], [2]],
    ['a gap just over the window opens a new alert', [0, 10.001], [1, 1]],
    ['the window counts from last_seen, not first_seen', [0, 8, 8, 8, 8], [5]],
    ['fold, gap, fold', [0, 3, 30, 3], [2, 2]],
  ])('%s', (_name, gapsMin, counts) => {
    const s = openTemp();
    let t = T0;
    for (const g of gapsMin) {
      t += Math.round(g * MIN);
      writeBatch(s, { times: [t], findings: [finding()] });
    }
    expect(alertRows(s).map((a) => a.count)).toEqual(counts);
  });

  test('folding grows count by the finding count, moves last_seen, keeps first_seen and title', () => {
    const s = openTemp();
    writeBatch(s, { times: [T0], findings: [finding({ title: 'first title' })] });
    const { summary } = writeBatch(s, { times: [T0 + MIN, T0 + 2 * MIN], findings: [finding({ event_indexes: [0, 1], count: 7, title: 'later title' })] });
    expect(summary).toEqual({ opened: 0, updated: 1, suppressed: 0 });
    expect(alertRows(s)).toEqual([expect.objectContaining({ count: 8, first_seen: T0, last_seen: T0 + 2 * MIN, title: 'first title' })]);
  });

  test('a late (older) occurrence folds in and moves first_seen back', () => {
    const s = openTemp();
    writeBatch(s, { times: [T0], findings: [finding()] });
    writeBatch(s, { times: [T0 - 5 * MIN], findings: [finding()] });
    expect(alertRows(s)).toEqual([expect.objectContaining({ count: 2, first_seen: T0 - 5 * MIN, last_seen: T0 })]);
  });

  test('different dedup keys never fold', () => {
    const s = openTemp();
    writeBatch(s, { times: [T0, T0], findings: [finding({ host: 'a', dedup_key: 'k|a' }), finding({ host: 'b', dedup_key: 'k|b', event_indexes: [1] })] });
    writeBatch(s, { times: [T0 + MIN], findings: [finding({ host: 'a', dedup_key: 'k|a' })] });
    expect(alertRows(s).map((a) => [a.host, a.count])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  test('suppress 0 opens an alert per finding', () => {
    const s = openTemp();
    writeBatch(s, { times: [T0], findings: [finding()], suppressMs: 0 });
    writeBatch(s, { times: [T0], findings: [finding()], suppressMs: 0 });
    expect(alertRows(s)).toHaveLength(2);
  });

  test('two findings with one key in one batch fold into one alert', () => {
    const s = openTemp();
    writeBatch(s, { times: [T0, T0 + 1], findings: [finding(), finding({ event_indexes: [1] })] });
    expect(alertRows(s)).toEqual([expect.objectContaining({ count: 2 })]);
  });

  test.each<[string, string[], string]>([
    ['escalates to the highest seen', ['MEDIUM', 'HIGH'], 'HIGH'],
    ['never lowers', ['CRITICAL', 'LOW', 'MEDIUM'], 'CRITICAL'],
    ['LOW stays LOW', ['LOW', 'LOW'], 'LOW'],
  ])('severity %s', (_n, severities, want) => {
    const s = openTemp();
    severities.forEach((sev, i) => writeBatch(s, { times: [T0 + i * MIN], findings: [finding({ severity: sev as 'LOW' })] }));
    const rows = alertRows(s);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.severity).toBe(want);
    expect(count(s, 'SELECT severity_rank FROM alerts')).toBe(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].indexOf(want) + 1);
  });

  test('samples stay bounded over many batches: the first four and the latest, links in step', () => {
    const s = openTemp();
    const all: number[] = [];
    for (let i = 0; i < 30; i++) {
      const { ids } = writeBatch(s, { times: [T0 + i * 1000, T0 + i * 1000 + 1], findings: [finding({ event_indexes: [0, 1], count: 2 })] });
      all.push(ids[0]!, ids[1]!);
    }
    const a = alertRows(s)[0]!;
    expect(a.count).toBe(60);
    expect(a.sample_event_ids).toEqual([...all.slice(0, 4), all[all.length - 1]]);
    expect(s.db.prepare('SELECT log_id FROM alert_events ORDER BY log_id').pluck().all()).toEqual(a.sample_event_ids);
  });
});

describe('applyFindings: resolved and acknowledged alerts', () => {
  const change = (state: AlertState, at = T0) => ({ state, by: 'ana', at, comment: null });

  test('after resolve a new occurrence opens a new alert; the resolved one is never reopened', () => {
    const s = openTemp();
    writeBatch(s, { times: [T0], findings: [finding()] });
    transitionAlert(s, 1, change('resolved'));
    writeBatch(s, { times: [T0 + MIN], findings: [finding()] });
    writeBatch(s, { times: [T0 + 2 * MIN], findings: [finding()] });
    expect(alertRows(s).map((a) => [a.id, a.state, a.count])).toEqual([
      [1, 'resolved', 1],
      [2, 'open', 2],
    ]);
  });

  test('an acknowledged alert keeps folding repeats and stays acknowledged', () => {
    const s = openTemp();
    writeBatch(s, { times: [T0], findings: [finding()] });
    transitionAlert(s, 1, change('acknowledged'));
    writeBatch(s, { times: [T0 + MIN], findings: [finding()] });
    expect(alertRows(s).map((a) => [a.state, a.count])).toEqual([['acknowledged', 2]]);
  });

  test('a reopened alert and a newer one of the same key: repeats fold into the newest', () => {
    const s = openTemp();
    writeBatch(s, { times: [T0], findings: [finding()] });
    transitionAlert(s, 1, change('resolved'));
    writeBatch(s, { times: [T0 + MIN], findings: [finding()] });
    transitionAlert(s, 1, change('open'));
    writeBatch(s, { times: [T0 + 2 * MIN], findings: [finding()] });
    expect(alertRows(s).map((a) => [a.id, a.count])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });
});

describe('applyFindings: per-rule hourly cap', () => {
  const hosts = (n: number, rule = 'noisy') => Array.from({ length: n }, (_, i) => finding({ rule_id: rule, host: `h${i}`, dedup_key: `${rule}|h${i}`, event_indexes: [i] }));

  test('beyond the cap occurrences are counted as suppressed, not stored; other rules are not affected', () => {
    const s = openTemp();
    const { summary } = writeBatch(s, { times: Array(6).fill(T0), findings: [...hosts(5).map((f) => ({ ...f, count: 3 })), finding({ rule_id: 'quiet', dedup_key: 'quiet|x', event_indexes: [5] })] }, { maxAlertsPerRulePerHour: 2 });
    expect(summary).toEqual({ opened: 3, updated: 0, suppressed: 9 });
    expect(alertRows(s).map((a) => `${a.rule_id}:${a.host}`)).toEqual(['noisy:h0', 'noisy:h1', 'quiet:web-01']);
    expect(readRuleStats(s).get('noisy')).toEqual({ hits: 15, alerts_opened: 2, suppressed: 9, last_hit: T0 });
    expect(readRuleStats(s).get('quiet')).toEqual({ hits: 1, alerts_opened: 1, suppressed: 0, last_hit: T0 });
  });

  test('repeats still fold into the alerts already open while the cap holds', () => {
    const s = openTemp();
    writeBatch(s, { times: Array(3).fill(T0), findings: hosts(3) }, { maxAlertsPerRulePerHour: 2 });
    writeBatch(s, { times: Array(3).fill(T0 + MIN), findings: hosts(3) }, { maxAlertsPerRulePerHour: 2 });
    expect(alertRows(s).map((a) => a.count)).toEqual([2, 2]);
    expect(readRuleStats(s).get('noisy')!.suppressed).toBe(2);
  });

  test('the cap is per hour of event time: an hour later the rule may open alerts again', () => {
    const s = openTemp();
    writeBatch(s, { times: Array(3).fill(T0), findings: hosts(3) }, { maxAlertsPerRulePerHour: 2 });
    writeBatch(s, { times: Array(3).fill(T0 + HOUR - 1), findings: hosts(3).map((f) => ({ ...f, dedup_key: f.dedup_key + '-b' })) }, { maxAlertsPerRulePerHour: 2 });
    expect(alertRows(s)).toHaveLength(2);
    writeBatch(s, { times: Array(3).fill(T0 + HOUR), findings: hosts(3).map((f) => ({ ...f, dedup_key: f.dedup_key + '-c' })) }, { maxAlertsPerRulePerHour: 2 });
    expect(alertRows(s)).toHaveLength(4);
  });

  test('0 means no cap', () => {
    const s = openTemp();
    writeBatch(s, { times: Array(50).fill(T0), findings: hosts(50) }, { maxAlertsPerRulePerHour: 0 });
    expect(alertRows(s)).toHaveLength(50);
  });
});

describe('atomic with the batch', () => {
  test('a failure later in the transaction leaves no alert, link, stat or event', () => {
    const s = openTemp();
    writeBatch(s, { times: [T0], findings: [finding()] });
    const before = alertRows(s);
    expect(() =>
      new LogWriter(s).writeBatch({
        events: [makeEvent({ ts: T0 + MIN })],
        offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: '1' }],
        inTransaction: (tx) => {
          // the detector writes its alerts (a repeat and a new one), then something fails
          applyFindings(tx, [{ finding: finding({ ts: T0 + MIN }), suppressMs: 10 * MIN }, { finding: finding({ ts: T0 + MIN, dedup_key: 'other' }), suppressMs: 10 * MIN }], { maxAlertsPerRulePerHour: 100 });
          throw new Error('disk on fire');
        },
      }),
    ).toThrow(/disk on fire/);
    expect(alertRows(s)).toEqual(before);
    expect(readRuleStats(s).get('cpu-high')!.hits).toBe(1);
    expect(count(s, 'SELECT count(*) FROM alert_events')).toBe(1);
    expect(count(s, 'SELECT count(*) FROM logs')).toBe(1);
    expect(count(s, 'SELECT count(*) FROM offsets')).toBe(0);
  });
});

describe('transitionAlert', () => {
  const open = () => {
    const s = openTemp();
    writeBatch(s, { times: [T0], findings: [finding()] });
    return s;
  };
  const to = (s: ReturnType<typeof open>, state: AlertState, by = 'ana', at = T0 + HOUR, comment: string | null = null) => transitionAlert(s, 1, { state, by, at, comment });

  test.each<[AlertState[], AlertState, boolean]>([
    [[], 'acknowledged', true],
    [[], 'resolved', true],
    [[], 'open', true],
    [['acknowledged'], 'resolved', true],
    [['acknowledged'], 'open', true],
    [['resolved'], 'open', true],
    [['resolved'], 'resolved', true],
    [['resolved'], 'acknowledged', false],
    [['acknowledged', 'resolved'], 'acknowledged', false],
  ])('after %j, -> %s allowed: %s', (path, target, ok) => {
    const s = open();
    for (const p of path) to(s, p);
    if (ok) expect(to(s, target)).toBe(true);
    else {
      const e = (() => {
        try {
          to(s, target);
        } catch (err) {
          return err;
        }
        return null;
      })();
      expect(e).toBeInstanceOf(AlertStateConflict);
      expect(e).toMatchObject({ code: 'CONFLICT', httpStatus: 409, exitCode: 1 });
      expect(getAlert(s, 1)!.state).toBe(path[path.length - 1]);
    }
  });

  test('records who, when and the comment, keeps the history, and bumps the feed position', () => {
    const s = open();
    const seq0 = count(s, 'SELECT change_seq FROM alerts WHERE id = 1');
    to(s, 'acknowledged', 'ana', T0 + HOUR, 'looking');
    to(s, 'resolved', 'bob', T0 + 2 * HOUR, 'fixed the cron job');
    const a = getAlert(s, 1)!;
    expect(a).toMatchObject({
      state: 'resolved',
      state_changed_by: 'bob',
      state_changed_at: T0 + 2 * HOUR,
      comment: 'fixed the cron job',
      acknowledged_by: 'ana',
      acknowledged_at: T0 + HOUR,
      resolved_by: 'bob',
      resolved_at: T0 + 2 * HOUR,
      updated_at: T0 + 2 * HOUR,
    });
    expect(count(s, 'SELECT change_seq FROM alerts WHERE id = 1')).toBe(seq0 + 2);
    to(s, 'open', 'carl', T0 + 3 * HOUR, 'it is back');
    expect(getAlert(s, 1)).toMatchObject({ state: 'open', acknowledged_by: null, resolved_by: null, resolved_at: null, comment: 'it is back' });
    expect(alertHistory(s, 1)).toEqual([
      { at: T0 + HOUR, by: 'ana', from: 'open', to: 'acknowledged', comment: 'looking' },
      { at: T0 + 2 * HOUR, by: 'bob', from: 'acknowledged', to: 'resolved', comment: 'fixed the cron job' },
      { at: T0 + 3 * HOUR, by: 'carl', from: 'resolved', to: 'open', comment: 'it is back' },
    ]);
  });

  test('absent, or outside the host scope: false and nothing changes', () => {
    const s = open();
    expect(transitionAlert(s, 99, { state: 'resolved', by: 'a', at: 1, comment: null })).toBe(false);
    expect(transitionAlert(s, 1, { state: 'resolved', by: 'a', at: 1, comment: null }, ['db-*'])).toBe(false);
    expect(transitionAlert(s, 1, { state: 'resolved', by: 'a', at: 1, comment: null }, [])).toBe(false);
    expect(getAlert(s, 1)!.state).toBe('open');
    expect(transitionAlert(s, 1, { state: 'resolved', by: 'a', at: 1, comment: null }, ['web-*'])).toBe(true);
  });
});
