import type { Draft } from '../../decode/draft.js';
import type { ProgramTable } from './table.js';
import { port, setAddress, setAttr, setVerdict } from './table.js';

/**
 * Programs whose lines carry a client address or an account: console login, fail2ban and
 * sshguard (which name the addresses they ban), HAProxy's HTTP log, MySQL/MariaDB and
 * PostgreSQL authentication, Pure-FTPd.
 */

/** Where util-linux login says FROM: the remote host, or the terminal for a local login. */
const fromHostOrTty = (g: Record<string, string | undefined>, d: Draft): void => {
  const from = g.from;
  if (from === undefined || from.length === 0) return;
  if (/^(?:tty|pts|console|hvc|ttyS|:)/.test(from)) setAttr(d, 'process.tty', from);
  else setAddress(d, 'src', from);
};

/**
 * Console login. util-linux (login-utils/login.c): `FAILED LOGIN 1 FROM 203.0.113.5 FOR root,
 * Authentication failure`, `ROOT LOGIN ON tty2`, `LOGIN ON pts/3 BY alice FROM host`; shadow-utils
 * (src/login.c): `FAILED LOGIN (1) on '/dev/tty1' from 'host' FOR 'root', Authentication failure`,
 * `ROOT LOGIN  on '/dev/tty1'`, `'alice' logged in  on '/dev/tty1'`.
 */
export const LOGIN: ProgramTable = {
  name: 'login',
  patterns: [
    {
      re: /^FAILED LOGIN \d{1,4} FROM (?<from>\S{1,255}) FOR (?<user>.{0,256}?), (?<why>.{0,256})$/,
      action: 'login',
      outcome: 'failure',
      reason: 'incorrect-password',
      fields: { why: 'login.error' },
      then: fromHostOrTty,
    },
    {
      re: /^FAILED LOGIN \(\d{1,4}\) on '(?<tty>[^']{0,100})'(?: from '(?<src_ip>[^']{0,255})')? FOR '(?<user>[^']{0,256})', (?<why>.{0,256})$/,
      action: 'login',
      outcome: 'failure',
      reason: 'incorrect-password',
      fields: { why: 'login.error' },
    },
    { re: /^ROOT LOGIN ON (?<tty>\S{1,64})(?: FROM (?<from>\S{1,255}))?$/, action: 'login', outcome: 'success', then: (g, d) => { d.user = 'root'; fromHostOrTty(g, d); } },
    { re: /^ROOT LOGIN {1,2}on '(?<tty>[^']{0,100})'(?: from '(?<src_ip>[^']{0,255})')?/, action: 'login', outcome: 'success', then: (_g, d) => (d.user = 'root') },
    { re: /^LOGIN ON (?<tty>\S{1,64}) BY (?<user>\S{1,256})(?: FROM (?<from>\S{1,255}))?$/, action: 'login', outcome: 'success', then: fromHostOrTty },
    { re: /^'(?<user>[^']{1,256})' logged in {1,2}on '(?<tty>[^']{0,100})'(?: from '(?<src_ip>[^']{0,255})')?/, action: 'login', outcome: 'success' },
  ],
};

/** fail2ban-server: `NOTICE  [sshd] Ban 203.0.113.5` (level word, jail, verb, address). */
export const FAIL2BAN: ProgramTable = {
  name: 'fail2ban',
  patterns: [
    {
      re: /^(?:\[\d{1,10}\]: )?(?:[A-Z]{2,9} {1,4})?\[(?<jail>[^\]]{1,64})\] (?<verb>Ban|Unban|Restore Ban|Found|Already banned|Ignore) (?<src_ip>[^\s]{1,64})/,
      action: 'ip-ban',
      outcome: 'success',
      fields: { jail: 'fail2ban.jail' },
      then: (g, d) => {
        if (g.verb === 'Unban') setVerdict(d, { action: 'ip-unban' });
        else if (g.verb === 'Found') setVerdict(d, { action: 'ip-match' });
        else if (g.verb === 'Ignore') setVerdict(d, { action: 'ip-match', outcome: 'unknown' });
      },
    },
  ],
};

/** sshguard: `Attack from "203.0.113.5" on service SSH with danger 10.`, `Blocking "203.0.113.5/32" for 120 secs …`. */
export const SSHGUARD: ProgramTable = {
  name: 'sshguard',
  patterns: [
    { re: /^Attack from "(?<src_ip>[^"]{1,64})" on service (?<svc>[\w-]{1,32})/, action: 'probe', outcome: 'failure', fields: { svc: 'service.name' } },
    { re: /^Blocking "(?<src_ip>[^"/]{1,64})(?:\/\d{1,3})?" for (?<secs>\d{1,10}) secs/, action: 'ip-ban', outcome: 'success', fields: { secs: 'sshguard.block_seconds' } },
  ],
};

/**
 * HAProxy's HTTP log: `203.0.113.5:51234 [07/Dec/2026:10:00:00.123] fe be/srv1 0/0/1/2/3 200 512 - - ---- 1/1/0/0/0 0/0 "GET /x?y=1 HTTP/1.1"`.
 */
export const HAPROXY: ProgramTable = {
  name: 'haproxy',
  patterns: [
    {
      re: /^(?<src_ip>[^\s[\]]{1,64}?):(?<src_port>\d{1,5}) \[[^\]]{1,40}\] (?<fe>\S{1,128}) (?<be>[^\s/]{1,128})\/(?<srv>\S{1,128}) [-\d/+]{1,64} (?<status>-?\d{1,3}) \+?(?<bytes>\d{1,15}) [^"]{0,512}"(?<method>[A-Z]{1,16}) (?<url>\S{1,8192}) (?<ver>HTTP\/[\d.]{1,3})"/,
      action: 'http-request',
      outcome: 'unknown',
      fields: { fe: 'haproxy.frontend_name', be: 'haproxy.backend_name', srv: 'haproxy.server_name', method: 'http.request.method', url: 'url.original' },
      then: (g, d) => {
        const status = Number(g.status);
        if (status > 0) {
          setAttr(d, 'http.response.status_code', status);
          setVerdict(d, { outcome: status >= 400 ? 'failure' : 'success' });
          d.level = status >= 500 ? 3 : status >= 400 ? 4 : 6;
        }
        setAttr(d, 'http.response.body.bytes', Number(g.bytes));
        setAttr(d, 'http.version', g.ver!.slice(5));
      },
    },
    {
      // TCP mode (`option tcplog`): `ip:port [date] fe be/srv Tw/Tc/Tt bytes state conns queues`.
      re: /^(?<src_ip>[^\s[\]]{1,64}?):(?<src_port>\d{1,5}) \[[^\]]{1,40}\] (?<fe>\S{1,128}) (?<be>[^\s/]{1,128})\/(?<srv>\S{1,128}) -?\d{1,9}\/-?\d{1,9}\/\+?\d{1,9} \+?(?<bytes>\d{1,15}) (?<term>[-A-Za-z]{2}) \d{1,9}\/\d{1,9}\/\d{1,9}\/\d{1,9}\/\+?\d{1,9} \d{1,9}\/\d{1,9}$/,
      action: 'connect',
      outcome: 'unknown',
      fields: { fe: 'haproxy.frontend_name', be: 'haproxy.backend_name', srv: 'haproxy.server_name', term: 'haproxy.termination_state' },
      then: (g, d) => {
        setAttr(d, 'network.bytes', Number(g.bytes));
        if (g.term === '--') setVerdict(d, { outcome: 'success' });
      },
    },
    {
      // A client that never finished the TLS handshake: `ip:port [date] fe/bind: Connection closed during SSL handshake`.
      re: /^(?<src_ip>[^\s[\]]{1,64}?):(?<src_port>\d{1,5}) \[[^\]]{1,40}\] (?<fe>[^\s/]{1,128})\/[^\s:]{1,128}: (?<why>[^\n]{1,200})$/,
      action: 'tls-handshake',
      outcome: 'failure',
      fields: { fe: 'haproxy.frontend_name', why: 'haproxy.error' },
    },
    {
      re: /^Connect from (?<src_ip>[^\s[\]]{1,64}?):(?<src_port>\d{1,5}) to (?<dst_ip>[^\s[\]]{1,64}?):(?<dst_port>\d{1,5}) \((?<fe>[^/)]{1,128})\/(?<mode>\w{1,8})\)/,
      action: 'connect',
      outcome: 'success',
      fields: { fe: 'haproxy.frontend_name', mode: 'haproxy.mode' },
    },
  ],
};

/** MySQL / MariaDB: `[Warning] Access denied for user 'root'@'203.0.113.5' (using password: YES)`. */
export const MYSQL: ProgramTable = {
  name: 'mysql',
  patterns: [
    {
      re: /^.{0,96}?Access denied for user '(?<user>[^']{0,256})'@'(?<src_ip>[^']{1,255})' \(using password: (?<pw>YES|NO)\)/,
      action: 'login',
      outcome: 'failure',
      reason: 'incorrect-password',
      fields: { pw: 'mysql.using_password' },
    },
  ],
};

/** PostgreSQL: `FATAL:  password authentication failed for user "bob"`, `connection received: host=… port=…`. */
export const POSTGRES: ProgramTable = {
  name: 'postgres',
  patterns: [
    {
      re: /^.{0,256}?FATAL: {1,2}(?:password|Ident|peer|md5|scram-sha-256) authentication failed for user "(?<user>[^"]{0,256})"/,
      action: 'login',
      outcome: 'failure',
      reason: 'incorrect-password',
    },
    {
      re: /^.{0,256}?FATAL: {1,2}role "(?<user>[^"]{0,256})" does not exist/,
      action: 'login',
      outcome: 'failure',
      reason: 'invalid-user',
    },
    {
      re: /^.{0,256}?LOG: {1,2}connection received: host=(?<src_ip>[^\s()]{1,255})(?:\((?<p1>\d{1,5})\))?(?: port=(?<p2>\d{1,5}))?/,
      action: 'connect',
      outcome: 'success',
      then: (g, d) => {
        const p = port(g.p2 ?? g.p1 ?? '');
        if (p !== null) d.src_port = p;
      },
    },
    { re: /^.{0,256}?LOG: {1,2}connection authorized: user=(?<user>\S{1,256})/, action: 'login', outcome: 'success' },
  ],
};

/** Pure-FTPd: `(?@203.0.113.5) [WARNING] Authentication failed for user [admin]`. */
export const PUREFTPD: ProgramTable = {
  name: 'pure-ftpd',
  patterns: [
    { re: /^\((?<who>[^@\s]{0,256})@(?<src_ip>[^)\s]{1,255})\) \[WARNING\] Authentication failed for user \[(?<user>[^\]]{0,256})\]/, action: 'login', outcome: 'failure', reason: 'incorrect-password' },
    { re: /^\((?<user>[^@\s?]{1,256})@(?<src_ip>[^)\s]{1,255})\) \[INFO\] \S{1,256} is now logged in/, action: 'login', outcome: 'success' },
    { re: /^\(\?@(?<src_ip>[^)\s]{1,255})\) \[INFO\] New connection from/, action: 'connect', outcome: 'success' },
  ],
};
