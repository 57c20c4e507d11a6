import { describe, expect, test } from 'vitest';
import { SqliteAlertsPort } from '../../src/store/alert-port.js';
import { openStore, type Store } from '../../src/store/store.js';
import { LocalTailSource, type LocalSourceOptions } from '../../src/tui/local-source.js';
import { deferCleanup } from '../helpers/temp.js';
import { events, RecordingSink, sleep, tailDb, until, type TailDb } from './tail-fixtures.js';

function source(db: TailDb, over: Partial<LocalSourceOptions> = {}): LocalTailSource {
  const s = new LocalTailSource({ store: db.readStore, alerts: new SqliteAlertsPort(db.readStore, null), intervalMs: 20, window: 5, ...over });
  deferCleanup(() => s.close());
  return s;
}

/** A store whose statements record the first parameter of every `id > ?` read (logsAfter). */
function recordingFollowReads(store: Store): { store: Store; afterIds: number[] } {
  const afterIds: number[] = [];
  const wrapped: Store = {
    ...store,
    path: store.path,
    readonly: store.readonly,
    db: store.db,
    schemaVersion: store.schemaVersion,
    close: () => store.close(),
    statement(sql) {
      const st = store.statement(sql);
      if (!sql.includes('WHERE id > ?')) return st;
      return new Proxy(st, {
        get(target, prop, recv) {
          if (prop === 'all') return (...args: unknown[]) => (afterIds.push(args[0] as number), target.all(...args));
          return Reflect.get(target, prop, recv);
        },
      });
    },
  };
  return { store: wrapped, afterIds };
}

describe('LocalTailSource', () => {
  test('sends the newest events first, then follows new rows as the writer adds them, each once', async () => {
    const db = tailDb();
    db.write(events(8, 'old'));
    const sink = new RecordingSink();
    const src = source(db);
    await src.start({}, sink);
    expect(sink.resets).toHaveLength(1);
    expect(sink.resets[0]!.map((e) => e.message)).toEqual(['old-3', 'old-4', 'old-5', 'old-6', 'old-7']);

    for (let b = 0; b < 5; b++) {
      db.write(events(3, `new${b}`));
      await sleep(15);
    }
    await until('15 new rows', () => sink.followed.length >= 15);
    await sleep(100);
    expect(sink.followed).toHaveLength(15);
    const ids = sink.followed.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(15);
    expect(sink.messages().slice(0, 3)).toEqual(['new0-0', 'new0-1', 'new0-2']);
    expect(sink.status_.connection).toBe('live');
    expect(sink.status_.dbBytes).toBeGreaterThan(0);
  });

  test('never re-scans: every read starts after the last row seen', async () => {
    const db = tailDb();
    db.write(events(3, 'a'));
    const { store, afterIds } = recordingFollowReads(db.readStore);
    const sink = new RecordingSink();
    const src = source(db, { store });
    await src.start({}, sink);
    const seen: number[] = [];
    for (let b = 0; b < 4; b++) {
      seen.push(...db.write(events(2, `b${b}`)));
      await until(`batch ${b}`, () => sink.followed.length === seen.length);
    }
    await sleep(80); // idle polls: the newest id is read, no rows are
    // Each read starts where the previous batch ended: 3 (the window's head), then each batch's last id.
    expect(afterIds).toEqual([3, seen[1], seen[3], seen[5]]);
  });

  test('a backlog is read in bounded polls and reported as behind', async () => {
    const db = tailDb();
    const sink = new RecordingSink();
    const src = source(db, { batch: 10, maxRowsPerTick: 20, intervalMs: 30 });
    await src.start({}, sink);
    db.write(events(100, 'bulk'));
    await until('some rows read', () => sink.followed.length > 0);
    expect(sink.statuses.some((s) => (s.behind ?? 0) > 0)).toBe(true);
    await until('all rows read', () => sink.followed.length === 100);
    expect(sink.messages()).toEqual(events(100, 'bulk').map((e) => e.message));
  });

  test('a filter applies to the window and to what arrives next; a bad one is refused and the old one kept', async () => {
    const db = tailDb();
    db.write([...events(3, 'disk full', { host: 'web-1' }), ...events(3, 'request served', { host: 'db-1' })]);
    const sink = new RecordingSink();
    const src = source(db, { window: 10 });
    await src.start({}, sink);
    await src.setFilter({ q: 'disk', hosts: ['web-*'] });
    expect(sink.resets[1]!.map((e) => e.message)).toEqual(['disk full-0', 'disk full-1', 'disk full-2']);

    await expect(src.setFilter({ q: 'NOT disk' })).rejects.toThrow(/NOT/);
    await expect(src.setFilter({ hosts: ['x'.repeat(300)] })).rejects.toThrow(/hosts/);
    expect(sink.resets).toHaveLength(2);

    db.write([...events(2, 'disk slow', { host: 'web-2' }), ...events(2, 'disk slow', { host: 'db-2' }), ...events(2, 'cpu', { host: 'web-3' })]);
    await until('filtered rows', () => sink.followed.length >= 2);
    await sleep(100);
    expect(sink.followed.map((e) => `${e.host} ${e.message}`)).toEqual(['web-2 disk slow-0', 'web-2 disk slow-1']);

    await src.setFilter({ minLevel: 3 });
    expect(sink.resets[2]).toEqual([]);
  });

  test('alerts: the recent ones first, then new and changed ones through the feed', async () => {
    const db = tailDb();
    db.write(events(1, 'x'), [{ rule_id: 'old-rule', host: 'web-01', severity: 'LOW' }]);
    const sink = new RecordingSink();
    const src = source(db);
    await src.start({}, sink);
    expect(sink.alertResets[0]!.map((a) => a.rule_id)).toEqual(['old-rule']);
    expect(sink.status_.alerts).toEqual({ available: true });

    db.write(events(1, 'scan'), [{ rule_id: 'port-scan', host: 'web-02', severity: 'CRITICAL' }]);
    await until('new alert', () => sink.alertUpdates.length === 1);
    expect(sink.alertUpdates[0]).toMatchObject({ rule_id: 'port-scan', severity: 'CRITICAL', count: 1, state: 'open' });
    db.write(events(1, 'scan again'), [{ rule_id: 'port-scan', host: 'web-02', severity: 'CRITICAL' }]);
    await until('updated alert', () => sink.alertUpdates.length === 2);
    expect(sink.alertUpdates[1]).toMatchObject({ id: sink.alertUpdates[0]!.id, count: 2 });
  });

  test('the host filter applies to alerts too', async () => {
    const db = tailDb();
    const sink = new RecordingSink();
    const src = source(db);
    await src.start({ hosts: ['db-*'] }, sink);
    db.write(events(2, 'x'), [
      { rule_id: 'a', host: 'web-1', event_indexes: [0] },
      { rule_id: 'b', host: 'db-1', event_indexes: [1] },
    ]);
    await until('alert', () => sink.alertUpdates.length >= 1);
    await sleep(60);
    expect(sink.alertUpdates.map((a) => a.host)).toEqual(['db-1']);
  });

  test('detail: the whole event with raw text and the alerts it raised', async () => {
    const db = tailDb();
    const [id] = db.write(events(1, 'nc started', { raw: '<13>1 raw text', attributes: { port: 4444 } }), [{ rule_id: 'port-scan' }]);
    const src = source(db);
    const d = await src.detail(id!);
    expect(d?.event).toMatchObject({ id, message: 'nc started-0', raw: '<13>1 raw text', attributes: { port: 4444 } });
    expect(d?.alerts.map((a) => a.rule_id)).toEqual(['port-scan']);
    expect(await src.detail(id! + 100)).toBeNull();
  });

  test('acknowledging through a writable connection; a resolved alert must be reopened first', async () => {
    const db = tailDb();
    db.write(events(2, 'x'), [
      { rule_id: 'a', event_indexes: [0] },
      { rule_id: 'b', event_indexes: [1] },
    ]);
    const port = new SqliteAlertsPort(db.readStore, null);
    const [b, a] = port.list({}, { limit: 10, cursor: null }).items;
    let writer: Store | null = null;
    const src = source(db, {
      openAckPort: () => {
        writer = openStore(db.path);
        deferCleanup(() => writer?.close());
        return new SqliteAlertsPort(db.readStore, writer);
      },
      actor: 'alice (logagg tail)',
    });
    expect(src.canAcknowledge()).toEqual({ ok: true });
    const r = await src.acknowledge(a!.id);
    expect(r).toMatchObject({ ok: true, alert: { id: a!.id, state: 'acknowledged', state_changed_by: 'alice (logagg tail)' } });
    expect(port.get(a!.id)?.state).toBe('acknowledged');

    await new SqliteAlertsPort(db.writerStore, db.writerStore).transition(b!.id, { state: 'resolved', by: 'x', at: 1, comment: null });
    expect(await src.acknowledge(b!.id)).toEqual({ ok: false, reason: `alert #${b!.id} is resolved; reopen it first` });
    expect(await src.acknowledge(9999)).toEqual({ ok: false, reason: 'alert #9999 no longer exists' });
  });

  test('without an alerts port: alerts and acknowledging say why not', async () => {
    const db = tailDb();
    const sink = new RecordingSink();
    const src = new LocalTailSource({ store: db.readStore, alertsUnavailable: 'no detection here', ackUnavailable: 'read-only', intervalMs: 20 });
    deferCleanup(() => src.close());
    await src.start({}, sink);
    expect(sink.status_.alerts).toEqual({ available: false, reason: 'no detection here' });
    expect(src.canAcknowledge()).toEqual({ ok: false, reason: 'read-only' });
    expect(await src.acknowledge(1)).toEqual({ ok: false, reason: 'read-only' });
  });

  test('a consumer that cannot keep up makes it wait without losing rows', async () => {
    const db = tailDb();
    const sink = new RecordingSink();
    const src = source(db);
    await src.start({}, sink);
    sink.accepting = false;
    db.write(events(5, 'held'));
    await sleep(120);
    expect(sink.followed).toHaveLength(0);
    sink.accepting = true;
    await until('rows after the wait', () => sink.followed.length === 5);
  });

  test('recent: the last n matching events, oldest first, paging past one page', async () => {
    const db = tailDb();
    db.write(events(1200, 'r'));
    const src = source(db);
    const got = await src.recent({}, 1100);
    expect(got).toHaveLength(1100);
    expect(got[0]!.message).toBe('r-100');
    expect(got[1099]!.message).toBe('r-1199');
    expect(await src.recent({ q: 'nomatch' }, 10)).toEqual([]);
    await expect(src.recent({ q: 'NOT r' }, 10)).rejects.toThrow(/NOT/);
  });

  test('a closed source stops polling', async () => {
    const db = tailDb();
    const sink = new RecordingSink();
    const src = source(db);
    await src.start({}, sink);
    await src.close();
    db.write(events(3, 'late'));
    await sleep(100);
    expect(sink.followed).toHaveLength(0);
  });
});
