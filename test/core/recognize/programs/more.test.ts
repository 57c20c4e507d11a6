import { describe, expect, test } from 'vitest';
import { decodeAs } from './decode-as.js';

type Case = [string, string, string, Record<string, unknown>];

describe('login, fail2ban, sshguard, haproxy, databases, pure-ftpd', () => {
  test.each<Case>([
    ['login, unrelated', 'login', 'pam_securetty(login:auth): unexpected response from failed conversation function', { parser: 'pam', 'pam.module': 'pam_securetty', 'pam.service': 'login', 'pam.type': 'auth' }],
    [
      'FAILED LOGIN from a host',
      'login',
      'FAILED LOGIN 1 FROM 203.0.113.130 FOR root, Authentication failure',
      { parser: 'login', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'root', src_ip: '203.0.113.130', 'login.error': 'Authentication failure' },
    ],
    ['FAILED LOGIN on a tty (util-linux)', 'login', 'FAILED LOGIN 2 FROM tty1 FOR guest, User not known to the underlying authentication module', { parser: 'login', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'guest', 'process.tty': 'tty1', 'login.error': 'User not known to the underlying authentication module' }],
    [
      'FAILED LOGIN (shadow-utils)',
      'login',
      "FAILED LOGIN (1) on '/dev/pts/4' from '203.0.113.144' FOR 'UNKNOWN', Authentication failure",
      { parser: 'login', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', 'process.tty': '/dev/pts/4', src_ip: '203.0.113.144', 'login.error': 'Authentication failure' },
    ],
    ["ROOT LOGIN on (shadow-utils)", 'login', "ROOT LOGIN  on '/dev/tty1'", { parser: 'login', 'event.action': 'login', 'event.outcome': 'success', user: 'root', 'process.tty': '/dev/tty1' }],
    ["logged in (shadow-utils)", 'login', "'carol' logged in  on '/dev/tty3'", { parser: 'login', 'event.action': 'login', 'event.outcome': 'success', user: 'carol', 'process.tty': '/dev/tty3' }],
    ['ROOT LOGIN ON', 'login', 'ROOT LOGIN ON tty2', { parser: 'login', 'event.action': 'login', 'event.outcome': 'success', user: 'root', 'process.tty': 'tty2' }],
    ['LOGIN ON BY', 'login', 'LOGIN ON pts/3 BY alice FROM 198.51.100.131', { parser: 'login', 'event.action': 'login', 'event.outcome': 'success', user: 'alice', 'process.tty': 'pts/3', src_ip: '198.51.100.131' }],
    ['fail2ban ban', 'fail2ban.actions', 'NOTICE  [sshd] Ban 203.0.113.132', { parser: 'fail2ban', 'event.action': 'ip-ban', 'event.outcome': 'success', src_ip: '203.0.113.132', 'fail2ban.jail': 'sshd' }],
    ['fail2ban unban, pid prefix', 'fail2ban.actions', '[1234]: NOTICE  [postfix-sasl] Unban 2001:db8::133', { parser: 'fail2ban', 'event.action': 'ip-unban', 'event.outcome': 'success', src_ip: '2001:db8::133', 'fail2ban.jail': 'postfix-sasl' }],
    ['fail2ban found', 'fail2ban.filter', 'INFO    [sshd] Found 203.0.113.134 - 2026-12-07 10:00:00', { parser: 'fail2ban', 'event.action': 'ip-match', 'event.outcome': 'success', src_ip: '203.0.113.134', 'fail2ban.jail': 'sshd' }],
    ['sshguard attack', 'sshguard', 'Attack from "203.0.113.135" on service SSH with danger 10.', { parser: 'sshguard', 'event.action': 'probe', 'event.outcome': 'failure', src_ip: '203.0.113.135', 'service.name': 'SSH' }],
    ['sshguard blocking', 'sshguard', 'Blocking "203.0.113.136/32" for 120 secs (3 attacks in 5 secs, after 1 abuses over 5 secs.)', { parser: 'sshguard', 'event.action': 'ip-ban', 'event.outcome': 'success', src_ip: '203.0.113.136', 'sshguard.block_seconds': '120' }],
    [
      'haproxy http log',
      'haproxy',
      '203.0.113.137:51234 [07/Dec/2026:10:00:00.123] www~ app/web01 0/0/1/2/3 404 512 - - ---- 1/1/0/0/0 0/0 "GET /wp-login.php?x=1 HTTP/1.1"',
      {
        parser: 'haproxy', 'event.action': 'http-request', 'event.outcome': 'failure', src_ip: '203.0.113.137', src_port: 51234,
        'haproxy.frontend_name': 'www~', 'haproxy.backend_name': 'app', 'haproxy.server_name': 'web01',
        'http.request.method': 'GET', 'url.original': '/wp-login.php?x=1', 'http.response.status_code': 404, 'http.response.body.bytes': 512, 'http.version': '1.1',
      },
    ],
    ['haproxy tcp log, not HTTP: no state', 'haproxy', '203.0.113.141:50110 [07/Dec/2026:10:00:00.500] ssh_in ssh_out/bastion1', {}],
    [
      'haproxy tcp log, normal end',
      'haproxy',
      '203.0.113.141:50110 [07/Dec/2026:10:00:00.500] ssh_in ssh_out/bastion1 1/0/9021 4410 -- 3/2/1/1/0 0/0',
      {
        parser: 'haproxy', 'event.action': 'connect', 'event.outcome': 'success', src_ip: '203.0.113.141', src_port: 50110,
        'haproxy.frontend_name': 'ssh_in', 'haproxy.backend_name': 'ssh_out', 'haproxy.server_name': 'bastion1', 'haproxy.termination_state': '--', 'network.bytes': 4410,
      },
    ],
    [
      'haproxy tcp log, client timeout',
      'haproxy',
      '198.51.100.142:61000 [07/Dec/2026:10:00:01.001] db_in db_out/pg2 0/-1/30001 0 cD 1/1/0/0/3 0/0',
      {
        parser: 'haproxy', 'event.action': 'connect', 'event.outcome': 'unknown', src_ip: '198.51.100.142', src_port: 61000,
        'haproxy.frontend_name': 'db_in', 'haproxy.backend_name': 'db_out', 'haproxy.server_name': 'pg2', 'haproxy.termination_state': 'cD', 'network.bytes': 0,
      },
    ],
    [
      'haproxy TLS handshake failure',
      'haproxy',
      '203.0.113.143:40404 [07/Dec/2026:10:00:02.250] https_in/1: SSL handshake failure',
      { parser: 'haproxy', 'event.action': 'tls-handshake', 'event.outcome': 'failure', src_ip: '203.0.113.143', src_port: 40404, 'haproxy.frontend_name': 'https_in', 'haproxy.error': 'SSL handshake failure' },
    ],
    ['haproxy connect', 'haproxy', 'Connect from 198.51.100.138:40000 to 192.0.2.80:443 (https/TCP)', { parser: 'haproxy', 'event.action': 'connect', 'event.outcome': 'success', src_ip: '198.51.100.138', src_port: 40000, dst_ip: '192.0.2.80', dst_port: 443, 'haproxy.frontend_name': 'https', 'haproxy.mode': 'TCP' }],
    [
      'mysql access denied',
      'mysqld',
      "2026-12-07T10:00:00.123456Z 15 [Note] [MY-010926] [Server] Access denied for user 'root'@'203.0.113.139' (using password: YES)",
      { parser: 'mysql', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'root', src_ip: '203.0.113.139', 'mysql.using_password': 'YES' },
    ],
    ['mariadb access denied, host name', 'mariadbd', "[Warning] Access denied for user 'app'@'localhost' (using password: NO)", { parser: 'mysql', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'app', 'source.domain': 'localhost', 'mysql.using_password': 'NO' }],
    ['postgres password failed', 'postgres', '[3-1] user=bob,db=app,host=203.0.113.140 FATAL:  password authentication failed for user "bob"', { parser: 'postgres', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'bob' }],
    ['postgres role missing', 'postgres', 'FATAL:  role "admin" does not exist', { parser: 'postgres', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'invalid-user', user: 'admin' }],
    ['postgres connection received', 'postgres', '[1-1] LOG:  connection received: host=203.0.113.141 port=50432', { parser: 'postgres', 'event.action': 'connect', 'event.outcome': 'success', src_ip: '203.0.113.141', src_port: 50432 }],
    ['pure-ftpd auth failed', 'pure-ftpd', '(?@203.0.113.142) [WARNING] Authentication failed for user [admin]', { parser: 'pure-ftpd', 'event.action': 'login', 'event.outcome': 'failure', 'event.reason': 'incorrect-password', user: 'admin', src_ip: '203.0.113.142' }],
    ['pure-ftpd logged in', 'pure-ftpd', '(alice@198.51.100.143) [INFO] alice is now logged in', { parser: 'pure-ftpd', 'event.action': 'login', 'event.outcome': 'success', user: 'alice', src_ip: '198.51.100.143' }],
  ])('%s', (_n, program, line, expected) => {
    expect(decodeAs(program, line)).toEqual(expected);
  });
});
