import { describe, expect, test } from 'vitest';
import { SqliteAlertsPort } from '../../src/store/alert-port.js';
import { LocalTailSource } from '../../src/tui/local-source.js';
import { jsonAlertLine, jsonLogLine, runPlainTail, type PlainTailOptions } from '../../src/tui/plain-tail.js';
import { deferCleanup } from '../helpers/temp.js';
import { makeEvent } from '../store/fixtures.js';
import { events, sleep, tailDb, until, type TailDb } from './tail-fixtures.js';

class Out {
  text = '';
  writableLength = 0;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  lines(): string[] {
    return this.text.split('\n').filter(Boolean);
  }
}

function run(db: TailDb, over: Partial<PlainTailOptions> = {}) {
  const out = new Out();
  const notes: string[] = [];
  const ac = new AbortController();
  const source = new LocalTailSource({ store: db.readStore, alerts: new SqliteAlertsPort(db.readStore, null), intervalMs: 20, window: 2 });
  let closed = false;
  const close = source.close.bind(source);
  source.close = () => ((closed = true), close());
  deferCleanup(() => ac.abort());
  const done = runPlainTail({ source, filter: {}, follow: true, lines: 2, out, note: (t) => notes.push(t), color: false, json: false, alerts: false, signal: ac.signal, ...over });
  return { out, notes, ac, done, closed: () => closed };
}

describe('runPlainTail', () => {
  test('follow: the window, then new lines; abort ends it and closes the source', async () => {
    const db = tailDb();
    db.write(events(4, 'w'));
    const t = run(db);
    await until('window', () => t.out.lines().length === 2);
    db.write(events(1, 'new'));
    await until('new line', () => t.out.lines().length === 3);
    expect(t.out.lines().map((l) => l.split(' ').pop())).toEqual(['w-2', 'w-3', 'new-0']);
    t.ac.abort();
    await t.done;
    expect(t.closed()).toBe(true);
  });

  test('no follow: prints the last N and returns', async () => {
    const db = tailDb();
    db.write(events(4, 'w'));
    const t = run(db, { follow: false, lines: 3 });
    await t.done;
    expect(t.out.lines().map((l) => l.split(' ').pop())).toEqual(['w-1', 'w-2', 'w-3']);
  });

  test('alerts only when asked, and only those raised after the start', async () => {
    const db = tailDb();
    db.write(events(1, 'old'), [{ rule_id: 'before-start' }]);
    const quiet = run(db);
    const loud = run(db, { alerts: true, json: true });
    await until('windows', () => quiet.out.lines().length === 1 && loud.out.lines().length === 1);
    db.write(events(1, 'scan'), [{ rule_id: 'port-scan', severity: 'CRITICAL' }]);
    await until('the alert', () => loud.out.lines().length === 3);
    await sleep(60);
    expect(quiet.out.lines()).toHaveLength(2);
    expect(JSON.parse(loud.out.lines()[2]!)).toMatchObject({ alert: { rule_id: 'port-scan', severity: 'CRITICAL' } });
  });

  test('a full output buffer holds the source back without losing lines', async () => {
    const db = tailDb();
    const t = run(db);
    await sleep(50);
    t.out.writableLength = 2 * 1024 * 1024;
    db.write(events(3, 'held'));
    await sleep(120);
    expect(t.out.lines()).toHaveLength(0);
    t.out.writableLength = 0;
    await until('released', () => t.out.lines().length === 3);
  });

  test('a bad filter rejects before printing anything', async () => {
    const db = tailDb();
    const t = run(db, { filter: { q: 'NOT x' } });
    await expect(t.done).rejects.toThrow(/NOT/);
    expect(t.out.text).toBe('');
    expect(t.closed()).toBe(true);
  });
});

describe('json lines', () => {
  test('a log in the GET /logs item shape: ISO times, no raw', () => {
    const e = { ...makeEvent({ ts: 0, received_at: 1 }), id: 5 };
    const parsed = JSON.parse(jsonLogLine(e));
    expect(parsed).toMatchObject({ id: 5, ts: '1970-01-01T00:00:00.000Z', received_at: '1970-01-01T00:00:00.001Z' });
    expect(parsed).not.toHaveProperty('raw');
  });
  test('an alert wrapped in {"alert": …} with ISO times', () => {
    const parsed = JSON.parse(
      jsonAlertLine({ id: 1, rule_id: 'r', severity: 'LOW', host: null, title: 't', first_seen: 0, last_seen: 1000, count: 1, sample_event_ids: [], state: 'open', dedup_key: 'k', state_changed_by: null, state_changed_at: null, comment: null }),
    );
    expect(parsed.alert).toMatchObject({ id: 1, first_seen: '1970-01-01T00:00:00.000Z', last_seen: '1970-01-01T00:00:01.000Z', state_changed_at: null });
  });
});
