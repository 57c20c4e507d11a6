import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { newDraft } from '../../../../src/core/decode/draft.js';
import { decodeProgram, PROGRAM_NAMES } from '../../../../src/core/recognize/programs/index.js';
import { ACCOUNTS, CRON, LOGIND } from '../../../../src/core/recognize/programs/accounts.js';
import { EXIM, POSTFIX } from '../../../../src/core/recognize/programs/mail.js';
import { FAIL2BAN, HAPROXY, LOGIN, MYSQL, POSTGRES, PUREFTPD, SSHGUARD } from '../../../../src/core/recognize/programs/more.js';
import { PAM } from '../../../../src/core/recognize/programs/pam.js';
import { DROPBEAR, FTPD, KLOGIND, NAMED, PROFTPD, SNMPD, VSFTPD, XINETD } from '../../../../src/core/recognize/programs/services.js';
import { SSHD } from '../../../../src/core/recognize/programs/sshd.js';
import { DOAS, SU } from '../../../../src/core/recognize/programs/sudo.js';
import { literalLead } from '../../../../src/core/recognize/programs/table.js';

const PROGRAMS = [...PROGRAM_NAMES, 'sshd(pam_unix)', 'unknown-daemon', 'Kernel', 'CRON'];

function run(program: string, message: string): void {
  const d = newDraft('syslog3164');
  d.process = program;
  d.message = message;
  decodeProgram(d);
  expect(d.message).toBe(message);
}

/** Pieces of the real shapes, so random text reaches deep into the patterns. */
const PIECES = [
  'Failed password for ', 'invalid user ', ' from ', ' port ', ' ssh2', '[preauth]', '203.0.113.5', '::ffff:', '2001:db8::1',
  'IN=', ' OUT=', 'SRC=', 'DPT=', 'type=', 'msg=audit(1700000000.1:2): ', "msg='", "'", '"', '[', ']', ' ; ', 'COMMAND=', 'TTY=',
  'pam_unix(sshd:auth): ', 'authentication failure; ', 'rhost=', 'user=', '\x1d', '=', ' ', ':', '(', ')', '<', '>', ', ',
  'client ', '#53', 'query: ', 'Auth: ', 'user [', ']\\[', 'remote host [ipv4:', 'USER ', ': Login successful', 'proctitle=', '6869',
];

describe('literalLead: the prefix checked before a pattern runs', () => {
  test.each<[RegExp, string]>([
    [/^Failed (?<m>\w+)/, 'Failed '],
    [/^(?:error: )?x/, ''],
    [/^Connections? from/, 'Connection'],
    [/^ab{1,2}c/, 'a'],
    [/^ab*c/, 'a'],
    [/^ab+c/, 'ab'],
    [/^abc|^def/, ''],
    [/^a(?:b|c)d|e/, ''],
    [/^a[|]b/, 'a'],
    [/^\[UFW/, ''],
    [/^abc/i, ''],
    [/abc/, ''],
  ])('%s → %j', (re, lead) => {
    expect(literalLead(re)).toBe(lead);
  });
});

describe('program decoders on arbitrary text', () => {
  test.each(PROGRAMS)('%s never throws and never changes the message', (program) => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((a) => a.join(''))), (s) => run(program, s)),
      { numRuns: 300 },
    );
  });

  test('every pattern is anchored at the start', () => {
    const tables = [SSHD, PAM, SU, DOAS, ACCOUNTS, LOGIND, CRON, POSTFIX, EXIM, VSFTPD, PROFTPD, FTPD, NAMED, KLOGIND, SNMPD, XINETD, DROPBEAR, LOGIN, FAIL2BAN, SSHGUARD, HAPROXY, MYSQL, POSTGRES, PUREFTPD];
    for (const t of tables) for (const p of t.patterns) expect(p.re.source.startsWith('^'), `${t.name}: ${p.re.source}`).toBe(true);
  });

  // A 64 KiB message must cost about what a short one does: no pattern may backtrack over it.
  const big = (head: string, unit: string, tail = ''): string => head + unit.repeat(Math.ceil(65536 / unit.length)) + tail;
  const HOSTILE = [
    big('Failed password for ', 'a '),
    big('Invalid user ', 'x from y '),
    big('Connection closed by authenticating user ', 'u '),
    big('Received disconnect from ', '1:'),
    big('alice : ', 'A=b ; '),
    big('[UFW BLOCK] IN=eth0 OUT= ', 'SRC=1.2.3.4 '),
    big("type=USER_LOGIN msg=audit(1.1:1): msg='", 'a=b '),
    big('pam_unix(sshd:auth): authentication failure; ', 'user= '),
    big('imap-login: Disconnected: ', 'x: user=<'),
    big('host (h[1.2.3.4]) - USER ', 'u'),
    big('client 1.2.3.4#1: query: ', 'a '),
    big('  Auth: [SMB2] user [D]\\[u] at [x] with [N] status [S] workstation [w] remote host [ipv4:1.2.3.4:1]', ' local'),
    big('warning: unknown[1.2.3.4]: SASL LOGIN authentication failed: ', 'x'),
    big('x ran command ', 'c as '),
    big('1.2.3.4:1 [x] fe be/s 0/0 200 1 ', '- '),
    big('', 'Access denied for user '),
    big('', 'FATAL:  '),
  ];
  test.each(PROGRAMS)('%s stays cheap on hostile 64 KiB messages', (program) => {
    const t0 = performance.now();
    for (const m of HOSTILE) run(program, m);
    // Generous for a shared machine; a backtracking pattern takes seconds here.
    expect(performance.now() - t0).toBeLessThan(400);
  });
});
