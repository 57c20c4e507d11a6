import { describe, expect, test } from 'vitest';
import { IngestStats } from '../../src/ingest/ingest-stats.js';
import { SqliteAlertsPort } from '../../src/store/alert-port.js';
import { RemoteTailSource, tokenRoles, type RemoteSourceOptions } from '../../src/tui/remote-source.js';
import { deferCleanup } from '../helpers/temp.js';
import { events, RecordingSink, sleep, startTailApi, tailDb, until } from './tail-fixtures.js';

function remote(opts: RemoteSourceOptions): RemoteTailSource {
  const s = new RemoteTailSource({ window: 5, readyEveryMs: 100, ...opts });
  deferCleanup(() => s.close());
  return s;
}

describe('tokenRoles', () => {
  const tok = (payload: unknown) => `h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;
  test.each<[string, string, string[] | null]>([
    ['not a JWT', 'abc', null],
    ['bad base64 JSON', 'a.%%%.c', null],
    ['no roles claim', tok({ sub: 'x' }), null],
    ['a list', tok({ roles: ['viewer', 'analyst'] }), ['viewer', 'analyst']],
    ['a string', tok({ roles: 'viewer analyst' }), ['viewer', 'analyst']],
    ['not strings', tok({ roles: [1] }), null],
  ])('%s', (_n, token, roles) => {
    expect(tokenRoles(token)).toEqual(roles);
  });
});

describe('RemoteTailSource against a real API server', () => {
  test('the recent window, then logs and alerts from the stream as they are stored', async () => {
    const db = tailDb();
    db.write(events(7, 'before'));
    const api = await startTailApi(db);
    const sink = new RecordingSink();
    const src = remote({ url: api.url, token: api.viewer });
    await src.start({}, sink);
    expect(src.label).toBe(api.url);
    expect(sink.resets[0]!.map((e) => e.message)).toEqual(['before-2', 'before-3', 'before-4', 'before-5', 'before-6']);
    expect(sink.resets[0]![0]!.ts).toBe(Date.UTC(2025, 0, 15, 12, 0, 2));
    expect(sink.status_.connection).toBe('live');

    const ids = db.write(events(3, 'streamed', { host: 'web-9' }), [{ rule_id: 'port-scan', host: 'web-9', severity: 'HIGH' }]);
    await until('3 logs and an alert', () => sink.followed.length === 3 && sink.alertUpdates.length === 1);
    expect(sink.followed.map((e) => e.id)).toEqual(ids);
    expect(sink.followed[0]).toMatchObject({ host: 'web-9', message: 'streamed-0', ts: Date.UTC(2025, 0, 15, 12) });
    expect(sink.alertUpdates[0]).toMatchObject({ rule_id: 'port-scan', host: 'web-9', severity: 'HIGH', state: 'open' });
    expect(typeof sink.alertUpdates[0]!.first_seen).toBe('number');
    await until('a rate', () => (sink.status_.rate ?? 0) > 0, 3000);
  });

  test('a filter: a fresh window and only matching events; a refused one keeps the old stream', async () => {
    const db = tailDb();
    db.write([...events(2, 'disk full'), ...events(2, 'other')]);
    const api = await startTailApi(db);
    const sink = new RecordingSink();
    const src = remote({ url: api.url, token: api.viewer });
    await src.start({}, sink);
    await src.setFilter({ q: 'disk', minLevel: 6 });
    expect(sink.resets[1]!.map((e) => e.message)).toEqual(['disk full-0', 'disk full-1']);
    db.write([...events(1, 'disk slow'), ...events(1, 'cpu busy')]);
    await until('the matching event', () => sink.followed.length === 1);
    expect(sink.followed[0]!.message).toBe('disk slow-0');

    await expect(src.setFilter({ q: 'NOT disk' })).rejects.toThrow(/NOT/);
    db.write(events(1, 'disk again'));
    await until('the old filter still runs', () => sink.followed.length === 2);
    expect(sink.followed[1]!.message).toBe('disk again-0');
    await sleep(100);
    expect(sink.messages()).toEqual(['disk slow-0', 'disk again-0']);
  });

  test('a dropped connection is reopened with Last-Event-ID: nothing missed, nothing twice', async () => {
    const db = tailDb();
    const api = await startTailApi(db);
    const sink = new RecordingSink();
    const src = remote({ url: api.url, token: api.viewer });
    await src.start({}, sink);
    db.write(events(2, 'first'));
    await until('first events', () => sink.followed.length === 2);
    api.server.server.closeAllConnections();
    await until('reconnecting', () => /^reconnecting/.test(sink.status_.connection ?? ''));
    db.write(events(3, 'while away'));
    await until('back', () => sink.status_.connection === 'live', 8000);
    db.write(events(1, 'after'));
    await until('every event', () => sink.followed.length >= 6, 8000);
    await sleep(100);
    expect(sink.messages()).toEqual(['first-0', 'first-1', 'while away-0', 'while away-1', 'while away-2', 'after-0']);
  }, 20_000);

  test('the event detail with raw text and alerts; an unknown id is null', async () => {
    const db = tailDb();
    const [id] = db.write(events(1, 'nc', { raw: 'RAW nc line', attributes: { port: 4444 } }), [{ rule_id: 'port-scan' }]);
    const api = await startTailApi(db);
    const src = remote({ url: api.url, token: api.viewer });
    const d = await src.detail(id!);
    expect(d?.event).toMatchObject({ id, raw: 'RAW nc line', attributes: { port: 4444 }, ts: Date.UTC(2025, 0, 15, 12) });
    expect(d?.alerts.map((a) => a.rule_id)).toEqual(['port-scan']);
    expect(await src.detail(id! + 50)).toBeNull();
  });

  test('acknowledging needs an analyst token: a viewer is told why, an analyst changes the alert', async () => {
    const db = tailDb();
    db.write(events(1, 'x'), [{ rule_id: 'r' }]);
    const api = await startTailApi(db);
    const alertId = new SqliteAlertsPort(db.readStore, null).list({}, { limit: 1, cursor: null }).items[0]!.id;

    const asViewer = remote({ url: api.url, token: api.viewer });
    expect(asViewer.canAcknowledge()).toEqual({ ok: false, reason: "the token's roles are viewer; acknowledging needs analyst (logagg token --role analyst)" });
    expect(remote({ url: api.url }).canAcknowledge()).toMatchObject({ ok: false });

    const asAnalyst = remote({ url: api.url, token: api.analyst });
    expect(asAnalyst.canAcknowledge()).toEqual({ ok: true });
    const r = await asAnalyst.acknowledge(alertId);
    expect(r).toMatchObject({ ok: true, alert: { id: alertId, state: 'acknowledged', state_changed_by: 'ana' } });
    expect(new SqliteAlertsPort(db.readStore, null).get(alertId)?.state).toBe('acknowledged');
    expect(await asAnalyst.acknowledge(alertId + 10)).toMatchObject({ ok: false, reason: expect.stringMatching(/refused \(404\)/) });
  });

  test('consumer lag from /readyz', async () => {
    const db = tailDb();
    const stats = new IngestStats();
    stats.setLag('t', 0, 40);
    stats.setLag('t', 1, 2);
    const api = await startTailApi(db, { stats });
    const sink = new RecordingSink();
    await remote({ url: api.url, token: api.viewer }).start({}, sink);
    await until('lag', () => sink.status_.lag === 42);
  });

  test.each([
    ['a refused token', 'not-a-jwt', /refused the token/],
    ['no token', undefined, /refused the token/],
  ])('start fails on %s', async (_n, token, msg) => {
    const db = tailDb();
    const api = await startTailApi(db);
    const src = remote({ url: api.url, ...(token !== undefined ? { token } : {}) });
    await expect(src.start({}, new RecordingSink())).rejects.toThrow(msg);
  });

  test('start fails when nothing listens there', async () => {
    const src = remote({ url: 'http://127.0.0.1:9', token: 'x', connectTimeoutMs: 2000 });
    await expect(src.start({}, new RecordingSink())).rejects.toThrow(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  test('a URL that is not http is refused at once', () => {
    expect(() => new RemoteTailSource({ url: 'ftp://x' })).toThrow(/http/);
  });
});
