import { describe, expect, test } from 'vitest';
import { decodeByFormat } from '../../../src/core/decode/dispatch.js';
import { newDraft, type Draft } from '../../../src/core/decode/draft.js';
import { syslogFile } from '../../../src/core/recognize/syslog-file.js';

const R = Date.parse('2026-11-20T12:00:00Z');
const ctx = { receivedAt: R };

function recognize(text: string, receivedAt = R): Draft | null {
  const d = newDraft('text');
  return syslogFile.recognize(text, d, { receivedAt }) ? d : null;
}

describe('not a syslog file line (the draft stays untouched)', () => {
  test.each([
    ['empty', ''],
    ['month name without time', 'Nov 20 nothing here'],
    ['time but no tag', 'Nov 20 10:16:03 Starting the server now'],
    ['ISO stamp without host (Go log)', '2026-11-20 10:16:03 http: TLS handshake error'],
    ['ISO date only', '2026-11-20 web1 sshd[1]: x'],
    ['slash date', '2026/11/20 10:16:03 web1 sshd[1]: x'],
    ['a JSON line', '{"a":1}'],
    ['prose colon is no tag', 'Nov 20 10:16:03 web1 the job said: done'],
    ['IPv6 host is not a tag', 'Nov 20 10:16:03 fe80::1 just text'],
    ['huge line', 'Nov 20 10:16:03 ' + 'x'.repeat(65536)],
  ])('%s', (_name, text) => {
    const d = newDraft('text');
    expect(syslogFile.recognize(text, d, ctx)).toBe(false);
    expect(d).toEqual(newDraft('text'));
  });
});

test.each<[string, string, Partial<Draft>]>([
  [
    'single-digit day padded with a space',
    'Nov  2 09:05:01 web1 CRON[4242]: (root) CMD (run-parts /etc/cron.hourly)',
    { ts: Date.UTC(2026, 10, 2, 9, 5, 1), host: 'web1', process: 'CRON', pid: 4242, message: '(root) CMD (run-parts /etc/cron.hourly)' },
  ],
  [
    'single-digit day unpadded',
    'Nov 2 09:05:01 web1 ntpd[77]: synchronized to 10.1.2.3, stratum 2',
    { ts: Date.UTC(2026, 10, 2, 9, 5, 1), host: 'web1', process: 'ntpd', pid: 77, message: 'synchronized to 10.1.2.3, stratum 2' },
  ],
  [
    'a December line received in January is last year',
    'Dec 31 23:59:59 db2 sshd[9]: x',
    { ts: Date.UTC(2026, 11, 31, 23, 59, 59) },
  ],
  [
    'rsyslog RFC 3339 high precision',
    '2026-11-20T10:16:03.123456+01:00 bastion sshd[1234]: Failed password for root from 203.0.113.50 port 40022 ssh2',
    { ts: Date.UTC(2026, 10, 20, 9, 16, 3, 123), host: 'bastion', process: 'sshd', pid: 1234, message: 'Failed password for root from 203.0.113.50 port 40022 ssh2' },
  ],
  [
    'ISO with a space',
    '2026-11-20 10:16:03 mail1 postfix/smtpd[3310]: connect from unknown[198.51.100.7]',
    { ts: Date.UTC(2026, 10, 20, 10, 16, 3), host: 'mail1', process: 'postfix/smtpd', pid: 3310 },
  ],
  [
    'no host (macOS)',
    'Nov 20 10:16:03 loginwindow[118]: USER_PROCESS: 118 console',
    { host: null, process: 'loginwindow', pid: 118, message: 'USER_PROCESS: 118 console' },
  ],
  [
    'macOS level in angle brackets',
    'Nov 20 10:16:03 mbp-7 com.apple.xpc.launchd[1] <Notice>: Service only ran for 0 seconds',
    { host: 'mbp-7', process: 'com.apple.xpc.launchd', pid: 1, level: 5, message: 'Service only ran for 0 seconds' },
  ],
  [
    'macOS subsystem in parentheses',
    'Nov 20 10:16:03 mbp-7 sandboxd[129] ([4410]): com.apple.Addres(4410) deny network-outbound',
    { host: 'mbp-7', process: 'sandboxd', pid: 129, message: 'com.apple.Addres(4410) deny network-outbound', attributes: { syslog: { tag: 'sandboxd[129] ([4410])' } } },
  ],
  [
    'relay form host/host keeps the origin',
    'Nov 20 10:16:03 relay1/node17 sshd[500]: Accepted publickey for ops from 10.9.8.7 port 5022 ssh2',
    { host: 'node17', process: 'sshd', pid: 500 },
  ],
  [
    'facility@host form',
    'Nov 20 10:16:03 local@admin3 sendmail[4306]: unable to qualify my own domain name',
    { host: 'admin3', process: 'sendmail' },
  ],
  [
    'Solaris [ID n facility.level] gives the level',
    'Nov 20 10:16:03 sol10 sshd[812]: [ID 800047 auth.info] Accepted keyboard-interactive for ops from 192.0.2.4 port 51000 ssh2',
    { host: 'sol10', process: 'sshd', pid: 812, level: 6, message: 'Accepted keyboard-interactive for ops from 192.0.2.4 port 51000 ssh2', attributes: { syslog: { msgid: '800047' } } },
  ],
  [
    'kernel line keeps its uptime stamp in the message',
    'Nov 20 10:16:03 fw1 kernel: [ 1234.567890] [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.9',
    { host: 'fw1', process: 'kernel', pid: null, message: '[ 1234.567890] [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.9' },
  ],
  [
    'program with dashes',
    'Nov 20 10:16:03 ws3 systemd-logind[1]: New session 7 of user ana.',
    { process: 'systemd-logind', pid: 1 },
  ],
  [
    'program with dots',
    'Nov 20 10:16:03 ws3 org.gnome.Shell.desktop[2210]: Window manager warning',
    { process: 'org.gnome.Shell.desktop', pid: 2210 },
  ],
  [
    'program as an absolute path',
    'Nov 20 10:16:03 adm1 /usr/sbin/gmetad[1682]: data_thread() got no answer',
    { process: '/usr/sbin/gmetad', pid: 1682 },
  ],
  [
    'old pam: name(module)[pid]',
    'Nov 20 10:16:03 combo2 sshd(pam_unix)[20882]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=192.0.2.77  user=root',
    { host: 'combo2', process: 'sshd', pid: 20882, attributes: { syslog: { tag: 'sshd(pam_unix)[20882]' } } },
  ],
  [
    'tag without pid',
    'Nov 20 10:16:03 combo2 logrotate: ALERT exited abnormally with [1]',
    { host: 'combo2', process: 'logrotate', pid: null, message: 'ALERT exited abnormally with [1]' },
  ],
])('%s', (_name, text, want) => {
  const d = recognize(text, _name.includes('January') ? Date.parse('2027-01-01T00:10:00Z') : R);
  expect(d).not.toBeNull();
  expect(d).toMatchObject({ format: 'syslog3164', parser: 'syslog-file', ...want });
});

// The severity word a daemon's own log function puts first (OpenSSH log.c, Postfix msg_output);
// only at the very start, lower case, with `: `.
test.each<[string, string, number | null]>([
  ['sshd error:', 'Nov 20 10:16:03 bastion sshd[1234]: error: kex_exchange_identification: Connection closed by remote host', 3],
  ['sshd fatal:', 'Nov 20 10:16:03 bastion sshd[1234]: fatal: Timeout before authentication for 192.0.2.9 port 50111', 2],
  ['postfix warning:', 'Nov 20 10:16:03 mail postfix/smtpd[4411]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: UGFzc3dvcmQ6', 4],
  ['postfix panic:', 'Nov 20 10:16:03 mail postfix/qmgr[900]: panic: myfree: corrupt or unallocated memory block', 2],
  ['NetworkManager <warn>', 'Nov 20 10:16:03 ws1 NetworkManager[1366]: <warn>  [1763633763.2210] device (wlp2s0): link timed out.', 4],
  ['NetworkManager <info>', 'Nov 20 10:16:03 ws1 NetworkManager[1366]: <info>  [1763633763.2211] manager: startup complete', 6],
  ['angle brackets that hold no level', 'Nov 20 10:16:03 mx1 app[9]: <bob@example.com> queued', null],
  ['an angle level without the space after it', 'Nov 20 10:16:03 ws1 NetworkManager[1366]: <warn>x', null],
  ['a level word later is not a prefix', 'Nov 20 10:16:03 web1 app[1]: job done, error: none', null],
  ['capitalized is prose', 'Nov 20 10:16:03 web1 app[1]: Error: could not open', null],
  ['no space after the colon', 'Nov 20 10:16:03 web1 app[1]: error:x', null],
  ['plain message', 'Nov 20 10:16:03 web1 sshd[1]: Accepted publickey for alice from 192.0.2.11 port 5 ssh2', null],
])('level from the message prefix: %s', (_n, text, level) => {
  expect(recognize(text)!.level).toBe(level);
});

test('a <PRI> level is not replaced by the prefix', () => {
  expect(decodeByFormat('<38>Nov 20 10:16:03 bastion sshd[1234]: error: maximum authentication attempts exceeded for root from 192.0.2.12 port 5 ssh2 [preauth]', 'auto', ctx).level).toBe(6);
});

test('year inference never lands in the future', () => {
  // Received 2026-11-20: a Nov 21 10:00 line is within a day ahead (clock skew) and stays this
  // year; a Dec 25 line cannot be from the future, so it is last year's.
  expect(recognize('Nov 21 10:00:00 h p: m')!.ts).toBe(Date.UTC(2026, 10, 21, 10));
  expect(recognize('Dec 25 10:00:00 h p: m')!.ts).toBe(Date.UTC(2025, 11, 25, 10));
});

test('auto detection hands a syslog file line to the program decoders with its fields', () => {
  const d = decodeByFormat('Nov 20 10:16:03 bastion sshd[1234]: Failed password for root from 203.0.113.50 port 40022 ssh2\n', 'auto', ctx);
  expect(d).toMatchObject({ format: 'syslog3164', host: 'bastion', process: 'sshd', pid: 1234 });
  expect(d.parser?.startsWith('syslog-file')).toBe(true);
});

test('a pinned syslog3164 topic accepts a PRI-less file line', () => {
  const d = decodeByFormat('2026-11-20T10:16:03Z web1 nginx[88]: started', 'syslog3164', ctx);
  expect(d).toMatchObject({ error: null, format: 'syslog3164', host: 'web1', process: 'nginx', pid: 88, message: 'started' });
});

test('the <PRI> form reads the same header', () => {
  const d = decodeByFormat('<38>Nov 20 10:16:03 relay1/node17 sshd(pam_unix)[5]: session opened for user ana by (uid=0)', 'auto', ctx);
  expect(d).toMatchObject({ format: 'syslog3164', host: 'node17', process: 'sshd', pid: 5, level: 6, message: 'session opened for user ana by (uid=0)' });
});

// Header variants of devices and embedded syslog daemons: busybox `facility.level` after the
// host (OpenWrt, UniFi), ESXi's `Xx(pri)` in the host's place, Cisco `%FAC-SEV-MNEMONIC:` tags.
test.each<[string, string, Partial<Draft>]>([
  [
    'busybox facility.level after the host',
    'Nov 20 10:16:03 gw1 daemon.notice dnsmasq[3120]: read /etc/hosts - 4 names',
    { host: 'gw1', process: 'dnsmasq', pid: 3120, level: 5, message: 'read /etc/hosts - 4 names' },
  ],
  [
    'busybox authpriv.err, tag without pid',
    'Nov  3 01:02:03 ap-2 authpriv.err sshd: error: could not load host key',
    { host: 'ap-2', process: 'sshd', level: 3 },
  ],
  [
    'ESXi severity(pri), no host',
    '2026-11-20T10:16:03.512Z Wa(180) vpxa[2100345]: [Originator@6876 sub=vpxaMoService] retry later',
    { host: null, process: 'vpxa', pid: 2100345, level: 4, ts: Date.parse('2026-11-20T10:16:03.512Z') },
  ],
  [
    'ESXi continuation marker [+]',
    '2026-11-20T10:16:04Z Er(11)[+] hostd[77123]: Task failed',
    { host: null, process: 'hostd', pid: 77123, level: 3 },
  ],
  [
    'Cisco ASA tag, no host',
    'Nov 20 10:16:03 %ASA-4-106023: Deny udp src outside:192.0.2.44/5353 dst inside:198.51.100.2/53 by access-group "acl_out"',
    { host: null, process: 'ASA', level: 4, attributes: { syslog: { tag: '%ASA-4-106023', msgid: '106023' } } },
  ],
  [
    'Cisco ASA device-id with year in the stamp and " : "',
    'Nov 20 2026 10:16:03 asa-edge : %ASA-6-302014: Teardown TCP connection 9911 for outside:192.0.2.5/443 to inside:10.2.3.4/51515 duration 0:00:10 bytes 5120 TCP FINs',
    { host: 'asa-edge', process: 'ASA', level: 6, ts: Date.UTC(2026, 10, 20, 10, 16, 3), message: 'Teardown TCP connection 9911 for outside:192.0.2.5/443 to inside:10.2.3.4/51515 duration 0:00:10 bytes 5120 TCP FINs' },
  ],
  [
    'Cisco IOS tag with a sub-facility',
    'Nov 20 10:16:03 core-sw2 %LINK-SP-5-CHANGED: Interface Vlan20, changed state to administratively down',
    { host: 'core-sw2', process: 'LINK-SP', level: 5, attributes: { syslog: { msgid: 'CHANGED' } } },
  ],
])('device header: %s', (_name, text, want) => {
  expect(recognize(text)).toMatchObject({ format: 'syslog3164', parser: 'syslog-file', ...want });
});

describe('device header look-alikes are left alone', () => {
  test.each([
    ['an upper-case level word where the host would be (supervisord)', '2026-11-20 10:16:03,120 INFO spawned: nginx with pid 4410'],
    ['Python logging with a level after the stamp', '2026-11-20 10:16:03,120 WARNING root: disk almost full'],
    ['a percent word that is no Cisco tag', 'Nov 20 10:16:03 %done: 40'],
    ['Cisco-like tag with a severity over 7', 'Nov 20 10:16:03 %ASA-9-302013: x'],
  ])('%s', (_name, text) => {
    const d = newDraft('text');
    expect(syslogFile.recognize(text, d, ctx)).toBe(false);
    expect(d).toEqual(newDraft('text'));
  });

  test('an unknown facility word is a tag, not facility.level', () => {
    expect(recognize('Nov 20 10:16:03 ws3 org.gnome.Shell.desktop[2210]: hello')).toMatchObject({ host: 'ws3', process: 'org.gnome.Shell.desktop', level: null });
  });
  test('a dotted program after the host is kept as the program', () => {
    expect(recognize('Nov 20 10:16:03 ws3 user.slice: Started')).toMatchObject({ host: 'ws3', process: 'user.slice', level: null });
  });
});
