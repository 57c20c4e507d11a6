/**
 * A deterministic generator of text-heavy log lines as real hosts write them — syslog files
 * (sshd, sudo, pam, useradd, cron, systemd-logind, kernel firewall drops), rsyslog's
 * high-precision file format, nginx and Apache access logs, application lines with leading
 * timestamps (log4j, Python logging, Go, nginx error log), a Filebeat envelope, journald JSON
 * export and Docker json-file lines — with varied hosts, addresses and users. The bench's second
 * mix (`npm run bench -- --mix real`): what recognition costs on lines that need it.
 * Pure: the PRNG is seeded, the clock is passed in.
 */
import { prng } from './message-mix.js';

export const REAL_KINDS = ['syslog-file', 'syslog-rfc3339', 'nginx-access', 'apache-vhost', 'app-log4j', 'app-python', 'app-go', 'nginx-error', 'filebeat', 'journald', 'docker'] as const;
export type RealKind = (typeof REAL_KINDS)[number];

export interface RealMessage {
  topic: string;
  kind: RealKind;
  value: string;
}

export interface RealMixOptions {
  seed?: number;
  /** Event time of the first line, epoch ms. */
  start: number;
  /** Milliseconds between consecutive lines' timestamps. */
  stepMs?: number;
  /** Host count; hosts are named web-01…, db-01…, bastion-01…. */
  hosts?: number;
}

/** Share of each kind, summing to 1. */
const WEIGHTS: Record<RealKind, number> = {
  'syslog-file': 0.34,
  'syslog-rfc3339': 0.08,
  'nginx-access': 0.14,
  'apache-vhost': 0.05,
  'app-log4j': 0.08,
  'app-python': 0.05,
  'app-go': 0.03,
  'nginx-error': 0.03,
  filebeat: 0.08,
  journald: 0.07,
  docker: 0.05,
};

const TOPIC: Record<RealKind, string> = {
  'syslog-file': 'syslog',
  'syslog-rfc3339': 'syslog',
  'nginx-access': 'web-access',
  'apache-vhost': 'web-access',
  'app-log4j': 'app-logs',
  'app-python': 'app-logs',
  'app-go': 'app-logs',
  'nginx-error': 'app-logs',
  filebeat: 'filebeat',
  journald: 'journald',
  docker: 'containers',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const USERS = ['alice', 'bob', 'carol', 'deploy', 'root', 'svc-backup', 'admin', 'test', 'oracle', 'ubuntu', 'git', 'postgres'];
const FIRST_OCTETS = [23, 45, 62, 81, 91, 103, 104, 118, 141, 159, 176, 185, 193, 195, 212, 218];
const PATHS = ['/', '/index.html', '/api/v1/orders', '/api/v1/items', '/login', '/static/app.js', '/static/app.css', '/favicon.ico', '/wp-login.php', '/.env', '/robots.txt', '/health'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'curl/8.5.0',
  'python-requests/2.31.0',
  'Mozilla/5.0 zgrab/0.x',
];
const CLASSES = ['com.example.orders.OrderService', 'com.example.auth.TokenFilter', 'org.apache.kafka.clients.NetworkClient', 'org.hibernate.SQL'];
const LEVELS4J = ['INFO ', 'INFO ', 'INFO ', 'WARN ', 'ERROR', 'DEBUG'];
const PYLEVELS = ['INFO', 'INFO', 'WARNING', 'ERROR', 'DEBUG'];

export function* realMix(count: number, opts: RealMixOptions): Generator<RealMessage> {
  const rnd = prng(opts.seed ?? 42);
  const step = opts.stepMs ?? 1;
  const hostCount = opts.hosts ?? 24;
  const kinds = Object.keys(WEIGHTS) as RealKind[];
  const cumulative: number[] = [];
  let acc = 0;
  for (const k of kinds) cumulative.push((acc += WEIGHTS[k]));

  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(arr: readonly T[]): T => arr[Math.floor(rnd() * arr.length)] as T;
  const host = (): string => {
    const n = Math.floor(rnd() * hostCount);
    const kind = ['web', 'db', 'bastion'][n % 3] as string;
    return `${kind}-${String(Math.floor(n / 3) + 1).padStart(2, '0')}`;
  };
  const ip = (): string => `${pick(FIRST_OCTETS)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
  const port = (): number => int(1024, 65535);
  const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');

  /** `Nov 20 10:16:03` (day padded with a space, as syslog writes it). */
  const syslogStamp = (d: Date): string => `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
  /** `20/Nov/2026:10:16:03 +0000`. */
  const clfStamp = (d: Date): string => `${String(d.getUTCDate()).padStart(2, '0')}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`;

  /** A program and its message, as the program logs it through syslog. */
  const program = (): { prog: string; pid: number | null; msg: string } => {
    const r = rnd();
    const user = pick(USERS);
    const home = user === 'root' ? '/root' : `/home/${user}`;
    const addr = ip();
    if (r < 0.45) {
      const pid = int(1000, 60000);
      const s = rnd();
      const msg =
        s < 0.3 ? `Failed password for ${user} from ${addr} port ${port()} ssh2`
        : s < 0.42 ? `Failed password for invalid user ${user} from ${addr} port ${port()} ssh2`
        : s < 0.52 ? `Invalid user ${user} from ${addr} port ${port()}`
        : s < 0.64 ? `Accepted publickey for ${user} from ${addr} port ${port()} ssh2: ED25519 SHA256:${hex(43)}`
        : s < 0.7 ? `Accepted password for ${user} from ${addr} port ${port()} ssh2`
        : s < 0.78 ? `Connection closed by authenticating user ${user} ${addr} port ${port()} [preauth]`
        : s < 0.84 ? `Received disconnect from ${addr} port ${port()}:11: Bye Bye [preauth]`
        : s < 0.9 ? `pam_unix(sshd:session): session opened for user ${user}(uid=${int(1000, 1100)}) by (uid=0)`
        : s < 0.95 ? `error: maximum authentication attempts exceeded for ${user} from ${addr} port ${port()} ssh2 [preauth]`
        : `Did not receive identification string from ${addr} port ${port()}`;
      return { prog: 'sshd', pid, msg };
    }
    if (r < 0.6) {
      const s = rnd();
      const msg =
        s < 0.6 ? `   ${user} : TTY=pts/${int(0, 5)} ; PWD=${home} ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`
        : s < 0.8 ? `pam_unix(sudo:auth): authentication failure; logname=${user} uid=${int(1000, 1100)} euid=0 tty=/dev/pts/${int(0, 5)} ruser=${user} rhost=  user=${user}`
        : s < 0.9 ? `   ${user} : 3 incorrect password attempts ; TTY=pts/${int(0, 5)} ; PWD=${home} ; USER=root ; COMMAND=/bin/bash`
        : `   ${user} : user NOT in sudoers ; TTY=pts/${int(0, 5)} ; PWD=${home} ; USER=root ; COMMAND=/bin/bash`;
      return { prog: 'sudo', pid: null, msg };
    }
    if (r < 0.8) {
      const prefix = pick(['[UFW BLOCK] ', 'IPTABLES-DROP: ', '[UFW BLOCK] ']);
      const msg = `[${int(1000, 999999)}.${String(int(0, 999999)).padStart(6, '0')}] ${prefix}IN=eth0 OUT= MAC=52:54:00:${hex(2)}:${hex(2)}:${hex(2)}:52:54:00:12:35:02:08:00 SRC=${addr} DST=10.0.${int(0, 3)}.${int(1, 254)} LEN=44 TOS=0x00 PREC=0x00 TTL=${int(30, 250)} ID=${int(0, 65535)} PROTO=TCP SPT=${port()} DPT=${pick([22, 23, 80, 443, 445, 3389, 5900, 8080, int(1, 65535)])} WINDOW=1024 RES=0x00 SYN URGP=0`;
      return { prog: 'kernel', pid: null, msg };
    }
    if (r < 0.88) return { prog: 'CRON', pid: int(1000, 60000), msg: `(root) CMD (   cd / && run-parts --report /etc/cron.hourly)` };
    if (r < 0.96) return { prog: 'systemd-logind', pid: int(500, 900), msg: rnd() < 0.5 ? `New session ${int(1, 9999)} of user ${user}.` : `Removed session ${int(1, 9999)}.` };
    if (r < 0.98) {
      const name = `${user}${int(2, 9)}`;
      const id = int(1001, 1100);
      return { prog: 'useradd', pid: int(1000, 60000), msg: `new user: name=${name}, UID=${id}, GID=${id}, home=/home/${name}, shell=/bin/bash, from=/dev/pts/${int(0, 3)}` };
    }
    return { prog: 'systemd', pid: 1, msg: `Started Session ${int(1, 9999)} of User ${user}.` };
  };

  for (let i = 0; i < count; i++) {
    const ts = opts.start + i * step;
    const d = new Date(ts);
    const iso = d.toISOString();
    const r = rnd() * acc;
    let kind: RealKind = 'syslog-file';
    for (let j = 0; j < kinds.length; j++) {
      if (r < (cumulative[j] as number)) {
        kind = kinds[j] as RealKind;
        break;
      }
    }
    const h = host();
    let value: string;
    switch (kind) {
      case 'syslog-file':
      case 'syslog-rfc3339': {
        const p = program();
        const tag = p.pid === null ? `${p.prog}:` : `${p.prog}[${p.pid}]:`;
        const stamp = kind === 'syslog-file' ? syslogStamp(d) : `${iso.slice(0, 19)}.${String(d.getUTCMilliseconds()).padStart(3, '0')}${String(int(0, 999)).padStart(3, '0')}+00:00`;
        value = `${stamp} ${h} ${tag} ${p.msg}`;
        break;
      }
      case 'nginx-access': {
        const status = pick([200, 200, 200, 200, 304, 301, 404, 404, 403, 500, 502]);
        value = `${ip()} - ${rnd() < 0.1 ? pick(USERS) : '-'} [${clfStamp(d)}] "${pick(['GET', 'GET', 'GET', 'POST', 'HEAD'])} ${pick(PATHS)}${rnd() < 0.3 ? `?page=${int(1, 50)}&sort=asc` : ''} HTTP/1.1" ${status} ${status === 304 ? 0 : int(0, 90000)} "${rnd() < 0.5 ? '-' : `https://${h}.example.com/`}" "${pick(AGENTS)}"`;
        break;
      }
      case 'apache-vhost': {
        value = `www.example.com:443 ${ip()} - ${rnd() < 0.2 ? pick(USERS) : '-'} [${clfStamp(d)}] "${pick(['GET', 'POST'])} ${pick(PATHS)} HTTP/1.1" ${pick([200, 200, 302, 404, 500])} ${rnd() < 0.1 ? '-' : int(100, 60000)} "-" "${pick(AGENTS)}"`;
        break;
      }
      case 'app-log4j': {
        value = `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)} ${pick(LEVELS4J)} [${pick(['main', 'http-nio-8080-exec-3', 'kafka-producer-network-thread'])}] ${pick(CLASSES)} - Order ${int(10000, 99999)} processed for customer ${int(100, 9999)} in ${int(1, 900)} ms`;
        break;
      }
      case 'app-python': {
        value = `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)} - ${pick(['app.worker', 'app.api', 'urllib3.connectionpool'])} - ${pick(PYLEVELS)} - Retrying job ${int(1, 5000)} (attempt ${int(1, 5)}) after ${pick(['timeout', 'connection reset', 'HTTP 503'])}`;
        break;
      }
      case 'app-go': {
        value = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)} ${iso.slice(11, 19)} http: TLS handshake error from ${ip()}:${port()}: EOF`;
        break;
      }
      case 'nginx-error': {
        value = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)} ${iso.slice(11, 19)} [${pick(['error', 'error', 'warn', 'crit'])}] ${int(100, 9999)}#${int(100, 9999)}: *${int(1, 999999)} open() "/usr/share/nginx/html${pick(PATHS)}" failed (2: No such file or directory), client: ${ip()}, server: ${h}.example.com, request: "GET ${pick(PATHS)} HTTP/1.1", host: "${h}.example.com"`;
        break;
      }
      case 'filebeat': {
        const p = program();
        const tag = p.pid === null ? `${p.prog}:` : `${p.prog}[${p.pid}]:`;
        value = JSON.stringify({
          '@timestamp': iso,
          message: `${syslogStamp(d)} ${h} ${tag} ${p.msg}`,
          host: { name: h },
          log: { file: { path: '/var/log/auth.log' }, offset: int(0, 10_000_000) },
          input: { type: 'log' },
          agent: { type: 'filebeat', version: '8.11.0', hostname: h },
          ecs: { version: '8.0.0' },
        });
        break;
      }
      case 'journald': {
        const p = program();
        value = JSON.stringify({
          __CURSOR: `s=${hex(32)};i=${int(1, 999999).toString(16)};b=${hex(32)};m=${hex(8)};t=${hex(13)};x=${hex(16)}`,
          __REALTIME_TIMESTAMP: `${ts}${String(int(0, 999)).padStart(3, '0')}`,
          __MONOTONIC_TIMESTAMP: String(int(1e9, 9e12)),
          _BOOT_ID: hex(32),
          PRIORITY: String(p.prog === 'kernel' ? 4 : pick([4, 5, 6, 6])),
          SYSLOG_FACILITY: String(p.prog === 'kernel' ? 0 : 10),
          SYSLOG_IDENTIFIER: p.prog,
          ...(p.pid === null ? {} : { _PID: String(p.pid) }),
          _UID: '0',
          _COMM: p.prog.toLowerCase(),
          _HOSTNAME: h,
          _TRANSPORT: p.prog === 'kernel' ? 'kernel' : 'syslog',
          MESSAGE: p.msg.trimStart(),
        });
        break;
      }
      case 'docker': {
        value = JSON.stringify({
          log: `${iso} ${pick(['INFO', 'INFO', 'WARN', 'ERROR'])} [${pick(['main', 'worker-1'])}] ${pick(CLASSES)} - request ${hex(8)} done in ${int(1, 900)}ms\n`,
          stream: rnd() < 0.85 ? 'stdout' : 'stderr',
          time: `${iso.slice(0, 19)}.${String(d.getUTCMilliseconds()).padStart(3, '0')}${String(int(0, 999999)).padStart(6, '0')}Z`,
        });
        break;
      }
    }
    yield { topic: TOPIC[kind], kind, value };
  }
}
