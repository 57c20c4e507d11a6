import { describe, expect, test } from 'vitest';
import { decodeAs } from './decode-as.js';

type Case = [string, string, string, Record<string, unknown>];
const check = (program: string, line: string, expected: Record<string, unknown>): void => {
  expect(decodeAs(program, line)).toEqual(expected);
};

describe('kernel netfilter', () => {
  const fw = (action: string, outcome: string, extra: Record<string, unknown>) => ({ parser: 'netfilter', 'event.action': action, 'event.outcome': outcome, ...extra });
  test.each<Case>([
    ['IN= without OUT=: not netfilter', 'kernel', 'eth0: link IN=up', {}],
    ['OUT= far away: not netfilter', 'kernel', `IN=eth0 ${'x'.repeat(80)} OUT=`, {}],
    [
      'ufw block with uptime, TCP SYN',
      'kernel',
      '[ 9184.567890] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.200 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=49 ID=5421 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0',
      fw('firewall-drop', 'failure', {
        src_ip: '203.0.113.200', dst_ip: '192.0.2.10', src_port: 51234, dst_port: 22,
        'observer.ingress.interface.name': 'eth0', 'network.transport': 'tcp', 'network.bytes': 60,
        'netfilter.mac': '52:54:00:12:34:56:52:54:00:65:43:21:08:00', 'netfilter.prefix': '[UFW BLOCK]', 'netfilter.flags': ['DF', 'SYN'],
      }),
    ],
    [
      'UniFi rule name glued to IN=',
      'kernel',
      '[ 5012.100200] [WAN_LOCAL-D-2000]IN=eth9 OUT= MAC=aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:08:00 SRC=198.51.100.90 DST=192.0.2.40 LEN=44 TOS=0x00 PREC=0x00 TTL=240 ID=4242 PROTO=TCP SPT=43110 DPT=8443 WINDOW=1024 RES=0x00 SYN URGP=0',
      fw('firewall-log', 'unknown', {
        src_ip: '198.51.100.90', dst_ip: '192.0.2.40', src_port: 43110, dst_port: 8443,
        'observer.ingress.interface.name': 'eth9', 'network.transport': 'tcp', 'network.bytes': 44,
        'netfilter.mac': 'aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:08:00', 'netfilter.prefix': '[WAN_LOCAL-D-2000]', 'netfilter.flags': ['SYN'],
      }),
    ],
    [
      'ufw allow, UDP (second LEN is the datagram)',
      'kernel',
      '[UFW ALLOW] IN=eth0 OUT= MAC= SRC=198.51.100.53 DST=192.0.2.10 LEN=76 TOS=0x00 PREC=0x00 TTL=57 ID=0 DF PROTO=UDP SPT=123 DPT=123 LEN=56',
      fw('firewall-accept', 'success', { src_ip: '198.51.100.53', dst_ip: '192.0.2.10', src_port: 123, dst_port: 123, 'observer.ingress.interface.name': 'eth0', 'network.transport': 'udp', 'network.bytes': 76, 'netfilter.prefix': '[UFW ALLOW]', 'netfilter.flags': ['DF'] }),
    ],
    [
      'ufw audit: no verdict word',
      'kernel',
      '[UFW AUDIT] IN= OUT=lo SRC=127.0.0.1 DST=127.0.0.1 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=5432 DPT=40000 WINDOW=512 RES=0x00 ACK URGP=0',
      fw('firewall-log', 'unknown', { src_ip: '127.0.0.1', dst_ip: '127.0.0.1', src_port: 5432, dst_port: 40000, 'observer.egress.interface.name': 'lo', 'network.transport': 'tcp', 'network.bytes': 52, 'netfilter.prefix': '[UFW AUDIT]', 'netfilter.flags': ['ACK'] }),
    ],
    [
      'ufw limit block, IPv6 ICMP',
      'kernel',
      '[UFW LIMIT BLOCK] IN=eth0 OUT= MAC=33:33:00:00:00:01 SRC=2001:db8::66 DST=2001:db8::1 LEN=64 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=128 CODE=0 ID=1 SEQ=1',
      fw('firewall-drop', 'failure', { src_ip: '2001:db8::66', dst_ip: '2001:db8::1', 'observer.ingress.interface.name': 'eth0', 'network.transport': 'icmpv6', 'network.bytes': 64, 'netfilter.mac': '33:33:00:00:00:01', 'netfilter.prefix': '[UFW LIMIT BLOCK]', 'icmp.type': '128', 'icmp.code': '0' }),
    ],
    [
      'iptables LOG custom prefix',
      'kernel',
      'IPTables-Dropped: IN=ens3 OUT= MAC=fa:16:3e:00:00:01 SRC=203.0.113.201 DST=192.0.2.11 LEN=40 TOS=0x00 PREC=0x00 TTL=240 ID=54321 PROTO=TCP SPT=41000 DPT=3389 WINDOW=1024 RES=0x00 SYN URGP=0',
      fw('firewall-drop', 'failure', { src_ip: '203.0.113.201', dst_ip: '192.0.2.11', src_port: 41000, dst_port: 3389, 'observer.ingress.interface.name': 'ens3', 'network.transport': 'tcp', 'network.bytes': 40, 'netfilter.mac': 'fa:16:3e:00:00:01', 'netfilter.prefix': 'IPTables-Dropped:', 'netfilter.flags': ['SYN'] }),
    ],
    [
      'firewalld FINAL_REJECT',
      'kernel',
      'FINAL_REJECT: IN=eth0 OUT= MAC=00:16:3e:aa:bb:cc SRC=203.0.113.202 DST=192.0.2.12 LEN=44 TOS=0x00 PREC=0x00 TTL=244 ID=1 PROTO=TCP SPT=50000 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0',
      fw('firewall-drop', 'failure', { src_ip: '203.0.113.202', dst_ip: '192.0.2.12', src_port: 50000, dst_port: 23, 'observer.ingress.interface.name': 'eth0', 'network.transport': 'tcp', 'network.bytes': 44, 'netfilter.mac': '00:16:3e:aa:bb:cc', 'netfilter.prefix': 'FINAL_REJECT:', 'netfilter.flags': ['SYN'] }),
    ],
    [
      'nftables log prefix, forwarded (IN and OUT)',
      'kernel',
      'nft accept fwd: IN=br0 OUT=eth0 SRC=10.0.0.5 DST=198.51.100.80 LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID=7 DF PROTO=TCP SPT=44000 DPT=443 WINDOW=501 RES=0x00 ACK FIN URGP=0',
      fw('firewall-accept', 'success', { src_ip: '10.0.0.5', dst_ip: '198.51.100.80', src_port: 44000, dst_port: 443, 'observer.ingress.interface.name': 'br0', 'observer.egress.interface.name': 'eth0', 'network.transport': 'tcp', 'network.bytes': 52, 'netfilter.prefix': 'nft accept fwd:', 'netfilter.flags': ['DF', 'ACK', 'FIN'] }),
    ],
    [
      'relayed under another program name',
      'ulogd',
      'DROP IN=eth1 OUT= SRC=203.0.113.203 DST=192.0.2.13 LEN=40 PROTO=TCP SPT=1 DPT=445',
      fw('firewall-drop', 'failure', { src_ip: '203.0.113.203', dst_ip: '192.0.2.13', src_port: 1, dst_port: 445, 'observer.ingress.interface.name': 'eth1', 'network.transport': 'tcp', 'network.bytes': 40, 'netfilter.prefix': 'DROP' }),
    ],
  ])('%s', (_n, program, line, expected) => check(program, line, expected));
});

describe('mail: postfix, dovecot, exim', () => {
  test.each<Case>([
    ['postfix, unrelated', 'postfix/smtpd', 'warning: hostname 203-0-113-5.example.net does not resolve to address 203.0.113.5', {}],
    [
      'SASL failure',
      'postfix/smtpd',
      'warning: unknown[203.0.113.210]: SASL LOGIN authentication failed: UGFzc3dvcmQ6',
      { parser: 'postfix', 'event.action': 'mail-auth', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', src_ip: '203.0.113.210', 'postfix.sasl_method': 'LOGIN', 'postfix.sasl_error': 'UGFzc3dvcmQ6' },
    ],
    [
      'SASL failure with sasl_username (postfix 3.x), submission instance',
      'postfix/submission/smtpd',
      'warning: mail.example.org[198.51.100.25]: SASL PLAIN authentication failed: authentication failure, sasl_username=info@example.org',
      { parser: 'postfix', 'event.action': 'mail-auth', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'info@example.org', src_ip: '198.51.100.25', 'source.domain': 'mail.example.org', 'postfix.sasl_method': 'PLAIN', 'postfix.sasl_error': 'authentication failure' },
    ],
    [
      'client with SASL login',
      'postfix/smtpd',
      '4Bx2Yk0Fz3z9t1: client=laptop.example.com[198.51.100.26], sasl_method=LOGIN, sasl_username=alice',
      { parser: 'postfix', 'event.action': 'mail-auth', 'event.outcome': 'success', user: 'alice', src_ip: '198.51.100.26', 'source.domain': 'laptop.example.com', 'postfix.queue_id': '4Bx2Yk0Fz3z9t1', 'postfix.sasl_method': 'LOGIN' },
    ],
    [
      'NOQUEUE reject',
      'postfix/smtpd',
      'NOQUEUE: reject: RCPT from unknown[203.0.113.211]: 554 5.7.1 <spam@example.net>: Relay access denied; from=<x@example.net> to=<spam@example.net> proto=ESMTP helo=<WIN-ABC>',
      { parser: 'postfix', 'event.action': 'mail-reject', 'event.outcome': 'failure', src_ip: '203.0.113.211', 'postfix.queue_id': 'NOQUEUE', 'postfix.command': 'RCPT', 'postfix.status_code': '554', 'postfix.reject_reason': '5.7.1 <spam@example.net>: Relay access denied', 'email.from.address': 'x@example.net', 'email.to.address': 'spam@example.net' },
    ],
    [
      'smtp delivery',
      'postfix/smtp',
      '4Bx2Yk0Fz3z9t1: to=<bob@example.net>, relay=mx1.example.net[198.51.100.44]:25, delay=0.9, delays=0.1/0/0.3/0.5, dsn=2.0.0, status=sent (250 2.0.0 OK)',
      { parser: 'postfix', 'event.action': 'mail-send', 'event.outcome': 'success', dst_ip: '198.51.100.44', dst_port: 25, 'destination.domain': 'mx1.example.net', 'postfix.queue_id': '4Bx2Yk0Fz3z9t1', 'email.to.address': 'bob@example.net', 'postfix.status': 'sent' },
    ],
    [
      'smtp deferred, no relay address',
      'postfix/smtp',
      '4Bx2Yk0Fz3z9t2: to=<carol@example.org>, relay=none, delay=30, delays=0.1/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.99]:25: Connection timed out)',
      { parser: 'postfix', 'event.action': 'mail-send', 'event.outcome': 'failure', 'postfix.queue_id': '4Bx2Yk0Fz3z9t2', 'email.to.address': 'carol@example.org', 'postfix.status': 'deferred' },
    ],
    ['postscreen connect', 'postfix/postscreen', 'CONNECT from [203.0.113.45]:51234 to [192.0.2.25]:25', { parser: 'postfix', 'event.action': 'connect', 'event.outcome': 'success', src_ip: '203.0.113.45', src_port: 51234, dst_ip: '192.0.2.25', dst_port: 25, 'postfix.postscreen': 'CONNECT' }],
    ['postscreen pregreet', 'postfix/postscreen', 'PREGREET 11 after 0.15 from [203.0.113.46]:51235: EHLO x', { parser: 'postfix', 'event.action': 'probe', 'event.outcome': 'failure', src_ip: '203.0.113.46', src_port: 51235, 'postfix.postscreen': 'PREGREET 11 after 0.15' }],
    ['postscreen dnsbl', 'postfix/postscreen', 'DNSBL rank 5 for [2001:db8::47]:51236', { parser: 'postfix', 'event.action': 'probe', 'event.outcome': 'failure', src_ip: '2001:db8::47', src_port: 51236, 'postfix.postscreen': 'DNSBL rank 5' }],
    ['connect from', 'postfix/smtpd', 'connect from unknown[2001:db8::25]', { parser: 'postfix', 'event.action': 'connect', 'event.outcome': 'success', src_ip: '2001:db8::25' }],
    [
      'dovecot auth failed (2.2)',
      'dovecot',
      'imap-login: Disconnected (auth failed, 3 attempts in 15 secs): user=<bob@example.org>, method=PLAIN, rip=203.0.113.212, lip=192.0.2.25, TLS, session=<a1B2c3D4e5F6>',
      { parser: 'dovecot', 'event.action': 'mail-auth', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'bob@example.org', src_ip: '203.0.113.212', dst_ip: '192.0.2.25', 'dovecot.service': 'imap', 'dovecot.method': 'PLAIN' },
    ],
    [
      'dovecot 2.3 login aborted, user with a space',
      'dovecot',
      'pop3-login: Login aborted: Connection closed (auth failed, 1 attempts in 2 secs) (auth_failed): user=<John Smith>, method=LOGIN, rip=::ffff:203.0.113.213, lip=::ffff:192.0.2.25, session=<xyz>',
      { parser: 'dovecot', 'event.action': 'mail-auth', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'John Smith', src_ip: '203.0.113.213', dst_ip: '192.0.2.25', 'dovecot.service': 'pop3', 'dovecot.method': 'LOGIN' },
    ],
    [
      'dovecot login',
      'dovecot',
      'imap-login: Login: user=<alice>, method=PLAIN, rip=198.51.100.27, lip=192.0.2.25, mpid=4242, TLS, session=<QWE>',
      { parser: 'dovecot', 'event.action': 'mail-auth', 'event.outcome': 'success', user: 'alice', src_ip: '198.51.100.27', dst_ip: '192.0.2.25', 'dovecot.service': 'imap', 'dovecot.method': 'PLAIN' },
    ],
    [
      'dovecot auth-worker pam',
      'dovecot',
      'auth-worker(3121): pam(carol,203.0.113.214,<AbCd>): pam_authenticate() failed: Authentication failure (password mismatch?)',
      { parser: 'dovecot', 'event.action': 'mail-auth', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'carol', src_ip: '203.0.113.214', 'dovecot.auth_module': 'pam', 'dovecot.auth_error': 'pam_authenticate() failed: Authentication failure (password mismatch?)' },
    ],
    [
      'dovecot auth: pam_unix',
      'dovecot',
      'auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=dave rhost=203.0.113.215  user=dave',
      { parser: 'dovecot', 'pam.module': 'pam_unix', 'pam.service': 'dovecot', 'pam.type': 'auth', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'dave', src_ip: '203.0.113.215', 'user.id': '0', 'user.effective.id': '0', 'process.tty': 'dovecot', 'pam.ruser': 'dave' },
    ],
    [
      'exim authenticator failed',
      'exim',
      'dovecot_login authenticator failed for (User) [203.0.113.216]:53012 I=[192.0.2.26]:587: 535 Incorrect authentication data (set_id=sales@example.com)',
      { parser: 'exim', 'event.action': 'mail-auth', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'sales@example.com', src_ip: '203.0.113.216', src_port: 53012, dst_ip: '192.0.2.26', dst_port: 587, 'exim.authenticator': 'dovecot_login', 'exim.helo': 'User', 'exim.error': 'Incorrect authentication data' },
    ],
    [
      'exim mainlog text with stamp',
      'exim4',
      '2026-12-07 10:00:00 login authenticator failed for h-1.example.net (ylmf-pc) [203.0.113.217]: 535 Incorrect authentication data (set_id=admin)',
      { parser: 'exim', 'event.action': 'mail-auth', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'admin', src_ip: '203.0.113.217', 'source.domain': 'h-1.example.net', 'exim.authenticator': 'login', 'exim.helo': 'ylmf-pc', 'exim.error': 'Incorrect authentication data' },
    ],
  ])('%s', (_n, program, line, expected) => check(program, line, expected));
});

describe('ftp, named, samba', () => {
  test.each<Case>([
    ['vsftpd, unrelated', 'vsftpd', 'warning: can\'t get client address: Connection reset by peer', {}],
    ['vsftpd FAIL LOGIN', 'vsftpd', '[pid 2323] [webadmin] FAIL LOGIN: Client "::ffff:203.0.113.220"', { parser: 'vsftpd', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'webadmin', src_ip: '203.0.113.220' }],
    ['vsftpd OK LOGIN', 'vsftpd', '[alice] OK LOGIN: Client "198.51.100.60"', { parser: 'vsftpd', 'event.action': 'login', 'event.outcome': 'success', user: 'alice', src_ip: '198.51.100.60' }],
    [
      'vsftpd OK UPLOAD',
      'vsftpd',
      '[pid 2401] [alice] OK UPLOAD: Client "198.51.100.60", "/upload/report q4.pdf", 48213 bytes, 512.33Kbyte/sec',
      { parser: 'vsftpd', 'event.action': 'file-upload', 'event.outcome': 'success', user: 'alice', src_ip: '198.51.100.60', 'file.path': '/upload/report q4.pdf', 'file.size': 48213 },
    ],
    ['vsftpd FAIL DOWNLOAD', 'vsftpd', '[bob] FAIL DOWNLOAD: Client "198.51.100.61", "/etc/passwd", 0.00Kbyte/sec', { parser: 'vsftpd', 'event.action': 'file-download', 'event.outcome': 'failure', user: 'bob', src_ip: '198.51.100.61', 'file.path': '/etc/passwd' }],
    ['vsftpd CONNECT', 'vsftpd', '[pid 2400] CONNECT: Client "198.51.100.62"', { parser: 'vsftpd', 'event.action': 'connect', 'event.outcome': 'success', src_ip: '198.51.100.62' }],
    ['proftpd login ok', 'proftpd', 'ftp.example.com (client.example.org[198.51.100.63]) - USER alice: Login successful.', { parser: 'proftpd', 'event.action': 'login', 'event.outcome': 'success', user: 'alice', src_ip: '198.51.100.63', 'source.domain': 'client.example.org' }],
    [
      'proftpd no such user',
      'proftpd',
      'ftp.example.com (203.0.113.221[203.0.113.221]) - USER oracle: no such user found from 203.0.113.221 [203.0.113.221] to 192.0.2.30:21',
      { parser: 'proftpd', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'invalid-user', user: 'oracle', src_ip: '203.0.113.221' },
    ],
    ['proftpd login failed', 'proftpd', 'localhost (::ffff:203.0.113.222[::ffff:203.0.113.222]) - USER bob (Login failed): Incorrect password', { parser: 'proftpd', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'bob', src_ip: '203.0.113.222', 'ftp.error': 'Incorrect password' }],
    ['proftpd max attempts', 'proftpd', 'localhost (203.0.113.223[203.0.113.223]) - Maximum login attempts (3) exceeded, connection refused', { parser: 'proftpd', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'max-auth-attempts', src_ip: '203.0.113.223' }],
    ['old ftpd connection', 'ftpd', 'connection from 203.0.113.224 (scan-224.example.net) at Sun Jul 10 03:55:15 2005', { parser: 'ftpd', 'event.action': 'connect', 'event.outcome': 'success', src_ip: '203.0.113.224', 'source.domain': 'scan-224.example.net' }],
    ['old ftpd anonymous', 'ftpd', 'ANONYMOUS FTP LOGIN FROM 203.0.113.225,  (anonymous)', { parser: 'ftpd', 'event.action': 'login', 'event.outcome': 'success', user: 'anonymous', src_ip: '203.0.113.225' }],
    ['klogind', 'klogind', 'Authentication failed from 198.51.100.90 (198.51.100.90): Permission denied in replay cache code', { parser: 'klogind', 'event.action': 'login', 'event.outcome': 'failure', src_ip: '198.51.100.90', 'kerberos.error': 'Permission denied in replay cache code' }],
    ['snmpd (old)', 'snmpd', 'Received SNMP packet(s) from 198.51.100.91', { parser: 'snmpd', 'event.action': 'connect', 'event.outcome': 'success', src_ip: '198.51.100.91' }],
    ['snmpd connection', 'snmpd', 'Connection from UDP: [198.51.100.92]:40161->[192.0.2.50]:161', { parser: 'snmpd', 'event.action': 'connect', 'event.outcome': 'success', src_ip: '198.51.100.92', src_port: 40161, dst_ip: '192.0.2.50', dst_port: 161 }],
    ['snmpd (old) with the trailing blank old syslogd kept', 'snmpd', 'Received SNMP packet(s) from 198.51.100.93 ', { parser: 'snmpd', 'event.action': 'connect', 'event.outcome': 'success', src_ip: '198.51.100.93' }],
    ['ntpd synchronized', 'ntpd', 'synchronized to 192.0.2.123, stratum 2', { parser: 'ntpd', 'event.action': 'time-sync', 'event.outcome': 'success', dst_ip: '192.0.2.123', 'ntp.stratum': '2' }],
    ['ntpd to its local clock: no address', 'ntpd', 'synchronized to LOCAL(0), stratum 10', { parser: 'ntpd', 'event.action': 'time-sync', 'event.outcome': 'success', 'ntp.stratum': '10' }],
    [
      'dhcpd request for an unknown lease',
      'dhcpd',
      'DHCPREQUEST for 10.20.4.17 (10.20.0.2) from 00:16:3e:4a:b1:0c via eth1: unknown lease 10.20.4.17.',
      { parser: 'dhcpd', 'event.action': 'dhcp-request', 'event.outcome': 'unknown', src_ip: '10.20.4.17', dst_ip: '10.20.0.2', 'source.mac': '00:16:3e:4a:b1:0c', 'dhcp.via': 'eth1' },
    ],
    ['dhcpd request, client host name', 'dhcpd', 'DHCPREQUEST for 10.20.4.18 from 00:16:3e:4a:b1:0d (laptop-7) via eth1', { parser: 'dhcpd', 'event.action': 'dhcp-request', 'event.outcome': 'unknown', src_ip: '10.20.4.18', 'source.mac': '00:16:3e:4a:b1:0d', 'dhcp.via': 'eth1' }],
    ['dhcpd offer', 'dhcpd', 'DHCPOFFER on 10.20.4.19 to 00:16:3e:4a:b1:0e via eth1', { parser: 'dhcpd', 'event.action': 'dhcp-offer', 'event.outcome': 'success', dst_ip: '10.20.4.19', 'destination.mac': '00:16:3e:4a:b1:0e', 'dhcp.via': 'eth1' }],
    ['dhcpd ack through a relay', 'dhcpd', 'DHCPACK on 10.20.4.20 to 00:16:3e:4a:b1:0f (printer) via 10.20.0.254', { parser: 'dhcpd', 'event.action': 'dhcp-ack', 'event.outcome': 'success', dst_ip: '10.20.4.20', 'destination.mac': '00:16:3e:4a:b1:0f', 'dhcp.via': '10.20.0.254' }],
    ['dhcpd nak', 'dhcpd', 'DHCPNAK on 10.20.4.21 to 00:16:3e:4a:b1:10 via eth1', { parser: 'dhcpd', 'event.action': 'dhcp-nak', 'event.outcome': 'failure', dst_ip: '10.20.4.21', 'destination.mac': '00:16:3e:4a:b1:10', 'dhcp.via': 'eth1' }],
    ['dhcpd discover', 'dhcpd', 'DHCPDISCOVER from 00:16:3e:4a:b1:11 via eth1: network 10.20.0.0/16: no free leases', { parser: 'dhcpd', 'event.action': 'dhcp-discover', 'event.outcome': 'unknown', 'source.mac': '00:16:3e:4a:b1:11', 'dhcp.via': 'eth1' }],
    ['dhcpd release', 'dhcpd', 'DHCPRELEASE of 10.20.4.22 from 00:16:3e:4a:b1:12 (desk-3) via eth1 (found)', { parser: 'dhcpd', 'event.action': 'dhcp-release', 'event.outcome': 'success', src_ip: '10.20.4.22', 'source.mac': '00:16:3e:4a:b1:12', 'dhcp.via': 'eth1' }],
    ['dhcpd inform', 'dhcpd', 'DHCPINFORM from 10.20.4.23 via eth1', { parser: 'dhcpd', 'event.action': 'dhcp-inform', 'event.outcome': 'unknown', src_ip: '10.20.4.23', 'dhcp.via': 'eth1' }],
    ['dhcpd: not a DHCP verdict', 'dhcpd', 'Internet Systems Consortium DHCP Server 4.4.3', {}],
    ['xinetd START', 'xinetd', 'START: telnet pid=3012 from=::ffff:203.0.113.93', { parser: 'xinetd', 'event.action': 'connect', 'event.outcome': 'success', src_ip: '203.0.113.93', 'service.name': 'telnet' }],
    ['xinetd FAIL', 'xinetd', 'FAIL: ftp address from=203.0.113.94', { parser: 'xinetd', 'event.action': 'connect', 'event.outcome': 'failure', src_ip: '203.0.113.94', 'service.name': 'ftp', 'xinetd.reason': 'address' }],
    ['dropbear bad password', 'dropbear', "Bad password attempt for 'admin' from 203.0.113.95:50022", { parser: 'dropbear', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'admin', src_ip: '203.0.113.95', src_port: 50022 }],
    ['dropbear IPv6 peer', 'dropbear', "Password auth succeeded for 'root' from [2001:db8::96]:50023", { parser: 'dropbear', 'event.action': 'login', 'event.outcome': 'success', user: 'root', src_ip: '2001:db8::96', src_port: 50023, 'ssh.method': 'password' }],
    ['dropbear nonexistent user', 'dropbear', 'Login attempt for nonexistent user from 203.0.113.97:50024', { parser: 'dropbear', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'invalid-user', src_ip: '203.0.113.97', src_port: 50024 }],
    [
      'named query',
      'named',
      'client @0x7f3a2c0b1e20 198.51.100.70#53412 (www.example.com): query: www.example.com IN A +E(0)K (192.0.2.53)',
      { parser: 'named', 'event.action': 'dns-query', 'event.outcome': 'success', src_ip: '198.51.100.70', src_port: 53412, dst_ip: '192.0.2.53', domain: 'www.example.com', 'dns.question.name': 'www.example.com', 'dns.question.class': 'IN', 'dns.question.type': 'A', 'dns.flags': '+E(0)K' },
    ],
    [
      'named query, old form without handle, view',
      'named',
      'client 2001:db8::70#40001: view internal: query: Example.ORG IN AAAA + (2001:db8::53)',
      { parser: 'named', 'event.action': 'dns-query', 'event.outcome': 'success', src_ip: '2001:db8::70', src_port: 40001, dst_ip: '2001:db8::53', domain: 'example.org', 'dns.question.name': 'Example.ORG', 'dns.question.class': 'IN', 'dns.question.type': 'AAAA', 'dns.flags': '+', 'dns.view': 'internal' },
    ],
    [
      'named denied (cache)',
      'named',
      "client @0x7f3a2c0b1e20 203.0.113.226#61000 (isc.org): query (cache) 'isc.org/ANY/IN' denied",
      { parser: 'named', 'event.action': 'dns-denied', 'event.outcome': 'failure', src_ip: '203.0.113.226', src_port: 61000, domain: 'isc.org', 'dns.question.name': 'isc.org', 'dns.question.class': 'IN', 'dns.question.type': 'ANY', 'dns.denied': 'query (cache)' },
    ],
    [
      'named zone transfer denied',
      'named',
      "client @0x7f00aa 203.0.113.227#51515 (example.com): zone transfer 'example.com/AXFR/IN' denied",
      { parser: 'named', 'event.action': 'dns-denied', 'event.outcome': 'failure', src_ip: '203.0.113.227', src_port: 51515, domain: 'example.com', 'dns.question.name': 'example.com', 'dns.question.class': 'IN', 'dns.question.type': 'AXFR', 'dns.denied': 'zone transfer' },
    ],
    [
      'samba wrong password',
      'smbd',
      '  Auth: [SMB2,(null)] user [WORKGROUP]\\[jsmith] at [Mon, 07 Dec 2026 10:00:00.123456 UTC] with [NTLMv2] status [NT_STATUS_WRONG_PASSWORD] workstation [DESKTOP-01] remote host [ipv4:203.0.113.230:50000] mapped to [WORKGROUP]\\[jsmith]. local host [ipv4:192.0.2.40:445]  NETLOGON computer [(null)] trust account [(null)]',
      { parser: 'samba', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'jsmith', src_ip: '203.0.113.230', src_port: 50000, dst_ip: '192.0.2.40', dst_port: 445, 'user.domain': 'WORKGROUP', 'samba.service': 'SMB2,(null)', 'samba.auth': 'NTLMv2', 'samba.status': 'NT_STATUS_WRONG_PASSWORD', 'source.host': 'DESKTOP-01' },
    ],
    [
      'samba ok, IPv6',
      'samba',
      'Auth: [SMB2,(null)] user [EXAMPLE]\\[Anne Marie] at [Mon, 07 Dec 2026 10:00:00.1 UTC] with [NTLMv2] status [NT_STATUS_OK] workstation [] remote host [ipv6:2001:db8::31:50001] mapped to [EXAMPLE]\\[anne]. local host [ipv6:2001:db8::40:445]',
      { parser: 'samba', 'event.action': 'login', 'event.outcome': 'success', user: 'Anne Marie', src_ip: '2001:db8::31', src_port: 50001, dst_ip: '2001:db8::40', dst_port: 445, 'user.domain': 'EXAMPLE', 'samba.service': 'SMB2,(null)', 'samba.auth': 'NTLMv2', 'samba.status': 'NT_STATUS_OK' },
    ],
  ])('%s', (_n, program, line, expected) => check(program, line, expected));
});

describe('pfSense / OPNsense filterlog', () => {
  const fw = (action: string, outcome: string, extra: Record<string, unknown>) => ({
    parser: 'filterlog', 'event.action': action, 'event.outcome': outcome, ...extra,
  });
  test.each<Case>([
    ['empty', 'filterlog', '', {}],
    ['prose', 'filterlog', 'filterlog started', {}],
    ['too few fields', 'filterlog', '5,,,1000000103,igb0,match,block,in,4', {}],
    ['unknown action', 'filterlog', '5,,,1000000103,igb0,match,drop,in,4,0x0,,64,0,0,DF,6,tcp,60,192.0.2.1,192.0.2.2,1,2,0', {}],
    ['unknown IP version', 'filterlog', '5,,,1000000103,igb0,match,block,in,9,0x0,,64,0,0,DF,6,tcp,60,192.0.2.1,192.0.2.2,1,2,0', {}],
    ['no addresses where they belong', 'filterlog', '5,,,1000000103,igb0,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,x,y,1,2,0', {}],
    [
      'IPv4 TCP block inbound',
      'filterlog',
      '7,,,1000000104,em0,match,block,in,4,0x0,,241,33012,0,none,6,tcp,40,198.51.100.61,192.0.2.20,52814,3389,0,S,927173941,,1024,,',
      fw('firewall-drop', 'failure', {
        src_ip: '198.51.100.61', dst_ip: '192.0.2.20', src_port: 52814, dst_port: 3389,
        'network.transport': 'tcp', 'network.bytes': 40, 'network.direction': 'ingress',
        'observer.ingress.interface.name': 'em0', 'rule.id': '1000000104',
      }),
    ],
    [
      'IPv4 UDP pass outbound',
      'filterlog',
      '12,,,1770001001,vtnet1,match,pass,out,4,0x0,,63,0,0,DF,17,udp,61,192.0.2.30,203.0.113.53,38211,53,41',
      fw('firewall-accept', 'success', {
        src_ip: '192.0.2.30', dst_ip: '203.0.113.53', src_port: 38211, dst_port: 53,
        'network.transport': 'udp', 'network.bytes': 61, 'network.direction': 'egress',
        'observer.egress.interface.name': 'vtnet1', 'rule.id': '1770001001',
      }),
    ],
    [
      'IPv6 ICMP reject: no ports',
      'filterlog',
      '3,,,1000000003,igb1,match,reject,in,6,0x00,0x00000,255,ipv6-icmp,58,32,2001:db8:1::9,2001:db8:2::1,',
      fw('firewall-drop', 'failure', {
        src_ip: '2001:db8:1::9', dst_ip: '2001:db8:2::1',
        'network.transport': 'ipv6-icmp', 'network.bytes': 32, 'network.direction': 'ingress',
        'observer.ingress.interface.name': 'igb1', 'rule.id': '1000000003',
      }),
    ],
  ])('%s', (_name, program, line, expected) => check(program, line, expected));
});

describe('Cisco ASA / FTD', () => {
  const fw = (action: string, outcome: string, extra: Record<string, unknown>) => ({ parser: 'cisco-asa', 'event.action': action, 'event.outcome': outcome, ...extra });
  test.each<Case>([
    ['an unrelated message keeps no fields', 'ASA', 'Module ips, application up "IPS", version "7.2(2)E4" Normal Operation', {}],
    ['a Teardown (sides not stated) is left alone', 'ASA', 'Teardown TCP connection 91 for outside:198.51.100.3/443 to inside:10.0.0.3/51234 duration 0:00:05 bytes 4410 TCP FINs', {}],
    [
      '106001 inbound denied',
      'ASA',
      'Inbound TCP connection denied from 198.51.100.20/44321 to 192.0.2.30/3389 flags SYN  on interface outside',
      fw('firewall-drop', 'failure', { src_ip: '198.51.100.20', src_port: 44321, dst_ip: '192.0.2.30', dst_port: 3389, 'network.transport': 'tcp' }),
    ],
    [
      '106006 deny inbound UDP',
      'FTD',
      'Deny inbound UDP from 203.0.113.40/5353 to 192.0.2.31/161 on interface outside',
      fw('firewall-drop', 'failure', { src_ip: '203.0.113.40', src_port: 5353, dst_ip: '192.0.2.31', dst_port: 161, 'network.transport': 'udp' }),
    ],
    [
      '106023 deny by access-group',
      'ASA',
      'Deny tcp src outside:203.0.113.41/60111 dst dmz:192.0.2.32/445 by access-group "outside_access_in" [0x0, 0x0]',
      fw('firewall-drop', 'failure', {
        src_ip: '203.0.113.41', src_port: 60111, dst_ip: '192.0.2.32', dst_port: 445, 'network.transport': 'tcp',
        'observer.ingress.interface.name': 'outside', 'observer.egress.interface.name': 'dmz', 'rule.name': 'outside_access_in',
      }),
    ],
    [
      '106100 access-list permitted',
      'ASA',
      'access-list inside_in permitted udp inside/10.0.0.44(53001) -> outside/198.51.100.53(53) hit-cnt 1 first hit [0x91b2, 0x0]',
      fw('firewall-accept', 'success', {
        src_ip: '10.0.0.44', src_port: 53001, dst_ip: '198.51.100.53', dst_port: 53, 'network.transport': 'udp',
        'observer.ingress.interface.name': 'inside', 'observer.egress.interface.name': 'outside', 'rule.name': 'inside_in',
      }),
    ],
    [
      '302013 built outbound: the inside end initiated',
      'ASA',
      'Built outbound TCP connection 5521 for outside:198.51.100.60/443 (198.51.100.60/443) to inside:10.0.0.60/50999 (192.0.2.60/50999)',
      fw('firewall-accept', 'success', {
        src_ip: '10.0.0.60', src_port: 50999, dst_ip: '198.51.100.60', dst_port: 443, 'network.transport': 'tcp', 'network.direction': 'outbound',
        'network.connection_id': '5521', 'cisco.asa.first_interface': 'outside', 'cisco.asa.second_interface': 'inside',
      }),
    ],
    [
      '605004 management login denied',
      'ASA',
      'Login denied from 203.0.113.70/52000 to outside:192.0.2.70/ssh for user "admin"',
      { parser: 'cisco-asa', 'event.action': 'login', 'event.outcome': 'failure', src_ip: '203.0.113.70', src_port: 52000, dst_ip: '192.0.2.70', user: 'admin', 'observer.ingress.interface.name': 'outside', 'service.name': 'ssh' },
    ],
    [
      '113005 AAA rejected',
      'ASA',
      'AAA user authentication Rejected : reason = AAA failure : server = 192.0.2.80 : user = ***** : user IP = 198.51.100.81',
      { parser: 'cisco-asa', 'event.action': 'login', 'event.outcome': 'failure', src_ip: '198.51.100.81' },
    ],
  ])('%s', (_name, program, line, expected) => check(program, line, expected));
});
