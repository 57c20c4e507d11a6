// The default authentication and reconnaissance rules (config/rules/auth.yaml) on events shaped
// as the decoders produce them (docs/recognized-logs.md: attributes.event.action / outcome /
// reason, user, src_ip, …), through the real detection engine. Each scenario asserts every rule
// that fires, so one trace raising two alerts shows up.
import { beforeAll, describe, expect, test } from 'vitest';
import { DetectionEngine } from '../../src/core/detect/engine.js';
import { emptyEvent, type NormalizedEvent } from '../../src/core/event.js';
import type { CompiledRule, Finding } from '../../src/core/rules/types.js';
import { loadRules } from '../../src/rules/rule-files.js';

const T0 = Date.UTC(2026, 10, 20, 10, 16, 0);
let rules: CompiledRule[];

beforeAll(async () => {
  const loaded = await loadRules('config/rules', { sigmaFieldMap: {}, defaultSuppressMs: 600_000 });
  expect(loaded.errors).toEqual([]);
  rules = loaded.rules;
});

function ev(sec: number, over: Partial<NormalizedEvent>): NormalizedEvent {
  return emptyEvent({
    ts: T0 + sec * 1000,
    received_at: T0 + sec * 1000,
    source: { kind: 'kafka', topic: 'syslog', partition: 0, offset: String(sec) },
    format: 'syslog3164',
    host: 'bastion',
    level: 6,
    level_name: 'info',
    ...over,
  });
}

/** sshd: `Failed password for USER from IP port 40022 ssh2`. */
const sshFail = (sec: number, ip: string, user = 'root') =>
  ev(sec, { process: 'sshd', pid: 1234, user, src_ip: ip, src_port: 40022, message: `Failed password for ${user} from ${ip} port 40022 ssh2`, attributes: { event: { action: 'login', outcome: 'failure' }, ssh: { method: 'password' } } });

/** sshd: `Accepted publickey for USER from IP port 40022 ssh2: ED25519 SHA256:…`. */
const sshOk = (sec: number, ip: string, user = 'alice') =>
  ev(sec, { process: 'sshd', pid: 1240, user, src_ip: ip, src_port: 40022, message: `Accepted publickey for ${user} from ${ip} port 40022 ssh2: ED25519 SHA256:Zm9vYmFy`, attributes: { event: { action: 'login', outcome: 'success' }, ssh: { method: 'publickey' } } });

/** dovecot: a failed IMAP login, said in words no message-substring fallback knows. */
const imapFail = (sec: number, ip: string, user: string) =>
  ev(sec, { process: 'dovecot', user, src_ip: ip, message: `imap-login: Disconnected: auth failed, 1 attempts in 2 secs: user=<${user}>, method=PLAIN, rip=${ip}, lip=10.0.0.5, session=<x>`, attributes: { event: { action: 'login', outcome: 'failure' } } });

function fired(events: NormalizedEvent[]): [string, string][] {
  const found: Finding[] = new DetectionEngine(rules).evaluate(events);
  return found.map((f) => [f.rule_id, f.title]);
}

describe('SSH brute force', () => {
  test('5 failures from one address in a minute: brute-force-src-ip, nothing else', () => {
    expect(fired([0, 5, 10, 15, 20].map((s) => sshFail(s, '100.64.3.50')))).toEqual([['brute-force-src-ip', '5 failed logins from 100.64.3.50 in 1m']]);
  });

  test('4 failures: quiet', () => {
    expect(fired([0, 5, 10, 15].map((s) => sshFail(s, '100.64.3.50')))).toEqual([]);
  });

  test('failures said only through the vocabulary count too', () => {
    expect(fired([0, 5, 10, 15, 20].map((s) => imapFail(s, '100.64.2.9', 'bob')))).toEqual([['brute-force-src-ip', '5 failed logins from 100.64.2.9 in 1m']]);
  });

  test('one account from 10 addresses in 5 minutes: brute-force-user', () => {
    const events = Array.from({ length: 10 }, (_, i) => sshFail(i * 25, `100.64.1.${10 + i}`, 'admin'));
    expect(fired(events)).toEqual([['brute-force-user', '10 failed logins for user admin in 5m']]);
  });

  test('5 user names from one address over 8 minutes: password-spraying (too slow for brute-force-src-ip)', () => {
    const events = ['alice', 'bob', 'carol', 'dave', 'erin'].map((u, i) => sshFail(i * 120, '100.64.3.77', u));
    expect(fired(events)).toEqual([['password-spraying', 'Password spraying from 100.64.3.77: 5 user names in 10m']]);
  });

  test('the same user name 5 times slowly is not spraying', () => {
    expect(fired([0, 120, 240, 360, 480].map((s) => sshFail(s, '100.64.3.77', 'alice')))).toEqual([]);
  });
});

describe('a success after many failures', () => {
  const failures = (n: number, ip: string, from = 0) => Array.from({ length: n }, (_, i) => sshFail(from + i * 70, ip, 'deploy'));

  test('5 failures (over ~5 minutes) then a login from the same address: login-after-failures', () => {
    expect(fired([...failures(5, '100.64.3.50'), sshOk(400, '100.64.3.50', 'deploy')])).toEqual([['login-after-failures', 'Login as deploy on bastion from 100.64.3.50 after 5 failures']]);
  });

  test.each<[string, NormalizedEvent[]]>([
    ['4 failures, then a login', [...failures(4, '100.64.3.50'), sshOk(400, '100.64.3.50')]],
    ['the login from another address', [...failures(5, '100.64.3.50'), sshOk(400, '100.64.2.1')]],
    ['the failures more than 10 minutes before', [...failures(5, '100.64.3.50'), sshOk(1000, '100.64.3.50')]],
    ['a login only', [sshOk(0, '100.64.3.50')]],
  ])('quiet: %s', (_n, events) => {
    expect(fired(events)).toEqual([]);
  });

  test('fires once: a later login (another batch) starts a new sequence', () => {
    const engine = new DetectionEngine(rules);
    const first = engine.evaluate([...failures(5, '100.64.3.50'), sshOk(400, '100.64.3.50', 'deploy')]);
    expect(first.map((f) => f.rule_id)).toEqual(['login-after-failures']);
    expect(engine.evaluate([sshOk(410, '100.64.3.50', 'deploy')])).toEqual([]);
  });
});

describe('privilege and accounts', () => {
  test.each<[string, NormalizedEvent, [string, string][]]>([
    ['root login over SSH', sshOk(0, '100.64.3.50', 'root'), [['ssh-root-login', 'Root login over SSH on bastion from 100.64.3.50']]],
    ['a root login said only in the message', ev(0, { process: 'sshd', src_ip: '100.64.3.50', user: 'root', message: 'Accepted password for root from 100.64.3.50 port 40022 ssh2' }), [['ssh-root-login', 'Root login over SSH on bastion from 100.64.3.50']]],
    ['a login as someone else', sshOk(0, '100.64.3.50', 'alice'), []],
    ['a failed root login', sshFail(0, '100.64.3.50', 'root'), []],
    [
      'sudo: user NOT in sudoers',
      ev(0, { process: 'sudo', user: 'mallory', message: 'mallory : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/bash', attributes: { event: { action: 'sudo', outcome: 'failure', reason: 'not-in-sudoers' }, user: { target: { name: 'root' } }, process: { command_line: '/bin/bash' } } }),
      [['sudo-not-in-sudoers', 'mallory is not in sudoers on bastion']],
    ],
    ['not in sudoers, message only', ev(0, { process: 'sudo', user: 'mallory', message: 'mallory : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/bash' }), [['sudo-not-in-sudoers', 'mallory is not in sudoers on bastion']]],
    ['a sudo that worked', ev(0, { process: 'sudo', user: 'alice', message: 'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update', attributes: { event: { action: 'sudo', outcome: 'success' } } }), []],
    ['useradd', ev(0, { process: 'useradd', pid: 900, user: 'backdoor', message: 'new user: name=backdoor, UID=1002, GID=1002, home=/home/backdoor, shell=/bin/bash, from=/dev/pts/0', attributes: { event: { action: 'user-add', outcome: 'success' } } }), [['new-user-or-group', 'New account or group on bastion: new user: name=backdoor, UID=1002, GID=1002, home=/home/backdoor, shell=/bin/bash, from=/dev/pts/0']]],
    ['groupadd, message only', ev(0, { process: 'groupadd', message: 'new group: name=ops, GID=1003' }), [['new-user-or-group', 'New account or group on bastion: new group: name=ops, GID=1003']]],
    ['userdel', ev(0, { process: 'userdel', message: "delete user 'olduser'", attributes: { event: { action: 'user-delete', outcome: 'success' } } }), []],
  ])('%s', (_n, event, expected) => {
    expect(fired([event])).toEqual(expected);
  });

  // PAM says each wrong password once; sudo's closing `N incorrect password attempts` sums them
  // up and is not counted again.
  test('3 wrong sudo passwords by one user in 5 minutes: sudo-failures', () => {
    const pam = (sec: number) =>
      ev(sec, {
        process: 'sudo',
        user: 'alice',
        message: 'pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice',
        attributes: { pam: { module: 'pam_unix', service: 'sudo', type: 'auth' }, event: { action: 'sudo', outcome: 'failure', reason: 'incorrect-password' } },
      });
    const summary = (sec: number, n: number) =>
      ev(sec, { process: 'sudo', user: 'alice', message: `alice : ${n} incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/su`, attributes: { event: { action: 'sudo', outcome: 'failure', reason: 'incorrect-password' } } });
    expect(fired([pam(0), pam(3), summary(5, 2)])).toEqual([]);
    expect(fired([pam(0), pam(3), pam(6), summary(8, 3)])).toEqual([['sudo-failures', '3 failed sudo attempts by alice on bastion in 5m']]);
  });
});

describe('reconnaissance', () => {
  /** kernel: `[UFW BLOCK] IN=eth0 OUT= … SRC=IP DST=10.0.0.5 … PROTO=TCP SPT=51000 DPT=PORT …`. */
  const drop = (sec: number, port: number) =>
    ev(sec, { process: 'kernel', src_ip: '100.64.2.23', dst_ip: '10.0.0.5', src_port: 51000, dst_port: port, level: 4, level_name: 'warning', message: `[UFW BLOCK] IN=eth0 OUT= MAC=00:16:3e:00:00:01 SRC=100.64.2.23 DST=10.0.0.5 LEN=44 TOS=0x00 PREC=0x00 TTL=49 ID=0 PROTO=TCP SPT=51000 DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0`, attributes: { event: { action: 'firewall-drop' }, network: { transport: 'tcp' }, netfilter: { prefix: '[UFW BLOCK]' } } });

  test('15 distinct ports dropped in a minute: firewall-port-scan, and not port-scan as well', () => {
    const events = Array.from({ length: 25 }, (_, i) => drop(i * 2, 20 + i));
    expect(fired(events)).toEqual([['firewall-port-scan', 'Port scan from 100.64.2.23 dropped by the firewall: 25 ports in 1m']]);
  });

  test('many drops to the same port are not a scan', () => {
    expect(fired(Array.from({ length: 30 }, (_, i) => drop(i, 22)))).toEqual([]);
  });

  /** nginx combined: `IP - - [20/Nov/2026:10:16:00 +0000] "GET PATH HTTP/1.1" STATUS 153 "-" "UA"`. */
  const hit = (sec: number, path: string, status: number) =>
    ev(sec, {
      format: 'text',
      src_ip: '100.64.3.200',
      level: status >= 500 ? 3 : status >= 400 ? 4 : 6,
      message: `100.64.3.200 - - [20/Nov/2026:10:16:00 +0000] "GET ${path} HTTP/1.1" ${status} 153 "-" "Mozilla/5.0 zgrab/0.x"`,
      attributes: { event: { action: 'http-request' }, http: { request: { method: 'GET' }, response: { status_code: status, body: { bytes: 153 } }, version: '1.1' }, url: { original: path, path }, user_agent: { original: 'Mozilla/5.0 zgrab/0.x' } },
    });

  test('20 distinct paths answered 4xx to one client in a minute: web-scan', () => {
    const paths = ['/.env', '/wp-login.php', '/admin', '/.git/config', '/phpmyadmin/', '/config.php', '/backup.zip', '/server-status', '/cgi-bin/test.cgi', '/xmlrpc.php', '/.aws/credentials', '/actuator/env', '/console', '/manager/html', '/solr/', '/api/v1/pods', '/owa/', '/boaform/admin/formLogin', '/HNAP1/', '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php'];
    expect(fired(paths.map((p, i) => hit(i * 2, p, i % 3 === 0 ? 403 : 404)))).toEqual([['web-scan', 'Web scan from 100.64.3.200: 20 paths answered 4xx in 1m']]);
  });

  test.each<[string, NormalizedEvent[]]>([
    ['one missing path requested 30 times', Array.from({ length: 30 }, (_, i) => hit(i, '/favicon.ico', 404))],
    ['20 distinct paths answered 200', Array.from({ length: 20 }, (_, i) => hit(i, `/page/${i}`, 200))],
    ['20 distinct paths answered 500', Array.from({ length: 20 }, (_, i) => hit(i, `/page/${i}`, 500))],
  ])('quiet: %s', (_n, events) => {
    expect(fired(events)).toEqual([]);
  });
});
