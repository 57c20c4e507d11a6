import { expect, test } from 'vitest';
import { decodeByFormat } from '../../../src/core/decode/dispatch.js';

const receivedAt = Date.UTC(2026, 10, 20, 12);
const decode = (line: string) => decodeByFormat(line, 'auto', { receivedAt });
const REALTIME = '1795169763123456'; // 2026-11-20T10:16:03.123456Z in µs, as journalctl writes it

// journalctl -o json: every value a string, binary values as byte arrays (systemd's
// JOURNAL_EXPORT_FORMATS "Journal JSON Format").
const entry = (fields: Record<string, unknown>): string =>
  JSON.stringify({
    __CURSOR: 's=6d1f0c;i=1a2b;b=9e3;m=5123456789;t=62a1;x=77',
    __REALTIME_TIMESTAMP: REALTIME,
    __MONOTONIC_TIMESTAMP: '5123456789',
    _BOOT_ID: '9e3b0c4f4d7a4f6c8f2b1d0e5a6c7b8d',
    _TRANSPORT: 'syslog',
    ...fields,
  });

// Edges first: MESSAGE missing, as bytes, as something else; identifiers missing.
test.each([
  ['MESSAGE missing: fields still mapped, no message', entry({ _HOSTNAME: 'web-1', _PID: '1' }), { host: 'web-1', pid: 1, message: null }],
  ['MESSAGE as bytes (not valid UTF-8) → decoded, invalid byte replaced', entry({ MESSAGE: [72, 105, 32, 255, 33] }), { message: 'Hi \uFFFD!' }],
  ['MESSAGE as bytes of valid UTF-8 with a control char', entry({ MESSAGE: [0xc3, 0xa9, 0x1b, 0x5b, 0x30, 0x6d] }), { message: 'é\u001b[0m' }],
  ['MESSAGE as an array that is not bytes → stays in attributes', entry({ MESSAGE: [300, 1] }), { message: null }],
  ['no SYSLOG_IDENTIFIER → _COMM', entry({ _COMM: 'systemd-logind', MESSAGE: 'New session 3 of user alice.' }), { process: 'systemd-logind', message: 'New session 3 of user alice.' }],
  ['_PID not numeric → SYSLOG_PID', entry({ _PID: 'x', SYSLOG_PID: '12', MESSAGE: 'm' }), { pid: 12 }],
  ['PRIORITY out of range → no level', entry({ PRIORITY: '9', MESSAGE: 'm' }), { level: null }],
])('%s', (_name, line, fields) => {
  const d = decode(line);
  expect(d.error).toBeNull();
  expect(d).toMatchObject({ format: 'json', ts: Date.UTC(2026, 10, 20, 10, 16, 3, 123), ...fields });
});

test('journalctl -o json sudo entry: time, host, program, pid, level, facility; other fields kept', () => {
  const d = decode(
    entry({
      PRIORITY: '5',
      SYSLOG_FACILITY: '10',
      SYSLOG_IDENTIFIER: 'sudo',
      SYSLOG_TIMESTAMP: 'Nov 20 10:16:03 ',
      _PID: '4242',
      _UID: '1000',
      _GID: '1000',
      _COMM: 'sudo',
      _EXE: '/usr/bin/sudo',
      _CMDLINE: 'sudo id',
      _SYSTEMD_UNIT: 'session-3.scope',
      _HOSTNAME: 'Bastion',
      MESSAGE: '   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id',
    }),
  );
  expect(d).toMatchObject({
    format: 'json',
    ts: Date.UTC(2026, 10, 20, 10, 16, 3, 123),
    host: 'bastion',
    process: 'sudo',
    pid: 4242,
    level: 5,
    user: 'alice',
    message: '   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id',
    parser: 'json>journald>sudo',
  });
  expect(d.attributes).toEqual({
    __CURSOR: 's=6d1f0c;i=1a2b;b=9e3;m=5123456789;t=62a1;x=77',
    __MONOTONIC_TIMESTAMP: '5123456789',
    _BOOT_ID: '9e3b0c4f4d7a4f6c8f2b1d0e5a6c7b8d',
    _TRANSPORT: 'syslog',
    facility: 'authpriv',
    SYSLOG_TIMESTAMP: 'Nov 20 10:16:03 ',
    _UID: '1000',
    _GID: '1000',
    _COMM: 'sudo',
    _EXE: '/usr/bin/sudo',
    _CMDLINE: 'sudo id',
    _SYSTEMD_UNIT: 'session-3.scope',
    // sudo's own fields, decoded from MESSAGE
    event: { action: 'sudo', outcome: 'success' },
    user: { target: { name: 'root' } },
    process: { command_line: '/usr/bin/id', tty: 'pts/0', working_directory: '/home/alice' },
  });
});

test('a stdout-transport entry whose text has its own level: the line level wins, PRIORITY kept', () => {
  const d = decode(entry({ _TRANSPORT: 'stdout', PRIORITY: '6', SYSLOG_IDENTIFIER: 'api', _PID: '90', MESSAGE: '2026-11-20T10:16:03Z ERROR db down' }));
  expect(d).toMatchObject({ level: 3, process: 'api', ts: Date.UTC(2026, 10, 20, 10, 16, 3, 123) });
  expect(d.attributes._envelope).toEqual({ level: 6 });
});

test('a Java service logging to the journal: the identifier stays the program, the logger stays in attributes', () => {
  const d = decode(entry({ _TRANSPORT: 'stdout', PRIORITY: '6', SYSLOG_IDENTIFIER: 'kafka', _PID: '90', MESSAGE: '2026-11-20 10:16:03,123 INFO [main] kafka.server.KafkaServer: started (kafka.server.KafkaServer)' }));
  expect(d).toMatchObject({ process: 'kafka', pid: 90, level: 6, message: 'started (kafka.server.KafkaServer)', parser: 'json>journald>app-line' });
  expect(d.attributes).toMatchObject({ thread: 'main', logger: 'kafka.server.KafkaServer' });
  expect(d.attributes._envelope).toBeUndefined();
});

test('Fluent Bit systemd input (date added, no __ fields): journald fields mapped, date as ts', () => {
  const d = decode(
    JSON.stringify({
      date: 1795169763.5,
      PRIORITY: '6',
      SYSLOG_FACILITY: '4',
      SYSLOG_IDENTIFIER: 'sshd',
      _PID: '811',
      _HOSTNAME: 'web-1',
      _SYSTEMD_UNIT: 'ssh.service',
      MESSAGE: 'Accepted publickey for deploy from 198.51.100.7 port 50522 ssh2: ED25519 SHA256:abc',
    }),
  );
  expect(d).toMatchObject({
    ts: Date.UTC(2026, 10, 20, 10, 16, 3, 500),
    host: 'web-1',
    process: 'sshd',
    pid: 811,
    level: 6,
    message: 'Accepted publickey for deploy from 198.51.100.7 port 50522 ssh2: ED25519 SHA256:abc',
    parser: 'json>fluent-bit>journald>sshd',
    user: 'deploy',
    src_ip: '198.51.100.7',
    src_port: 50522,
  });
  expect(d.attributes).toEqual({
    facility: 'auth',
    _SYSTEMD_UNIT: 'ssh.service',
    ssh: { method: 'publickey', key_type: 'ED25519', key_fingerprint: 'SHA256:abc' },
    event: { action: 'login', outcome: 'success' },
  });
});

test('Vector journald source (message and host already moved, journald fields beside)', () => {
  const d = decode(
    JSON.stringify({ host: 'collector', message: 'Started Daily apt upgrade.', source_type: 'journald', timestamp: '2026-11-20T10:16:03.123456Z', _HOSTNAME: 'node-7', SYSLOG_IDENTIFIER: 'systemd', _PID: '1', PRIORITY: '6' }),
  );
  expect(d).toMatchObject({ host: 'collector', process: 'systemd', pid: 1, level: 6, message: 'Started Daily apt upgrade.', parser: 'json>vector>journald' });
  // the journal's own host name is kept where the shipper's took the field
  expect(d.attributes).toEqual({ source_type: 'journald', _HOSTNAME: 'node-7' });
});
