// Converting a database written before storage v2: built here with the v1 schema (migrations
// 1–7) and the v1 row mapping, converted, then read back event by event, field by field.
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { enrich, EMPTY_ENRICH_CONTEXT } from '../../src/core/enrich.js';
import type { NormalizedEvent } from '../../src/core/event.js';
import { normalizeMessage } from '../../src/core/normalize.js';
import { convertV1, pendingV1 } from '../../src/store/convert-v1.js';
import { sqlOf } from '../../src/store/connection.js';
import { LogReader } from '../../src/store/log-reader.js';
import { COLUMNS, logRowParams } from '../../src/store/log-row.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/store.js';
import { mixMessages } from '../../src/tools/sample-producer.js';
import { BIN, waitFor } from '../helpers/cli.js';
import { deferCleanup } from '../helpers/temp.js';
import { makeEvent, tempDbPath } from './fixtures.js';

/** The v1 insert (schema 1–7): one wide row per event, its FTS row beside it. */
const V1_INSERT = `INSERT INTO logs (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;
const V1_FTS = 'INSERT INTO logs_fts (rowid, message, host, process) VALUES (?, ?, ?, ?)';

function mixEvents(n: number): NormalizedEvent[] {
  const out: NormalizedEvent[] = [];
  let offset = 1_000;
  for (const mix of ['default', 'real'] as const) {
    for (const m of mixMessages(mix, n / 2, { seed: 5, start: Date.UTC(2026, 0, 1) })) {
      const e = normalizeMessage(Buffer.from(m.value), { source: { kind: 'kafka', topic: 'logs', partition: offset % 3, offset: String(offset++) }, receivedAt: Date.UTC(2026, 0, 2), maxBytes: 65536 });
      out.push(enrich(e, EMPTY_ENRICH_CONTEXT));
    }
  }
  return out;
}

/** Edges the mixes may not hold. */
function edgeEvents(): NormalizedEvent[] {
  return [
    makeEvent({ source: { kind: 'kafka', topic: 'big', partition: 1, offset: '9223372036854775806' }, message: 'beyond 2^53' }),
    makeEvent({ source: { kind: 'http', topic: 'http', partition: -1, offset: null, peer: '10.0.0.9:514' }, host: null, process: null, pid: null, level: null, level_name: null }),
    makeEvent({ message: 'not in raw at all', raw: 'something else', tags: ['a', 'b c'], asset: { owner: 'ops', criticality: 'high' } as never }),
    makeEvent({ message: '', raw: '', parse_error: 'empty message', raw_truncated: true, ts_fallback: true }),
    makeEvent({ threats: [{ name: 'cryptominer', severity: 'HIGH', indicator: 'x', source: 'feed' }] as never, metrics: { cpu_pct: 99.5, mem_used: 1 } }),
  ];
}

/** A v1 database file holding the events; ids as v1 gave them. Some rows deleted to leave gaps. */
function v1Database(events: readonly NormalizedEvent[]): { file: string; ids: Map<number, NormalizedEvent> } {
  const file = tempDbPath();
  const store = sqlOf(openStore(file, { migrations: MIGRATIONS.slice(0, 7) }));
  const ids = new Map<number, NormalizedEvent>();
  store.db.immediateTransaction(() => {
    const ins = store.db.prepare(V1_INSERT);
    const fts = store.db.prepare(V1_FTS);
    for (const e of events) {
      const id = Number(ins.run(...logRowParams(e)).lastInsertRowid);
      fts.run(id, e.message, e.host, e.process);
      ids.set(id, e);
    }
    // Gaps inside the id range (retention of out-of-order events) and at its end (the newest ids).
    const all = [...ids.keys()];
    for (const id of [all[3]!, all[4]!, all[all.length - 1]!]) {
      store.db.prepare('DELETE FROM logs WHERE id = ?').run(id);
      ids.delete(id);
    }
  });
  store.close();
  return { file, ids };
}

function expectSame(file: string, ids: Map<number, NormalizedEvent>, extra = 0): void {
  const store = openStore(file, { readonly: true });
  try {
    const r = new LogReader(store);
    for (const [id, e] of ids) expect(r.getLog(id), `event ${id}`).toEqual({ ...e, id });
    expect(r.countLogs({})).toBe(ids.size + extra);
  } finally {
    store.close();
  }
}

describe('convert-v1', () => {
  test('every event reads back field for field with its id; new ids continue after the v1 ones', async () => {
    const events = [...mixEvents(3000), ...edgeEvents()];
    const { file, ids } = v1Database(events);
    const maxV1 = Math.max(...ids.keys()) + 1; // the newest v1 id was deleted: never given again
    const store = openStore(file);
    deferCleanup(() => store.close());
    expect(pendingV1(store)).toBe(ids.size);
    // Nothing is readable before the conversion (consume and serve convert before reading).
    expect(new LogReader(store).countLogs({})).toBe(0);
    const progress: number[] = [];
    const done = await convertV1(store, { batch: 1000, onProgress: (p) => progress.push(p.done) });
    expect(done).toEqual({ done: ids.size, total: ids.size });
    expect(progress).toEqual([1000, 2000, 3000, ids.size]);
    expect(pendingV1(store)).toBe(0);
    expect(sqlOf(store).db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'logs_v1'").pluck().get()).toBe(0);
    const r = new LogReader(store);
    expect(r.getLog(maxV1)).toBeNull();
    // Full text, filters and duplicates work on converted events.
    expect(r.countLogs({ q: '"beyond 2^53"' })).toBe(1);
    expect(r.countLogs({ tags: ['b c'] })).toBe(1);
    const w = new LogWriter(store);
    const again = w.writeBatch({ events: [events[10]!, makeEvent({ message: 'after conversion' })], offsets: [] });
    expect(again.ids[0]).toBeNull(); // its offset is inside a converted block's range
    expect(again.ids[1]).toBe(maxV1 + 1);
    store.close();
    expectSame(file, ids, 1);
  });

  test('a conversion killed (SIGKILL) part-way resumes where it stopped; nothing lost or doubled', async () => {
    const events = mixEvents(20_000);
    const { file, ids } = v1Database(events);
    // Migrate the schema first (as any writer's open does), so progress can be watched in logs.
    openStore(file).close();
    const child = spawn(process.execPath, [BIN, 'migrate', '--db', file, '--batch', '200'], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } });
    deferCleanup(() => child.kill('SIGKILL'));
    const converted = (): number => {
      const db = new Database(file, { readonly: true });
      try {
        return Number(db.prepare('SELECT count(*) FROM logs').pluck().get());
      } finally {
        db.close();
      }
    };
    await waitFor('a few batches converted', () => converted() >= 1000, 60_000, 20);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const mid = converted();
    expect(mid).toBeLessThan(ids.size); // stopped part-way
    expect(mid % 200).toBe(0); // whole batches only
    const store = openStore(file);
    expect(pendingV1(store)).toBe(ids.size - mid);
    await convertV1(store, { batch: 5000 });
    store.close();
    expectSame(file, ids);
  }, 120_000);
});
