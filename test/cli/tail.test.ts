// `logagg tail` through the built CLI (bin/logagg -> lib/; `npm run build` first, as `npm test`
// does): stdout is a pipe here, so tail prints plain lines like `tail -f`.
import { describe, expect, test } from 'vitest';
import { startCli, runCli } from '../helpers/cli.js';
import { events, startTailApi, tailDb, until } from '../tui/tail-fixtures.js';

const ANSI = /\u001b\[/;
const lines = (out: string) => out.split('\n').filter((l) => l !== '');

describe('logagg tail (plain)', () => {
  test('prints the last lines, then each new event as a writer stores it, without colors; SIGINT ends it with 0', async () => {
    const db = tailDb();
    db.write(events(12, 'boot', { host: 'web-1' }));
    const cli = startCli(['tail', '--db', db.path, '--interval', '50']);
    await until('the last 10 lines', () => lines(cli.output()).length >= 10, 15_000);
    expect(lines(cli.output())[0]).toBe('2025-01-15T12:00:02.000Z INFO   web-1 json/system-metrics boot-2');

    db.write(events(2, 'disk failing', { host: 'db-1', level: 3, level_name: 'error' }));
    await until('the new lines', () => cli.output().includes('disk failing-1'), 10_000);
    db.write(events(1, 'later'));
    await until('the next one', () => cli.output().includes('later-0'), 10_000);
    const out = lines(cli.output());
    expect(out.slice(10)).toEqual([
      '2025-01-15T12:00:00.000Z ERROR  db-1 json/system-metrics disk failing-0',
      '2025-01-15T12:00:01.000Z ERROR  db-1 json/system-metrics disk failing-1',
      '2025-01-15T12:00:00.000Z INFO   web-01 json/system-metrics later-0',
    ]);
    expect(cli.output()).not.toMatch(ANSI);

    cli.proc.kill('SIGINT');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
  }, 40_000);

  test('--no-follow -n N prints the last N matching events and exits', async () => {
    const db = tailDb();
    db.write([...events(5, 'alpha', { host: 'web-1' }), ...events(5, 'beta', { host: 'db-1', level: 3, level_name: 'error' })]);
    const r = await runCli(['tail', '--db', db.path, '--no-follow', '-n', '3', '--level', 'error', '--host', 'db-*']);
    expect(r.code).toBe(0);
    expect(lines(r.output).map((l) => l.split(' ').pop())).toEqual(['beta-2', 'beta-3', 'beta-4']);
    const q = await runCli(['tail', '--db', db.path, '--no-follow', '-q', 'alpha', '-n', '100']);
    expect(lines(q.output)).toHaveLength(5);
  }, 30_000);

  test('-o ndjson prints one GET /logs item per line; --with-alerts adds the alerts; --color always colors', async () => {
    const db = tailDb();
    const cli = startCli(['tail', '--db', db.path, '--interval', '50', '-o', 'ndjson', '--with-alerts']);
    const colored = startCli(['tail', '--db', db.path, '--interval', '50', '--with-alerts', '--color', 'always']);
    // Alerts raised before tail started are not printed: wait until both follow.
    db.write(events(1, 'first'));
    await until('both running', () => cli.output().includes('first-0') && colored.output().includes('first-0'), 15_000);
    db.write(events(1, 'nc -l', { host: 'web-2' }), [{ rule_id: 'port-scan', host: 'web-2', severity: 'CRITICAL', title: 'Port scan on web-2' }]);
    await until('a log and an alert', () => lines(cli.output()).length >= 3 && lines(colored.output()).length >= 3, 15_000);
    const [, log, alert] = lines(cli.output()).map((l) => JSON.parse(l));
    expect(log).toMatchObject({ host: 'web-2', message: 'nc -l-0', ts: '2025-01-15T12:00:00.000Z', source: { topic: 'system-metrics' } });
    expect(log).not.toHaveProperty('raw');
    expect(alert).toMatchObject({ alert: { rule_id: 'port-scan', severity: 'CRITICAL', state: 'open', host: 'web-2' } });
    expect(colored.output()).toMatch(ANSI);
    expect(colored.output()).toMatch(/ALERT .*CRITICAL.* #\d+ open web-2 port-scan: Port scan on web-2/);
    cli.proc.kill('SIGINT');
    colored.proc.kill('SIGINT');
    expect((await cli.exited).code).toBe(0);
  }, 40_000);

  test('--url follows a remote appliance through its event stream', async () => {
    const db = tailDb();
    db.write(events(2, 'before'));
    const api = await startTailApi(db);
    const cli = startCli(['tail', '--url', api.url, '-n', '1'], { LOGAGG_TOKEN: api.viewer });
    await until('the window', () => cli.output().includes('before-1'), 15_000);
    db.write(events(2, 'remote', { host: 'edge-1' }));
    await until('streamed lines', () => cli.output().includes('remote-1'), 15_000);
    expect(lines(cli.output())).toEqual([
      '2025-01-15T12:00:01.000Z INFO   web-01 json/system-metrics before-1',
      '2025-01-15T12:00:00.000Z INFO   edge-1 json/system-metrics remote-0',
      '2025-01-15T12:00:01.000Z INFO   edge-1 json/system-metrics remote-1',
    ]);
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  }, 40_000);

  test.each([
    ['--db and --url together', ['--db', 'x.db', '--url', 'http://127.0.0.1:1'], 2, /--db and --url/],
    ['a bad level', ['--level', 'loud', '--db', 'x.db'], 2, /--level loud/],
    ['a bad line count', ['-n', '-3', '--db', 'x.db'], 2, /--lines|error: option/],
    ['a database that does not exist', ['--db', '/nonexistent/logagg.db'], 1, /does not exist yet/],
    ['a token the appliance refuses', ['--url', 'URL', '--token', 'nope'], 1, /refused the token/],
  ])('%s', async (_n, args, code, msg) => {
    let argv = args;
    if (args.includes('URL')) {
      const api = await startTailApi(tailDb());
      argv = args.map((a) => (a === 'URL' ? api.url : a));
    }
    const r = await runCli(['tail', ...argv]);
    expect(r.code).toBe(code);
    expect(r.output).toMatch(msg);
  }, 30_000);
});
