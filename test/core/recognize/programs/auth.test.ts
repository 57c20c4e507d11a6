import { describe, expect, test } from 'vitest';
import { decodeAs } from './decode-as.js';

type Case = [string, string, string, Record<string, unknown>];

const check = (program: string, line: string, expected: Record<string, unknown>): void => {
  expect(decodeAs(program, line)).toEqual(expected);
};

describe('sudo, su, doas', () => {
  const sudo = (outcome: string, extra: Record<string, unknown>) => ({ parser: 'sudo', 'event.action': 'sudo', 'event.outcome': outcome, ...extra });
  test.each<Case>([
    ['no COMMAND or key: not sudo', 'sudo', 'alice : unable to resolve host web01', {}],
    ['truncated', 'sudo', 'alice : TTY=pts/0 ; PW', sudo('success', { user: 'alice', 'process.tty': 'pts/0' })],
    [
      'command holding " ; "',
      'sudo',
      '   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/sh -c echo a ; echo b',
      sudo('success', { user: 'alice', 'process.tty': 'pts/0', 'process.working_directory': '/home/alice', 'user.target.name': 'root', 'process.command_line': '/bin/sh -c echo a ; echo b' }),
    ],
    [
      'success',
      'sudo',
      'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id',
      sudo('success', { user: 'alice', 'process.tty': 'pts/0', 'process.working_directory': '/home/alice', 'user.target.name': 'root', 'process.command_line': '/usr/bin/id' }),
    ],
    [
      'incorrect password attempts',
      'sudo',
      'bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/usr/bin/su -',
      sudo('failure', { user: 'bob', 'event.reason': 'incorrect-password', 'process.tty': 'pts/1', 'process.working_directory': '/tmp', 'user.target.name': 'root', 'process.command_line': '/usr/bin/su -' }),
    ],
    [
      'not in sudoers',
      'sudo',
      'mallory : user NOT in sudoers ; TTY=pts/3 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/cat /etc/shadow',
      sudo('failure', { user: 'mallory', 'event.reason': 'not-in-sudoers', 'process.tty': 'pts/3', 'process.working_directory': '/home/mallory', 'user.target.name': 'root', 'process.command_line': '/bin/cat /etc/shadow' }),
    ],
    [
      'command not allowed, sudo 1.9 GROUP and ENV',
      'sudo',
      'carol : command not allowed ; TTY=pts/4 ; PWD=/srv ; USER=postgres ; GROUP=postgres ; ENV=PGDATA=/srv/pg ; COMMAND=/usr/bin/psql',
      sudo('failure', { user: 'carol', 'event.reason': 'command-not-allowed', 'process.tty': 'pts/4', 'process.working_directory': '/srv', 'user.target.name': 'postgres', 'group.target.name': 'postgres', 'sudo.env': 'PGDATA=/srv/pg', 'process.command_line': '/usr/bin/psql' }),
    ],
    [
      'pam_unix(sudo:auth) authentication failure',
      'sudo',
      'pam_unix(sudo:auth): authentication failure; logname=bob uid=1001 euid=0 tty=/dev/pts/1 ruser=bob rhost=  user=bob',
      { parser: 'pam', 'event.action': 'sudo', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'bob', 'user.id': '1001', 'user.effective.id': '0', 'process.tty': '/dev/pts/1', 'pam.logname': 'bob', 'pam.ruser': 'bob', 'pam.module': 'pam_unix', 'pam.service': 'sudo', 'pam.type': 'auth' },
    ],
    [
      'pam_unix(sudo:auth) could not identify password',
      'sudo',
      'pam_unix(sudo:auth): auth could not identify password for [bob]',
      { parser: 'pam', 'event.action': 'sudo', 'event.outcome': 'failure', 'event.reason': 'invalid-user', user: 'bob', 'pam.module': 'pam_unix', 'pam.service': 'sudo', 'pam.type': 'auth' },
    ],
    [
      'pam_unix(su:auth) authentication failure',
      'su',
      'pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=root',
      { parser: 'pam', 'event.action': 'su', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'alice', 'user.target.name': 'root', 'user.id': '1000', 'user.effective.id': '0', 'process.tty': '/dev/pts/0', 'pam.logname': 'alice', 'pam.ruser': 'alice', 'pam.module': 'pam_unix', 'pam.service': 'su', 'pam.type': 'auth' },
    ],
    ['su (to root)', 'su', '(to root) alice on pts/0', { parser: 'su', 'event.action': 'su', 'event.outcome': 'success', user: 'alice', 'user.target.name': 'root', 'process.tty': 'pts/0' }],
    ['su FAILED SU (util-linux)', 'su', 'FAILED SU (to root) bob on pts/1', { parser: 'su', 'event.action': 'su', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'bob', 'user.target.name': 'root', 'process.tty': 'pts/1' }],
    ['su FAILED su for', 'su', 'FAILED su for root by bob', { parser: 'su', 'event.action': 'su', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'bob', 'user.target.name': 'root' }],
    ['su Successful su for', 'su', 'Successful su for root by alice', { parser: 'su', 'event.action': 'su', 'event.outcome': 'success', user: 'alice', 'user.target.name': 'root' }],
    ['su + tty', 'su', '+ pts/0 alice:root', { parser: 'su', 'event.action': 'su', 'event.outcome': 'success', user: 'alice', 'user.target.name': 'root', 'process.tty': 'pts/0' }],
    ['su - tty', 'su', '- pts/5 bob:root', { parser: 'su', 'event.action': 'su', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'bob', 'user.target.name': 'root', 'process.tty': 'pts/5' }],
    ['doas ran command', 'doas', 'alice ran command ls -l /root as root from /home/alice', { parser: 'doas', 'event.action': 'sudo', 'event.outcome': 'success', user: 'alice', 'user.target.name': 'root', 'process.command_line': 'ls -l /root', 'process.working_directory': '/home/alice' }],
    ['doas failed auth', 'doas', 'failed auth for bob', { parser: 'doas', 'event.action': 'sudo', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'bob' }],
    ['doas not permitted', 'doas', 'command not permitted for bob: cat /etc/shadow', { parser: 'doas', 'event.action': 'sudo', 'event.outcome': 'failure', 'event.reason': 'command-not-allowed', user: 'bob', 'process.command_line': 'cat /etc/shadow' }],
  ])('%s', (_n, program, line, expected) => check(program, line, expected));
});

describe('pam modules under any program', () => {
  const pam = (service: string, type: string, module = 'pam_unix') => ({ parser: 'pam', 'pam.module': module, 'pam.service': service, 'pam.type': type });
  test.each<Case>([
    ['prefix without a known message', 'login', 'pam_unix(login:auth): bad username []', pam('login', 'auth')],
    [
      'rhost is a host name',
      'sshd',
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=dsl-44.example.net  user=root',
      { ...pam('sshd', 'auth'), 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'root', 'user.id': '0', 'user.effective.id': '0', 'process.tty': 'ssh', 'source.domain': 'dsl-44.example.net' },
    ],
    [
      'authentication failure, IPv6 rhost, no user=',
      'sshd',
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=2001:db8:1::9',
      { ...pam('sshd', 'auth'), 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', src_ip: '2001:db8:1::9', 'user.id': '0', 'user.effective.id': '0', 'process.tty': 'ssh' },
    ],
    ['check pass; user unknown', 'sshd', 'pam_unix(sshd:auth): check pass; user unknown', { ...pam('sshd', 'auth'), 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'invalid-user' }],
    ['session opened, old by form', 'su', 'pam_unix(su:session): session opened for user root by alice(uid=1000)', { ...pam('su', 'session'), 'event.action': 'session-open', 'event.outcome': 'success', user: 'root', 'pam.by': 'alice' }],
    ['session opened, cron', 'CRON', 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)', { ...pam('cron', 'session'), 'event.action': 'session-open', 'event.outcome': 'success', user: 'root', 'user.id': '0', 'pam.by': '' }],
    ['session closed', 'systemd', 'pam_unix(systemd-user:session): session closed for user alice', { ...pam('systemd-user', 'session'), 'event.action': 'session-close', 'event.outcome': 'success', user: 'alice' }],
    ['password changed', 'passwd', 'pam_unix(passwd:chauthtok): password changed for bob', { ...pam('passwd', 'chauthtok'), 'event.action': 'password-change', 'event.outcome': 'success', user: 'bob' }],
    [
      'pam_faillock',
      'sshd',
      'pam_faillock(sshd:auth): Consecutive login failures for user root account temporarily locked',
      { ...pam('sshd', 'auth', 'pam_faillock'), 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'account-locked', user: 'root' },
    ],
    [
      'pam_sss received',
      'sshd',
      'pam_sss(sshd:auth): received for user jdoe: 7 (Authentication failure)',
      { ...pam('sshd', 'auth', 'pam_sss'), 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'jdoe', 'pam.error': 'Authentication failure' },
    ],
    [
      'pam_sss authentication failure',
      'sshd',
      'pam_sss(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.8 user=jdoe',
      { ...pam('sshd', 'auth', 'pam_sss'), 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'jdoe', src_ip: '198.51.100.8', 'user.id': '0', 'user.effective.id': '0', 'process.tty': 'ssh' },
    ],
    [
      'pam_succeed_if',
      'sshd',
      'pam_succeed_if(sshd:auth): requirement "uid >= 1000" not met by user "root"',
      { ...pam('sshd', 'auth', 'pam_succeed_if'), 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'not-allowed', user: 'root' },
    ],
    [
      'old Red Hat sshd(pam_unix) tag',
      'sshd(pam_unix)',
      'authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=203.0.113.101  user=guest',
      { parser: 'pam', 'pam.module': 'pam_unix', 'pam.service': 'sshd', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'guest', src_ip: '203.0.113.101', 'user.id': '0', 'user.effective.id': '0', 'process.tty': 'NODEVssh' },
    ],
    ['old Red Hat su(pam_unix) session', 'su(pam_unix)', 'session opened for user news by (uid=0)', { parser: 'pam', 'pam.module': 'pam_unix', 'pam.service': 'su', 'event.action': 'session-open', 'event.outcome': 'success', user: 'news', 'pam.by': '' }],
    ['old Red Hat login by LOGIN', 'login(pam_unix)', 'session opened for user root by LOGIN(uid=0)', { parser: 'pam', 'pam.module': 'pam_unix', 'pam.service': 'login', 'event.action': 'session-open', 'event.outcome': 'success', user: 'root', 'pam.by': 'LOGIN' }],
  ])('%s', (_n, program, line, expected) => check(program, line, expected));
});

describe('shadow-utils, logind, cron', () => {
  const ok = (parser: string, action: string, extra: Record<string, unknown>) => ({ parser, 'event.action': action, 'event.outcome': 'success', ...extra });
  test.each<Case>([
    ['truncated new user', 'useradd', 'new user: name=bob, UID=10', {}],
    [
      'new user',
      'useradd',
      'new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=/dev/pts/0',
      ok('shadow', 'user-add', { user: 'bob', 'user.id': '1001', 'group.id': '1001', 'user.home': '/home/bob', 'user.shell': '/bin/bash', 'process.tty': '/dev/pts/0' }),
    ],
    ['new user (old, no from=)', 'useradd', 'new user: name=svc_app, UID=998, GID=998, home=/var/lib/app, shell=/sbin/nologin', ok('shadow', 'user-add', { user: 'svc_app', 'user.id': '998', 'group.id': '998', 'user.home': '/var/lib/app', 'user.shell': '/sbin/nologin' })],
    ['new group', 'groupadd', 'new group: name=developers, GID=1002', ok('shadow', 'group-add', { 'group.name': 'developers', 'group.id': '1002' })],
    ['group added to /etc/group', 'groupadd', 'group added to /etc/group: name=ops, GID=1003', ok('shadow', 'group-add', { 'group.name': 'ops', 'group.id': '1003' })],
    ['add to group', 'usermod', "add 'bob' to group 'sudo'", ok('shadow', 'group-modify', { user: 'bob', 'group.name': 'sudo', 'event.reason': 'member-added' })],
    ['delete user', 'userdel', "delete user 'bob'", ok('shadow', 'user-delete', { user: 'bob' })],
    ['removed group owned by', 'userdel', "removed group 'bob' owned by 'bob'", ok('shadow', 'group-delete', { user: 'bob', 'group.name': 'bob' })],
    ['group removed', 'groupdel', "group 'ops' removed", ok('shadow', 'group-delete', { 'group.name': 'ops' })],
    ['change user shell', 'usermod', "change user 'bob' shell from '/bin/bash' to '/bin/zsh'", ok('shadow', 'user-modify', { user: 'bob', 'user.change': 'shell', 'user.change_from': '/bin/bash', 'user.change_to': '/bin/zsh' })],
    ['lock user', 'usermod', "lock user 'bob' password", ok('shadow', 'user-modify', { user: 'bob', 'user.change': 'lock' })],
    ['passwd changed by', 'passwd', "password for 'bob' changed by 'root'", ok('shadow', 'password-change', { user: 'bob', 'user.changes.by': 'root' })],
    ['chpasswd (old)', 'chpasswd', 'password changed for carol', ok('shadow', 'password-change', { user: 'carol' })],
    ['chage', 'chage', 'changed password expiry for carol', ok('shadow', 'user-modify', { user: 'carol', 'event.reason': 'password-expiry' })],
    ['logind new session', 'systemd-logind', 'New session 12 of user alice.', ok('systemd-logind', 'session-open', { user: 'alice', 'session.id': '12' })],
    ['logind new session (systemd 256+)', 'systemd-logind', "New session '7' of user 'bob' with class 'user' and type 'tty'.", ok('systemd-logind', 'session-open', { user: 'bob', 'session.id': '7', 'session.class': 'user', 'session.type': 'tty' })],
    ['logind logged out', 'systemd-logind', 'Session 12 logged out. Waiting for processes to exit.', ok('systemd-logind', 'logout', { 'session.id': '12' })],
    ['logind removed', 'systemd-logind', 'Removed session c3.', ok('systemd-logind', 'session-close', { 'session.id': 'c3' })],
    ['cron CMD', 'CRON', '(root) CMD (   cd / && run-parts --report /etc/cron.hourly)', ok('cron', 'cron-run', { user: 'root', 'process.command_line': '   cd / && run-parts --report /etc/cron.hourly' })],
    ['crond CMD', 'crond', '(www-data) CMD (php /var/www/cron.php > /dev/null 2>&1)', ok('cron', 'cron-run', { user: 'www-data', 'process.command_line': 'php /var/www/cron.php > /dev/null 2>&1' })],
  ])('%s', (_n, program, line, expected) => check(program, line, expected));
});
