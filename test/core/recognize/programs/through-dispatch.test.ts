import { describe, expect, test } from 'vitest';
import { decodeByFormat } from '../../../../src/core/decode/dispatch.js';

const ctx = { receivedAt: Date.UTC(2026, 11, 7, 12) };

describe('program decoders reached from a syslog header', () => {
  test.each<[string, string, Record<string, unknown>]>([
    [
      'sshd with PRI',
      '<38>Dec  7 10:16:03 bastion sshd[1234]: Failed password for root from 203.0.113.50 port 40022 ssh2',
      { process: 'sshd', pid: 1234, user: 'root', src_ip: '203.0.113.50', src_port: 40022, action: 'login', outcome: 'failure' },
    ],
    [
      'kernel ufw with PRI',
      '<4>Dec  7 10:16:04 fw kernel: [ 812.000001] [UFW BLOCK] IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=203.0.113.7 DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 TTL=241 ID=1 PROTO=TCP SPT=40000 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0',
      { process: 'kernel', pid: null, user: null, src_ip: '203.0.113.7', src_port: 40000, action: 'firewall-drop', outcome: 'failure' },
    ],
    [
      'message kept whole',
      '<86>Dec  7 10:16:05 web01 sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id',
      { process: 'sudo', pid: null, user: 'alice', src_ip: null, src_port: null, action: 'sudo', outcome: 'success' },
    ],
    [
      'old Red Hat sshd(pam_unix) tag in a file line (the header names sshd, the tag the module)',
      'Dec  7 10:16:06 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=198.51.100.61  user=guest',
      { process: 'sshd', pid: 19939, user: 'guest', src_ip: '198.51.100.61', src_port: null, action: 'login', outcome: 'failure' },
    ],
    [
      'the same with no user= and a trailing blank',
      'Dec  7 10:16:07 combo sshd(pam_unix)[19940]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=198.51.100.62 ',
      { process: 'sshd', pid: 19940, user: null, src_ip: '198.51.100.62', src_port: null, action: 'login', outcome: 'failure' },
    ],
    [
      'Thunderbird-style host/host with a crond(pam_unix) tag',
      'Dec  7 10:16:08 dn228/dn228 crond(pam_unix)[2915]: session closed for user root',
      { process: 'crond', pid: 2915, user: 'root', src_ip: null, src_port: null, action: 'session-close', outcome: 'success' },
    ],
  ])('%s', (_n, line, want) => {
    const d = decodeByFormat(line, 'auto', ctx);
    const event = d.attributes.event as Record<string, unknown>;
    expect({ process: d.process, pid: d.pid, user: d.user, src_ip: d.src_ip, src_port: d.src_port, action: event.action, outcome: event.outcome }).toEqual(want);
    expect(line.endsWith(d.message ?? '')).toBe(true);
  });
});
