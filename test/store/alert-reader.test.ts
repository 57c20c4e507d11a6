import { beforeAll, describe, expect, test } from 'vitest';
import type { AlertFilter } from '../../src/core/alert.js';
import { alertFeed, countAlerts, getAlert, listAlerts } from '../../src/store/alert-reader.js';
import { transitionAlert } from '../../src/store/alert-store.js';
import { openStore, type Store } from '../../src/store/store.js';
import { deferCleanup } from '../helpers/temp.js';
import { finding, MIN, writeBatch } from './alert-fixtures.js';
import { caught, openTemp, T0, tempDbPath } from './fixtures.js';

// Five alerts (ids 1..5, last_seen rising with the id), read through a read-only connection.
//   1 port-scan HIGH     web-2 open
//   2 cpu-high  MEDIUM   db-1  open
//   3 cpu-high  CRITICAL db-1  acknowledged   (a second alert of db-1: its own key)
//   4 port-scan LOW      web-1 resolved
//   5 orphan    LOW      (no host) open
let writer: Store;
let reader: Store;
let logIds: (number | null)[] = [];

beforeAll(() => {
  const file = tempDbPath();
  writer = openTemp(file);
  const specs = [
    { rule_id: 'port-scan', severity: 'HIGH', host: 'web-2' },
    { rule_id: 'cpu-high', severity: 'MEDIUM', host: 'db-1' },
    { rule_id: 'cpu-high', severity: 'CRITICAL', host: 'db-1', dedup_key: 'cpu-high|db-1|b' },
    { rule_id: 'port-scan', severity: 'LOW', host: 'web-1' },
    { rule_id: 'orphan', severity: 'LOW', host: null },
  ] as const;
  specs.forEach((sp, i) => {
    const { ids } = writeBatch(writer, { times: [T0 + (i + 2) * MIN], findings: [finding({ ...sp })] });
    logIds.push(ids[0]!);
  });
  transitionAlert(writer, 3, { state: 'acknowledged', by: 'ana', at: T0, comment: null });
  transitionAlert(writer, 4, { state: 'resolved', by: 'ana', at: T0, comment: 'done' });
  reader = openStore(file, { readonly: true });
  deferCleanup(() => reader.close());
});

const ids = (f: AlertFilter, limit = 100) => listAlerts(reader, f, { limit, cursor: null }).items.map((a) => a.id);

describe('listAlerts', () => {
  test.each<[string, AlertFilter, number[]]>([
    ['no filter: newest last_seen first', {}, [5, 4, 3, 2, 1]],
    ['state open', { states: ['open'] }, [5, 2, 1]],
    ['states acknowledged, resolved', { states: ['acknowledged', 'resolved'] }, [4, 3]],
    ['no states at all', { states: [] }, []],
    ['severity LOW', { severities: ['LOW'] }, [5, 4]],
    ['severity HIGH or CRITICAL', { severities: ['HIGH', 'CRITICAL'] }, [3, 1]],
    ['at least HIGH', { minSeverity: 'HIGH' }, [3, 1]],
    ['at least LOW is everything', { minSeverity: 'LOW' }, [5, 4, 3, 2, 1]],
    ['rule', { rules: ['cpu-high'] }, [3, 2]],
    ['host pattern', { hosts: ['web-*'] }, [4, 1]],
    ['host exact, any case', { hosts: ['DB-1'] }, [3, 2]],
    ['host scope keeps host-less alerts out', { hostScope: ['*'] }, [4, 3, 2, 1]],
    ['empty host scope permits nothing', { hostScope: [] }, []],
    ['scope ANDed with hosts', { hosts: ['web-*'], hostScope: ['web-1'] }, [4]],
    ['from: last_seen at or after', { from: T0 + 4 * MIN }, [5, 4, 3]],
    ['to: first_seen before', { to: T0 + 3 * MIN }, [1]],
    ['state and min severity', { states: ['open'], minSeverity: 'MEDIUM' }, [2, 1]],
  ])('%s', (_name, f, want) => {
    expect(ids(f)).toEqual(want);
  });

  test('eventId: the alerts a log is a sample of', () => {
    expect(ids({ eventId: logIds[1]! })).toEqual([2]);
    expect(ids({ eventId: 999_999 })).toEqual([]);
  });

  test('keyset pages cover every alert once; the last page has no cursor', () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const p = listAlerts(reader, {}, { limit: 2, cursor });
      seen.push(...p.items.map((a) => a.id));
      cursor = p.next_cursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual([5, 4, 3, 2, 1]);
    expect(listAlerts(reader, {}, { limit: 5, cursor: null }).next_cursor).toBeNull();
  });

  test.each([['garbage'], ["' OR 1=1 --"], [''], ['eyJ0cyI6MSwiaWQiOjEsIm8iOiJhc2MifQ']])('a cursor it did not make (%j) is BAD_REQUEST naming cursor', (cursor) => {
    expect(caught(() => listAlerts(reader, {}, { limit: 2, cursor }))).toMatchObject({ code: 'BAD_REQUEST', details: { param: 'cursor' } });
  });

  test.each([[0], [1001], [1.5]])('limit %s is BAD_REQUEST', (limit) => {
    expect(caught(() => listAlerts(reader, {}, { limit, cursor: null }))).toMatchObject({ code: 'BAD_REQUEST', details: { param: 'limit' } });
  });

  test('hostile filter values are bound, never SQL', () => {
    expect(ids({ rules: ["x' OR '1'='1"], hosts: ["a'); DROP TABLE alerts; --"] })).toEqual([]);
    expect(ids({})).toHaveLength(5);
  });
});

describe('getAlert', () => {
  test('one alert; null when absent or outside the scope', () => {
    expect(getAlert(reader, 2)).toMatchObject({ id: 2, rule_id: 'cpu-high', host: 'db-1' });
    expect(getAlert(reader, 42)).toBeNull();
    expect(getAlert(reader, 2, ['web-*'])).toBeNull();
    expect(getAlert(reader, 5, ['*'])).toBeNull();
    expect(getAlert(reader, 4)).toMatchObject({ state: 'resolved', resolved_by: 'ana', comment: 'done' });
  });
});

describe('countAlerts', () => {
  test('per severity and state, filtered', () => {
    expect(countAlerts(reader, {})).toEqual(
      expect.arrayContaining([
        { severity: 'CRITICAL', state: 'acknowledged', count: 1 },
        { severity: 'HIGH', state: 'open', count: 1 },
        { severity: 'MEDIUM', state: 'open', count: 1 },
        { severity: 'LOW', state: 'open', count: 1 },
        { severity: 'LOW', state: 'resolved', count: 1 },
      ]),
    );
    expect(countAlerts(reader, { hostScope: ['db-*'] }).reduce((s, c) => s + c.count, 0)).toBe(2);
  });
});

describe('alertFeed', () => {
  test('null position: the head and no items; then changes after it, oldest change first', () => {
    const s = openTemp();
    const head = alertFeed(s, null, {}, 10);
    expect(head).toEqual({ items: [], position: '0' });
    writeBatch(s, { times: [T0, T0], findings: [finding({ host: 'a', dedup_key: 'a' }), finding({ host: 'b', dedup_key: 'b', event_indexes: [1] })] });
    transitionAlert(s, 1, { state: 'acknowledged', by: 'x', at: T0, comment: null });
    const f1 = alertFeed(s, head.position, {}, 10);
    expect(f1.items.map((a) => [a.id, a.state])).toEqual([
      [2, 'open'],
      [1, 'acknowledged'],
    ]);
    expect(alertFeed(s, f1.position, {}, 10)).toEqual({ items: [], position: f1.position });
    // a repeat folded into alert 2 is a change too
    writeBatch(s, { times: [T0 + MIN], findings: [finding({ host: 'b', dedup_key: 'b' })] });
    const f2 = alertFeed(s, f1.position, {}, 10);
    expect(f2.items.map((a) => [a.id, a.count])).toEqual([[2, 2]]);
  });

  test('a full page stops at its last item; the rest follow; the filter applies', () => {
    const s = openTemp();
    writeBatch(s, { times: [T0, T0, T0], findings: ['a', 'b', 'c'].map((h, i) => finding({ host: h, dedup_key: h, event_indexes: [i] })) });
    const p1 = alertFeed(s, '0', {}, 2);
    expect(p1.items.map((a) => a.host)).toEqual(['a', 'b']);
    const p2 = alertFeed(s, p1.position, {}, 2);
    expect(p2.items.map((a) => a.host)).toEqual(['c']);
    expect(alertFeed(s, '0', { hostScope: ['c'] }, 10).items.map((a) => a.host)).toEqual(['c']);
  });

  test.each([['abc'], ['-1'], ['1e3'], ['9'.repeat(20)]])('position %j is BAD_REQUEST', (pos) => {
    expect(caught(() => alertFeed(reader, pos, {}, 10))).toMatchObject({ code: 'BAD_REQUEST', details: { param: 'Last-Event-ID' } });
  });
});
