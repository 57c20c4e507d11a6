// /api/v1/silences on a real server over a real SQLite file: roles, host scope, validation,
// expiry, and the alerts' silenced_by as listed. Every answer is checked against the OpenAPI document.
import { beforeAll, describe, expect, test } from 'vitest';
import { SqliteSilencesPort } from '../../../src/store/silence-port.js';
import { openStore } from '../../../src/store/store.js';
import { deferCleanup } from '../../helpers/temp.js';
import { AlertSeed } from '../alert-seed.js';
import { analyst, startApi, token, viewer, type TestApi } from '../harness.js';
import { T0 } from '../seed.js';

const NOW = T0 + 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
let api: TestApi;
let seed: AlertSeed;

beforeAll(async () => {
  seed = new AlertSeed();
  const reader = openStore(seed.file, { readonly: true });
  deferCleanup(() => reader.close());
  api = await startApi({ alerts: seed, silences: new SqliteSilencesPort(reader, seed.store), clock: () => NOW });
});

const scoped = () => token({ roles: ['analyst'], sub: 'sam', hosts: ['web-*'] });
const post = (body: unknown, tok = analyst()) => api.call('/api/v1/silences', { method: 'POST', token: tok, body });

describe('POST /api/v1/silences', () => {
  test('creates a silence recording who and why; GET reads it back', async () => {
    const r = await post({ matchers: { rules: ['ssh.*'], hosts: ['WEB-1'] }, duration: '2h', comment: 'kernel upgrade' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.any(Number),
      matchers: { rules: ['ssh.*'], hosts: ['web-1'], severities: [] },
      starts_at: iso(NOW),
      ends_at: iso(NOW + 2 * 3_600_000),
      state: 'active',
      created_by: 'ana',
      created_at: iso(NOW),
      comment: 'kernel upgrade',
      expired_by: null,
      expired_at: null,
    });
    expect(r.headers.get('location')).toBe(`/api/v1/silences/${r.body.id}`);
    expect((await api.call(`/api/v1/silences/${r.body.id}`, { token: analyst() })).body).toEqual(r.body);
    expect(api.log.some((l) => l.msg === 'silence created' && l.fields.by === 'ana' && l.fields.comment === 'kernel upgrade')).toBe(true);
  });

  test('a future silence is pending', async () => {
    const r = await post({ matchers: { severities: ['LOW'] }, starts_at: iso(NOW + 3_600_000), ends_at: iso(NOW + 7_200_000), comment: 'later' });
    expect(r.status).toBe(201);
    expect(r.body.state).toBe('pending');
  });

  test.each<[string, unknown, string]>([
    ['no matcher', { matchers: {}, duration: '1h', comment: 'x' }, 'matchers'],
    ['only empty lists', { matchers: { rules: [] }, duration: '1h', comment: 'x' }, 'matchers'],
    ['an unknown matcher', { matchers: { user: ['x'] }, duration: '1h', comment: 'x' }, 'matchers.user'],
    ['a bad severity', { matchers: { severities: ['SEVERE'] }, duration: '1h', comment: 'x' }, 'matchers.severities'],
    ['no comment', { matchers: { rules: ['a'] }, duration: '1h' }, 'comment'],
    ['a blank comment', { matchers: { rules: ['a'] }, duration: '1h', comment: '  ' }, 'comment'],
    ['no end', { matchers: { rules: ['a'] }, comment: 'x' }, 'duration'],
    ['end and duration', { matchers: { rules: ['a'] }, ends_at: iso(NOW + 1000), duration: '1h', comment: 'x' }, 'duration'],
    ['a time without a zone', { matchers: { rules: ['a'] }, ends_at: '2030-01-01T00:00:00', comment: 'x' }, 'ends_at'],
    ['an unknown field', { matchers: { rules: ['a'] }, duration: '1h', comment: 'x', forever: true }, 'forever'],
  ])('%s: 400 naming %s', async (_name, body, param) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.body.param).toBe(param);
  });

  // Well-formed as the document says, but no silence can be made of it now: 422.
  test.each<[string, unknown, string]>([
    ['an end in the past', { matchers: { rules: ['a'] }, starts_at: iso(NOW - 7_200_000), ends_at: iso(NOW - 3_600_000), comment: 'x' }, 'ends_at'],
  ])('%s: 422 naming %s', async (_name, body, param) => {
    const r = await post(body);
    expect(r.status).toBe(422);
    expect(r.body.type).toBe('urn:logagg:problem:unprocessable');
    expect(r.body.param).toBe(param);
  });

  test('a viewer may not silence: 403; without a token: 401', async () => {
    expect((await post({ matchers: { rules: ['a'] }, duration: '1h', comment: 'x' }, viewer())).status).toBe(403);
    expect((await api.call('/api/v1/silences', { method: 'POST', token: null, body: {} })).status).toBe(401);
    expect((await api.call('/api/v1/silences', { token: viewer() })).status).toBe(403);
  });

  test('a host-scoped token silences only inside its hosts', async () => {
    const inside = await post({ matchers: { hosts: ['web-1'] }, duration: '1h', comment: 'mine' }, scoped());
    expect(inside.status).toBe(201);
    for (const matchers of [{ rules: ['ssh.*'] }, { hosts: ['db-1'] }, { hosts: ['*'] }, { hosts: ['web-1', 'db-1'] }]) {
      const r = await post({ matchers, duration: '1h', comment: 'not mine' }, scoped());
      expect(r.status).toBe(403);
      expect(r.body.param).toBe('matchers.hosts');
    }
  });
});

describe('GET and expire', () => {
  test('the list is newest first, filtered by state and by the token’s scope', async () => {
    const all = await api.call('/api/v1/silences?limit=100', { token: analyst() });
    expect(all.status).toBe(200);
    const ids = all.body.items.map((s: { id: number }) => s.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
    const pending = await api.call('/api/v1/silences?state=pending', { token: analyst() });
    expect(pending.body.items.every((s: { state: string }) => s.state === 'pending')).toBe(true);
    expect(pending.body.items.length).toBeGreaterThan(0);
    const mine = await api.call('/api/v1/silences', { token: scoped() });
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((s: { matchers: { hosts: string[] } }) => s.matchers.hosts.every((h) => h.startsWith('web-')))).toBe(true);
    expect((await api.call('/api/v1/silences?state=gone', { token: analyst() })).status).toBe(400);
  });

  test('POST …/expire ends it now, records who; the silence stays listed, expired', async () => {
    const made = await post({ matchers: { hosts: ['db-1'] }, duration: '1h', comment: 'db move' });
    expect((await api.call(`/api/v1/silences/${made.body.id}/expire`, { method: 'POST', token: scoped() })).status).toBe(404); // outside its scope
    const r = await api.call(`/api/v1/silences/${made.body.id}/expire`, { method: 'POST', token: analyst() });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: made.body.id, state: 'expired', ends_at: iso(NOW), expired_by: 'ana', expired_at: iso(NOW), created_by: 'ana', comment: 'db move' });
    const expired = await api.call('/api/v1/silences?state=expired', { token: analyst() });
    expect(expired.body.items.map((s: { id: number }) => s.id)).toContain(made.body.id);
    expect((await api.call('/api/v1/silences/999999/expire', { method: 'POST', token: analyst() })).status).toBe(404);
    expect((await api.call('/api/v1/silences/abc', { token: analyst() })).status).toBe(400);
  });

  test('an alert written while a silence runs is listed with silenced_by; another is not', async () => {
    const made = await post({ matchers: { rules: ['vpn.*'], hosts: ['edge-1'] }, duration: '1h', comment: 'vpn swap' });
    const muted = seed.add({ rule_id: 'vpn.flap', severity: 'HIGH', host: 'edge-1', first_seen: NOW + 60_000 });
    const loud = seed.add({ rule_id: 'vpn.flap', severity: 'HIGH', host: 'edge-2', first_seen: NOW + 60_000 });
    const body = (await api.call('/api/v1/alerts?rule=vpn.flap', { token: viewer() })).body;
    const byId = new Map(body.items.map((a: { id: number; silenced_by: string | null }) => [a.id, a.silenced_by]));
    expect(byId.get(muted.id)).toBe(`silence:${made.body.id}`);
    expect(byId.get(loud.id)).toBeNull();
  });
});
