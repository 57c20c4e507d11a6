// The disk budget on real SQLite files: what it deletes (oldest events first, then rollups),
// when it stops, the free-space floor (with the file system's free bytes given by the test),
// the pause a full-disk store failure starts and ends, the internal alert, and the ballast.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DiskBudget, diskFailureCode, DISK_FULL_RULE_ID } from '../../src/app/disk-budget.js';
import { LogaggError } from '../../src/errors.js';
import type { IngestPause } from '../../src/ingest/ingest-stats.js';
import { createLogger } from '../../src/logger.js';
import { databaseSpace } from '../../src/store/disk-usage.js';
import { LogReader } from '../../src/store/log-reader.js';
import { LogWriter } from '../../src/store/log-writer.js';
import type { Store } from '../../src/store/store.js';
import { makeEvent, openTemp, T0, tempDbPath } from '../store/fixtures.js';

const quiet = createLogger({ level: 'error', format: 'json', write: () => undefined });
const STEP = 3_000;

/**
 * n events, 20 a minute from T0 (the rollups stay small beside them), each with a message of
 * random hex (it does not compress away in the blocks), in batches of 1,000.
 */
function fill(store: Store, n: number, from = 0): void {
  const w = new LogWriter(store);
  for (let start = from; start < from + n; start += 1000) {
    const events = [];
    for (let i = start; i < Math.min(from + n, start + 1000); i++) {
      const message = `event ${i} ${randomBytes(200).toString('hex')}`;
      events.push(makeEvent({ ts: T0 + i * STEP, message, raw: message, metrics: { cpu_pct: i % 100 } }));
    }
    w.writeBatch({ events, offsets: [] });
  }
}

function budget(store: Store, path: string, over: Partial<ConstructorParameters<typeof DiskBudget>[1]> = {}, diskFree = () => 1e12) {
  const pauses: (IngestPause | null)[] = [];
  const b = new DiskBudget(store, { path, maxBytes: 0, minFreeBytes: 0, ballastBytes: 0, chunk: 500, ...over }, {
    logger: quiet,
    diskFree,
    onPause: (p) => pauses.push(p),
  });
  return { b, pauses };
}

describe('the budget (retention.max_bytes)', () => {
  test('deletes the oldest events until the bytes in use are under the budget, newest kept', async () => {
    const path = tempDbPath();
    const s = openTemp(path);
    fill(s, 8000);
    const used = databaseSpace(s).usedBytes;
    const max = Math.round(used / 2);
    const { b } = budget(s, path, { maxBytes: max });
    const r = await b.enforce();
    expect(r.met).toBe(true);
    expect(r.usedBytes).toBeLessThanOrEqual(max);
    expect(databaseSpace(s).usedBytes).toBeLessThanOrEqual(max);
    expect(r.deleted.logs).toBeGreaterThan(1000);
    expect(r.deleted.rollup_1m).toBe(0); // events were enough
    const reader = new LogReader(s);
    const left = reader.countLogs({});
    expect(left).toBe(8000 - r.deleted.logs);
    // What is left is the newest: every event after the oldest one kept.
    const oldest = reader.queryLogs({}, { limit: 1, order: 'asc' }).items[0]!;
    expect(oldest.ts).toBe(T0 + r.deleted.logs * STEP);
    expect(reader.countLogs({ from: oldest.ts })).toBe(left);
  });

  test('under the budget nothing is deleted', async () => {
    const path = tempDbPath();
    const s = openTemp(path);
    fill(s, 500);
    const { b } = budget(s, path, { maxBytes: databaseSpace(s).usedBytes + 1 });
    expect(await b.enforce()).toMatchObject({ deleted: { logs: 0, rollup_1m: 0, rollup_1h: 0 }, met: true });
    expect(new LogReader(s).countLogs({})).toBe(500);
  });

  test('when events are not enough, the oldest rollups go next', async () => {
    const path = tempDbPath();
    const s = openTemp(path);
    fill(s, 3000);
    // A budget below what an empty schema with these rollups takes: everything must go.
    const { b } = budget(s, path, { maxBytes: 4096 });
    const r = await b.enforce();
    expect(r.deleted.logs).toBe(3000);
    expect(r.deleted.rollup_1m).toBeGreaterThan(0);
    expect(new LogReader(s).countLogs({})).toBe(0);
    expect(r.met).toBe(false); // the schema alone is larger than 4 KiB: said, not hidden
  });
});

describe('the free-space floor (retention.min_free_bytes)', () => {
  test('below the floor, deletes until the database holds the missing bytes as free pages', async () => {
    const path = tempDbPath();
    const s = openTemp(path);
    fill(s, 6000);
    const floor = 10 * 1024 * 1024;
    const diskFree = floor - 1024 * 1024; // 1 MiB missing
    const { b } = budget(s, path, { minFreeBytes: floor }, () => diskFree);
    const r = await b.enforce();
    expect(r.met).toBe(true);
    expect(r.freeBytes).toBeGreaterThanOrEqual(1024 * 1024);
    expect(r.deleted.logs).toBeGreaterThan(0);
    expect(r.deleted.logs).toBeLessThan(6000);
  });

  test('above the floor nothing is deleted', async () => {
    const path = tempDbPath();
    const s = openTemp(path);
    fill(s, 1000);
    const { b } = budget(s, path, { minFreeBytes: 1024 }, () => 1e9);
    expect((await b.enforce()).deleted.logs).toBe(0);
  });
});

describe('a store that refuses writes', () => {
  const full = new LogaggError('STORE_UNAVAILABLE', 'database or disk is full', { details: { sqlite: 'SQLITE_FULL' }, canRetry: true });

  test.each([
    [full, 'SQLITE_FULL'],
    [new LogaggError('STORE_UNAVAILABLE', 'disk I/O error', { details: { sqlite: 'SQLITE_IOERR_WRITE' }, canRetry: true }), 'SQLITE_IOERR_WRITE'],
    [new LogaggError('STORE_UNAVAILABLE', 'database is locked', { details: { sqlite: 'SQLITE_BUSY' }, canRetry: true }), null],
    [new Error('SQLITE_FULL'), null],
  ])('diskFailureCode(%s) = %s', (e, code) => {
    expect(diskFailureCode(e)).toBe(code);
  });

  test('a full disk pauses ingest with the reason, gives the ballast back and raises the internal alert once; a commit ends the pause', async () => {
    const path = tempDbPath();
    const s = openTemp(path);
    const { b, pauses } = budget(s, path, { ballastBytes: 64 * 1024 });
    b.ensureBallast();
    expect(statSync(path + '.ballast').size).toBe(64 * 1024);

    b.storeFailed(full);
    b.storeFailed(full); // a retry failing again changes nothing
    await b.enforce();
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toMatchObject({ code: 'SQLITE_FULL' });
    expect(pauses[0]!.reason).toMatch(/disk holding .* is full/);
    expect(b.paused).not.toBeNull();
    expect(existsSync(path + '.ballast')).toBe(false);
    const alerts = s.db.prepare('SELECT rule_id, severity, title FROM alerts').all() as { rule_id: string; severity: string; title: string }[];
    expect(alerts).toEqual([{ rule_id: DISK_FULL_RULE_ID, severity: 'CRITICAL', title: expect.stringMatching(/ingest paused/) }]);

    // While paused, the ballast is not made again.
    b.ensureBallast();
    expect(existsSync(path + '.ballast')).toBe(false);

    b.storeRecovered();
    expect(pauses).toEqual([expect.objectContaining({ code: 'SQLITE_FULL' }), null]);
    expect(b.paused).toBeNull();
    await b.enforce(); // the next check makes the ballast again
    expect(statSync(path + '.ballast').size).toBe(64 * 1024);
  });

  test('during a full-disk pause, writes wait for room on the disk or inside the database', async () => {
    const path = tempDbPath();
    const s = openTemp(path);
    fill(s, 8000);
    let free = 0;
    const { b } = budget(s, path, { ballastBytes: 1024 * 1024 }, () => free);
    expect(b.mayWrite()).toBe(true);
    b.storeFailed(full);
    expect(b.mayWrite()).toBe(false);
    free = 3 * 1024 * 1024; // not yet: the room is max(4 MiB, 2 × ballast)
    expect(b.mayWrite()).toBe(false);
    free = 4 * 1024 * 1024;
    expect(b.mayWrite()).toBe(true);
    free = 0;
    // Room inside the database counts too: old events deleted by hand here.
    const { pruneOnce } = await import('../../src/store/retention.js');
    pruneOnce(s, { olderThanMs: T0 + 7900 * STEP, chunk: 100_000 });
    expect(databaseSpace(s).freeBytes).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    expect(b.mayWrite()).toBe(true);
    b.storeRecovered();
    expect(b.mayWrite()).toBe(true);
  });

  test('an I/O error pauses, but does not hold writes back (it is not about room)', () => {
    const path = tempDbPath();
    const s = openTemp(path);
    const { b } = budget(s, path, {}, () => 0);
    b.storeFailed(new LogaggError('STORE_UNAVAILABLE', 'disk I/O error', { details: { sqlite: 'SQLITE_IOERR_WRITE' }, canRetry: true }));
    expect(b.paused).not.toBeNull();
    expect(b.mayWrite()).toBe(true);
  });

  test('a busy database is not a pause', () => {
    const path = tempDbPath();
    const s = openTemp(path);
    const { b, pauses } = budget(s, path);
    b.storeFailed(new LogaggError('STORE_UNAVAILABLE', 'database is locked', { details: { sqlite: 'SQLITE_BUSY' }, canRetry: true }));
    expect(pauses).toEqual([]);
    expect(b.paused).toBeNull();
  });

  test('no ballast when the disk has no room for it beside the floor', () => {
    const path = tempDbPath();
    const s = openTemp(path);
    const { b } = budget(s, path, { ballastBytes: 1024 * 1024, minFreeBytes: 10 * 1024 * 1024 }, () => 11 * 1024 * 1024);
    b.ensureBallast();
    expect(existsSync(path + '.ballast')).toBe(false);
  });
});
