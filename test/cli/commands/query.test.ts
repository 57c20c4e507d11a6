// `logagg query` as a user runs it: the built CLI as a child process, over a seeded SQLite file,
// compared with the real API's answers for the same parameters.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { asFlagError, logQueryParams, parseLogFilter, remoteParams, type QueryFlags } from '../../../src/cli/commands/query.js';
import type { RawQuery } from '../../../src/query/params.js';
import { LogaggError } from '../../../src/errors.js';
import { BIN } from '../../helpers/cli.js';
import { writeBatch, finding } from '../../store/alert-fixtures.js';
import { createSilence } from '../../../src/store/silence-store.js';
import { allPages, cli, HOUR, parseCsv, seedDb, startApiOver, variedEvents, type CliApi, type SeededDb } from '../fixtures.js';

// Every test starts the CLI (a Node process) several times: on 2 busy cores that takes seconds.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const ANSI = /\x1b\[/;
const N = 400;
/** The seeded events, and the 4 events of the alert batches. */
const TOTAL = N + 4;

let db: SeededDb;
let api: CliApi;

beforeAll(async () => {
  db = seedDb(variedEvents(N));
  // Alerts over the same database, as detection writes them (in a batch's transaction).
  const t = Date.now() - 2 * HOUR;
  writeBatch(db.store, { times: [t, t + 1000], findings: [finding({ rule_id: 'cpu-high', host: 'web-1', severity: 'HIGH', event_indexes: [0, 1] })] });
  // A silence of ssh-brute: its alert is stored marked silenced_by.
  createSilence(db.store, { matchers: { rules: ['ssh-brute'] }, starts_at: t - HOUR, ends_at: Date.now() + HOUR, created_by: 'ops', comment: 'pen test' }, t - HOUR);
  writeBatch(db.store, { times: [t + 5000], findings: [finding({ rule_id: 'ssh-brute', host: 'db-1', severity: 'CRITICAL' })] });
  writeBatch(db.store, { times: [t + 9000], findings: [finding({ rule_id: 'disk-low', host: 'edge-9', severity: 'LOW' })] });
  api = await startApiOver(db.path);
});

const query = (args: string[], env: Record<string, string> = {}) => cli(['query', '--db', db.path, ...args], env);
const ndjsonIds = (text: string): number[] => text.trimEnd().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: number }).id);

describe('output formats (piped: no colors)', () => {
  test('table: a header, the newest 100 rows by default, no escape sequences, messages whole', async () => {
    const r = await query([]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+TIME\s+HOST\s+LEVEL\s+THREAT\s+MESSAGE$/);
    expect(lines).toHaveLength(101);
    expect(r.stdout).not.toMatch(ANSI);
    // The seeded escape sequence is shown neutralized, and the two-line message on one line.
    expect(r.stdout).toContain('\ufffd[31mred');
    expect(lines.some((l) => /event 0 timeout from service, "quoted" .*second line$/.test(l))).toBe(true);
  });

  test('json: one array, the API shape (ISO times, no raw)', async () => {
    const r = await query(['--limit', '250', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(250);
    expect(rows[0]).toMatchObject({ ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), source: { topic: expect.any(String) } });
    expect(rows[0]).not.toHaveProperty('raw');
    const times = rows.map((x) => Date.parse(x.ts as string));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  test('json of an empty result is []', async () => {
    const r = await query(['--host', 'nobody', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  test('ndjson: one event per line', async () => {
    const r = await query(['--limit', '0', '-o', 'ndjson']);
    expect(r.code, r.stderr).toBe(0);
    expect(ndjsonIds(r.stdout)).toHaveLength(TOTAL);
  });

  test('csv: RFC 4180 (quoted commas, quotes and newlines read back exactly)', async () => {
    const r = await query(['--limit', '0', '-o', 'csv', '--order', 'asc']);
    expect(r.code, r.stderr).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows[0]!.slice(0, 4)).toEqual(['id', 'ts', 'received_at', 'topic']);
    expect(rows).toHaveLength(TOTAL + 1);
    const msg = rows[0]!.indexOf('message');
    const byMessage = rows.slice(1).map((x) => x[msg]);
    expect(byMessage).toContain('event 0 timeout from service, "quoted" \x1b[31mred\x1b[0m\nsecond line');
    const attr = rows[0]!.indexOf('attributes');
    expect(JSON.parse(rows[1]![attr]!)).toHaveProperty('seq');
  });

  test('--color always colors severities even in a pipe; --color never and NO_COLOR keep them out', async () => {
    const always = await query(['--level', 'error', '--color', 'always']);
    expect(always.code, always.stderr).toBe(0);
    expect(always.stdout).toMatch(/\x1b\[1;31m(emergency|alert|critical)\x1b\[0m/);
    expect(always.stdout).toMatch(/\x1b\[31merror\x1b\[0m/);
    const auto = await query(['--level', 'error'], { NO_COLOR: '1' });
    expect(auto.stdout).not.toMatch(ANSI);
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  test.skipIf(!hasScript)('on a terminal: colors (unless NO_COLOR), and lines fitted to its width with an ellipsis', () => {
    // `script` gives the CLI a real pseudo-terminal of 100 columns.
    const onTty = (env: Record<string, string>) => {
      const cmd = `stty cols 100; ${process.execPath} ${BIN} query --db ${db.path} --limit 20`;
      return execFileSync('script', ['-qec', cmd, '/dev/null'], { env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env } }).toString();
    };
    const out = onTty({});
    expect(out).toMatch(ANSI);
    const visible = out.replace(/\x1b\[[0-9;]*m/g, '').split(/\r?\n/).filter((l) => /^\d+ /.test(l));
    expect(visible).toHaveLength(20);
    for (const l of visible) expect([...l].length).toBeLessThanOrEqual(100);
    expect(visible.some((l) => l.endsWith('…'))).toBe(true);
    expect(onTty({ NO_COLOR: '1' })).not.toMatch(ANSI);
  });

  test('a reader that stops early (| head -1): exit 0, no error', () => {
    const out = execFileSync('bash', ['-c', `set -o pipefail; ${process.execPath} ${BIN} query --db ${db.path} --limit 0 -o ndjson | head -1; echo "status=$?"`], {
      env: { PATH: process.env.PATH ?? '' },
    }).toString();
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toHaveProperty('id');
    expect(lines[1]).toBe('status=0');
  });
});

/** CLI flags and the GET /logs query string meaning the same search. */
const SAME_SEARCH: [string, string[], string][] = [
  ['no filter', [], ''],
  ['absolute range', ['--from', new Date(Date.now() - 30 * HOUR).toISOString(), '--to', new Date(Date.now() - 5 * HOUR).toISOString()], 'ABS'],
  ['relative range', ['--from', '24h', '--to', '1h'], 'from=24h&to=1h'],
  ['hosts, repeated and comma-separated, with a pattern', ['--host', 'web-1', '--host', 'db-*,EDGE-9'], 'host=web-1&host=db-*,EDGE-9'],
  ['level at or above', ['--level', 'warning'], 'level=warning'],
  ['level by number', ['--level', '3'], 'level=3'],
  ['topic and format', ['--topic', 'threat-logs', '--format', 'cef,json'], 'topic=threat-logs&format=cef,json'],
  ['tags (all of them)', ['--tag', 'pci', '--tag', 'prod'], 'tag=pci&tag=prod'],
  ['with threats', ['--threats'], 'has_threats=true'],
  ['without threats', ['--no-threats'], 'has_threats=false'],
  ['threat severity', ['--threat-severity', 'high'], 'threat_severity=HIGH'],
  ['decode errors', ['--errors'], 'has_error=true'],
  ['full text', ['-q', 'timeout OR refus*'], `q=${encodeURIComponent('timeout OR refus*')}`],
  ['attributes', ['--attr', 'http.status=500', '--attr', 'http.method=POST'], 'attr.http.status=500&attr.http.method=POST'],
  ['everything at once, oldest first', ['--from', '48h', '--level', 'notice', '--host', 'web-*', '--order', 'asc'], 'from=48h&level=notice&host=web-*&sort=asc'],
];

describe('the same answers as GET /api/v1/logs', () => {
  test.each(SAME_SEARCH)('%s', async (_name, flags, qs) => {
    let query = qs;
    if (qs === 'ABS') query = `from=${encodeURIComponent(flags[1]!)}&to=${encodeURIComponent(flags[3]!)}`;
    const fromApi = (await allPages(api, `/api/v1/logs?limit=1000${query ? '&' + query : ''}`)).map((x: { id: number }) => x.id);
    const local = await cli(['query', '--db', db.path, '--limit', '0', '-o', 'ndjson', ...flags]);
    expect(local.code, local.stderr).toBe(0);
    expect(ndjsonIds(local.stdout)).toEqual(fromApi);
    expect(fromApi.length).toBeGreaterThan(0);

    const count = await cli(['query', '--db', db.path, '--count', '-o', 'json', ...flags.filter((f) => f !== '--order' && f !== 'asc')]);
    expect(count.code, count.stderr).toBe(0);
    expect(JSON.parse(count.stdout)).toEqual({ count: fromApi.length });
  });

  test('--stats gives what GET /logs/stats gives', async () => {
    const r = await query(['--stats', '-o', 'json', '--from', '36h', '--top-hosts', '2']);
    expect(r.code, r.stderr).toBe(0);
    const fromApi = await api.get('/api/v1/logs/stats?from=36h&top_hosts=2');
    expect(JSON.parse(r.stdout)).toEqual(fromApi.body);
  });

  test('--limit cuts the same ordered list', async () => {
    const fromApi = (await api.get('/api/v1/logs?limit=37&level=info')).body.items.map((x: { id: number }) => x.id);
    const r = await query(['--limit', '37', '--level', 'info', '-o', 'ndjson']);
    expect(r.code, r.stderr).toBe(0);
    expect(ndjsonIds(r.stdout)).toEqual(fromApi);
  });
});

describe('remote mode (--url, --token)', () => {
  test('prints exactly what the local database gives, in every format', async () => {
    const flags = ['--from', '40h', '--host', 'web-*,db-1', '--limit', '0'];
    for (const fmt of ['ndjson', 'csv', 'table', 'json']) {
      const local = await query([...flags, '-o', fmt]);
      const remote = await cli(['query', '--url', api.url, '--token', api.token(), ...flags, '-o', fmt]);
      expect(remote.code, remote.stderr).toBe(0);
      expect(remote.stdout).toBe(local.stdout);
    }
  });

  test('LOGAGG_URL and LOGAGG_TOKEN; pages followed when the server allows fewer rows per page than asked', async () => {
    const small = await startApiOver(db.path, { 'api.limits.max_page': 25, 'api.limits.default_page': 10 });
    const local = await query(['--limit', '0', '-o', 'ndjson', '--level', 'notice']);
    const remote = await cli(['query', '--limit', '0', '-o', 'ndjson', '--level', 'notice'], { LOGAGG_URL: small.url + '/api/v1/', LOGAGG_TOKEN: small.token() });
    expect(remote.code, remote.stderr).toBe(0);
    expect(remote.stdout).toBe(local.stdout);
    expect(ndjsonIds(remote.stdout).length).toBeGreaterThan(25);
    const limited = await cli(['query', '--limit', '33', '-o', 'ndjson'], { LOGAGG_URL: small.url, LOGAGG_TOKEN: small.token() });
    expect(ndjsonIds(limited.stdout)).toEqual(ndjsonIds((await query(['--limit', '33', '-o', 'ndjson'])).stdout));
  });

  test('--count and --stats through GET /logs/stats', async () => {
    const local = await query(['--stats', '-o', 'json', '--threats']);
    const remote = await cli(['query', '--url', api.url, '--token', api.token(), '--stats', '-o', 'json', '--threats']);
    expect(remote.stdout).toBe(local.stdout);
    const count = await cli(['query', '--url', api.url, '--token', api.token(), '--count', '--threats']);
    expect(count.stdout.trim()).toBe(String(JSON.parse(local.stdout).total));
  });

  test('a refused token is a runtime error (1) that says what to do; an unreachable appliance too', async () => {
    const bad = await cli(['query', '--url', api.url, '--token', 'not-a-token']);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stderr).toMatch(/refused the token.*--token or LOGAGG_TOKEN/);
    const none = await cli(['query', '--url', api.url]);
    expect(none.code, none.stderr).toBe(1);
    const down = await cli(['query', '--url', 'http://127.0.0.1:9', '--token', 'x']);
    expect(down.code, down.stderr).toBe(1);
    expect(down.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9\/api\/v1/);
  });
});

describe('alerts (--alerts)', () => {
  test('the same alerts as GET /api/v1/alerts, newest first, in every format', async () => {
    const fromApi = await allPages(api, '/api/v1/alerts?limit=1000');
    expect(fromApi).toHaveLength(3);
    const json = await query(['--alerts', '-o', 'json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(fromApi);
    expect(Object.fromEntries(fromApi.map((a) => [a.rule_id, a.silenced_by]))).toEqual({ 'cpu-high': null, 'ssh-brute': 'silence:1', 'disk-low': null });
    const table = await query(['--alerts']);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+LAST SEEN\s+SEVERITY\s+STATE\s+SILENCED\s+HOST\s+COUNT\s+RULE\s+TITLE$/);
    // A silenced alert says by what; the others show a dash.
    expect(lines.find((l) => l.includes('ssh-brute'))).toMatch(/ CRITICAL +open +silence:1 +db-1 /);
    expect(lines.find((l) => l.includes('disk-low'))).toMatch(/ LOW +open +- +edge-9 /);
    const csv = parseCsv((await query(['--alerts', '-o', 'csv'])).stdout);
    expect(csv).toHaveLength(4);
    const col = csv[0]!.indexOf('silenced_by');
    expect(csv.slice(1).map((r) => [r[1], r[col]])).toEqual(expect.arrayContaining([['ssh-brute', 'silence:1'], ['cpu-high', '']]));
    const remote = await cli(['query', '--alerts', '-o', 'json', '--url', api.url, '--token', api.token()]);
    expect(remote.stdout).toBe(json.stdout);
  });

  test('filters: state, minimum severity, host, rule; --count', async () => {
    const high = JSON.parse((await query(['--alerts', '--min-severity', 'HIGH', '-o', 'json'])).stdout) as { rule_id: string }[];
    expect(high.map((a) => a.rule_id).sort()).toEqual(['cpu-high', 'ssh-brute']);
    const fromApi = (await api.get('/api/v1/alerts?min_severity=HIGH&host=db-*')).body.items;
    expect(JSON.parse((await query(['--alerts', '--min-severity', 'high', '--host', 'db-*', '-o', 'json'])).stdout)).toEqual(fromApi);
    expect((await query(['--alerts', '--rule', 'disk-low', '--state', 'open', '--count'])).stdout).toBe('1\n');
    expect((await query(['--alerts', '--state', 'resolved', '--count'])).stdout).toBe('0\n');
  });
});

describe('exit codes', () => {
  test.each<[string, string[], RegExp]>([
    ['an unknown level', ['--level', 'loud'], /--level: must be a level name/],
    ['a time that is not one', ['--from', 'yesterday'], /--from: "yesterday" is not a time/],
    ['from after to', ['--from', '1h', '--to', '2h'], /--from: must not be after `to`/],
    ['a bad severity', ['--threat-severity', 'urgent'], /--threat-severity: must be one of/],
    ['an attribute without a value', ['--attr', 'status'], /--attr status: give path=value/],
    ['an attribute path that is not one', ['--attr', 'a..b=1'], /--attr/],
    ['a full-text query with no term', ['-q', 'AND'], /-q\/--search: no search term/],
    ['an unknown output format', ['-o', 'xml'], /argument 'xml' is invalid/],
    ['a negative limit', ['--limit', '-1'], /--limit/],
    ['--count with --stats', ['--count', '--stats'], /give one of them/],
    ['an alert flag without --alerts', ['--state', 'open'], /--state filters alerts; add --alerts/],
    ['a log flag with --alerts', ['--alerts', '--level', 'error'], /--level filters logs/],
    ['an unknown flag', ['--colour', 'always'], /unknown option/],
    ['--url with --db', ['--db', 'DB', '--url', 'http://127.0.0.1:1'], /--db and --url/],
    ['a URL that is not one', ['--url', 'ftp://x'], /use http/],
  ])('%s: 2', async (_name, args, message) => {
    const r = await cli(['query', ...(args.includes('--url') ? [] : ['--db', db.path]), ...args.map((a) => (a === 'DB' ? db.path : a))]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  test('a database that does not exist: 1, naming it', async () => {
    const r = await cli(['query', '--db', path.join(path.dirname(db.path), 'missing.db')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/missing\.db does not exist yet/);
  });

  test('--help shows examples and the exit codes', async () => {
    const r = await cli(['query', '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n {2}logagg query --from 1h --level warning/);
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 1 runtime error/);
  });
});

describe('flags to API parameters (pure)', () => {
  const base = { limit: 100, order: 'desc', output: 'table', color: 'auto' } as const;

  test.each<[string, Partial<QueryFlags>, RawQuery]>([
    ['nothing', {}, {}],
    ['lists stay lists', { host: ['a', 'b,c'], tag: ['x'] }, { host: ['a', 'b,c'], tag: ['x'] }],
    ['booleans as text', { threats: false, errors: true }, { has_threats: 'false', has_error: 'true' }],
    ['renamed', { threatSeverity: 'HIGH', search: 'a b' }, { threat_severity: 'HIGH', q: 'a b' }],
    ['attributes: the first = splits, a repeated path repeats', { attr: ['a.b=1=2', 'a.b=3', 'c='] }, { 'attr.a.b': ['1=2', '3'], 'attr.c': '' }],
  ])('%s', (_n, flags, out) => {
    expect(logQueryParams({ ...base, ...flags })).toEqual(out);
  });

  test.each([['=1'], ['novalue']])('--attr %j is a usage error', (a) => {
    expect(() => logQueryParams({ ...base, attr: [a] })).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });

  test('relative times are made absolute once for a remote appliance; the rest is sent as given', () => {
    const now = Date.UTC(2025, 0, 1, 12);
    const params = { from: '2h', to: 'now', host: ['x'] };
    const filter = parseLogFilter(params, now);
    expect(remoteParams(params, filter)).toEqual({ from: '2025-01-01T10:00:00.000Z', to: '2025-01-01T12:00:00.000Z', host: ['x'] });
  });

  test.each<[string, string, string]>([
    ['level', 'level: must be a level name', '--level: must be a level name'],
    ['has_threats', 'has_threats: must be true or false', '--threats: must be true or false'],
    ['attr.http.status', 'attr.http.status: given more than once; give it once', '--attr http.status=…: given more than once; give it once'],
  ])('API parameter %s is named as its flag', (param, message, out) => {
    const e = asFlagError(new LogaggError('BAD_REQUEST', message, { details: { param } })) as LogaggError;
    expect(e.code).toBe('USAGE');
    expect(e.message).toBe(out);
  });

  test('other errors pass through unchanged', () => {
    const e = new LogaggError('STORE_FAILED', 'x');
    expect(asFlagError(e)).toBe(e);
    const unknown = new LogaggError('BAD_REQUEST', 'cursor: bad', { details: { param: 'cursor' } });
    expect(asFlagError(unknown)).toBe(unknown);
  });
});
