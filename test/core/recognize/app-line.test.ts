import { describe, expect, test } from 'vitest';
import { decodeByFormat } from '../../../src/core/decode/dispatch.js';
import { newDraft, type Draft } from '../../../src/core/decode/draft.js';
import { appLine } from '../../../src/core/recognize/app-line.js';

const R = Date.parse('2026-11-20T12:00:00Z');
const ctx = { receivedAt: R };
const T = Date.UTC(2026, 10, 20, 10, 16, 3);

function recognize(text: string): Draft | null {
  const d = newDraft('text');
  return appLine.recognize(text, d, ctx) ? d : null;
}

describe('not an application line (the draft stays untouched)', () => {
  test.each([
    ['empty', ''],
    ['prose', 'hello world'],
    ['a lone number', '42'],
    ['ISO date without a time', '2026-11-20 release notes'],
    ['impossible date', '2026-13-40 10:16:03 INFO x'],
    ['bracket without a stamp', '[main] started'],
    ['lower-case level word first', 'info: starting'],
    ['level word inside prose', 'Some ERROR happened'],
    ['bad glog month', 'I1320 10:16:03.1 1 a.go:1] x'],
    ['epoch label not a label', 'hello 1763633763 2026.11.20 node msg'],
    ['too short epoch', '17636 job'],
    ['huge line', 'x'.repeat(65536)],
  ])('%s', (_name, text) => {
    const d = newDraft('text');
    expect(appLine.recognize(text, d, ctx)).toBe(false);
    expect(d).toEqual(newDraft('text'));
  });
});

describe('level is read from the header columns only', () => {
  test.each<[string, string, number | null, string]>([
    ['capitalized word with one space is message text', '2026/11/20 10:16:03 Error connecting to db', null, 'Error connecting to db'],
    ['upper case word is a level', '2026/11/20 10:16:03 ERROR connecting to db', 3, 'connecting to db'],
    ['any case before a colon', '2026/11/20 10:16:03 error: connecting to db', 3, 'connecting to db'],
    ['a level word later in the message is ignored', '2026/11/20 10:16:03 job finished with ERROR 5', null, 'job finished with ERROR 5'],
    ['bracketed any case', '2026/11/20 10:16:03 [Warn] low disk', 4, 'low disk'],
    ['SEVERE (java.util.logging)', '2026-11-20 10:16:03 SEVERE cannot bind', 3, 'cannot bind'],
    ['CRIT', '2026-11-20 10:16:03 CRIT raid degraded', 2, 'raid degraded'],
    ['TRACE', '2026-11-20 10:16:03 TRACE enter', 7, 'enter'],
    ['NOTICE', '2026-11-20 10:16:03 NOTICE reload', 5, 'reload'],
  ])('%s', (_name, text, level, message) => {
    const d = recognize(text)!;
    expect(d).toMatchObject({ ts: T, level, message });
  });
});

test.each<[string, string, Partial<Draft>, Record<string, unknown>]>([
  ['zap console', '2026-11-20T10:16:03.123Z\tINFO\tapi/server.go:88\tlistening on :8080', { ts: T + 123, level: 6, message: 'listening on :8080' }, { log: { origin: { file: { name: 'api/server.go', line: 88 } } } }],
  ['log4j / Hadoop', '2026-11-20 10:16:03,978 INFO [main] org.example.billing.Invoicer: run 42 finished', { ts: T + 978, level: 6, process: 'org.example.billing.Invoicer', message: 'run 42 finished' }, { thread: 'main', logger: 'org.example.billing.Invoicer' }],
  ['logback default', '2026-11-20 10:16:03.123 [http-nio-8080-exec-1] WARN  com.example.App - slow query', { level: 4, process: 'com.example.App', message: 'slow query' }, { thread: 'http-nio-8080-exec-1', logger: 'com.example.App' }],
  ['Python default format', '2026-11-20 10:16:03,123 - billing.db - WARNING - retrying', { ts: T + 123, level: 4, process: 'billing.db', message: 'retrying' }, { logger: 'billing.db' }],
  ['Python basicConfig', 'WARNING:root:disk almost full', { ts: null, level: 4, process: null, message: 'disk almost full' }, { logger: 'root' }],
  ['Zookeeper', '2026-11-20 10:16:03,747 - INFO  [QuorumPeer[myid=2]/0.0.0.0:2181:Leader@412] - LEADING', { level: 6, process: 'Leader', message: 'LEADING' }, { thread: 'QuorumPeer[myid=2]/0.0.0.0:2181', logger: 'Leader', log: { origin: { file: { line: 412 } } } }],
  ['log4j thread, no class@line', '2026-11-20 10:16:03,747 - WARN  [SyncThread:0] - Too busy to snap, skipping', { level: 4, process: null, message: 'Too busy to snap, skipping' }, { thread: 'SyncThread:0' }],
  ['MongoDB before 4.4', '2026-11-20T10:16:03.919+0000 I NETWORK  [conn1041] end connection 192.0.2.90:51422 (12 connections now open)', { ts: T + 919, level: 6, process: null, message: 'end connection 192.0.2.90:51422 (12 connections now open)' }, { thread: 'conn1041', mongodb: { component: 'NETWORK' } }],
  ['MongoDB debug level, no component', '2026-11-20T10:16:03.919+0000 D2 -        [initandlisten] shutdown: going to close sockets', { level: 7, message: 'shutdown: going to close sockets' }, { thread: 'initandlisten' }],
  ['MongoDB-like letter without the context bracket is message text', '2026-11-20T10:16:03.919+0000 I SAW  it', { level: null, message: 'I SAW  it' }, {}],
  ['Go log', '2026/11/20 10:16:03 listening on :8080', { ts: T, level: null, process: null, message: 'listening on :8080' }, {}],
  ['a key=value pair names the program before the logger does', '2026-11-20 10:16:03,978 INFO [main] org.example.Job: program=billing step=3 done=true', { level: 6, process: 'billing' }, { logger: 'org.example.Job', step: '3' }],
  ['logrus TTY', 'INFO[0003] connected to db', { level: 6, message: 'connected to db' }, {}],
  ['ts LEVEL key=value pairs are mapped', '2026-11-20T10:16:03Z INFO user=ana action=login src_ip=192.0.2.8', { ts: T, level: 6, user: 'ana', src_ip: '192.0.2.8' }, { action: 'login' }],
  ['Ruby Logger', 'I, [2026-11-20T10:16:03.123456 #4711]  INFO -- web: Completed 200 OK', { ts: T + 123, level: 6, pid: 4711, process: 'web', message: 'Completed 200 OK' }, {}],
  ['glog / klog', 'E1120 10:16:03.123456    4711 reconcile.go:93] sync failed', { ts: T + 123, level: 3, pid: 4711, message: 'sync failed' }, { log: { origin: { file: { name: 'reconcile.go', line: 93 } } } }],
  ['Spark yy/MM/dd', '26/11/20 10:16:03 INFO storage.BlockManager: Found block rdd_2_0 locally', { ts: T, level: 6, process: 'storage.BlockManager', message: 'Found block rdd_2_0 locally' }, { logger: 'storage.BlockManager' }],
  ['HDFS yyMMdd HHmmss', '261120 101603 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating', { ts: T, pid: 148, level: 6, process: 'dfs.DataNode$PacketResponder', message: 'PacketResponder 1 terminating' }, { logger: 'dfs.DataNode$PacketResponder' }],
  ['Android logcat', '11-20 10:16:03.811  1702  2395 D WindowManager: startAnimation begin', { ts: T + 811, pid: 1702, level: 7, process: 'WindowManager', message: 'startAnimation begin' }, { thread: '2395' }],
  ['HealthApp', '20261120-10:16:03:606|Step_LSC|30002312|onStandStepChanged 3579', { ts: T + 606, process: 'Step_LSC', pid: 30002312, message: 'onStandStepChanged 3579' }, {}],
  ['HealthApp, unpadded seconds', '20261120-10:16:3:42|Step_SPUtils|30002312| setTodayTotalDetailSteps=1763633763000##7054', { ts: T + 42, process: 'Step_SPUtils', pid: 30002312, message: ' setTodayTotalDetailSteps=1763633763000##7054' }, {}],
  ['Windows CBS', '2026-11-20 10:16:03, Info                  CBS    Loaded Servicing Stack', { ts: T, level: 6, process: 'CBS', message: 'Loaded Servicing Stack' }, {}],
  ['Apache 2.2 error log', '[Fri Nov 20 10:16:03 2026] [error] [client 198.51.100.4] Directory index forbidden by rule: /var/www/', { ts: T, level: 3, src_ip: '198.51.100.4', message: 'Directory index forbidden by rule: /var/www/' }, {}],
  ['Apache 2.4 error log', '[Fri Nov 20 10:16:03.123456 2026] [core:error] [pid 1234:tid 5678] [client 198.51.100.4:5151] AH00126: Invalid URI', { ts: T + 123, level: 3, pid: 1234, src_ip: '198.51.100.4', src_port: 5151 }, { thread: '5678' }],
  ['nginx error log', '2026/11/20 10:16:03 [error] 1234#1234: *5 connect() failed (111: Connection refused), client: 198.51.100.4, server: shop', { level: 3, pid: 1234, src_ip: '198.51.100.4', message: 'connect() failed (111: Connection refused), client: 198.51.100.4, server: shop' }, { thread: '1234', connection_id: '5' }],
  ['CLF date first', '20/Nov/2026:10:16:03 +0100 WARN cache miss storm', { ts: T - 3_600_000, level: 4, message: 'cache miss storm' }, {}],
  ['Proxifier, a 64-bit process', '[11.20 10:16:03] svchost.exe *64 - proxy.example:5070 close, 301 bytes sent, 278 bytes received, lifetime <1 sec', { ts: T, process: 'svchost.exe', dst_port: 5070, message: 'proxy.example:5070 close, 301 bytes sent, 278 bytes received, lifetime <1 sec' }, { process: { bits: 64 }, destination: { domain: 'proxy.example' } }],
  ['Proxifier, an address as the target', '[11.20 10:16:03] putty.exe - 198.51.100.108:22 open through proxy socks.example:5070 SOCKS5', { process: 'putty.exe', dst_ip: '198.51.100.108', dst_port: 22, src_ip: null }, {}],
  ['Proxifier, an IPv6 target', '[11.20 10:16:03] curl.exe - [2001:db8::5]:443 open through proxy socks.example:5070 SOCKS5', { process: 'curl.exe', dst_ip: '2001:db8::5', dst_port: 443 }, {}],
  ['Proxifier, no target first', '[11.20 10:16:03] chrome.exe - Could not connect to proxy socks.example:5070', { process: 'chrome.exe', dst_ip: null, dst_port: null }, {}],
  ['Proxifier, a name ending in *64 is not the marker', '[11.20 10:16:03] app*64 - proxy.example:5070 open through proxy proxy.example:5070 HTTPS', { ts: T, process: 'app*64' }, {}],
  ['Proxifier', '[11.20 10:16:03] chrome.exe - proxy.example:5070 open through proxy proxy.example:5070 HTTPS', { ts: T, process: 'chrome.exe', dst_port: 5070, message: 'proxy.example:5070 open through proxy proxy.example:5070 HTTPS' }, { destination: { domain: 'proxy.example' } }],
  [
    'OpenStack with the file name in front',
    'nova-api.log.1 2026-11-20 10:16:03.008 25746 INFO nova.osapi_compute.wsgi.server [req-1f2e3d4c-aaaa-bbbb-cccc-0123456789ab - - -] 10.11.10.1 "GET /v2/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2477829',
    { ts: T + 8, pid: 25746, level: 6, process: 'nova.osapi_compute.wsgi.server', src_ip: '10.11.10.1' },
    { logger: 'nova.osapi_compute.wsgi.server', request_id: 'req-1f2e3d4c-aaaa-bbbb-cccc-0123456789ab', log: { file: { path: 'nova-api.log.1' } }, http: { request: { method: 'GET' }, response: { status_code: 200, body: { bytes: 1893 } } }, url: { path: '/v2/servers/detail' }, event: { action: 'http-request', duration: 247_782_900 } },
  ],
  ['epoch seconds', '1763633763 job 7 done', { ts: 1763633763000, message: 'job 7 done' }, {}],
  [
    'Blue Gene/L RAS',
    'KERNDTLB 1763633763 2026.11.20 R02-M1-N0-C:J12-U11 2026-11-20-10.16.03.675872 R02-M1-N0-C:J12-U11 RAS KERNEL FATAL data TLB error interrupt',
    { ts: 1763633763000, host: 'r02-m1-n0-c:j12-u11', process: 'KERNEL', level: 2, message: 'data TLB error interrupt' },
    { label: 'KERNDTLB', event: { type: 'RAS' } },
  ],
  [
    'Thunderbird: epoch columns then a syslog header',
    '- 1763633763 2026.11.20 dn228 Nov 20 10:16:03 dn228/dn228 crond(pam_unix)[2915]: session closed for user root',
    { ts: 1763633763000, host: 'dn228', process: 'crond', pid: 2915, message: 'session closed for user root' },
    {},
  ],
  [
    'HPC (LANL)',
    '134681 node-246 unix.hw state_change.unavailable 1763633763 1 Component State Change: Component alt0 is unavailable',
    { ts: 1763633763000, host: 'node-246', process: 'unix.hw', message: 'Component State Change: Component alt0 is unavailable' },
    { event: { type: 'state_change.unavailable' } },
  ],
  ['month-first without a tag', 'Nov 20 10:16:03 backup finished in 42s', { ts: T, message: 'backup finished in 42s' }, {}],
])('%s', (_name, text, want, attrs) => {
  const d = recognize(text);
  expect(d).not.toBeNull();
  expect(d).toMatchObject({ format: 'text', parser: 'app-line', ...want });
  expect(d!.attributes).toMatchObject(attrs);
});

test('prose with two `=` stays the message, not attributes', () => {
  const d = recognize('2026-11-20 10:16:03 INFO updateClipping isOverlap:false, getTopPadding=333.0, Translation=-24.0')!;
  expect(d.message).toBe('updateClipping isOverlap:false, getTopPadding=333.0, Translation=-24.0');
  expect(d.attributes).toEqual({});
});

test('auto detection: recognized before logfmt, unrecognized lines stay whole text', () => {
  expect(decodeByFormat('2026-11-20 10:16:03,978 ERROR [main] a.B: boom', 'auto', ctx)).toMatchObject({ parser: 'app-line', level: 3, message: 'boom' });
  expect(decodeByFormat('just some words', 'auto', ctx)).toMatchObject({ parser: null, format: 'text', message: 'just some words' });
  expect(decodeByFormat('a=1 b=2', 'auto', ctx)).toMatchObject({ parser: null, format: 'logfmt' });
});

// Breadth: shapes of widely deployed servers (PostgreSQL, MySQL, Redis, Elasticsearch, Monolog,
// fail2ban, glog with the year, logback's time-only default).
test.each<[string, string, Partial<Draft>, Record<string, unknown>]>([
  [
    'PostgreSQL default prefix %m [%p], zone name moves the stamp to UTC',
    '2026-11-20 02:16:03.250 PST [20871] LOG:  checkpoint complete: wrote 12 buffers',
    { ts: T + 250, level: 6, pid: 20871, process: 'postgres', message: 'LOG:  checkpoint complete: wrote 12 buffers' },
    {},
  ],
  [
    'PostgreSQL Debian prefix %m [%p] %q%u@%d',
    '2026-11-20 10:16:03.001 UTC [3302] billing@ledger ERROR:  relation "invoices_old" does not exist at character 15',
    { ts: T + 1, level: 3, pid: 3302, user: 'billing', process: 'postgres' },
    { postgresql: { log: { database: 'ledger' } } },
  ],
  [
    'PostgreSQL %l line number after the pid, continuation level',
    '2026-11-20 10:16:03 CET [3303-2] STATEMENT:  select 1/0',
    { ts: T - 3_600_000, level: null, pid: 3303, process: 'postgres', message: 'STATEMENT:  select 1/0' },
    {},
  ],
  [
    'MySQL 8 [Note] and [System]',
    '2026-11-20T10:16:03.000123Z 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections.',
    { ts: T, level: 6, pid: 0 },
    {},
  ],
  [
    'MySQL 5.6 yyMMdd with a space-padded hour',
    '261120  9:05:41 [Note] InnoDB: Starting shutdown...',
    { ts: Date.UTC(2026, 10, 20, 9, 5, 41), level: 5, message: 'Starting shutdown...' },
    { logger: 'InnoDB' },
  ],
  [
    'Redis pid:role stamp level',
    '4127:S 20 Nov 2026 10:16:03.512 # Connection with master lost.',
    { ts: T + 512, level: 4, pid: 4127, process: 'redis', message: 'Connection with master lost.' },
    { redis: { role: 'replica' } },
  ],
  [
    'Elasticsearch pads the level inside its brackets',
    '[2026-11-20T10:16:03,440][WARN ][o.e.m.j.JvmGcMonitorService] [es-data-3] [gc][1234] overhead, spent [1.2s]',
    { ts: T + 440, level: 4 },
    {},
  ],
  [
    'Monolog channel.LEVEL',
    '[2026-11-20 10:16:03] app.CRITICAL: Uncaught PDOException: could not connect {"exception":"[object]"}',
    { ts: T, level: 2, message: 'Uncaught PDOException: could not connect {"exception":"[object]"}' },
    { logger: 'app' },
  ],
  [
    'fail2ban name[pid]: LEVEL, then the fail2ban decoder',
    '2026-11-20 10:16:03,218 fail2ban.actions        [812]: NOTICE  [nginx-botsearch] Ban 198.51.100.211',
    { ts: T + 218, level: 5, pid: 812, process: 'fail2ban.actions', message: '[nginx-botsearch] Ban 198.51.100.211' },
    { logger: 'fail2ban.actions' },
  ],
  [
    'glog with the year',
    'W20261120 10:16:03.000250  7781 server.cc:410] slow handler: 1200ms',
    { ts: T, level: 4, pid: 7781, message: 'slow handler: 1200ms' },
    { log: { origin: { file: { name: 'server.cc', line: 410 } } } },
  ],
  [
    'logback time of day only: level and logger, no guessed date',
    '10:16:03.120 [worker-2] ERROR org.example.Queue - consumer died',
    { ts: null, level: 3, process: 'org.example.Queue', message: 'consumer died' },
    { thread: 'worker-2', log: { time_of_day: '10:16:03.120' } },
  ],
  [
    'Asterisk: month-first stamp in brackets, LEVEL[thread]',
    '[Nov 20 10:16:03] WARNING[3190][C-0000002b] chan_pjsip.c: Call to endpoint 204 failed',
    { ts: T, level: 4, message: '[C-0000002b] chan_pjsip.c: Call to endpoint 204 failed' },
    { thread: '3190' },
  ],
  [
    'Katello/Foreman: level first inside the brackets',
    '[ERROR 2026-11-20 10:16:03 app]  Failed to fetch repository metadata',
    { ts: T, level: 3, message: 'Failed to fetch repository metadata' },
    { logger: 'app' },
  ],
  [
    'Katello/Foreman: padded level',
    '[ WARN 2026-11-20 10:16:03 main] slow request',
    { ts: T, level: 4, message: 'slow request' },
    {},
  ],
  [
    'Cassandra: level, thread, then the stamp',
    'ERROR [CompactionExecutor:7] 2026-11-20 10:16:03,055 CassandraDaemon.java:244 - Exception in thread',
    { ts: T + 55, level: 3 },
    { thread: 'CompactionExecutor:7' },
  ],
  [
    'Java Service Wrapper: level | jvm n | stamp |',
    'STATUS | wrapper  | 2026/11/20 10:16:03 | --> Wrapper Started as Daemon',
    null as unknown as Partial<Draft>,
    {},
  ],
  [
    'Java Service Wrapper: INFO | jvm 1 | stamp',
    'INFO   | jvm 1    | 2026/11/20 10:16:03 | Starting the broker',
    { ts: T, level: 6 },
    {},
  ],
])('server shape: %s', (_name, text, want, attrs) => {
  if (want === null) {
    expect(recognize(text)).toBeNull();
    return;
  }
  const d = recognize(text);
  expect(d).not.toBeNull();
  expect(d).toMatchObject({ format: 'text', parser: 'app-line', ...want });
  expect(d!.attributes).toMatchObject(attrs);
});

describe('server-shape look-alikes (the draft stays untouched)', () => {
  test.each([
    ['a clock in prose without a level column', '10:16:03 the backup started'],
    ['a clock with an impossible hour', '27:16:03.100 [main] INFO x - y'],
    ['Redis-like with an unknown role', '4127:Q 20 Nov 2026 10:16:03.512 # x'],
    ['Redis-like with an unknown level mark', '4127:M 20 Nov 2026 10:16:03.512 ! x'],
    ['MySQL-like stamp with a bad month', '261320 10:16:03 [Note] x'],
    ['a bracketed level without a stamp', '[ERROR something] went wrong'],
    ['a level then a thread but no stamp', 'ERROR [main] failed to start'],
  ])('%s', (_name, text) => {
    const d = newDraft('text');
    expect(appLine.recognize(text, d, ctx)).toBe(false);
    expect(d).toEqual(newDraft('text'));
  });

  test.each<[string, string, number | null, string]>([
    ['an unknown upper-case word after the stamp is no zone', '2026-11-20 10:16:03 ABCD job ran', null, 'ABCD job ran'],
    ['a zone after a stamp that has an offset is not applied twice', '2026-11-20 10:16:03+00:00 UTC [9] LOG:  x', null, 'UTC [9] LOG:  x'],
    ['a bracketed number then prose is no PostgreSQL line', '2026-11-20 10:16:03 [12] started worker', null, 'started worker'],
    ['a Monolog-like token with an unknown level', '[2026-11-20 10:16:03] app.LOUD: hey', null, 'app.LOUD: hey'],
  ])('%s', (_name, text, level, message) => {
    expect(recognize(text)).toMatchObject({ level, message });
  });
});

test('a PostgreSQL line reaches the postgres decoder: failed password', () => {
  const d = decodeByFormat('2026-11-20 10:16:03.001 UTC [3310] app@appdb FATAL:  password authentication failed for user "app"', 'auto', ctx);
  expect(d).toMatchObject({ level: 2, user: 'app', process: 'postgres', parser: 'app-line>postgres' });
  expect(d.attributes).toMatchObject({ event: { action: 'login', outcome: 'failure' } });
});

test('a fail2ban file line reaches the fail2ban decoder', () => {
  const d = decodeByFormat('2026-11-20 10:16:03,218 fail2ban.actions        [812]: NOTICE  [sshd] Ban 203.0.113.77', 'auto', ctx);
  expect(d).toMatchObject({ src_ip: '203.0.113.77', parser: 'app-line>fail2ban' });
  expect(d.attributes).toMatchObject({ fail2ban: { jail: 'sshd' }, event: { action: 'ip-ban' } });
});
