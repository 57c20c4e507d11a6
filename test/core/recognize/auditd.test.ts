import { describe, expect, test } from 'vitest';
import { decodeByFormat } from '../../../src/core/decode/dispatch.js';
import { decodeAs } from './programs/decode-as.js';

const ctx = { receivedAt: Date.UTC(2026, 11, 7) };

describe('auditd lines (audit.log)', () => {
  test.each<[string, string, Record<string, unknown> | null]>([
    ['type= prose is not a record', 'type=error in the config', null],
    ['a missing serial is not a record', 'type=USER_LOGIN msg=audit(1700000000.123): pid=1', null],
    [
      'USER_LOGIN failed, addr and acct',
      `type=USER_LOGIN msg=audit(1765101600.123:4567): pid=2210 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:sshd_t:s0-s0:c0.c1023 msg='op=login acct="root" exe="/usr/sbin/sshd" hostname=? addr=203.0.113.5 terminal=ssh res=failed'`,
      {
        ts: 1765101600123,
        user: 'root',
        src_ip: '203.0.113.5',
        parser: 'auditd',
        'auditd.type': 'USER_LOGIN',
        'auditd.serial': '4567',
        'auditd.data': { pid: '2210', uid: '0', auid: '4294967295', ses: '4294967295', subj: 'system_u:system_r:sshd_t:s0-s0:c0.c1023', op: 'login', acct: 'root', exe: '/usr/sbin/sshd', hostname: '?', addr: '203.0.113.5', terminal: 'ssh', res: 'failed' },
        'process.tty': 'ssh',
        'process.executable': '/usr/sbin/sshd',
        'event.action': 'login',
        'event.outcome': 'failure',
      },
    ],
    [
      'hex acct and proctitle, node= first',
      'node=db01 type=USER_AUTH msg=audit(1765101601.5:88): pid=1 uid=0 auid=1000 ses=3 msg=\'op=PAM:authentication grantors=? acct=6A6F686E20646F65 exe="/usr/bin/su" hostname=db01 addr=? terminal=pts/1 res=failed\'',
      {
        ts: 1765101601500,
        host: 'db01',
        user: 'john doe',
        parser: 'auditd',
        'auditd.type': 'USER_AUTH',
        'auditd.serial': '88',
        'auditd.data': { pid: '1', uid: '0', auid: '1000', ses: '3', op: 'PAM:authentication', grantors: '?', acct: 'john doe', exe: '/usr/bin/su', hostname: 'db01', addr: '?', terminal: 'pts/1', res: 'failed' },
        'process.tty': 'pts/1',
        'process.executable': '/usr/bin/su',
        'event.action': 'user-auth',
        'event.outcome': 'failure',
      },
    ],
    [
      'PROCTITLE argv with NULs',
      'type=PROCTITLE msg=audit(1765101602.000:90): proctitle=2F62696E2F7368002D63006964',
      { ts: 1765101602000, parser: 'auditd', 'auditd.type': 'PROCTITLE', 'auditd.serial': '90', 'auditd.data': { proctitle: '/bin/sh -c id' }, 'event.action': 'audit' },
    ],
    [
      'ADD_USER, enriched AUID',
      "type=ADD_USER msg=audit(1765101603.010:91): pid=3300 uid=0 auid=1000 ses=2 msg='op=adding user id=1001 exe=\"/usr/sbin/useradd\" hostname=web01 addr=? terminal=pts/0 res=success'\x1dUID=\"root\" AUID=\"alice\" ID=\"bob\"",
      {
        ts: 1765101603010,
        user: 'alice',
        parser: 'auditd',
        'auditd.type': 'ADD_USER',
        'auditd.serial': '91',
        'auditd.data': { pid: '3300', uid: '0', auid: '1000', ses: '2', op: 'adding', id: '1001', exe: '/usr/sbin/useradd', hostname: 'web01', addr: '?', terminal: 'pts/0', res: 'success', UID: 'root', AUID: 'alice', ID: 'bob' },
        'process.tty': 'pts/0',
        'process.executable': '/usr/sbin/useradd',
        'event.action': 'user-add',
        'event.outcome': 'success',
      },
    ],
    [
      'SYSCALL success=no',
      'type=SYSCALL msg=audit(1765101604.200:92): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c items=1 ppid=1 pid=4000 auid=1000 uid=1000 comm="cat" exe="/usr/bin/cat" key="shadow"',
      {
        ts: 1765101604200,
        parser: 'auditd',
        'auditd.type': 'SYSCALL',
        'auditd.serial': '92',
        'auditd.data': { arch: 'c000003e', syscall: '257', success: 'no', exit: '-13', a0: 'ffffff9c', items: '1', ppid: '1', pid: '4000', auid: '1000', uid: '1000', comm: 'cat', exe: '/usr/bin/cat', key: 'shadow' },
        'process.executable': '/usr/bin/cat',
        'event.action': 'audit',
        'event.outcome': 'failure',
      },
    ],
  ])('%s', (_n, line, expected) => {
    const d = decodeByFormat(line, 'auto', ctx);
    if (expected === null) {
      expect(d.parser ?? '').not.toContain('auditd');
      return;
    }
    expect(d.format).toBe('text');
    expect(d.message).toBe(line);
    const got: Record<string, unknown> = { ts: d.ts };
    if (d.host !== null) got.host = d.host;
    if (d.user !== null) got.user = d.user;
    if (d.src_ip !== null) got.src_ip = d.src_ip;
    got.parser = d.parser;
    const a = d.attributes as Record<string, Record<string, unknown>>;
    got['auditd.type'] = a.auditd!.type;
    got['auditd.serial'] = a.auditd!.serial;
    got['auditd.data'] = a.auditd!.data;
    if (a.source !== undefined) got['source.domain'] = a.source.domain;
    if (a.process?.tty !== undefined) got['process.tty'] = a.process.tty;
    if (a.process?.executable !== undefined) got['process.executable'] = a.process.executable;
    got['event.action'] = a.event!.action;
    if (a.event!.outcome !== undefined) got['event.outcome'] = a.event!.outcome;
    expect(got).toEqual(expected);
  });

  test('records of one event share auditd.serial', () => {
    const lines = [
      'type=SYSCALL msg=audit(1765101605.000:777): arch=c000003e syscall=59 success=yes exit=0 pid=5 comm="id" exe="/usr/bin/id"',
      'type=EXECVE msg=audit(1765101605.000:777): argc=1 a0="id"',
      'type=PROCTITLE msg=audit(1765101605.000:777): proctitle=6964',
    ];
    const serials = lines.map((l) => (decodeByFormat(l, 'auto', ctx).attributes.auditd as Record<string, unknown>).serial);
    expect(serials).toEqual(['777', '777', '777']);
  });
});

describe('audit records through syslog', () => {
  test.each<[string, string, string, Record<string, unknown>]>([
    [
      'kernel AppArmor denial (type=1400)',
      'kernel',
      '[ 5123.456789] audit: type=1400 audit(1765101606.321:95): apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" name="/etc/shadow" pid=812 comm="cupsd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0',
      {
        ts: 1765101606321,
        parser: 'auditd',
        'auditd.type': 'AVC',
        'auditd.serial': '95',
        'auditd.data': { apparmor: 'DENIED', operation: 'open', profile: '/usr/sbin/cupsd', name: '/etc/shadow', pid: '812', comm: 'cupsd', requested_mask: 'r', denied_mask: 'r', fsuid: '0', ouid: '0' },
        'event.action': 'access-check',
        'event.outcome': 'failure',
      },
    ],
    [
      'audispd relay with node=',
      'audispd',
      "node=bastion type=USER_CMD msg=audit(1765101607.000:96): pid=1 uid=1000 auid=1000 ses=1 msg='cwd=\"/home/alice\" cmd=6C73202D6C61 terminal=pts/0 res=success'",
      {
        ts: 1765101607000,
        host: 'bastion',
        parser: 'auditd',
        'auditd.type': 'USER_CMD',
        'auditd.serial': '96',
        'auditd.data': { pid: '1', uid: '1000', auid: '1000', ses: '1', cwd: '/home/alice', cmd: 'ls -la', terminal: 'pts/0', res: 'success' },
        'process.tty': 'pts/0',
        'process.command_line': 'ls -la',
        'event.action': 'sudo',
        'event.outcome': 'success',
      },
    ],
    [
      'journald audit transport (type name first, no stamp)',
      'audit',
      "USER_LOGIN pid=2210 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=\"admin\" exe=\"/usr/sbin/sshd\" hostname=? addr=2001:db8::5 terminal=ssh res=failed'",
      {
        user: 'admin',
        src_ip: '2001:db8::5',
        parser: 'auditd',
        'auditd.type': 'USER_LOGIN',
        'auditd.data': { pid: '2210', uid: '0', auid: '4294967295', ses: '4294967295', op: 'login', acct: 'admin', exe: '/usr/sbin/sshd', hostname: '?', addr: '2001:db8::5', terminal: 'ssh', res: 'failed' },
        'process.tty': 'ssh',
        'process.executable': '/usr/sbin/sshd',
        'event.action': 'login',
        'event.outcome': 'failure',
      },
    ],
  ])('%s', (_n, program, line, expected) => {
    expect(decodeAs(program, line)).toEqual(expected);
  });
});
