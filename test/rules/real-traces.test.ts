// The default rule set (config/rules) on raw lines, as real hosts write them, through the real
// pipeline pieces: normalizeMessage (decoders, recognizers, program decoders) → enrich → the
// detection engine. Raw text in, alerts out. Every trace arrives three ways: as syslog file lines
// (the PRI-less RFC 3164 header, and rsyslog's RFC 3339 one), inside a Filebeat/ECS envelope, and
// as journald JSON (`journalctl -o json`: MESSAGE without the header). Each scenario asserts every
// rule that fires, so a trace that raises one alert too many shows up.
//
// Lines follow their programs' format strings: OpenSSH auth.c (`Failed %s for %s%.100s from %.200s
// port %d ssh2`, `Invalid user %.100s from %.100s port %d`, auth_maxtries_exceeded), packet.c
// (`Disconnecting authenticating user …: Too many authentication failures`), pam_unix's
// `authentication failure; logname= uid= euid= tty= ruser= rhost=  user=`, sudo's logging.c
// (`user : N incorrect password attempts ; TTY=… ; PWD=… ; USER=… ; COMMAND=…`), shadow-utils'
// useradd.c/groupadd.c (`new user: name=…, UID=…`), the kernel's nf_log_syslog.c behind ufw's
// `[UFW BLOCK]` prefix, and nginx's combined access log.
import { beforeAll, describe, expect, test } from 'vitest';
import { DetectionEngine } from '../../src/core/detect/engine.js';
import { EMPTY_ENRICH_CONTEXT, enrich } from '../../src/core/enrich.js';
import type { NormalizedEvent } from '../../src/core/event.js';
import { normalizeMessage } from '../../src/core/normalize.js';
import type { CompiledRule } from '../../src/core/rules/types.js';
import { loadRules } from '../../src/rules/rule-files.js';

/** 2026-11-20 10:16:00 UTC: the start of every trace. */
const T0 = Date.UTC(2026, 10, 20, 10, 16, 0);
let rules: CompiledRule[];

beforeAll(async () => {
  const loaded = await loadRules('config/rules', { sigmaFieldMap: {}, defaultSuppressMs: 600_000 });
  expect(loaded.errors).toEqual([]);
  rules = loaded.rules;
});

/** One log record: seconds after T0, the host, the program (tag), its pid, the message. */
interface Rec {
  sec: number;
  host: string;
  prog: string;
  pid: number | null;
  msg: string;
  /** syslog facility number (auth 4, authpriv 10, kern 0) and severity, for journald. */
  facility: number;
  priority: number;
}

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** `Nov 20 10:16:03 bastion sshd[1234]: msg` — day padded with a space, no year, no PRI. */
function fileLine(r: Rec): string {
  const d = new Date(T0 + r.sec * 1000);
  const tag = r.pid === null ? `${r.prog}:` : `${r.prog}[${r.pid}]:`;
  return `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${r.host} ${tag} ${r.msg}`;
}

/** rsyslog's RSYSLOG_FileFormat: `2026-11-20T10:16:03.000123+00:00 bastion sshd[1234]: msg`. */
function rfc3339Line(r: Rec): string {
  const iso = new Date(T0 + r.sec * 1000).toISOString().slice(0, 19);
  const tag = r.pid === null ? `${r.prog}:` : `${r.prog}[${r.pid}]:`;
  return `${iso}.000123+00:00 ${r.host} ${tag} ${r.msg}`;
}

/** Filebeat's log input reading /var/log/auth.log (or any file), ECS fields beside the line. */
function filebeat(r: Rec, line = fileLine(r)): string {
  return JSON.stringify({
    '@timestamp': new Date(T0 + r.sec * 1000 + 412).toISOString(),
    '@metadata': { beat: 'filebeat', type: '_doc', version: '8.11.0' },
    agent: { type: 'filebeat', version: '8.11.0', name: 'shipper-1' },
    ecs: { version: '8.0.0' },
    host: { name: 'shipper-1' },
    input: { type: 'log' },
    log: { file: { path: r.prog === 'nginx' ? '/var/log/nginx/access.log' : '/var/log/auth.log' }, offset: 1024 + r.sec },
    message: line,
  });
}

/** `journalctl -o json`: the message without a header; time in microseconds, numbers as text. */
function journald(r: Rec): string {
  const us = BigInt(T0 + r.sec * 1000) * 1000n + 123n;
  const e: Record<string, string> = {
    __CURSOR: `s=6d1f0c;i=${r.sec.toString(16)};b=9e3;m=5123456789;t=62a1;x=77`,
    __REALTIME_TIMESTAMP: String(us),
    __MONOTONIC_TIMESTAMP: String(5_123_456_789 + r.sec * 1_000_000),
    _BOOT_ID: '9e3b0c4f4d7a4f6c8f2b1d0e5a6c7b8d',
    _HOSTNAME: r.host,
    _TRANSPORT: r.prog === 'kernel' ? 'kernel' : 'syslog',
    PRIORITY: String(r.priority),
    SYSLOG_FACILITY: String(r.facility),
    SYSLOG_IDENTIFIER: r.prog,
    MESSAGE: r.msg,
  };
  if (r.pid !== null) {
    e._PID = String(r.pid);
    e.SYSLOG_PID = String(r.pid);
  }
  return JSON.stringify(e);
}

const WRAPS = {
  'syslog file (RFC 3164, no PRI)': (r: Rec) => fileLine(r),
  'syslog file (rsyslog RFC 3339)': (r: Rec) => rfc3339Line(r),
  'Filebeat/ECS envelope': (r: Rec) => filebeat(r),
  'journald JSON': (r: Rec) => journald(r),
} as const;
type Wrap = keyof typeof WRAPS;
const ALL_WRAPS = Object.keys(WRAPS) as Wrap[];

/** Raw bytes in → normalized, enriched events (received a second after they were written). */
function events(trace: Rec[], wrap: Wrap, topic = 'syslog'): NormalizedEvent[] {
  return trace.map((r, i) =>
    enrich(
      normalizeMessage(new TextEncoder().encode(WRAPS[wrap](r)), {
        source: { kind: 'kafka', topic, partition: 0, offset: String(i) },
        receivedAt: T0 + r.sec * 1000 + 1000,
        maxBytes: 1 << 20,
      }),
      EMPTY_ENRICH_CONTEXT,
    ),
  );
}

/** Every alert the default rules raise on the trace: [rule id, title]. */
function alerts(trace: Rec[], wrap: Wrap): [string, string][] {
  return new DetectionEngine(rules).evaluate(events(trace, wrap)).map((f) => [f.rule_id, f.title]);
}

// ---- the programs' lines -------------------------------------------------------------------

const ATTACKER = '100.64.3.50';
const sshd = (sec: number, pid: number, msg: string, priority = 6): Rec => ({ sec, host: 'bastion', prog: 'sshd', pid, msg, facility: 4, priority });
const sshdPam = (sec: number, pid: number, msg: string): Rec => ({ sec, host: 'bastion', prog: 'sshd', pid, msg, facility: 10, priority: 5 });

/** One password guess for an account that does not exist, as sshd + PAM log it (6 lines). */
function invalidUserAttempt(sec: number, pid: number, user: string, ip = ATTACKER, port = 40000 + pid): Rec[] {
  return [
    sshd(sec, pid, `Invalid user ${user} from ${ip} port ${port}`),
    sshd(sec, pid, `input_userauth_request: invalid user ${user} [preauth]`),
    sshdPam(sec + 2, pid, 'pam_unix(sshd:auth): check pass; user unknown'),
    sshdPam(sec + 2, pid, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}`),
    sshd(sec + 4, pid, `Failed password for invalid user ${user} from ${ip} port ${port} ssh2`),
    sshd(sec + 4, pid, `Connection closed by invalid user ${user} ${ip} port ${port} [preauth]`),
  ];
}

/** One wrong password for an existing account on an open connection (2 lines). */
function wrongPassword(sec: number, pid: number, user: string, ip = ATTACKER, port = 40000 + pid): Rec[] {
  return [
    sshdPam(sec, pid, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=${user}`),
    sshd(sec + 2, pid, `Failed password for ${user} from ${ip} port ${port} ssh2`),
  ];
}

/** sshd giving up on a connection after MaxAuthTries: summaries of guesses already logged. */
function maxTries(sec: number, pid: number, user: string, n: number, ip = ATTACKER, port = 40000 + pid): Rec[] {
  return [
    sshd(sec, pid, `error: maximum authentication attempts exceeded for ${user} from ${ip} port ${port} ssh2 [preauth]`, 3),
    sshd(sec, pid, `Disconnecting authenticating user ${user} ${ip} port ${port}: Too many authentication failures [preauth]`),
    sshdPam(sec, pid, `PAM ${n - 1} more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=${user}`),
    sshdPam(sec, pid, 'PAM service(sshd) ignoring max retries; 6 > 3'),
  ];
}

const accepted = (sec: number, pid: number, user: string, method: string, ip: string, port = 40000 + pid): Rec[] => [
  sshd(sec, pid, `Accepted ${method} for ${user} from ${ip} port ${port} ssh2${method === 'publickey' ? ': ED25519 SHA256:Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0' : ''}`),
  sshdPam(sec, pid, `pam_unix(sshd:session): session opened for user ${user}(uid=${user === 'root' ? 0 : 1000}) by (uid=0)`),
];

const sudo = (sec: number, msg: string, priority = 5): Rec => ({ sec, host: 'bastion', prog: 'sudo', pid: null, msg, facility: 10, priority });
const sudoPam = (sec: number, user: string, uid: number, tty: string): Rec =>
  sudo(sec, `pam_unix(sudo:auth): authentication failure; logname=${user} uid=${uid} euid=0 tty=/dev/${tty} ruser=${user} rhost=  user=${user}`);

// ---- the traces ----------------------------------------------------------------------------

/**
 * A bot's brute force, 8 guesses in about a minute on 4 connections: 3 user names that do not
 * exist (6 lines each) and 5 root passwords (2 lines each, then sshd's MaxAuthTries summaries).
 */
const bruteForce: Rec[] = [
  ...invalidUserAttempt(0, 2101, 'admin'),
  ...invalidUserAttempt(7, 2102, 'oracle'),
  ...wrongPassword(14, 2103, 'root'),
  ...wrongPassword(20, 2103, 'root'),
  ...wrongPassword(26, 2103, 'root'),
  ...invalidUserAttempt(33, 2104, 'admin'),
  ...wrongPassword(41, 2105, 'root'),
  ...wrongPassword(47, 2105, 'root'),
  ...maxTries(53, 2105, 'root', 6),
].sort((a, b) => a.sec - b.sec);

/** A person mistyping: twice a wrong user name, twice a wrong password, then in. */
const typos: Rec[] = [
  ...invalidUserAttempt(0, 3101, 'alcie', '100.64.8.7'),
  ...invalidUserAttempt(9, 3102, 'alcie', '100.64.8.7'),
  ...wrongPassword(20, 3103, 'alice', '100.64.8.7'),
  ...wrongPassword(26, 3103, 'alice', '100.64.8.7'),
  ...accepted(31, 3103, 'alice', 'password', '100.64.8.7'),
].sort((a, b) => a.sec - b.sec);

/** A slow guess (6 root passwords over 5 minutes, under the per-minute rate), then it works. */
const slowThenIn: Rec[] = [
  ...[0, 60, 120, 180, 240, 290].flatMap((s, i) => wrongPassword(s, 4101 + i, 'root')),
  ...accepted(330, 4110, 'root', 'password', ATTACKER),
];

/** Password spraying: one password for 6 different accounts, one every 90 seconds. */
const spraying: Rec[] = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].flatMap((u, i) => wrongPassword(i * 90, 5101 + i, u, '100.64.9.77'));

/** An administrator logging in as root with a key. */
const rootKeyLogin: Rec[] = accepted(0, 6101, 'root', 'publickey', '100.64.1.20');

/** mallory: 3 wrong passwords at sudo's prompt, then tries again and is not in sudoers. */
const sudoAbuse: Rec[] = [
  sudoPam(0, 'mallory', 1001, 'pts/1'),
  sudoPam(4, 'mallory', 1001, 'pts/1'),
  sudoPam(8, 'mallory', 1001, 'pts/1'),
  sudo(9, ' mallory : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/mallory ; USER=root ; COMMAND=/usr/bin/cat /etc/shadow', 1),
  sudo(40, ' mallory : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/bash', 1),
];

/** alice: one typo, then her command runs. */
const sudoTypo: Rec[] = [
  sudoPam(0, 'alice', 1000, 'pts/0'),
  sudo(5, '   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx'),
  sudo(5, 'pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)', 6),
];

/** `useradd -m backdoor` from a root shell: shadow-utils logs the group first, then the user. */
const newAccount: Rec[] = [
  { sec: 0, host: 'bastion', prog: 'useradd', pid: 7101, msg: 'new group: name=backdoor, GID=1002', facility: 10, priority: 6 },
  { sec: 0, host: 'bastion', prog: 'useradd', pid: 7101, msg: 'new user: name=backdoor, UID=1002, GID=1002, home=/home/backdoor, shell=/bin/bash, from=/dev/pts/0', facility: 10, priority: 6 },
];

/** A SYN scan of 16 ports in 16 seconds, dropped by ufw (kernel lines; no pid). */
const portScan: Rec[] = [21, 22, 23, 25, 53, 80, 110, 139, 143, 443, 445, 993, 995, 3306, 3389, 8080].map((dpt, i) => ({
  sec: i,
  host: 'fw-1',
  prog: 'kernel',
  pid: null,
  msg: `[ 8123.${String(456789 + i * 1000).padStart(6, '0')}] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=100.64.5.23 DST=10.0.0.10 LEN=44 TOS=0x00 PREC=0x00 TTL=243 ID=${54321 + i} PROTO=TCP SPT=51000 DPT=${dpt} WINDOW=1024 RES=0x00 SYN URGP=0`,
  facility: 0,
  priority: 4,
}));

/** The same port dropped 16 times (a misconfigured client retrying): no scan. */
const retries: Rec[] = portScan.map((r) => ({ ...r, msg: r.msg.replace(/DPT=\d+/, 'DPT=445').replace(/SRC=\S+/, 'SRC=100.64.5.24') }));

// ---- the scenarios -------------------------------------------------------------------------

describe.each(ALL_WRAPS)('%s', (wrap) => {
  test('each line is decoded: program, host, time, user and address from the text', () => {
    const [first] = events(invalidUserAttempt(0, 2101, 'admin'), wrap);
    // Filebeat's harvest time is kept when it falls within the line's (whole) second: more precise.
    expect(first!.ts - T0).toBe(wrap === 'Filebeat/ECS envelope' ? 412 : 0);
    expect(first).toMatchObject({ process: 'sshd', pid: 2101, host: 'bastion', user: 'admin', src_ip: ATTACKER, src_port: 42101 });
    expect(first!.attributes).toMatchObject({ event: { action: 'login', outcome: 'failure', reason: 'invalid-user' } });
  });

  // 32 lines, 8 guesses: the alert counts the guesses, not the lines.
  test('an 8-guess brute force in a minute: one brute-force alert by address, counting 8', () => {
    expect(bruteForce).toHaveLength(32);
    expect(alerts(bruteForce, wrap)).toEqual([['brute-force-src-ip', `8 failed logins from ${ATTACKER} in 1m`]]);
  });

  test('two mistyped user names and two mistyped passwords, then a login: quiet', () => {
    expect(alerts(typos, wrap)).toEqual([]);
  });

  test('slow guesses and then a root login from the same address: the compromise and the root login', () => {
    expect(alerts(slowThenIn, wrap)).toEqual([
      ['login-after-failures', `Login as root on bastion from ${ATTACKER} after 6 failures`],
      ['ssh-root-login', `Root login over SSH on bastion from ${ATTACKER}`],
    ]);
  });

  test('one password tried on six accounts: password spraying', () => {
    expect(alerts(spraying, wrap)).toEqual([['password-spraying', 'Password spraying from 100.64.9.77: 6 user names in 10m']]);
  });

  test('a root login with a key: root login over SSH', () => {
    expect(alerts(rootKeyLogin, wrap)).toEqual([['ssh-root-login', 'Root login over SSH on bastion from 100.64.1.20']]);
  });

  // 3 wrong passwords (PAM's lines; sudo's summary not counted again) and 1 refusal: 4 failures.
  // sudo logs its refusals at `alert` (syslog_badpri): journald carries that priority, so the
  // critical-level rule speaks too; a file line has no PRI.
  test('3 wrong sudo passwords, then not in sudoers: both sudo rules', () => {
    expect(alerts(sudoAbuse, wrap)).toEqual([
      ['sudo-not-in-sudoers', 'mallory is not in sudoers on bastion'],
      ['sudo-failures', '4 failed sudo attempts by mallory on bastion in 5m'],
      ...(wrap === 'journald JSON' ? [['critical-log-level', 'alert on bastion:  mallory : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/bash']] : []),
    ]);
  });

  test('one sudo typo, then the command: quiet', () => {
    expect(alerts(sudoTypo, wrap)).toEqual([]);
  });

  // Both lines match; one useradd is one alert (the rule's suppression per host), naming the user.
  test('useradd: a new group and a new user, one alert', () => {
    const evs = events(newAccount, wrap);
    expect(evs.map((e) => (e.attributes as { event?: { action?: string } }).event?.action)).toEqual(['group-add', 'user-add']);
    expect(alerts(newAccount, wrap)).toEqual([
      ['new-user-or-group', 'New account or group on bastion: new user: name=backdoor, UID=1002, GID=1002, home=/home/backdoor, shell=/bin/bash, from=/dev/pts/0'],
    ]);
  });

  test('16 ports dropped by ufw in 16 seconds: a port scan (once, not also the generic one)', () => {
    expect(alerts(portScan, wrap)).toEqual([['firewall-port-scan', 'Port scan from 100.64.5.23 dropped by the firewall: 16 ports in 1m']]);
  });

  test('16 drops to one port: quiet', () => {
    expect(alerts(retries, wrap)).toEqual([]);
  });
});

// ---- web scanning: access logs come from files (or a shipper reading them) -----------------

/** nginx's combined format: a scanner asking for 25 paths that do not exist, in 25 seconds. */
const PROBES = ['/.env', '/.git/config', '/wp-login.php', '/admin/', '/phpmyadmin/', '/backup.zip', '/config.php', '/.aws/credentials', '/server-status', '/actuator/env'];
const webScan: Rec[] = Array.from({ length: 25 }, (_, i) => ({
  sec: i,
  host: 'web-1',
  prog: 'nginx',
  pid: null,
  msg: `100.64.7.77 - - [20/Nov/2026:10:16:${two(i)} +0000] "GET ${PROBES[i % PROBES.length]} HTTP/1.1" 404 153 "-" "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)"`,
  facility: 23,
  priority: 6,
}));
// distinct paths: the 10 probes, then 15 more under /cgi-bin/
for (let i = PROBES.length; i < webScan.length; i++) webScan[i]!.msg = webScan[i]!.msg.replace(/GET \S+/, `GET /cgi-bin/test${i}.cgi`);

/** A browser missing its favicon 25 times: one path, no scan. */
const favicon: Rec[] = webScan.map((r) => ({ ...r, msg: r.msg.replace(/GET \S+/, 'GET /favicon.ico').replace('100.64.7.77', '100.64.7.9') }));

describe.each([
  ['access log file', (r: Rec) => r.msg],
  ['Filebeat reading the access log', (r: Rec) => filebeat(r, r.msg)],
  ['nginx logging to syslog, read from journald', (r: Rec) => journald(r)],
] as const)('%s', (_name, wrap) => {
  const run = (trace: Rec[]) =>
    new DetectionEngine(rules)
      .evaluate(trace.map((r, i) => enrich(normalizeMessage(new TextEncoder().encode(wrap(r)), { source: { kind: 'kafka', topic: 'web', partition: 0, offset: String(i) }, receivedAt: T0 + r.sec * 1000 + 1000, maxBytes: 1 << 20 }), EMPTY_ENRICH_CONTEXT)))
      .map((f) => [f.rule_id, f.title]);

  test('25 distinct paths answered 404 in 25 seconds: web scan', () => {
    expect(run(webScan)).toEqual([['web-scan', 'Web scan from 100.64.7.77: 25 paths answered 4xx in 1m']]);
  });

  test('one missing favicon asked 25 times: quiet', () => {
    expect(run(favicon)).toEqual([]);
  });
});
