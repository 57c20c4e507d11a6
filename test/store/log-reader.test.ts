import { beforeAll, describe, expect, test } from 'vitest';
import type { NormalizedEvent } from '../../src/core/event.js';
import { encodeCursor } from '../../src/store/cursor.js';
import type { LogFilter } from '../../src/store/log-filter.js';
import { FTS_WALK_MIN_MATCHES, LogReader } from '../../src/store/log-reader.js';
import { logsAfter } from '../../src/store/log-follow.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { openStore, type Store } from '../../src/store/store.js';
import { caught, makeEvent, openTemp, T0, tempDbPath } from './fixtures.js';

const MIN = 60_000;

/** One shared data set; each event's message names it, so results read as lists of names. */
const DATA: NormalizedEvent[] = [
  makeEvent({ message: 'e1 connection refused by upstream', ts: T0, host: 'web-01', level: 3, level_name: 'error', tags: ['prod', 'edge'] }),
  makeEvent({ message: 'e2 connection reset by peer', ts: T0 + MIN, host: 'web-02', level: 4, level_name: 'warning', tags: ['prod'] }),
  makeEvent({ message: 'e3 disk full on var', ts: T0 + 2 * MIN, host: 'db-01', level: 2, level_name: 'critical', format: 'syslog5424', source: { kind: 'kafka', topic: 'syslog', partition: 0, offset: '900' } }),
  makeEvent({
    message: 'e4 failed password for root',
    ts: T0 + 3 * MIN,
    host: 'db-01',
    level: 5,
    level_name: 'notice',
    process: 'sshd',
    threats: [{ name: 'brute force', severity: 'HIGH', tags: ['ssh'], origin: 'message' }],
    attributes: { EventID: 4625, 'user-agent': 'curl/8', http: { status: 401, method: 'POST' }, ok: false },
    source: { kind: 'kafka', topic: 'threat-logs', partition: 1, offset: '5' },
  }),
  makeEvent({
    message: 'e5 beacon to known c2',
    ts: T0 + 4 * MIN,
    host: 'WEB-10'.toLowerCase(),
    level: 1,
    level_name: 'alert',
    threats: [
      { name: 'c2', severity: 'CRITICAL', tags: [], origin: 'intel', list: 'c2', indicator: '198.51.100.7' },
      { name: 'odd', severity: 'LOW', tags: [], origin: 'message' },
    ],
    attributes: { EventID: '4625', http: { status: '401' }, ok: true, ratio: 0.5 },
    tags: ['edge'],
    format: 'cef',
    source: { kind: 'kafka', topic: 'threat-logs', partition: 0, offset: '6' },
  }),
  makeEvent({ message: 'e6 undecodable garbage', ts: T0 + 5 * MIN, host: null, level: null, level_name: null, format: 'text', parse_error: 'not json', threats: [{ name: 'x', severity: 'LOW', tags: [], origin: 'message' }] }),
  makeEvent({ message: 'e7 timeout while connecting', ts: T0 + 5 * MIN, host: 'web?x', level: 7, level_name: 'debug', attributes: { EventID: 4624 } }),
  makeEvent({ message: 'e8 [literal] host', ts: T0 + 6 * MIN, host: 'web[1]', level: 6, tags: ['Prod'] }),
];

const names = (items: { message: string }[]) => items.map((e) => e.message.split(' ')[0]).sort();

let store: Store;
let reader: LogReader;
beforeAll(() => {
  store = openTemp();
  new LogWriter(store).writeBatch({ events: DATA, offsets: [] });
  reader = new LogReader(store);
});

const all = (f: LogFilter) => names(reader.queryLogs(f, { limit: 1000, order: 'asc' }).items);

describe('filters', () => {
  test.each<[string, LogFilter, string[]]>([
    ['no filter', {}, ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8']],
    ['from (inclusive)', { from: T0 + 5 * MIN }, ['e6', 'e7', 'e8']],
    ['to (exclusive)', { to: T0 + MIN }, ['e1']],
    ['from = to is empty', { from: T0, to: T0 }, []],
    ['hosts exact', { hosts: ['db-01'] }, ['e3', 'e4']],
    ['hosts are case-insensitive', { hosts: ['DB-01'] }, ['e3', 'e4']],
    ['hosts glob', { hosts: ['web-*'] }, ['e1', 'e2', 'e5']],
    ['hosts glob + exact', { hosts: ['web-0*', 'db-01'] }, ['e1', 'e2', 'e3', 'e4']],
    ['? and [ in a pattern are literal', { hosts: ['web?x', 'web[1]'] }, ['e7', 'e8']],
    ['? is not a wildcard', { hosts: ['web-0?'] }, []],
    ['minLevel 3 = error or worse', { minLevel: 3 }, ['e1', 'e3', 'e5']],
    ['minLevel 0', { minLevel: 0 }, []],
    ['minLevel 7 excludes unknown level', { minLevel: 7 }, ['e1', 'e2', 'e3', 'e4', 'e5', 'e7', 'e8']],
    ['topics', { topics: ['threat-logs', 'syslog'] }, ['e3', 'e4', 'e5']],
    ['formats', { formats: ['cef', 'text'] }, ['e5', 'e6']],
    ['tags: one', { tags: ['prod'] }, ['e1', 'e2']],
    ['tags: all must be present', { tags: ['prod', 'edge'] }, ['e1']],
    ['tags are exact (case, no substring)', { tags: ['pro'] }, []],
    ['hasThreats true', { hasThreats: true }, ['e4', 'e5', 'e6']],
    ['hasThreats false', { hasThreats: false }, ['e1', 'e2', 'e3', 'e7', 'e8']],
    ['threatSeverity at least HIGH', { threatSeverity: 'HIGH' }, ['e4', 'e5']],
    ['threatSeverity CRITICAL uses the highest threat', { threatSeverity: 'CRITICAL' }, ['e5']],
    ['threatSeverity LOW', { threatSeverity: 'LOW' }, ['e4', 'e5', 'e6']],
    ['hasError true', { hasError: true }, ['e6']],
    ['hasError false', { hasError: false }, ['e1', 'e2', 'e3', 'e4', 'e5', 'e7', 'e8']],
    ['q word', { q: 'connection' }, ['e1', 'e2']],
    ['q phrase', { q: '"connection refused"' }, ['e1']],
    ['q prefix', { q: 'conn*' }, ['e1', 'e2', 'e7']],
    ['q AND', { q: 'connection AND peer' }, ['e2']],
    ['q OR', { q: 'disk OR beacon' }, ['e3', 'e5']],
    ['q NOT', { q: 'connection NOT reset' }, ['e1']],
    ['q also searches process', { q: 'sshd' }, ['e4']],
    ['attr number = number', { attr: [{ path: 'EventID', value: 4625 }] }, ['e4', 'e5']],
    ['attr string "4625" matches number and text', { attr: [{ path: 'EventID', value: '4625' }] }, ['e4', 'e5']],
    ['attr nested path', { attr: [{ path: 'http.status', value: 401 }] }, ['e4', 'e5']],
    ['attr nested text', { attr: [{ path: 'http.method', value: 'POST' }] }, ['e4']],
    ['attr key with a dash', { attr: [{ path: 'user-agent', value: 'curl/8' }] }, ['e4']],
    ['attr booleans', { attr: [{ path: 'ok', value: true }] }, ['e5']],
    ['attr boolean as text', { attr: [{ path: 'ok', value: 'false' }] }, ['e4']],
    ['attr real', { attr: [{ path: 'ratio', value: '0.50' }] }, ['e5']],
    ['attr several = all', { attr: [{ path: 'EventID', value: 4625 }, { path: 'ok', value: true }] }, ['e5']],
    ['attr missing path', { attr: [{ path: 'nope', value: 'x' }] }, []],
    ['from after to: an empty window', { from: 2, to: 1 }, []],
    ['attr object is not a value', { attr: [{ path: 'http', value: '{"status":401}' }] }, []],
    ['attr value with SQL in it is just text', { attr: [{ path: 'EventID', value: "4625' OR '1'='1" }] }, []],
    ['attr value with JSON path in it', { attr: [{ path: 'EventID', value: '$.EventID' }] }, []],
    ['combined', { hosts: ['db-*'], minLevel: 5, q: 'password', topics: ['threat-logs'], hasThreats: true }, ['e4']],
  ])('%s', (_name, filter, expected) => {
    expect(all(filter)).toEqual(expected);
    expect(reader.countLogs(filter)).toBe(expected.length);
  });

  test.each<[string, LogFilter, string]>([
    ['from not an integer', { from: 1.5 }, 'from'],
    ['to a string', { to: '5' as unknown as number }, 'to'],
    ['hosts empty', { hosts: [] }, 'hosts'],
    ['hosts not strings', { hosts: [1] as unknown as string[] }, 'hosts'],
    ['hosts too many', { hosts: Array.from({ length: 101 }, (_, i) => `h${i}`) }, 'hosts'],
    ['hostScope not a list', { hostScope: 'web-*' as unknown as string[] }, 'hostScope'],
    ['minLevel 8', { minLevel: 8 }, 'minLevel'],
    ['minLevel -1', { minLevel: -1 }, 'minLevel'],
    ['formats unknown', { formats: ['xml'] }, 'formats'],
    ['threatSeverity unknown', { threatSeverity: 'high' as never }, 'threatSeverity'],
    ['hasThreats not boolean', { hasThreats: 'yes' as never }, 'hasThreats'],
    ['q empty', { q: '' }, 'q'],
    ['q operators only', { q: 'AND OR' }, 'q'],
    ['attr path with a quote', { attr: [{ path: 'a"b', value: 1 }] }, 'attr'],
    ['attr path with $', { attr: [{ path: '$.a', value: 1 }] }, 'attr'],
    ['attr path with brackets', { attr: [{ path: 'a[0]', value: 1 }] }, 'attr'],
    ['attr path with SQL', { attr: [{ path: "a') OR 1=1 --", value: 1 }] }, 'attr'],
    ['attr path empty segment', { attr: [{ path: 'a..b', value: 1 }] }, 'attr'],
    ['attr path empty', { attr: [{ path: '', value: 1 }] }, 'attr'],
    ['attr path too deep', { attr: [{ path: Array(17).fill('a').join('.'), value: 1 }] }, 'attr'],
    ['attr value object', { attr: [{ path: 'a', value: {} as never }] }, 'attr'],
    ['attr value NaN', { attr: [{ path: 'a', value: NaN }] }, 'attr'],
  ])('%s is a BAD_REQUEST naming %s', (_name, filter, param) => {
    const err = caught(() => reader.queryLogs(filter, { limit: 10, order: 'asc' }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.details).toEqual({ param });
  });
});

describe('host scope', () => {
  const scoped: [string, LogFilter, string[]][] = [
    ['scope alone', { hostScope: ['web-*'] }, ['e1', 'e2', 'e5']],
    ['empty scope permits nothing', { hostScope: [] }, []],
    ['events without host are outside every scope', { hostScope: ['*'] }, ['e1', 'e2', 'e3', 'e4', 'e5', 'e7', 'e8']],
    ['hosts outside the scope give nothing', { hostScope: ['web-*'], hosts: ['db-01'] }, []],
    ['hosts glob wider than the scope is narrowed', { hostScope: ['web-0*'], hosts: ['*'] }, ['e1', 'e2']],
    ['q matching out-of-scope rows', { hostScope: ['web-*'], q: 'disk OR password OR connection' }, ['e1', 'e2']],
    ['q with OR cannot widen', { hostScope: ['web-01'], q: 'x OR connection OR disk' }, ['e1']],
    ['attr matching out-of-scope rows', { hostScope: ['web-*'], attr: [{ path: 'EventID', value: 4625 }] }, ['e5']],
    ['threat filters', { hostScope: ['db-01'], hasThreats: true }, ['e4']],
    ['scope with exact and glob', { hostScope: ['db-01', 'web-1*'] }, ['e3', 'e4', 'e5']],
    ['scope with exact and glob, and q', { hostScope: ['db-01', 'web-1*'], q: 'connection' }, []],
    ['scope with exact and glob, and hosts', { hostScope: ['web-1*', 'db-01'], hosts: ['web-01', 'web-02'] }, []],
  ];
  test.each(scoped)('%s', (_name, filter, expected) => {
    expect(all(filter)).toEqual(expected);
    expect(reader.countLogs(filter)).toBe(expected.length);
    expect(reader.statsLogs(filter).total).toBe(expected.length);
  });

  test('getLog hides an event outside the scope', () => {
    const { items } = reader.queryLogs({ hosts: ['db-01'] }, { limit: 1, order: 'asc' });
    const id = items[0]!.id;
    expect(reader.getLog(id, { hostScope: ['web-*'] })).toBeNull();
    expect(reader.getLog(id, { hostScope: [] })).toBeNull();
    expect(reader.getLog(id, { hostScope: ['db-*'] })!.id).toBe(id);
    expect(reader.getLog(id)!.id).toBe(id);
  });
});

describe('getLog', () => {
  test('absent id is null', () => {
    expect(reader.getLog(999_999)).toBeNull();
  });
  test.each([0, -1, 1.5, NaN, Number.MAX_SAFE_INTEGER + 2])('id %s is a BAD_REQUEST', (id) => {
    expect(caught(() => reader.getLog(id)).details).toEqual({ param: 'id' });
  });
});

describe('histogramLogs', () => {
  test('equal slices of [from, to) with their events and threats; the filter applies', () => {
    const h = reader.histogramLogs({ from: T0, to: T0 + 4 * MIN }, { buckets: 2 });
    expect(h).toEqual({ from: T0, to: T0 + 4 * MIN, intervalMs: 2 * MIN, buckets: [{ ts: T0, count: 2, threats: 0 }, { ts: T0 + 2 * MIN, count: 2, threats: 1 }] });
    expect(reader.histogramLogs({ from: T0, to: T0 + 4 * MIN, q: 'connection' }, { buckets: 2 }).buckets.map((b) => b.count)).toEqual([2, 0]);
  });

  test.each([
    [{ to: T0 }, 60, 'from'],
    [{ from: T0 }, 60, 'to'],
    [{ from: T0, to: T0 + MIN }, 0, 'buckets'],
    [{ from: T0, to: T0 + MIN }, 1001, 'buckets'],
    [{ from: T0, to: T0 + MIN }, 1.5, 'buckets'],
  ])('%j with %s buckets: BAD_REQUEST naming %s', (filter, buckets, param) => {
    const e = caught(() => reader.histogramLogs(filter, { buckets }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.details.param).toBe(param);
  });
});

describe('statsLogs', () => {
  test('counts by host, level and threat severity', () => {
    const st = reader.statsLogs({});
    expect(st.total).toBe(8);
    expect(st.hosts_total).toBe(7);
    expect(st.by_host[0]).toEqual({ host: 'db-01', count: 2 });
    expect(st.by_host).toContainEqual({ host: null, count: 1 });
    expect(st.by_level).toEqual([
      { level: 1, count: 1 }, { level: 2, count: 1 }, { level: 3, count: 1 }, { level: 4, count: 1 },
      { level: 5, count: 1 }, { level: 6, count: 1 }, { level: 7, count: 1 }, { level: null, count: 1 },
    ]);
    expect(st.by_threat_severity).toEqual([
      { severity: 'CRITICAL', count: 1 },
      { severity: 'HIGH', count: 1 },
      { severity: 'LOW', count: 1 },
      { severity: null, count: 5 },
    ]);
    expect(reader.statsLogs({}, { topHosts: 1 }).by_host).toEqual([{ host: 'db-01', count: 2 }]);
  });
});

describe('keyset pagination', () => {
  function pageAll(r: LogReader, order: 'asc' | 'desc', limit: number, filter: LogFilter = {}, between?: (page: number) => void): number[] {
    const ids: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10_000; page++) {
      const res = r.queryLogs(filter, { limit, order, cursor });
      ids.push(...res.items.map((e) => e.id));
      if (res.items.length > limit) throw new Error('page too long');
      between?.(page);
      if (!res.next_cursor) return ids;
      cursor = res.next_cursor;
    }
    throw new Error('did not end');
  }

  test('pages in (ts, id) order, ties on ts broken by id, with no next cursor on the last page', () => {
    const s = openTemp();
    // Many equal timestamps, inserted out of time order.
    const events = Array.from({ length: 57 }, (_, i) => makeEvent({ ts: T0 + ((i * 7) % 5) * 1000, message: `m${i}` }));
    new LogWriter(s).writeBatch({ events, offsets: [] });
    const r = new LogReader(s);
    const expectAsc = (s.db.prepare('SELECT id FROM logs ORDER BY ts, id').pluck().all() as number[]);
    for (const limit of [1, 5, 56, 57, 58, 1000]) {
      expect(pageAll(r, 'asc', limit)).toEqual(expectAsc);
      expect(pageAll(r, 'desc', limit)).toEqual([...expectAsc].reverse());
    }
    const exact = r.queryLogs({}, { limit: 57, order: 'asc' });
    expect(exact.items).toHaveLength(57);
    expect(exact.next_cursor).toBeNull();
  });

  test.each(['asc', 'desc'] as const)('%s: rows inserted between pages are neither skipped nor repeated', (order) => {
    const file = tempDbPath();
    const w = openTemp(file);
    const writer = new LogWriter(w);
    const initial = Array.from({ length: 100 }, (_, i) => makeEvent({ ts: T0 + (i % 10) * 1000, message: `init ${i}` }));
    writer.writeBatch({ events: initial, offsets: [] });
    const before = new Set(w.db.prepare('SELECT id FROM logs').pluck().all() as number[]);
    // A separate read-only connection pages while the writer keeps inserting, at old, equal and new times.
    const r = new LogReader(openTemp(file, { readonly: true }));
    let n = 0;
    const seen = pageAll(r, order, 7, {}, () => {
      writer.writeBatch({
        events: [T0 - 5000, T0 + 3000, T0 + 3000, T0 + 50_000].map((ts) => makeEvent({ ts, message: `late ${n++}` })),
        offsets: [],
      });
    });
    expect(new Set(seen).size).toBe(seen.length); // no repeats
    for (const id of before) expect(seen).toContain(id); // no skips of rows that existed at the start
    // Everything served is in order.
    const rows = seen.map((id) => r.getLog(id)!);
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      const cmp = a.ts - b.ts || a.id - b.id;
      expect(order === 'asc' ? cmp < 0 : cmp > 0).toBe(true);
    }
  });

  test('the cursor keeps the filter applied by the caller (host scope on every page)', () => {
    const ids = pageAll(reader, 'desc', 1, { hostScope: ['web-*'] });
    expect(ids.map((id) => reader.getLog(id)!.host)).toEqual(['web-10', 'web-02', 'web-01']);
  });

  test.each<[string, unknown]>([
    ['empty', ''],
    ['not base64url', 'abc$def'],
    ['base64 padding', encodeCursor({ ts: T0, id: 1, order: 'asc' }) + '='],
    ['not JSON', Buffer.from('{ts:1').toString('base64url')],
    ['JSON array', Buffer.from('[1,2]').toString('base64url')],
    ['missing id', Buffer.from(JSON.stringify({ ts: 1, o: 'asc' })).toString('base64url')],
    ['extra key', Buffer.from(JSON.stringify({ ts: 1, id: 1, o: 'asc', x: 1 })).toString('base64url')],
    ['id as string', Buffer.from(JSON.stringify({ ts: 1, id: '1', o: 'asc' })).toString('base64url')],
    ['id 0', Buffer.from(JSON.stringify({ ts: 1, id: 0, o: 'asc' })).toString('base64url')],
    ['ts fractional', Buffer.from(JSON.stringify({ ts: 1.5, id: 1, o: 'asc' })).toString('base64url')],
    ['ts SQL', Buffer.from(JSON.stringify({ ts: '1 OR 1=1', id: 1, o: 'asc' })).toString('base64url')],
    ['ts huge', Buffer.from('{"ts":1e400,"id":1,"o":"asc"}').toString('base64url')],
    ['order unknown', Buffer.from(JSON.stringify({ ts: 1, id: 1, o: 'up' })).toString('base64url')],
    ['a base64url JSON cursor of earlier versions', Buffer.from(`{"ts":${T0},"id":1,"o":"asc"}`).toString('base64url')],
    ['whitespace in JSON', Buffer.from('{"ts":1, "id":1,"o":"asc"}').toString('base64url')],
    ['too long', 'a'.repeat(500)],
    ['not a string', 5],
  ])('tampered cursor (%s) is a BAD_REQUEST naming cursor', (_name, cursor) => {
    const err = caught(() => reader.queryLogs({}, { limit: 5, order: 'asc', cursor: cursor as string }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.details).toEqual({ param: 'cursor' });
  });

  test.each([0, -1, 1001, 2.5])('limit %s is a BAD_REQUEST', (limit) => {
    expect(caught(() => reader.queryLogs({}, { limit, order: 'asc' })).details).toEqual({ param: 'limit' });
  });

  test('order must be asc or desc', () => {
    expect(caught(() => reader.queryLogs({}, { limit: 1, order: 'up' as never })).details).toEqual({ param: 'order' });
  });
});

describe('read-only connection beside the writer', () => {
  test('reads committed batches while the writer keeps writing; never sees a half batch', () => {
    const file = tempDbPath();
    const w = openTemp(file);
    const writer = new LogWriter(w);
    writer.writeBatch({ events: [makeEvent()], offsets: [] });
    const ro = openTemp(file, { readonly: true });
    const r = new LogReader(ro);
    let counted = r.countLogs({});
    expect(counted).toBe(1);
    for (let b = 0; b < 20; b++) {
      writer.writeBatch({ events: Array.from({ length: 10 }, () => makeEvent()), offsets: [] });
      const now = r.countLogs({});
      expect(now % 10).toBe(1); // whole batches only
      expect(now).toBeGreaterThan(counted);
      counted = now;
    }
    // A reader mid-transaction of the writer sees the state before it.
    writer.writeBatch({
      events: [makeEvent()],
      offsets: [],
      inTransaction: () => {
        expect(r.countLogs({})).toBe(counted);
      },
    });
    expect(r.countLogs({})).toBe(counted + 1);
  });

  test('a reader opened while another process-style writer holds the write lock still reads', () => {
    const file = tempDbPath();
    const w = openTemp(file);
    new LogWriter(w).writeBatch({ events: [makeEvent()], offsets: [] });
    const other = openStore(file);
    try {
      other.db.exec('BEGIN IMMEDIATE');
      other.db.exec("INSERT INTO offsets VALUES ('g','t',0,1,1)");
      const r = new LogReader(openTemp(file, { readonly: true }));
      expect(r.countLogs({})).toBe(1);
      other.db.exec('ROLLBACK');
    } finally {
      other.close();
    }
  });
});

describe('newest-first full-text pages read from the index order (FTS_NEWEST_FACTOR)', () => {
  const N = 6000;
  const page = (s: Store, q: string, limit: number) => new LogReader(s).queryLogs({ q }, { limit, order: 'desc', budgetMs: 10_000 });
  function expected(s: Store, re: RegExp): number[] {
    return logsAfter(s, {}, 0, 10_000)
      .filter((x) => re.test(x.message))
      .sort((a, b) => b.ts - a.ts || b.id - a.id)
      .map((x) => x.id);
  }

  test('times that follow arrival: the newest matches by id are the page, and the next pages follow on', () => {
    const s = openTemp();
    new LogWriter(s).writeBatch({ events: Array.from({ length: N }, (_, i) => makeEvent({ ts: T0 + i * 1000, message: `m${i} ${i % 2 === 0 ? 'common' : 'other'} ${i % 3 === 0 ? 'alpha beta' : 'beta alpha'}` })), offsets: [] });
    for (const [q, re] of [['common', /\bcommon\b/], ['"alpha beta"', /\balpha beta\b/]] as const) {
      const want = expected(s, re);
      const first = page(s, q, 100);
      expect(first.items.map((e) => e.id)).toEqual(want.slice(0, 100));
      const next = new LogReader(s).queryLogs({ q }, { limit: 100, order: 'desc', cursor: first.next_cursor, budgetMs: 10_000 });
      expect(next.items.map((e) => e.id)).toEqual(want.slice(100, 200));
    }
  });

  test('the newest events by time arrived first: the page is still theirs, not the newest by id', () => {
    const s = openTemp();
    // The first 150 events (lowest ids) carry the latest times; all match.
    const events = Array.from({ length: N }, (_, i) => makeEvent({ ts: i < 150 ? T0 + 10_000_000 + i : T0 + i * 1000, message: `m${i} common` }));
    new LogWriter(s).writeBatch({ events, offsets: [] });
    const want = expected(s, /\bcommon\b/);
    expect(want.slice(0, 3)).toEqual([150, 149, 148]);
    expect(page(s, 'common', 100).items.map((e) => e.id)).toEqual(want.slice(0, 100));
    expect(page(s, 'common', 1).items.map((e) => e.id)).toEqual([150]);
  });

  test('one late event among thousands in order: found, wherever it falls', () => {
    const s = openTemp();
    // Event 10 (an early id) has a time inside the newest page's span.
    const events = Array.from({ length: N }, (_, i) => makeEvent({ ts: i === 10 ? T0 + (N - 50) * 1000 + 500 : T0 + i * 1000, message: `m${i} common` }));
    new LogWriter(s).writeBatch({ events, offsets: [] });
    const want = expected(s, /\bcommon\b/);
    const got = page(s, 'common', 100).items.map((e) => e.id);
    expect(got).toContain(11);
    expect(got).toEqual(want.slice(0, 100));
  });
});

describe('full-text pages on both sides of FTS_WALK_MIN_MATCHES', () => {
  // Timestamps a permutation of the insert order, with ties: a page in id order would be wrong.
  const N = 2 * FTS_WALK_MIN_MATCHES + 500;
  let s: Store;
  let r: LogReader;
  const words = (i: number) => [i % 2 === 0 ? 'frequent' : 'odd', i < FTS_WALK_MIN_MATCHES - 1 ? 'below' : '', i < FTS_WALK_MIN_MATCHES ? 'exactly' : '', i % 97 === 0 ? 'rare' : '', i % 3 === 0 ? 'alpha beta' : 'beta alpha'];
  beforeAll(() => {
    s = openTemp();
    const events = Array.from({ length: N }, (_, i) => makeEvent({ ts: T0 + ((i * 7919) % 1000) * 1000, message: `m${i} ${words(i).join(' ')}`, host: i % 3 === 0 ? 'web-01' : 'db-01' }));
    new LogWriter(s).writeBatch({ events, offsets: [] });
    r = new LogReader(s);
  });

  function expected(match: RegExp, order: 'asc' | 'desc', host?: string): number[] {
    const rows = logsAfter(s, {}, 0, 10_000).sort((a, b) => a.ts - b.ts || a.id - b.id);
    const ids = rows.filter((x) => match.test(x.message) && (host === undefined || x.host === host)).map((x) => x.id);
    return order === 'asc' ? ids : ids.reverse();
  }

  /** Every page, or the first `maxPages`. */
  function pages(filter: LogFilter, order: 'asc' | 'desc', limit: number, maxPages = Infinity): number[] {
    const ids: number[] = [];
    let cursor: string | null = null;
    for (let n = 0; n < maxPages; n++) {
      const page = r.queryLogs(filter, { limit, order, cursor, budgetMs: 10_000 });
      ids.push(...page.items.map((e) => e.id));
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    return ids;
  }

  test.each([
    { name: 'frequent word (walks the time index)', q: 'frequent', re: /\bfrequent\b/, matches: N / 2 },
    { name: 'one match short of the threshold (drives from the matches)', q: 'below', re: /\bbelow\b/, matches: FTS_WALK_MIN_MATCHES - 1 },
    { name: 'exactly the threshold (walks)', q: 'exactly', re: /\bexactly\b/, matches: FTS_WALK_MIN_MATCHES },
    { name: 'rare word', q: 'rare', re: /\brare\b/, matches: Math.ceil(N / 97) },
    { name: 'frequent OR rare', q: 'frequent OR rare', re: /\b(frequent|rare)\b/, matches: null },
    { name: 'frequent NOT rare', q: 'frequent NOT rare', re: /\bfrequent\b(?!.*\brare\b)/, matches: null },
    { name: 'no match', q: 'absent', re: /\babsent\b/, matches: 0 },
    { name: 'a phrase whose words are in every event (walks, each candidate checked on its text)', q: '"alpha beta"', re: /\balpha beta\b/, matches: Math.ceil(N / 3) },
    { name: 'a phrase with a frequent word', q: '"alpha beta" frequent', re: /\bfrequent\b.*\balpha beta\b/, matches: null },
  ])('$name: every page in (ts, id) order, nothing skipped or repeated', ({ q, re, matches }) => {
    const asc = expected(re, 'asc');
    if (matches !== null) expect(asc).toHaveLength(matches);
    for (const order of ['asc', 'desc'] as const) {
      const want = order === 'asc' ? asc : [...asc].reverse();
      for (const limit of [250, 1000]) expect(pages({ q }, order, limit)).toEqual(want);
      expect(pages({ q }, order, 1, 5)).toEqual(want.slice(0, 5));
    }
    expect(r.countLogs({ q })).toBe(asc.length);
  });

  test('a frequent word with another filter, from a cursor in the middle', () => {
    const want = expected(/\bfrequent\b/, 'desc', 'web-01');
    const first = r.queryLogs({ q: 'frequent', hosts: ['web-01'] }, { limit: 300, order: 'desc', budgetMs: 10_000 });
    expect(first.items.map((e) => e.id)).toEqual(want.slice(0, 300));
    const next = r.queryLogs({ q: 'frequent', hosts: ['web-01'] }, { limit: 300, order: 'desc', cursor: first.next_cursor, budgetMs: 10_000 });
    expect(next.items.map((e) => e.id)).toEqual(want.slice(300, 600));
  });

  test('a query the sanitizer refuses is still a BAD_REQUEST naming q', () => {
    expect(caught(() => r.queryLogs({ q: 'AND OR' }, { limit: 10, order: 'desc', budgetMs: 1000 }))).toMatchObject({ code: 'BAD_REQUEST', details: { param: 'q' } });
  });
});
