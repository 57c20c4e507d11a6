// `logagg silence add|list|expire`, the built CLI: on a real SQLite file (the local database,
// written with the API's checks) and against a real `logagg serve` on 127.0.0.1 (--url), where
// the token's subject is recorded and the appliance's refusals come back as exit codes.
import { userInfo } from 'node:os';
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { countRows, startCli, waitFor } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import { serveEnv, token } from '../../api/harness.js';
import { cli, parseCsv, seedDb } from '../fixtures.js';

vi.setConfig({ testTimeout: 60_000 });

const HOUR = 3_600_000;

interface SilenceRow {
  id: number;
  matchers: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  expired_by: string | null;
}

function readAll(db: string): SilenceRow[] {
  const c = new Database(db, { readonly: true });
  try {
    return c.prepare('SELECT id, matchers, starts_at, ends_at, created_by, comment, expired_by FROM silences ORDER BY id').all() as SilenceRow[];
  } finally {
    c.close();
  }
}

describe('on the local database', () => {
  test('add (repeated and comma-separated matchers, --for) stores it with the OS user; list shows it; expire ends it and records who', async () => {
    const db = seedDb([]).path;
    const t0 = Date.now();
    const add = await cli(['silence', 'add', '--db', db, '--rule', 'ssh.*', '--rule', 'Cpu-High,port-scan', '--host', 'web-1', '--severity', 'high,low', '--for', '2h', '--comment', ' kernel upgrade ', '-o', 'json']);
    expect(add.code, add.stderr).toBe(0);
    const made = JSON.parse(add.stdout);
    expect(made).toMatchObject({
      id: 1,
      matchers: { rules: ['ssh.*', 'cpu-high', 'port-scan'], hosts: ['web-1'], severities: ['HIGH', 'LOW'] },
      state: 'active',
      created_by: userInfo().username,
      comment: 'kernel upgrade',
      expired_by: null,
      expired_at: null,
    });
    const starts = Date.parse(made.starts_at);
    expect(starts).toBeGreaterThanOrEqual(t0);
    expect(Date.parse(made.ends_at) - starts).toBe(2 * HOUR);
    expect(readAll(db)).toEqual([{ id: 1, matchers: JSON.stringify(made.matchers), starts_at: starts, ends_at: starts + 2 * HOUR, created_by: userInfo().username, comment: 'kernel upgrade', expired_by: null }]);

    // --from/--until, a later start: pending; --by names who.
    const from = new Date(t0 + 24 * HOUR).toISOString();
    const until = new Date(t0 + 26 * HOUR).toISOString();
    const later = await cli(['silence', 'add', '--db', db, '--host', 'db-*', '--from', from, '--until', until, '--comment', 'backup', '--by', 'ops-team']);
    expect(later.code, later.stderr).toBe(0);
    expect(later.stdout.split('\n')[0]).toMatch(/^ID +STATE +STARTS +ENDS +MATCHERS +BY +COMMENT$/);
    expect(later.stdout.split('\n')[1]).toMatch(new RegExp(`^2 +pending +${from} +${until} +host=db-\\* +ops-team +backup$`));

    const listed = await cli(['silence', 'list', '--db', db, '-o', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((s: { id: number; state: string }) => [s.id, s.state])).toEqual([
      [2, 'pending'],
      [1, 'active'],
    ]);

    const ended = await cli(['silence', 'expire', '1', '--db', db, '--by', 'bob', '-o', 'json']);
    expect(ended.code, ended.stderr).toBe(0);
    const e = JSON.parse(ended.stdout);
    expect(e).toMatchObject({ id: 1, state: 'expired', expired_by: 'bob', created_by: userInfo().username });
    expect(e.ends_at).toBe(e.expired_at);
    expect(readAll(db)[0]!.expired_by).toBe('bob');

    // Expired ones leave the default list, not the record.
    const active = await cli(['silence', 'list', '--db', db]);
    expect(active.stdout.trim().split('\n').slice(1).map((l) => l.split(/ +/)[0])).toEqual(['2']);
    const all = await cli(['silence', 'list', '--db', db, '--all', '-o', 'csv']);
    const csv = parseCsv(all.stdout);
    expect(csv[0]).toEqual(['id', 'state', 'starts_at', 'ends_at', 'rules', 'hosts', 'severities', 'created_by', 'created_at', 'comment', 'expired_by', 'expired_at']);
    expect(csv.slice(1).map((r) => [r[0], r[1], r[5], r[10]])).toEqual([
      ['2', 'pending', 'db-*', ''],
      ['1', 'expired', 'web-1', 'bob'],
    ]);
    const one = await cli(['silence', 'list', '--db', db, '--all', '--limit', '1', '-o', 'ndjson']);
    expect(one.stdout.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual([2]);

    // Expiring again changes nothing; an unknown id is an error.
    const again = await cli(['silence', 'expire', '1', '--db', db, '--by', 'carol', '-o', 'json']);
    expect(JSON.parse(again.stdout).expired_by).toBe('bob');
    const missing = await cli(['silence', 'expire', '99', '--db', db]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('logagg: no silence with id 99\n');
  });

  test('an empty list says so on stderr', async () => {
    const db = seedDb([]).path;
    const r = await cli(['silence', 'list', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no active or pending silences/);
  });

  test.each([
    ['no matcher', ['--for', '1h', '--comment', 'x'], /--rule\/--host\/--severity: give at least one rule, host or severity/],
    ['no comment', ['--host', 'web-1', '--for', '1h'], /--comment: say why/],
    ['a blank comment', ['--host', 'web-1', '--for', '1h', '--comment', '  '], /--comment: say why/],
    ['neither --for nor --until', ['--host', 'web-1', '--comment', 'x'], /give how long: --for 2h/],
    ['both --for and --until', ['--host', 'web-1', '--for', '1h', '--until', '2099-01-01T00:00:00Z', '--comment', 'x'], /--for and --until: give one of them/],
    ['a bad duration', ['--host', 'web-1', '--for', 'soon', '--comment', 'x'], /--for: give --until, or --for like 30m, 2h or 1d/],
    ['longer than a year', ['--host', 'web-1', '--for', '400d', '--comment', 'x'], /--for: a silence lasts at most 366 days/],
    ['an end in the past', ['--host', 'web-1', '--from', '2019-12-31T00:00:00Z', '--until', '2020-01-01T00:00:00Z', '--comment', 'x'], /--until: is in the past/],
    ['an end before the start', ['--host', 'web-1', '--from', '2099-01-02T00:00:00Z', '--until', '2099-01-01T00:00:00Z', '--comment', 'x'], /--until: must be after --from/],
    ['a time that is not one', ['--host', 'web-1', '--from', 'yesterday', '--for', '1h', '--comment', 'x'], /--from yesterday: give a time/],
    ['a severity that is not one', ['--severity', 'urgent', '--for', '1h', '--comment', 'x'], /--severity: values are LOW, MEDIUM, HIGH or CRITICAL/],
    ['a host with a space', ['--host', 'web 1', '--for', '1h', '--comment', 'x'], /--host: values are names or `\*` globs/],
  ])('add refuses %s (exit 2), storing nothing', async (_what, args, message) => {
    const db = seedDb([]).path;
    const r = await cli(['silence', 'add', '--db', db, ...args]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(countRows(db, 'SELECT count(*) FROM silences')).toBe(0);
  });

  test('a missing database is not created (exit 1); a bad id is a usage error', async () => {
    const db = path.join(tempDir(), 'none.db');
    const r = await cli(['silence', 'add', '--db', db, '--host', 'x', '--for', '1h', '--comment', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not exist/);
    const bad = await cli(['silence', 'expire', 'abc', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/silence id abc/);
  });
});

describe('against a running serve (--url)', () => {
  test('add, list and expire through the API record the token subject; refusals map to exit codes', async () => {
    const db = path.join(tempDir('logagg-silence-cli-'), 'logagg.db');
    const serve = startCli(['serve'], serveEnv(db));
    await waitFor('API listening', () => serve.output().includes('"msg":"API listening"') || serve.proc.exitCode !== null, 30_000, 50);
    const url = /"msg":"API listening".*?"url":"([^"]+)"/.exec(serve.output())?.[1];
    expect(url, serve.output()).toBeDefined();
    const ana = token({ roles: ['analyst'], sub: 'ana' });

    const add = await cli(['silence', 'add', '--url', url!, '--token', ana, '--host', 'web-1,web-2', '--rule', 'cpu-high', '--for', '30m', '--comment', 'failover test', '-o', 'json']);
    expect(add.code, add.stderr).toBe(0);
    const made = JSON.parse(add.stdout);
    expect(made).toMatchObject({ id: 1, state: 'active', created_by: 'ana', comment: 'failover test', matchers: { rules: ['cpu-high'], hosts: ['web-1', 'web-2'], severities: [] } });
    expect(Date.parse(made.ends_at) - Date.parse(made.starts_at)).toBe(30 * 60_000);
    // Written by the appliance's writer into its database.
    await waitFor('the row', () => countRows(db, "SELECT count(*) FROM silences WHERE created_by = 'ana'") === 1, 5_000, 50);

    // LOGAGG_URL / LOGAGG_TOKEN, as `query` reads them.
    const env = { LOGAGG_URL: url!, LOGAGG_TOKEN: ana };
    const listed = await cli(['silence', 'list'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split('\n')[1]).toMatch(/^1 +active +\S+ +\S+ +rule=cpu-high host=web-1,web-2 +ana +failover test$/);

    const ended = await cli(['silence', 'expire', '1', '-o', 'json'], env);
    expect(ended.code, ended.stderr).toBe(0);
    expect(JSON.parse(ended.stdout)).toMatchObject({ id: 1, state: 'expired', expired_by: 'ana' });
    expect((await cli(['silence', 'list'], env)).stdout).toBe('');
    expect(JSON.parse((await cli(['silence', 'list', '--all', '-o', 'json'], env)).stdout).map((s: { state: string }) => s.state)).toEqual(['expired']);

    const cases: [string[], Record<string, string>, number, RegExp][] = [
      // checked before sending, with the same words as locally
      [['add', '--host', 'web-1', '--for', '1h'], env, 2, /--comment: say why/],
      [['add', '--host', 'web-1', '--for', '1h', '--comment', 'x', '--by', 'someone'], env, 2, /--by: a remote appliance records the token's subject/],
      [['expire', '42'], env, 1, /^logagg: no silence with id 42\n$/],
      [['list'], { LOGAGG_URL: url!, LOGAGG_TOKEN: token({ roles: ['viewer'], sub: 'vera' }) }, 1, /the token may not do this/],
      [['add', '--host', 'web-1', '--for', '1h', '--comment', 'x'], { LOGAGG_URL: url!, LOGAGG_TOKEN: token({ roles: ['analyst'], sub: 'sam', hosts: ['db-*'] }) }, 1, /the token may not do this: a token limited to some hosts/],
      [['list'], { LOGAGG_URL: url! }, 1, /refused the token/],
      [['list', '--url', url!, '--db', db], {}, 2, /--db and --url/],
    ];
    for (const [args, e, code, message] of cases) {
      const r = await cli(['silence', ...args], e);
      expect([r.code, r.stderr], args.join(' ')).toEqual([code, expect.stringMatching(message)]);
    }
    expect(countRows(db, 'SELECT count(*) FROM silences')).toBe(1);
    serve.proc.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  });
});
