import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { deferCleanup, tempDir } from '../helpers/temp.js';
import { LogaggError } from '../../src/errors.js';
import { LogReader } from '../../src/store/log-reader.js';
import { blockColumns } from '../../src/store/log-block.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { readOffsets } from '../../src/store/offsets.js';
import { openStore } from '../../src/store/store.js';
import { caught, checkFts, makeEvent, openTemp, T0, tempDbPath } from './fixtures.js';

const count = (s: ReturnType<typeof openTemp>, sql: string): number => Number(s.db.prepare(sql).pluck().get());

describe('LogWriter.writeBatch', () => {
  test('an empty batch still stores its offsets', () => {
    const s = openTemp();
    const r = new LogWriter(s).writeBatch({ events: [], offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: '7' }], now: 1 });
    expect(r).toEqual({ ids: [], inserted: 0, ignored: 0 });
    expect(readOffsets(s, 'g')).toEqual(new Map([['t', new Map([[0, '7']])]]));
  });

  test('stores every field and reads the event back unchanged', () => {
    const s = openTemp();
    const e = makeEvent({
      ts: T0 + 123,
      ts_fallback: true,
      source: { kind: 'syslog-udp', topic: 'syslog', partition: -1, offset: null, peer: '10.0.0.9:514' },
      format: 'syslog5424',
      host: 'db-02',
      level: 3,
      level_name: 'error',
      message: 'failed password for root',
      metrics: { cpu_pct: 91.5, mem_used: 1024, mem_total: 4096, mem_pct: 25, net_in: 10, net_out: 20, disk_pct: 70 },
      process: 'sshd',
      pid: 77,
      user: 'root',
      src_ip: '203.0.113.9',
      dst_ip: '10.0.0.2',
      src_port: 50123,
      dst_port: 22,
      domain: 'example.org',
      file_hash: 'd41d8cd98f00b204e9800998ecf8427e',
      threats: [
        { name: 'brute force', severity: 'HIGH', tags: ['ssh'], origin: 'message' },
        { name: 'bad ip', severity: 'LOW', tags: [], origin: 'intel', list: 'abuse', indicator: '203.0.113.9' },
      ],
      tags: ['auth', 'prod'],
      asset: { environment: 'prod', owner: 'ops', criticality: 'high', tags: ['db'] },
      attributes: { EventID: 4625, nested: { a: [1, 'x', null] }, flag: true },
      raw: '<11>1 2025-01-15T12:00:00.123Z db-02 sshd 77 - - failed password for root',
      raw_truncated: true,
      parse_error: 'partial: no structured data',
    });
    const w = new LogWriter(s);
    const r = w.writeBatch({ events: [e], offsets: [] });
    expect(r.inserted).toBe(1);
    const id = r.ids[0]!;
    expect(new LogReader(s).getLog(id)).toEqual({ ...e, id });
  });

  test('empty metrics, threats, tags and attributes come back empty, not missing', () => {
    const s = openTemp();
    const e = makeEvent({ host: null, level: null, level_name: null, asset: {} });
    const { ids } = new LogWriter(s).writeBatch({ events: [e], offsets: [] });
    const got = new LogReader(s).getLog(ids[0]!)!;
    expect(got).toEqual({ ...e, id: ids[0] });
    expect(s.db.prepare('SELECT tagset_id, threat_severity, host_id FROM logs').get()).toEqual({ tagset_id: null, threat_severity: null, host_id: null });
    // Empty columns are left out of the block's payload altogether.
    const b = s.db.prepare('SELECT codec, payload FROM log_blocks').get() as { codec: number; payload: Buffer };
    const fields = Object.keys(blockColumns(b.payload, b.codec));
    expect(fields).toContain('raw');
    expect(fields).not.toContain('metrics');
    expect(fields).not.toContain('attributes');
    expect(fields).not.toContain('threats');
  });

  test('Kafka offsets beyond 2^53 are stored and read back exactly', () => {
    const s = openTemp();
    const big = '9223372036854775806';
    const e = makeEvent({ source: { kind: 'kafka', topic: 't', partition: 3, offset: big } });
    const w = new LogWriter(s);
    const { ids } = w.writeBatch({ events: [e], offsets: [{ group: 'g', topic: 't', partition: 3, nextOffset: '9223372036854775807' }] });
    expect(new LogReader(s).getLog(ids[0]!)!.source.offset).toBe(big);
    expect(readOffsets(s, 'g').get('t')!.get(3)).toBe('9223372036854775807');
    // A replay of the same coordinates is recognised even at that size.
    expect(w.writeBatch({ events: [e], offsets: [] }).ignored).toBe(1);
  });

  test('ids are increasing, one per event, in input order', () => {
    const s = openTemp();
    const events = [makeEvent({ message: 'a' }), makeEvent({ message: 'b' }), makeEvent({ message: 'c' })];
    const { ids } = new LogWriter(s).writeBatch({ events, offsets: [] });
    expect(ids).toHaveLength(3);
    expect(ids[0]! < ids[1]! && ids[1]! < ids[2]!).toBe(true);
    const reader = new LogReader(s);
    expect(ids.map((id) => reader.getLog(id!)!.message)).toEqual(['a', 'b', 'c']);
  });

  test('a replayed (topic, partition, offset) is skipped, counted and reported as a null id', () => {
    const s = openTemp();
    const w = new LogWriter(s);
    const a = makeEvent({ source: { kind: 'kafka', topic: 't', partition: 0, offset: '10' }, metrics: { cpu_pct: 50 } });
    const b = makeEvent({ source: { kind: 'kafka', topic: 't', partition: 0, offset: '11' } });
    w.writeBatch({ events: [a], offsets: [] });
    // Same offset in another partition or topic is a different message.
    const other = [
      makeEvent({ source: { kind: 'kafka', topic: 't', partition: 1, offset: '10' } }),
      makeEvent({ source: { kind: 'kafka', topic: 'u', partition: 0, offset: '10' } }),
    ];
    const r = w.writeBatch({ events: [a, b, a, ...other], offsets: [] });
    expect(r.inserted).toBe(3);
    expect(r.ignored).toBe(2);
    expect(r.ids[0]).toBeNull();
    expect(r.ids[2]).toBeNull();
    expect(r.ids[1]).toBeGreaterThan(0);
    expect(count(s, 'SELECT count(*) FROM logs')).toBe(4);
    // Rollups count stored events only: a replay must not inflate them.
    expect(s.db.prepare('SELECT count, cpu_n FROM rollup_1m').get()).toEqual({ count: 4, cpu_n: 1 });
    // Nor the full-text index.
    expect(count(s, "SELECT count(*) FROM logs_fts WHERE logs_fts MATCH 'served'")).toBe(4);
    checkFts(s);
  });

  test('every stored event is searchable by message, host and process; the index stays consistent', () => {
    const s = openTemp();
    const { ids } = new LogWriter(s).writeBatch({
      events: [
        makeEvent({ message: 'alpha beta', host: 'mail-7', process: 'postfix' }),
        makeEvent({ message: 'gamma', host: null, process: null }),
      ],
      offsets: [],
    });
    const r = new LogReader(s);
    const match = (q: string) => r.queryLogs({ q }, { limit: 10, order: 'asc' }).items.map((e) => e.id);
    expect(match('beta')).toEqual([ids[0]]);
    expect(match('"mail 7"')).toEqual([ids[0]]);
    expect(match('postfix')).toEqual([ids[0]]);
    expect(match('gamma')).toEqual([ids[1]]);
    // One document per event: message, process and host joined by spaces.
    expect(match('"beta postfix mail"')).toEqual([ids[0]]);
    checkFts(s);
    // A deleted row (retention, a repair) leaves the index with it, by trigger.
    s.db.prepare('DELETE FROM logs WHERE id = ?').run(ids[1]);
    expect(match('gamma')).toEqual([]);
    checkFts(s);
  });

  test('events without offsets (syslog, http) are never treated as duplicates', () => {
    const s = openTemp();
    const e = makeEvent({ source: { kind: 'http', topic: 'http', partition: -1, offset: null } });
    const r = new LogWriter(s).writeBatch({ events: [e, e, e], offsets: [] });
    expect(r.inserted).toBe(3);
  });

  test('offsets of a source read out of order (an Elasticsearch _id, hashed) count one by one, not as a range', () => {
    const s = openTemp();
    const w = new LogWriter(s);
    const es = (offset: string, message: string) => makeEvent({ message, source: { kind: 'es-bulk', topic: 'logs-app', partition: -1, offset } });
    expect(w.writeBatch({ events: [es('10', 'a'), es('30', 'b')], offsets: [] }).inserted).toBe(2);
    // 20 lies between two stored ids: a Kafka range would call it stored; it is a new document.
    const r = w.writeBatch({ events: [es('20', 'c'), es('30', 'b again'), es('10', 'a again')], offsets: [] });
    expect(r.inserted).toBe(1);
    expect(r.ids[0]).not.toBeNull();
    expect(r.ids.slice(1)).toEqual([null, null]);
    // A Kafka partition's range still covers the offsets between its ends.
    const k = (offset: string) => makeEvent({ source: { kind: 'kafka', topic: 'logs-app', partition: 0, offset } });
    expect(w.writeBatch({ events: [k('10'), k('30')], offsets: [] }).inserted).toBe(2);
    expect(w.writeBatch({ events: [k('20')], offsets: [] }).inserted).toBe(0);
  });

  test('offsets are upserted per (group, topic, partition)', () => {
    const s = openTemp();
    const w = new LogWriter(s);
    w.writeBatch({ events: [], offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: '5' }, { group: 'g', topic: 't', partition: 1, nextOffset: '9' }] });
    w.writeBatch({ events: [], offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: '6' }, { group: 'h', topic: 't', partition: 0, nextOffset: '1' }] });
    expect(readOffsets(s, 'g')).toEqual(new Map([['t', new Map([[0, '6'], [1, '9']])]]));
    expect(readOffsets(s, 'h')).toEqual(new Map([['t', new Map([[0, '1']])]]));
    expect(readOffsets(s, 'nobody')).toEqual(new Map());
  });

  test.each(['-1', '1.5', '', 'abc', '01', '9223372036854775808', ' 1'])('a malformed next offset %j is a BAD_REQUEST and stores nothing', (bad) => {
    const s = openTemp();
    const err = caught(() => new LogWriter(s).writeBatch({ events: [makeEvent()], offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: bad }] }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(count(s, 'SELECT count(*) FROM logs')).toBe(0);
  });

  test('the hook sees the assigned ids and writes in the same transaction', () => {
    const s = openTemp();
    s.db.exec('CREATE TABLE alerts_t (event_id INTEGER, title TEXT)');
    const w = new LogWriter(s);
    const events = [makeEvent({ message: 'x' }), makeEvent({ message: 'y' })];
    let seen: (number | null)[] = [];
    const r = w.writeBatch({
      events,
      offsets: [],
      now: 42,
      inTransaction: (tx) => {
        seen = [...tx.ids];
        expect(tx.now).toBe(42);
        expect(Array.from(tx.events, (e) => e.ts)).toEqual(events.map((e) => e.ts)); // the events' times (what alerts need)
        expect(tx.statement('SELECT 1')).toBe(tx.statement('SELECT 1')); // prepared once
        for (const id of tx.ids) tx.statement('INSERT INTO alerts_t VALUES (?, ?)').run(id, 'alert');
      },
    });
    expect(seen).toEqual(r.ids);
    expect(s.db.prepare('SELECT event_id FROM alerts_t ORDER BY event_id').pluck().all()).toEqual(r.ids);
  });

  test('a failure inside the hook leaves nothing of the batch: events, FTS, rollups, offsets, hook rows', () => {
    const s = openTemp();
    s.db.exec('CREATE TABLE alerts_t (event_id INTEGER)');
    const w = new LogWriter(s);
    // A first batch that must survive untouched.
    w.writeBatch({ events: [makeEvent({ message: 'kept row' })], offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: '1' }] });
    const snapshot = () => ({
      logs: count(s, 'SELECT count(*) FROM logs'),
      fts: count(s, "SELECT count(*) FROM logs_fts WHERE logs_fts MATCH 'doomed'"),
      r1m: s.db.prepare('SELECT * FROM rollup_1m ORDER BY bucket_start, host').all(),
      r1h: s.db.prepare('SELECT * FROM rollup_1h ORDER BY bucket_start, host').all(),
      offsets: s.db.prepare('SELECT * FROM offsets').all(),
      alerts: count(s, 'SELECT count(*) FROM alerts_t'),
    });
    const before = snapshot();
    const boom = new LogaggError('RULE_INVALID', 'rule blew up');
    let thrown: unknown;
    try {
      w.writeBatch({
        events: [makeEvent({ message: 'doomed event', metrics: { cpu_pct: 99 }, host: 'new-host' })],
        offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: '2' }],
        inTransaction: (tx) => {
          tx.statement('INSERT INTO alerts_t VALUES (?)').run(tx.ids[0]);
          throw boom;
        },
      });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe(boom); // a LogaggError from the hook passes through unchanged
    expect(snapshot()).toEqual(before);
    expect(before.logs).toBe(1);
    // The connection is usable afterwards and ids continue.
    const r = w.writeBatch({ events: [makeEvent({ message: 'after' })], offsets: [] });
    expect(r.inserted).toBe(1);
    expect(s.db.prepare("SELECT 1 FROM logs_fts WHERE logs_fts MATCH 'doomed'").get()).toBeUndefined();
  });

  test('a SQL failure inside the transaction is a STORE_FAILED and rolls back', () => {
    const s = openTemp();
    const w = new LogWriter(s);
    const err = caught(() =>
      w.writeBatch({ events: [makeEvent()], offsets: [], inTransaction: (tx) => void tx.statement('INSERT INTO no_such_table VALUES (1)').run() }),
    );
    expect(err.code).toBe('STORE_FAILED');
    expect(err.canRetry).toBe(false);
    expect(count(s, 'SELECT count(*) FROM logs')).toBe(0);
  });

  test('after a rolled-back batch, its ids, dictionary entries and blocks are given again, and read right', () => {
    const s = openTemp();
    const w = new LogWriter(s);
    const r = new LogReader(s);
    const first = makeEvent({ host: 'rolled-back-host', tags: ['only-then'], message: 'never stored' });
    caught(() =>
      w.writeBatch({
        events: [first],
        offsets: [],
        inTransaction: (tx) => {
          // Read inside the transaction (as alert samples may): the block is cached, then rolled back.
          expect(r.getLog(tx.ids[0]!)?.message).toBe('never stored');
          throw new Error('hook failed');
        },
      }),
    );
    const { ids } = w.writeBatch({ events: [makeEvent({ host: 'rolled-back-host', tags: ['only-then'], message: 'stored' })], offsets: [] });
    const got = r.getLog(ids[0]!)!;
    expect(got).toMatchObject({ message: 'stored', host: 'rolled-back-host', tags: ['only-then'] });
    expect(r.countLogs({ hosts: ['rolled-back-host'], tags: ['only-then'] })).toBe(1);
    // The rolled-back event's offset was not stored: a redelivery of it is new.
    expect(w.writeBatch({ events: [first], offsets: [] }).inserted).toBe(1);
  });

  test('a locked database is STORE_UNAVAILABLE with canRetry, and nothing is stored', () => {
    const file = tempDbPath();
    const s = openTemp(file, { busyTimeoutMs: 50 });
    const other = openStore(file, { busyTimeoutMs: 50 });
    try {
      other.db.exec('BEGIN IMMEDIATE'); // another writer holds the lock
      const err = caught(() => new LogWriter(s).writeBatch({ events: [makeEvent()], offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: '1' }] }));
      expect(err.code).toBe('STORE_UNAVAILABLE');
      expect(err.canRetry).toBe(true);
      expect(err.details).toEqual({ sqlite: 'SQLITE_BUSY' });
      other.db.exec('ROLLBACK');
      expect(count(s, 'SELECT count(*) FROM logs')).toBe(0);
      expect(count(s, 'SELECT count(*) FROM offsets')).toBe(0);
      // Retrying once the lock is free succeeds.
      expect(new LogWriter(s).writeBatch({ events: [makeEvent()], offsets: [] }).inserted).toBe(1);
    } finally {
      other.close();
    }
  });

  test('a full database (SQLITE_FULL) is STORE_UNAVAILABLE with canRetry, and nothing is stored', () => {
    const s = openTemp();
    const w = new LogWriter(s);
    w.writeBatch({ events: [makeEvent({ message: 'before' })], offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: '1' }] });
    // SQLite's own size cap: the next pages cannot be allocated, as on a full disk.
    const pages = Number(s.db.pragmaValue('page_count'));
    s.db.exec(`PRAGMA max_page_count = ${pages + 2}`);
    const big = Array.from({ length: 200 }, (_, i) => makeEvent({ message: `row ${i} ` + 'x'.repeat(2000), raw: 'y'.repeat(2000) }));
    const err = caught(() => w.writeBatch({ events: big, offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: '201' }] }));
    expect(err.code).toBe('STORE_UNAVAILABLE');
    expect(err.canRetry).toBe(true);
    expect(err.details).toEqual({ sqlite: 'SQLITE_FULL' });
    expect(count(s, 'SELECT count(*) FROM logs')).toBe(1);
    expect(readOffsets(s, 'g').get('t')!.get(0)).toBe('1');
    expect(count(s, 'SELECT sum(count) FROM rollup_1m')).toBe(1);
    s.db.exec('PRAGMA max_page_count = 4294967294');
    expect(w.writeBatch({ events: big, offsets: [] }).inserted).toBe(200);
    checkFts(s);
  });

  test('refuses a read-only store', () => {
    const file = tempDbPath();
    openStore(file).close();
    const r = openTemp(file, { readonly: true });
    expect(() => new LogWriter(r)).toThrow(/writer connection/);
  });
});

/** A 3 MiB tmpfs, when this process may mount one (root in a container or VM); else null. */
function smallFileSystem(): string | null {
  const dir = tempDir('logagg-full-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  deferCleanup(() => execFileSync('umount', ['-l', dir], { stdio: 'ignore' }));
  return dir;
}

describe('a real full disk', () => {
  const dir = smallFileSystem();
  test.skipIf(dir === null)('batches fail whole with canRetry while the disk is full, and succeed once space is freed', () => {
    const file = path.join(dir!, 'logagg.db');
    const s = openStore(file);
    try {
      const w = new LogWriter(s);
      const filler = path.join(dir!, 'filler');
      writeFileSync(filler, Buffer.alloc(1024 * 1024)); // leave less room than the batches need
      let stored = 0;
      let next = 0;
      let err: LogaggError | undefined;
      for (let b = 0; b < 200 && !err; b++) {
        const events = Array.from({ length: 50 }, (_, i) => makeEvent({ message: `batch ${b} row ${i} ` + 'z'.repeat(400) }));
        try {
          stored += w.writeBatch({ events, offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: String(next + 50) }] }).inserted;
          next += 50;
        } catch (e) {
          err = e as LogaggError;
        }
      }
      expect(err?.code).toBe('STORE_UNAVAILABLE');
      expect(err?.canRetry).toBe(true);
      expect(String(err?.details.sqlite)).toMatch(/^SQLITE_(FULL|IOERR)/);
      expect(count(s, 'SELECT count(*) FROM logs')).toBe(stored);
      expect(readOffsets(s, 'g').get('t')?.get(0) ?? '0').toBe(String(next));
      expect(count(s, 'SELECT sum(count) FROM rollup_1m')).toBe(stored);
      rmSync(filler);
      const r = w.writeBatch({ events: [makeEvent({ message: 'after the disk was freed' })], offsets: [] });
      expect(r.inserted).toBe(1);
      checkFts(s);
      expect(s.db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    } finally {
      s.close();
    }
  });
});
