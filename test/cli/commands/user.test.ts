// `logagg user add|passwd|del|list`, the built CLI spawned with the password on stdin, on a real
// SQLite file: what is stored (a scrypt hash that verifies, never the password) and what a user sees.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test, vi } from 'vitest';
import { verifyPassword } from '../../../src/auth/password-hash.js';
import { BIN } from '../../helpers/cli.js';
import { deferCleanup, tempDir } from '../../helpers/temp.js';

vi.setConfig({ testTimeout: 60_000 });

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI with `stdin` written to its standard input (then closed), and only this environment. */
function user(db: string, args: string[], stdin = ''): Promise<Run> {
  const proc = spawn(process.execPath, [BIN, 'user', ...args, '--db', db], {
    cwd: path.resolve(path.dirname(BIN), '..'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdin.on('error', () => {}); // a command that fails before reading closes its stdin
  proc.stdin.end(stdin);
  deferCleanup(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}

interface Row {
  name: string;
  role: string;
  hosts: string | null;
  pw_hash: string;
  created_at: number;
  updated_at: number;
  disabled: number;
}

function rows(db: string): Row[] {
  const c = new Database(db, { readonly: true });
  try {
    return c.prepare('SELECT name, role, hosts, pw_hash, created_at, updated_at, disabled FROM users ORDER BY name').all() as Row[];
  } finally {
    c.close();
  }
}

const PW = 'correct horse battery';

describe('refusals, before anything is stored', () => {
  test.each([
    ['a short password', ['add', 'al', '--role', 'viewer', '--password-stdin'], 'short-pass\n', /at least 12 characters/],
    ['an empty stdin', ['add', 'al', '--role', 'viewer', '--password-stdin'], '', /stdin held no password/],
    ['an unknown role', ['add', 'al', '--role', 'root', '--password-stdin'], `${PW}\n`, /--role root: the role must be one of viewer, analyst, admin/],
    ['the ingest role', ['add', 'al', '--role', 'ingest', '--password-stdin'], `${PW}\n`, /the role must be one of/],
    ['a name starting with a dot', ['add', '.bad', '--role', 'viewer', '--password-stdin'], `${PW}\n`, /user name ".bad"/],
    ['a name with a space', ['add', 'a b', '--role', 'viewer', '--password-stdin'], `${PW}\n`, /user name "a b"/],
    ['an empty host scope', ['add', 'al', '--role', 'viewer', '--hosts', ' , ', '--password-stdin'], `${PW}\n`, /--hosts: give at least one host/],
    ['no terminal and no --password-stdin', ['add', 'al', '--role', 'viewer'], `${PW}\n`, /stdin is not a terminal: give the password on stdin with --password-stdin/],
  ])('%s: exit 2 with a message', async (_what, args, stdin, message) => {
    const db = path.join(tempDir('logagg-user-'), 'logagg.db');
    const r = await user(db, args, stdin);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
  });
});

describe('add, list, passwd, del', () => {
  test('add stores a scrypt hash of the stdin line (not the password) with role and scope; list shows them without the hash', async () => {
    const db = path.join(tempDir('logagg-user-'), 'logagg.db');
    const t0 = Date.now();
    const a = await user(db, ['add', 'alice', '--role', 'Analyst', '--hosts', 'Web-*, db1', '--password-stdin'], `${PW}\r\nignored second line\n`);
    expect(a.stderr).toContain('added alice (analyst, hosts web-*,db1)');
    expect(a.code).toBe(0);
    const b = await user(db, ['add', 'bob', '--role', 'viewer', '--password-stdin'], `${PW} for bob\n`);
    expect(b.code).toBe(0);

    const stored = rows(db);
    expect(stored.map((r) => [r.name, r.role, r.hosts, r.disabled])).toEqual([
      ['alice', 'analyst', '["web-*","db1"]', 0],
      ['bob', 'viewer', null, 0],
    ]);
    const alice = stored[0]!;
    expect(alice.pw_hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(alice.pw_hash).not.toContain(PW);
    expect(await verifyPassword(PW, alice.pw_hash)).toBe(true);
    expect(await verifyPassword(`${PW} for bob`, alice.pw_hash)).toBe(false);
    expect(alice.created_at).toBeGreaterThanOrEqual(t0);

    const list = await user(db, ['list']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+ROLE\s+HOSTS\s+CREATED\s+CHANGED\s+DISABLED$/);
    expect(lines[1]).toMatch(/^alice\s+analyst\s+web-\*,db1\s+\d{4}-/);
    expect(lines[2]).toMatch(/^bob\s+viewer\s+\*\s+\d{4}-/);
    expect(list.stdout).not.toContain('scrypt');

    const json = await user(db, ['list', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'alice', role: 'analyst', hosts: ['web-*', 'db1'], created_at: expect.any(String), updated_at: expect.any(String), disabled: false },
      { name: 'bob', role: 'viewer', hosts: null, created_at: expect.any(String), updated_at: expect.any(String), disabled: false },
    ]);

    const again = await user(db, ['add', 'alice', '--role', 'admin', '--password-stdin'], `${PW}\n`);
    expect(again.stderr).toMatch(/user alice exists; change the password with logagg user passwd alice/);
    expect(again.code).toBe(1);
    expect(rows(db)[0]!.role).toBe('analyst');
  });

  test('passwd replaces the hash and moves updated_at on; a short one changes nothing; an unknown user is exit 1', async () => {
    const db = path.join(tempDir('logagg-user-'), 'logagg.db');
    expect((await user(db, ['add', 'alice', '--role', 'viewer', '--password-stdin'], `${PW}\n`)).code).toBe(0);
    const before = rows(db)[0]!;

    const short = await user(db, ['passwd', 'alice', '--password-stdin'], 'too short\n');
    expect(short.code).toBe(2);
    expect(rows(db)[0]!.pw_hash).toBe(before.pw_hash);

    const r = await user(db, ['passwd', 'alice', '--password-stdin'], 'a brand new passphrase\n');
    expect(r.stderr).toContain('changed the password of alice');
    expect(r.code).toBe(0);
    const after = rows(db)[0]!;
    expect(await verifyPassword('a brand new passphrase', after.pw_hash)).toBe(true);
    expect(await verifyPassword(PW, after.pw_hash)).toBe(false);
    expect(after.updated_at).toBeGreaterThan(before.updated_at);
    expect(after.created_at).toBe(before.created_at);

    const unknown = await user(db, ['passwd', 'nobody', '--password-stdin'], `${PW}\n`);
    expect(unknown.stderr).toMatch(/no user nobody/);
    expect(unknown.code).toBe(1);
  });

  test('del removes the account; deleting it again is exit 1; list says when there are none', async () => {
    const db = path.join(tempDir('logagg-user-'), 'logagg.db');
    expect((await user(db, ['add', 'alice', '--role', 'viewer', '--password-stdin'], `${PW}\n`)).code).toBe(0);
    const d = await user(db, ['del', 'alice']);
    expect(d.stderr).toContain('removed alice');
    expect(d.code).toBe(0);
    expect(rows(db)).toEqual([]);
    const again = await user(db, ['del', 'alice']);
    expect(again.stderr).toMatch(/no user alice/);
    expect(again.code).toBe(1);
    const list = await user(db, ['list']);
    expect(list.stdout).toBe('');
    expect(list.stderr).toMatch(/no users/);
    expect(list.code).toBe(0);
  });
});

// A real terminal: Python's pty module runs the CLI on a pseudo-terminal, answers each prompt as
// soon as it shows, and prints everything the terminal displayed and the exit code.
const PTY_DRIVER = String.raw`
import os, pty, select, sys, json
args, answers = json.loads(sys.argv[1]), json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(args[0], args)
shown = b''
def read_until_prompt():
    global shown
    while True:
        r, _, _ = select.select([fd], [], [], 20)
        if not r: return
        try: d = os.read(fd, 1024)
        except OSError: return
        if not d: return
        shown += d
        if d.rstrip().endswith(b':'): return
for a in answers:
    read_until_prompt()
    os.write(fd, a.encode() + b'\r')
read_until_prompt()
_, status = os.waitpid(pid, 0)
sys.stdout.write(json.dumps({'shown': shown.decode(errors='replace'), 'code': os.WEXITSTATUS(status)}))
`;
const hasPython = spawnSync('python3', ['-c', 'import pty']).status === 0;

describe.skipIf(!hasPython)('at a terminal', () => {
  const atTerminal = (db: string, args: string[], answers: string[]) => {
    const driver = path.join(tempDir('logagg-user-pty-'), 'pty-driver.py');
    writeFileSync(driver, PTY_DRIVER);
    const r = spawnSync('python3', [driver, JSON.stringify([process.execPath, BIN, 'user', ...args, '--db', db]), JSON.stringify(answers)], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`the pty driver failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as { shown: string; code: number };
  };

  test('the password is asked twice, never shown; two different answers change nothing', async () => {
    const db = path.join(tempDir('logagg-user-'), 'logagg.db');
    const ok = atTerminal(db, ['add', 'tess', '--role', 'viewer'], [PW, PW]);
    expect(ok.shown).toMatch(/New password: \r?\nAgain: \r?\nadded tess \(viewer\)/);
    expect(ok.shown).not.toContain('horse');
    expect(ok.code).toBe(0);
    expect(await verifyPassword(PW, rows(db)[0]!.pw_hash)).toBe(true);

    const differ = atTerminal(db, ['passwd', 'tess'], ['first long answer', 'second long answer']);
    expect(differ.shown).toContain('the two passwords differ; nothing changed');
    expect(differ.shown).not.toContain('long answer');
    expect(differ.code).toBe(2);
    expect(await verifyPassword(PW, rows(db)[0]!.pw_hash)).toBe(true);
  });
});
