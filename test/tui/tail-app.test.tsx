import { render } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import { SqliteAlertsPort } from '../../src/store/alert-port.js';
import { createSilence } from '../../src/store/silence-store.js';
import { openStore, type Store } from '../../src/store/store.js';
import { LocalTailSource } from '../../src/tui/local-source.js';
import { RemoteTailSource } from '../../src/tui/remote-source.js';
import { TailApp } from '../../src/tui/tail-app.js';
import type { TailFilter } from '../../src/tui/tail-filter.js';
import { deferCleanup } from '../helpers/temp.js';
import type { TailSource } from '../../src/tui/tail-source.js';
import { events, sleep, startTailApi, tailDb, until, type TailDb } from './tail-fixtures.js';

const KEYS = { up: '\u001b[A', down: '\u001b[B', enter: '\r', esc: '\u001b', tab: '\t', backspace: '\u007f' };
const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

let unmounts: (() => void)[] = [];
afterEach(() => {
  unmounts.forEach((u) => u());
  unmounts = [];
});

function start(db: TailDb, opts: { filter?: TailFilter; ack?: boolean; window?: number; source?: TailSource } = {}) {
  let writer: Store | null = null;
  const source = opts.source ?? new LocalTailSource({
    store: db.readStore,
    alerts: new SqliteAlertsPort(db.readStore, null),
    intervalMs: 25,
    window: opts.window ?? 20,
    ...(opts.ack
      ? {
          openAckPort: () => {
            writer ??= openStore(db.path);
            deferCleanup(() => writer?.close());
            return new SqliteAlertsPort(db.readStore, writer);
          },
          actor: 'tester',
        }
      : { ackUnavailable: 'this test gives no writable connection' }),
  });
  const app = render(<TailApp source={source} filter={opts.filter ?? {}} fallbackSize={{ columns: 120, rows: 30 }} />);
  unmounts.push(() => app.unmount());
  const frame = () => strip(app.lastFrame() ?? '');
  const waitFrame = async (what: string, pred: (f: string) => boolean, timeoutMs = 5000) => {
    try {
      await until(what, () => pred(frame()), timeoutMs);
    } catch (e) {
      throw new Error(`${(e as Error).message}; last frame:\n${frame()}`);
    }
  };
  /** Types keys one by one, as a person would. */
  const type = async (...keys: string[]) => {
    for (const k of keys) {
      app.stdin.write(k);
      await sleep(k === KEYS.esc ? 60 : 15);
    }
  };
  return { app, source, frame, waitFrame, type };
}

describe('TailApp', () => {
  test('shows the recent lines, then new rows and alerts as a writer adds them', async () => {
    const db = tailDb();
    db.write(events(3, 'boot message', { host: 'web-1' }));
    const t = start(db);
    await t.waitFrame('the window', (f) => f.includes('boot message-2'));
    expect(t.frame()).toMatch(/● live/);
    expect(t.frame()).toContain('logs: 3 shown, following');
    expect(t.frame()).toContain('alerts: none open');

    db.write(events(2, 'disk almost full', { host: 'db-7', level: 3, level_name: 'error' }));
    await t.waitFrame('new rows', (f) => f.includes('disk almost full-1'));
    expect(t.frame()).toMatch(/ERROR\s+db-7\s+json\/system-metrics\s+disk almost full-0/);

    db.write(events(1, 'nc -l 4444', { host: 'web-2' }), [{ rule_id: 'port-scan', host: 'web-2', severity: 'CRITICAL', title: 'Port scan tool nc on web-2' }]);
    await t.waitFrame('the alert', (f) => f.includes('Port scan tool nc on web-2'));
    expect(t.frame()).toContain('alerts: 1 CRITICAL open');
    expect(t.frame()).toMatch(/CRITICAL\s+#\d+ open/);
    expect(t.frame()).toMatch(/\d+(\.\d)? ev\/s/);
    expect(t.frame()).toMatch(/db \d/);
  });

  test('typing / and a search applies it to the window and to what arrives next', async () => {
    const db = tailDb();
    db.write([...events(2, 'disk full', { host: 'web-1' }), ...events(2, 'request served', { host: 'web-1' })]);
    const t = start(db);
    await t.waitFrame('the window', (f) => f.includes('request served-1'));
    await t.type('/');
    await t.waitFrame('the prompt', (f) => f.includes('search ('));
    await t.type('d', 'i', 's', 'x', KEYS.backspace, 'k', KEYS.enter);
    await t.waitFrame('the filter', (f) => f.includes('q="disk"') && !f.includes('request served'));
    expect(t.frame()).toContain('disk full-1');

    db.write([...events(1, 'disk slow'), ...events(1, 'cpu busy')]);
    await t.waitFrame('the matching row', (f) => f.includes('disk slow-0'));
    await sleep(100);
    expect(t.frame()).not.toContain('cpu busy');
  });

  test('a search the store refuses is reported and the old filter kept', async () => {
    const db = tailDb();
    db.write(events(2, 'hello'));
    const t = start(db);
    await t.waitFrame('the window', (f) => f.includes('hello-1'));
    await t.type('/', 'N', 'O', 'T', ' ', 'x', KEYS.enter);
    await t.waitFrame('the error', (f) => f.includes('filter not applied'));
    expect(t.frame()).toContain('no filter');
    expect(t.frame()).toContain('hello-1');
  });

  test('host and level filters from keys', async () => {
    const db = tailDb();
    db.write([
      ...events(1, 'web info', { host: 'web-1', level: 6, level_name: 'info' }),
      ...events(1, 'web error', { host: 'web-1', level: 3, level_name: 'error' }),
      ...events(1, 'db error', { host: 'db-1', level: 3, level_name: 'error' }),
    ]);
    const t = start(db);
    await t.waitFrame('the window', (f) => f.includes('db error-0'));
    await t.type('h', 'w', 'e', 'b', '-', '*', KEYS.enter);
    await t.waitFrame('host filter', (f) => f.includes('host=web-*') && !f.includes('db error'));
    await t.type('l', 'l', 'l', 'l', 'l'); // debug, info, notice, warning, error
    await t.waitFrame('level filter', (f) => f.includes('level>=error') && !f.includes('web info'));
    expect(t.frame()).toContain('web error-0');
    await t.type('c');
    await t.waitFrame('cleared', (f) => f.includes('no filter') && f.includes('db error-0') && f.includes('web info-0'));
  });

  test('pause keeps following in the background; resume shows what arrived', async () => {
    const db = tailDb();
    db.write(events(1, 'before'));
    const t = start(db);
    await t.waitFrame('the window', (f) => f.includes('before-0'));
    await t.type(' ');
    await t.waitFrame('paused', (f) => f.includes('PAUSED +0'));
    db.write(events(3, 'during pause'));
    await t.waitFrame('counted', (f) => f.includes('PAUSED +3'));
    expect(t.frame()).not.toContain('during pause');
    await t.type('p');
    await t.waitFrame('resumed', (f) => f.includes('during pause-2') && !f.includes('PAUSED'));
  });

  test('a silenced alert is marked in the alert list; the others are not', async () => {
    const db = tailDb();
    createSilence(db.writerStore, { matchers: { rules: ['port-scan'] }, starts_at: Date.UTC(2025, 0, 15), ends_at: Date.now() + 3_600_000, created_by: 'ops', comment: 'pen test' }, Date.now());
    db.write(events(1, 'nc -l 4444', { host: 'web-2' }), [{ rule_id: 'port-scan', host: 'web-2', severity: 'CRITICAL', title: 'Port scan tool nc on web-2' }]);
    db.write(events(1, 'xmrig', { host: 'web-3' }), [{ rule_id: 'miner', host: 'web-3', severity: 'HIGH', title: 'Miner on web-3' }]);
    const t = start(db);
    await t.waitFrame('the alerts', (f) => f.includes('Port scan tool nc on web-2') && f.includes('Miner on web-3'));
    const rows = t.frame().split('\n');
    expect(rows.find((l) => l.includes('Port scan tool'))).toMatch(/CRITICAL\s+#\d+ open\s+\[silenced\] /);
    expect(rows.find((l) => l.includes('Miner on web-3'))).not.toContain('silenced');
  });

  test('select a line, open the whole event with its alerts, go back', async () => {
    const db = tailDb();
    db.write(events(1, 'nc listening', { host: 'web-2', raw: '<13>1 2025-01-15T12:00:00Z web-2 nc - - - nc listening', attributes: { port: 4444 } }), [
      { rule_id: 'port-scan', host: 'web-2', title: 'Port scan on web-2' },
    ]);
    db.write(events(1, 'later line'));
    const t = start(db);
    await t.waitFrame('the window', (f) => f.includes('later line-0'));
    await t.type(KEYS.up, KEYS.up);
    await t.waitFrame('selected', (f) => f.includes('line 1 of 2 selected'));
    await t.type(KEYS.enter);
    await t.waitFrame('the detail', (f) => f.includes('Event #1') && f.includes('Raw'));
    const f = t.frame();
    expect(f).toContain('<13>1 2025-01-15T12:00:00Z web-2 nc - - - nc listening');
    expect(f).toContain('"port": 4444');
    expect(f).toMatch(/#\d+ HIGH open web-2 port-scan: Port scan on web-2/);
    await t.type(KEYS.esc);
    await t.waitFrame('back to the list', (fr) => fr.includes('logs: line 1 of 2 selected'));
    await t.type(KEYS.esc);
    await t.waitFrame('following again', (fr) => fr.includes('logs: 2 shown, following'));
  });

  test('acknowledge the selected alert', async () => {
    const db = tailDb();
    db.write(events(1, 'x'), [{ rule_id: 'brute-force', host: 'web-3', severity: 'MEDIUM', title: 'Brute force on web-3' }]);
    const t = start(db, { ack: true });
    await t.waitFrame('the alert', (f) => f.includes('Brute force on web-3'));
    await t.type(KEYS.tab, 'a');
    await t.waitFrame('acknowledged', (f) => /acknowledged\s+\d\d:\d\d/.test(f), 3000);
    expect(t.frame()).toMatch(/alert #\d+ acknowledged/);
    expect(new SqliteAlertsPort(db.readStore, null).list({}, { limit: 1, cursor: null }).items[0]).toMatchObject({ state: 'acknowledged', state_changed_by: 'tester' });
  });

  test('acknowledging where it cannot work says why', async () => {
    const db = tailDb();
    db.write(events(1, 'x'), [{ rule_id: 'r', title: 'an alert' }]);
    const t = start(db);
    await t.waitFrame('the alert', (f) => f.includes('an alert'));
    await t.type('a');
    await t.waitFrame('hint', (f) => f.includes('select an alert first'));
    await t.type(KEYS.tab, KEYS.enter);
    await t.waitFrame('alert detail', (f) => f.includes('Alert #1') && /dedup key/.test(f));
    await t.type('a');
    await t.waitFrame('refused', (f) => f.includes('cannot acknowledge: this test gives no writable connection'));
  });

  test('q closes the source and quits', async () => {
    const db = tailDb();
    const t = start(db);
    let closed = 0;
    const close = t.source.close.bind(t.source);
    t.source.close = () => (closed++, close());
    await t.waitFrame('started', (f) => f.includes('live'));
    await t.type('q');
    await until('the source closed', () => closed > 0);
    db.write(events(1, 'after quit'));
    await sleep(120);
    expect(t.frame()).not.toContain('after quit');
  });

  test('over --url: rows and alerts from the stream, the detail, acknowledging with an analyst token', async () => {
    const db = tailDb();
    db.write(events(2, 'remote before'));
    const api = await startTailApi(db);
    const source = new RemoteTailSource({ url: api.url, token: api.analyst, window: 10, readyEveryMs: 200 });
    const t = start(db, { source });
    await t.waitFrame('the window', (f) => f.includes('remote before-1') && f.includes('● live'));
    expect(t.frame()).toContain(api.url);
    expect(t.frame()).not.toMatch(/ · db /); // no database size over the API

    db.write(events(1, 'scanner seen', { host: 'edge-4', raw: 'RAW scanner line' }), [{ rule_id: 'scan', host: 'edge-4', severity: 'HIGH', title: 'Scanner on edge-4' }]);
    await t.waitFrame('streamed row and alert', (f) => f.includes('scanner seen-0') && f.includes('Scanner on edge-4'));
    await t.type(KEYS.up, KEYS.enter);
    await t.waitFrame('the detail', (f) => f.includes('RAW scanner line') && /#\d+ HIGH open edge-4 scan: Scanner on edge-4/.test(f));
    await t.type(KEYS.esc, KEYS.tab, 'a');
    await t.waitFrame('acknowledged', (f) => /HIGH\s+#\d+ acknowledged/.test(f) && /alert #\d+ acknowledged/.test(f));
    expect(new SqliteAlertsPort(db.readStore, null).list({}, { limit: 1, cursor: null }).items[0]).toMatchObject({ state: 'acknowledged', state_changed_by: 'ana' });
  });

  test('over --url with a viewer token, acknowledging says why not', async () => {
    const db = tailDb();
    db.write(events(1, 'x'), [{ rule_id: 'r', title: 'remote alert' }]);
    const api = await startTailApi(db);
    const t = start(db, { source: new RemoteTailSource({ url: api.url, token: api.viewer }) });
    await t.waitFrame('the alert', (f) => f.includes('remote alert'));
    await t.type(KEYS.tab, 'a');
    await t.waitFrame('refused', (f) => f.includes("cannot acknowledge: the token's roles are viewer; acknowledging needs analyst"));
  });
});
