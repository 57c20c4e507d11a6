import { describe, expect, test } from 'vitest';
import { decodeAs } from './decode-as.js';

const login = (outcome: string, extra: Record<string, unknown> = {}) => ({ parser: 'sshd', 'event.action': 'login', 'event.outcome': outcome, ...extra });

describe('sshd', () => {
  test.each<[string, string, Record<string, unknown>]>([
    // edges first
    ['empty message', '', {}],
    ['truncated before the address', 'Failed password for root from', {}],
    ['unrelated text', 'Server listening on 0.0.0.0 port 22.', {}],
    [
      'IPv4-mapped IPv6 client',
      'Failed password for invalid user oracle from ::ffff:198.51.100.23 port 51022 ssh2',
      login('failure', { user: 'oracle', src_ip: '198.51.100.23', src_port: 51022, 'ssh.method': 'password', 'event.reason': 'invalid-user' }),
    ],
    [
      'IPv6 client',
      'Accepted publickey for deploy from 2001:db8::7 port 50312 ssh2: ED25519 SHA256:Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg',
      login('success', { user: 'deploy', src_ip: '2001:db8::7', src_port: 50312, 'ssh.method': 'publickey', 'ssh.key_type': 'ED25519', 'ssh.key_fingerprint': 'SHA256:Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg' }),
    ],
    [
      'user name with a space',
      'Invalid user admin test from 203.0.113.77 port 40110',
      login('failure', { user: 'admin test', src_ip: '203.0.113.77', src_port: 40110, 'event.reason': 'invalid-user' }),
    ],
    [
      'host name instead of an address (UseDNS yes)',
      'Failed password for carol from scanner.example.net port 61000 ssh2',
      login('failure', { user: 'carol', src_port: 61000, 'source.domain': 'scanner.example.net', 'ssh.method': 'password' }),
    ],
    ['empty invalid user', 'Invalid user  from 203.0.113.9 port 5000', login('failure', { src_ip: '203.0.113.9', src_port: 5000, 'event.reason': 'invalid-user' })],
    // the table
    ['failed password', 'Failed password for root from 203.0.113.50 port 40022 ssh2', login('failure', { user: 'root', src_ip: '203.0.113.50', src_port: 40022, 'ssh.method': 'password' })],
    ['accepted password', 'Accepted password for mallory from 198.51.100.4 port 2201 ssh2', login('success', { user: 'mallory', src_ip: '198.51.100.4', src_port: 2201, 'ssh.method': 'password' })],
    [
      'keyboard-interactive/pam',
      'Failed keyboard-interactive/pam for invalid user pi from 203.0.113.12 port 33012 ssh2',
      login('failure', { user: 'pi', src_ip: '203.0.113.12', src_port: 33012, 'ssh.method': 'keyboard-interactive', 'event.reason': 'invalid-user' }),
    ],
    ['none method', 'Failed none for invalid user support from 203.0.113.14 port 6100 ssh2', login('failure', { user: 'support', src_ip: '203.0.113.14', src_port: 6100, 'ssh.method': 'none', 'event.reason': 'invalid-user' })],
    ['hostbased', 'Accepted hostbased for backup from 198.51.100.30 port 4022 ssh2', login('success', { user: 'backup', src_ip: '198.51.100.30', src_port: 4022, 'ssh.method': 'hostbased' })],
    ['gssapi-with-mic', 'Accepted gssapi-with-mic for erin from 198.51.100.31 port 4023 ssh2', login('success', { user: 'erin', src_ip: '198.51.100.31', src_port: 4023, 'ssh.method': 'gssapi-with-mic' })],
    ['postponed publickey', 'Postponed publickey for frank from 198.51.100.32 port 4024 ssh2 [preauth]', login('unknown', { user: 'frank', src_ip: '198.51.100.32', src_port: 4024, 'ssh.method': 'publickey' })],
    ['illegal user (old)', 'Illegal user guest from 203.0.113.60', login('failure', { user: 'guest', src_ip: '203.0.113.60', 'event.reason': 'invalid-user' })],
    ['failed for illegal user (old)', 'Failed password for illegal user guest from 203.0.113.60 port 3101 ssh2', login('failure', { user: 'guest', src_ip: '203.0.113.60', src_port: 3101, 'ssh.method': 'password', 'event.reason': 'invalid-user' })],
    ['input_userauth_request', 'input_userauth_request: invalid user ftpuser [preauth]', login('failure', { user: 'ftpuser', 'event.reason': 'invalid-user' })],
    [
      'maximum authentication attempts',
      'error: maximum authentication attempts exceeded for invalid user ubnt from 203.0.113.61 port 40900 ssh2 [preauth]',
      login('failure', { user: 'ubnt', src_ip: '203.0.113.61', src_port: 40900, 'event.reason': 'max-auth-attempts' }),
    ],
    [
      'disconnecting authenticating user: too many failures',
      'Disconnecting authenticating user root 203.0.113.62 port 41000: Too many authentication failures [preauth]',
      login('failure', { user: 'root', src_ip: '203.0.113.62', src_port: 41000, 'event.reason': 'max-auth-attempts' }),
    ],
    ['disconnecting: too many failures (old)', 'Disconnecting: Too many authentication failures for admin [preauth]', login('failure', { user: 'admin', 'event.reason': 'max-auth-attempts' })],
    [
      'PAM N more authentication failures',
      'PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.63  user=root',
      login('failure', { user: 'root', src_ip: '203.0.113.63', 'event.reason': 'incorrect-password', 'process.tty': 'ssh', 'user.id': '0', 'user.effective.id': '0' }),
    ],
    ['PAM ignoring max retries', 'PAM service(sshd) ignoring max retries; 6 > 3', login('failure', { 'event.reason': 'max-auth-attempts' })],
    ['error: PAM: Authentication failure', 'error: PAM: Authentication failure for illegal user test from 203.0.113.64', login('failure', { user: 'test', src_ip: '203.0.113.64', 'event.reason': 'invalid-user' })],
    ['ROOT LOGIN REFUSED', 'ROOT LOGIN REFUSED FROM 203.0.113.65 port 41200', login('failure', { user: 'root', src_ip: '203.0.113.65', src_port: 41200, 'event.reason': 'root-refused' })],
    [
      'not listed in AllowUsers',
      'User dave from 203.0.113.66 not allowed because not listed in AllowUsers',
      login('failure', { user: 'dave', src_ip: '203.0.113.66', 'event.reason': 'not-allowed', 'ssh.not_allowed': 'not listed in AllowUsers' }),
    ],
    [
      "none of user's groups in AllowGroups",
      "User dave from 203.0.113.66 not allowed because none of user's groups are listed in AllowGroups",
      login('failure', { user: 'dave', src_ip: '203.0.113.66', 'event.reason': 'not-allowed', 'ssh.not_allowed': "none of user's groups are listed in AllowGroups" }),
    ],
    [
      'not allowed: shell',
      'User games not allowed because shell /usr/sbin/nologin is not executable',
      login('failure', { user: 'games', 'event.reason': 'not-allowed', 'ssh.not_allowed': 'shell /usr/sbin/nologin is not executable' }),
    ],
    [
      'no identification string',
      'Did not receive identification string from 203.0.113.67 port 52000',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'failure', 'event.reason': 'no-identification', src_ip: '203.0.113.67', src_port: 52000 },
    ],
    [
      'no identification string (old, no port)',
      'Did not receive identification string from 203.0.113.68',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'failure', 'event.reason': 'no-identification', src_ip: '203.0.113.68' },
    ],
    [
      'connection closed by authenticating user',
      'Connection closed by authenticating user root 203.0.113.69 port 52100 [preauth]',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'unknown', user: 'root', src_ip: '203.0.113.69', src_port: 52100 },
    ],
    [
      'connection closed by invalid user',
      'Connection closed by invalid user git 203.0.113.70 port 52101 [preauth]',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'unknown', user: 'git', src_ip: '203.0.113.70', src_port: 52101 },
    ],
    ['connection closed preauth', 'Connection closed by 203.0.113.71 port 52102 [preauth]', { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'unknown', src_ip: '203.0.113.71', src_port: 52102 }],
    ['connection closed (old, no port)', 'Connection closed by 203.0.113.72 [preauth]', { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'unknown', src_ip: '203.0.113.72' }],
    ['connection reset', 'Connection reset by 203.0.113.73 port 52103', { parser: 'sshd', 'event.action': 'disconnect', 'event.outcome': 'unknown', src_ip: '203.0.113.73', src_port: 52103 }],
    ['disconnected from user (logout)', 'Disconnected from user alice 198.51.100.40 port 50022', { parser: 'sshd', 'event.action': 'logout', 'event.outcome': 'success', user: 'alice', src_ip: '198.51.100.40', src_port: 50022 }],
    [
      'disconnected from invalid user',
      'Disconnected from invalid user admin 203.0.113.74 port 52104 [preauth]',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'failure', user: 'admin', src_ip: '203.0.113.74', src_port: 52104 },
    ],
    [
      'received disconnect',
      'Received disconnect from 203.0.113.75 port 52105:11: Bye Bye [preauth]',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'unknown', src_ip: '203.0.113.75', src_port: 52105, 'ssh.disconnect_reason': 'Bye Bye' },
    ],
    [
      'received disconnect from an IPv6 client',
      'Received disconnect from 2001:db8:0:1::5 port 40123:11: disconnected by user',
      { parser: 'sshd', 'event.action': 'disconnect', 'event.outcome': 'unknown', src_ip: '2001:db8:0:1::5', src_port: 40123, 'ssh.disconnect_reason': 'disconnected by user' },
    ],
    [
      'connection closed by an IPv6 authenticating user',
      'Connection closed by authenticating user root 2001:db8::9 port 40124 [preauth]',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'unknown', user: 'root', src_ip: '2001:db8::9', src_port: 40124 },
    ],
    [
      'received disconnect (old: no port, spaced code)',
      'Received disconnect from 203.0.113.76: 11: disconnected by user',
      { parser: 'sshd', 'event.action': 'disconnect', 'event.outcome': 'unknown', src_ip: '203.0.113.76', 'ssh.disconnect_reason': 'disconnected by user' },
    ],
    [
      'reverse mapping',
      'reverse mapping checking getaddrinfo for host-203-0-113-78.example.net [203.0.113.78] failed - POSSIBLE BREAK-IN ATTEMPT!',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'unknown', 'event.reason': 'reverse-mapping', src_ip: '203.0.113.78', 'source.domain': 'host-203-0-113-78.example.net' },
    ],
    [
      'address maps to',
      'Address 203.0.113.79 maps to mail.example.org, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'unknown', 'event.reason': 'reverse-mapping', src_ip: '203.0.113.79', 'source.domain': 'mail.example.org' },
    ],
    [
      'banner exchange',
      'banner exchange: Connection from 203.0.113.80 port 52106: invalid format',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'failure', 'event.reason': 'bad-banner', src_ip: '203.0.113.80', src_port: 52106, 'ssh.disconnect_reason': 'invalid format' },
    ],
    [
      'kex_exchange_identification',
      'error: kex_exchange_identification: Connection closed by remote host',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'failure', 'event.reason': 'bad-banner', 'ssh.disconnect_reason': 'Connection closed by remote host' },
    ],
    [
      'unable to negotiate',
      'Unable to negotiate with 203.0.113.81 port 52107: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1 [preauth]',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'failure', 'event.reason': 'no-matching-algorithm', src_ip: '203.0.113.81', src_port: 52107, 'ssh.disconnect_reason': 'no matching key exchange method found. Their offer: diffie-hellman-group1-sha1 [preauth]' },
    ],
    [
      'bad protocol version',
      "Bad protocol version identification 'GET / HTTP/1.1' from 203.0.113.82 port 52108",
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'failure', 'event.reason': 'bad-protocol', src_ip: '203.0.113.82', src_port: 52108, 'ssh.client_banner': 'GET / HTTP/1.1' },
    ],
    [
      'timeout before authentication',
      'fatal: Timeout before authentication for 203.0.113.83 port 52109',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'failure', 'event.reason': 'timeout', src_ip: '203.0.113.83', src_port: 52109 },
    ],
    [
      'timeout before authentication (OpenSSH 9.8+)',
      'Timeout before authentication for connection from 203.0.113.84 to 192.0.2.10, pid = 78856',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'failure', 'event.reason': 'timeout', src_ip: '203.0.113.84', dst_ip: '192.0.2.10' },
    ],
    [
      'penalty drop (OpenSSH 9.8+ PerSourcePenalties)',
      'drop connection #0 from [203.0.113.85]:52110 on [192.0.2.10]:22 penalty: failed authentication',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'failure', 'event.reason': 'penalty', src_ip: '203.0.113.85', src_port: 52110, dst_ip: '192.0.2.10', dst_port: 22, 'ssh.disconnect_reason': 'penalty: failed authentication' },
    ],
    [
      'srclimit_penalise',
      'srclimit_penalise: ipv4: new 203.0.113.86/32 deferred penalty of 10 seconds for reason: exceeded LoginGraceTime',
      { parser: 'sshd', 'event.action': 'probe', 'event.outcome': 'failure', 'event.reason': 'penalty', src_ip: '203.0.113.86', 'ssh.disconnect_reason': 'deferred penalty of 10 seconds for reason: exceeded LoginGraceTime' },
    ],
    [
      'connection from … on … (LogLevel VERBOSE)',
      'Connection from 198.51.100.41 port 50100 on 192.0.2.10 port 22 rdomain ""',
      { parser: 'sshd', 'event.action': 'connect', 'event.outcome': 'unknown', src_ip: '198.51.100.41', src_port: 50100, dst_ip: '192.0.2.10', dst_port: 22 },
    ],
    [
      'starting session',
      'Starting session: shell on pts/2 for alice from 198.51.100.42 port 50101 id 0',
      { parser: 'sshd', 'event.action': 'session-open', 'event.outcome': 'success', user: 'alice', src_ip: '198.51.100.42', src_port: 50101, 'process.tty': 'pts/2', kind: undefined },
    ],
    [
      'pam_unix session opened under sshd',
      'pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)',
      { parser: 'pam', 'event.action': 'session-open', 'event.outcome': 'success', user: 'alice', 'user.id': '1000', 'pam.by': '', 'pam.module': 'pam_unix', 'pam.service': 'sshd', 'pam.type': 'session' },
    ],
  ])('%s', (_name, line, expected) => {
    const got = decodeAs('sshd', line);
    const want = Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined));
    expect(got).toEqual(want);
  });

  test.each(['sshd', 'sshd-session', 'sshd-auth', 'SSHD', '/usr/sbin/sshd'])('program name %s reaches the sshd table', (program) => {
    expect(decodeAs(program, 'Failed password for root from 203.0.113.50 port 40022 ssh2')).toMatchObject({ parser: 'sshd', user: 'root', src_ip: '203.0.113.50' });
  });

  test('rsyslog repeat wrapper: the inner line is decoded and the count kept', () => {
    expect(decodeAs('sshd', 'message repeated 4 times: [ Failed password for root from 203.0.113.90 port 43210 ssh2]')).toEqual(
      login('failure', { user: 'root', src_ip: '203.0.113.90', src_port: 43210, 'ssh.method': 'password', 'log.repeated': 4 }),
    );
  });
});
