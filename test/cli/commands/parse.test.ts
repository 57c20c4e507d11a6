// `logagg parse` as a user runs it: the built CLI (`npm run build` first) as a child process, on
// a temp file and on standard input, with an operator extractor from a config file.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { BIN } from '../../helpers/cli.js';
import { deferCleanup, tempDir } from '../../helpers/temp.js';

vi.setConfig({ testTimeout: 120_000 });

const dir = tempDir('logagg-parse-');
const config = path.join(dir, 'logagg.yaml');
writeFileSync(
  config,
  [
    'extract:',
    '  patterns:',
    '    MYAPP_ID: "[A-Z]{3}-[0-9]+"',
    '  extractors:',
    '    - name: myapp-login',
    '      topics: [app-logs]',
    '      grok: "^%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:level} login failed for %{USER:user} from %{IP:src_ip} port %{INT:src_port} id=%{MYAPP_ID:myapp.request_id}"',
    '      fields: { event.action: login, event.outcome: failure }',
    '',
  ].join('\n'),
);

const APP = '2026-11-20T10:16:03Z WARN login failed for alice from 203.0.113.50 port 40022 id=REQ-77';
const SYSLOG = '<38>Nov 20 10:16:03 bastion sshd[1234]: Failed password for root from 203.0.113.50 port 40022 ssh2';
const JSON_LINE = '{"level":"error","msg":"boom","host":"API-1","ts":"2026-11-20T10:16:04Z"}';
const TEXT = 'hello world';

/** [value, count] pairs, most first, then by value. */
function countBy(values: string[]): [string, number][] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Runs the built CLI with `input` on standard input (none: stdin closed at once). */
function run(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [BIN, ...args], {
    cwd: path.resolve(path.dirname(BIN), '..'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdin.end(input);
  deferCleanup(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('logagg parse', () => {
  test('a file: each line with its parser and fields as JSON, then the summary', async () => {
    const file = path.join(dir, 'mixed.log');
    writeFileSync(file, [APP, SYSLOG, '', JSON_LINE, TEXT, ''].join('\n'));
    const r = await run(['-c', config, 'parse', '--topic', 'app-logs', '--json', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(5);
    expect(out[0]).toEqual({
      file,
      line: 1,
      parser: 'extractor:myapp-login',
      format: 'text',
      fields: {
        ts: '2026-11-20T10:16:03.000Z',
        level: 4,
        level_name: 'warning',
        user: 'alice',
        src_ip: '203.0.113.50',
        src_port: 40022,
        message: APP,
        attributes: { myapp: { request_id: 'REQ-77' }, event: { action: 'login', outcome: 'failure' } },
      },
      parse_error: null,
    });
    expect(out[1]).toMatchObject({ line: 2, format: 'syslog3164', fields: { host: 'bastion', process: 'sshd', pid: 1234, ts: '2026-11-20T10:16:03.000Z' } });
    expect(out[2]).toMatchObject({ line: 4, format: 'json', fields: { host: 'api-1', level: 3, message: 'boom' } });
    expect(out[3]).toEqual({ file, line: 5, parser: null, format: 'text', fields: { message: TEXT }, parse_error: null });
    expect(out[4].summary).toEqual({
      lines: 4,
      parse_errors: 0,
      // The sshd line is claimed by the sshd decoder once it exists; '-' (no parser) until then.
      parsers: countBy(out.slice(0, 4).map((l) => l.parser ?? '-')).map(([parser, lines]) => ({ parser, lines })),
      formats: [
        { format: 'text', lines: 2 },
        { format: 'json', lines: 1 },
        { format: 'syslog3164', lines: 1 },
      ],
      found: { ts: 3, level: 3, host: 2, process: 1, user: out[1].fields.user === undefined ? 1 : 2, src_ip: out[1].fields.src_ip === undefined ? 1 : 2 },
    });
  });

  test('standard input, as text: the extractor applies only on its topic', async () => {
    const onTopic = await run(['-c', config, 'parse', '--topic', 'app-logs'], `${APP}\n${TEXT}\n`);
    expect(onTopic.code).toBe(0);
    expect(onTopic.stdout).toContain('line 1  extractor:myapp-login  (text)\n');
    expect(onTopic.stdout).toMatch(/^ {2}src_ip +203\.0\.113\.50$/m);
    expect(onTopic.stdout).toMatch(/^ {2}event\.action +login$/m);
    expect(onTopic.stdout).toContain('line 2  -  (text)\n  message  hello world\n');
    expect(onTopic.stdout).toContain('--\n2 lines, 0 parse errors\nparsers: - 1, extractor:myapp-login 1\n');
    expect(onTopic.stdout).toContain('found:   ts 1 (50%), level 1 (50%), host 0 (0%), process 0 (0%), user 1 (50%), src_ip 1 (50%)');

    const offTopic = await run(['-c', config, 'parse', '--topic', 'other', '--no-summary'], `${APP}\n`);
    expect(offTopic.code).toBe(0);
    expect(offTopic.stdout).not.toContain('extractor:');
    expect(offTopic.stdout).not.toContain('--\n');
  });

  test('--format pins the format as kafka.formats would', async () => {
    const r = await run(['parse', '--format', 'json', '--json', '--no-summary'], 'not json\n');
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout);
    expect(line.format).toBe('json');
    expect(line.parse_error).toMatch(/^json:/);
  });

  test('usage errors: a missing file, a bad extractor in the config', async () => {
    const missing = await run(['parse', path.join(dir, 'nope.log')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.log: file not found');

    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'extract:\n  extractors:\n    - name: broken\n      grok: "%{IPADDR:src_ip}"\n');
    const r = await run(['-c', bad, 'parse'], `${APP}\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('extract.extractors.0.grok: extractor "broken": unknown pattern %{IPADDR}');
  });
});
