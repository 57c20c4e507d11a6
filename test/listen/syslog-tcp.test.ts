// Syslog over TCP and TLS into a real SQLite file: util-linux `logger` and node sockets as
// senders, octet counting and LF framing, both formats; TLS with a self-signed certificate
// (openssl), mutual TLS; a detection rule firing from syslog lines; backpressure without loss.
import { execFileSync, spawnSync } from 'node:child_process';
import { connect as tcpConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { deferCleanup, tempDir } from '../helpers/temp.js';
import { listenRig, type Rig } from './rig.js';

const hasLogger = spawnSync('logger', ['--version']).status === 0;
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

async function open(port: number): Promise<Socket> {
  const s = tcpConnect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('error', reject));
  deferCleanup(() => s.destroy());
  return s;
}

function write(s: Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => s.write(data, (err) => (err ? reject(err) : resolve())));
}

function close(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    s.once('close', () => resolve());
    s.end();
  });
}

const octet = (m: string) => `${Buffer.byteLength(m)} ${m}`;
const tcpPort = (rig: Rig) => rig.listeners.tcp!.address!.port;

describe('syslog over TCP', () => {
  test.skipIf(!hasLogger)('logger --tcp, LF framing (RFC 5424) and --octet-count (RFC 3164): stored and searchable', async () => {
    const rig = await listenRig({ config: { 'listeners.tcp.enabled': true } });
    const port = String(tcpPort(rig));
    execFileSync('logger', ['--server', '127.0.0.1', '--port', port, '--tcp', '--rfc5424', '--tag', 'tcpapp', 'hello wombattcplf over lf']);
    execFileSync('logger', ['--server', '127.0.0.1', '--port', port, '--tcp', '--octet-count', '--rfc3164', '--tag', 'tcpapp', 'hello wombattcpoc over octets']);
    await rig.until('two events', () => rig.count() === 2);
    const lf = rig.search({ q: 'wombattcplf' });
    expect(lf).toHaveLength(1);
    expect(lf[0]).toMatchObject({ format: 'syslog5424', process: 'tcpapp', message: 'hello wombattcplf over lf', source: { kind: 'syslog-tcp', topic: 'syslog-tcp', partition: -1, offset: null } });
    expect(lf[0]!.source.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    const oc = rig.search({ q: 'wombattcpoc' });
    expect(oc).toHaveLength(1);
    expect(oc[0]).toMatchObject({ format: 'syslog3164', process: 'tcpapp', source: { kind: 'syslog-tcp' } });
    const c = rig.stats.listeners.get('syslog-tcp')!;
    expect(c).toMatchObject({ received: 2, stored: 2, connectionsTotal: 2, framingErrors: 0, truncated: 0 });
    await rig.until('connections closed', () => c.connections === 0);
  });

  test('a node socket: octet-counted frames split anywhere, several in one write, exact peer', async () => {
    const rig = await listenRig({ config: { 'listeners.tcp.enabled': true } });
    const s = await open(tcpPort(rig));
    const m1 = '<165>1 2025-01-15T12:00:00Z host-a app - - - first octet frame\nwith a newline inside';
    const m2 = '<38>Jan 15 12:00:01 host-b sshd[9]: second octet frame';
    const bytes = Buffer.from(octet(m1) + octet(m2) + octet(m2.replace('second', 'third')));
    for (const cut of [3, 7, 50]) await write(s, bytes.subarray(cut === 3 ? 0 : cut === 7 ? 3 : 7, cut));
    await write(s, bytes.subarray(50));
    await rig.until('three events', () => rig.count() === 3);
    const events = rig.search({});
    expect(events.map((e) => [e.format, e.host, e.source.peer])).toEqual([
      ['syslog5424', 'host-a', `127.0.0.1:${s.localPort}`],
      ['syslog3164', 'host-b', `127.0.0.1:${s.localPort}`],
      ['syslog3164', 'host-b', `127.0.0.1:${s.localPort}`],
    ]);
    expect(events[0]!.message).toBe('first octet frame\nwith a newline inside');
    expect(rig.listeners.tcp!.counters.connections).toBe(1);
    await close(s);
    await rig.until('closed', () => rig.listeners.tcp!.counters.connections === 0);
  });

  test('LF framing from a node socket: CRLF, blank lines, an unterminated last line; garbage and oversize are data', async () => {
    const rig = await listenRig({ config: { 'listeners.tcp.enabled': true, 'listeners.tcp.max_message_bytes': 600 } });
    const s = await open(tcpPort(rig));
    await write(s, '<14>Jan 15 12:00:00 h1 app: line one\r\n\n<14>Jan 15 12:00:00 h1 app: line ');
    await write(s, `two\n\u0001\u0002 not syslog at all\n<14>Jan 15 12:00:00 h1 app: ${'x'.repeat(1000)}\n<14>Jan 15 12:00:00 h1 app: last, no LF`);
    await close(s);
    await rig.until('five events', () => rig.count() === 5);
    const messages = rig.search({}).map((e) => e.message);
    expect(messages[0]).toBe('line one');
    expect(messages[1]).toBe('line two');
    expect(messages[2]).toContain('not syslog at all');
    expect(messages[3]!.length).toBeLessThan(600);
    expect(messages[4]).toBe('last, no LF');
    expect(rig.listeners.tcp!.counters).toMatchObject({ received: 5, stored: 5, truncated: 1, framingErrors: 0 });
  });

  test('a malformed octet-counting header is counted and its bytes kept as a message', async () => {
    const rig = await listenRig({ config: { 'listeners.tcp.enabled': true } });
    const s = await open(tcpPort(rig));
    await write(s, `${octet('<14>Jan 15 12:00:00 h app: good one')}12x <14>Jan 15 12:00:00 h app: garbled\n${octet('<14>Jan 15 12:00:00 h app: good two')}`);
    await rig.until('three events', () => rig.count() === 3);
    expect(rig.search({}).map((e) => e.message)).toEqual(['good one', expect.stringContaining('garbled'), 'good two']);
    expect(rig.listeners.tcp!.counters.framingErrors).toBe(1);
  });

  test('framing pinned to lf: a line starting with digits is not a length', async () => {
    const rig = await listenRig({ config: { 'listeners.tcp.enabled': true, 'listeners.tcp.framing': 'lf' } });
    const s = await open(tcpPort(rig));
    await write(s, '5 apples were counted\n');
    await rig.until('one event', () => rig.count() === 1);
    expect(rig.search({})[0]!.message).toBe('5 apples were counted');
  });

  test('a detection rule fires from syslog lines like it does from Kafka messages', async () => {
    const rig = await listenRig({ config: { 'listeners.tcp.enabled': true } });
    const s = await open(tcpPort(rig));
    const now = new Date();
    const stamp = now.toUTCString().slice(8, 11) + ' ' + String(now.getUTCDate()).padStart(2, ' ') + ' ' + now.toISOString().slice(11, 19);
    let lines = '';
    for (let i = 0; i < 12; i++) lines += `<38>${stamp} bastion-7 sshd[${100 + i}]: Failed password for invalid user admin from 203.0.113.${i} port 22 ssh2\n`;
    await write(s, lines);
    await rig.until('an alert', () => rig.alerts().some((a) => a.rule_id === 'failed-logins-host'));
    expect(rig.alerts().find((a) => a.rule_id === 'failed-logins-host')).toMatchObject({ host: 'bastion-7', severity: 'MEDIUM' });
    expect(rig.count({ hosts: ['bastion-7'] })).toBe(12);
  });

  test('backpressure: a locked store pauses the senders; nothing is dropped and everything is stored after', async () => {
    const rig = await listenRig({ config: { 'listeners.tcp.enabled': true, 'listeners.queue_max': 50, 'listeners.batch.max_messages': 10 }, busyTimeoutMs: 0, detection: false });
    const locker = new Database(rig.dbFile);
    locker.exec('BEGIN IMMEDIATE');
    deferCleanup(() => locker.close());
    const s = await open(tcpPort(rig));
    const total = 10_000;
    let text = '';
    for (let i = 0; i < total; i++) text += `<14>Jan 15 12:00:00 h app: pressure ${i}\n`;
    s.write(text);
    const c = rig.listeners.tcp!.counters;
    await rig.until('the sender is paused', () => c.received > 0 && rig.stats.storeFailures > 2);
    await new Promise((r) => setTimeout(r, 200));
    // Read at most one TCP read past the bound, then paused.
    expect(c.received).toBeLessThan(total);
    expect(rig.count()).toBe(0);
    locker.exec('ROLLBACK');
    await rig.until('all stored', () => rig.count() === total, 20_000);
    expect(c).toMatchObject({ received: total, stored: total, dropped: 0, failed: 0 });
    expect(rig.search({ q: 'pressure' }).length).toBe(1000);
  });

  test('idle_timeout: a silent connection is closed; what it sent is stored', async () => {
    const rig = await listenRig({ config: { 'listeners.tcp.enabled': true, 'listeners.tcp.idle_timeout': 150 } });
    const s = await open(tcpPort(rig));
    const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
    await write(s, '<14>Jan 15 12:00:00 h app: before going quiet, no LF');
    const started = Date.now();
    await closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    await rig.until('stored', () => rig.count() === 1);
    expect(rig.search({})[0]!.message).toBe('before going quiet, no LF');
  });

  test('max_connections: further connections are refused and counted', async () => {
    const rig = await listenRig({ config: { 'listeners.tcp.enabled': true, 'listeners.tcp.max_connections': 1 } });
    await open(tcpPort(rig));
    await rig.until('one open', () => rig.listeners.tcp!.counters.connections === 1);
    const second = tcpConnect(tcpPort(rig), '127.0.0.1');
    deferCleanup(() => second.destroy());
    await new Promise<void>((resolve) => second.once('close', () => resolve()));
    expect(rig.listeners.tcp!.counters.connectionErrors).toBe(1);
  });
});

interface Pki {
  cert: string;
  key: string;
  clientCert: string;
  clientKey: string;
}

function makePki(): Pki {
  const dir = tempDir('logagg-pki-');
  const f = (n: string) => join(dir, n);
  const req = (key: string, cert: string, cn: string, extra: string[]) =>
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${cn}`, ...extra], { stdio: 'pipe' });
  req(f('key.pem'), f('cert.pem'), 'localhost', ['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost']);
  req(f('client-key.pem'), f('client.pem'), 'sender-1', []);
  return { cert: f('cert.pem'), key: f('key.pem'), clientCert: f('client.pem'), clientKey: f('client-key.pem') };
}

async function tlsOpen(port: number, ca: string, client?: { cert: string; key: string }): Promise<TLSSocket> {
  const { readFileSync } = await import('node:fs');
  const s = tlsConnect({ port, host: '127.0.0.1', ca: readFileSync(ca), ...(client ? { cert: readFileSync(client.cert), key: readFileSync(client.key) } : {}) });
  deferCleanup(() => s.destroy());
  await new Promise<void>((resolve, reject) => s.once('secureConnect', resolve).once('error', reject));
  return s;
}

describe.skipIf(!hasOpenssl)('syslog over TLS (RFC 5425)', () => {
  test('a self-signed certificate; octet-counted frames inside TLS; source = the TLS listener', async () => {
    const pki = makePki();
    const rig = await listenRig({ config: { 'listeners.tls.enabled': true, 'listeners.tls.cert_file': pki.cert, 'listeners.tls.key_file': pki.key } });
    const port = rig.listeners.tls!.address!.port;
    const s = await tlsOpen(port, pki.cert);
    await write(s, octet('<86>1 2025-01-15T12:00:00Z vault-1 sshd 1 - - tlsprivate Accepted publickey') + octet('<38>Jan 15 12:00:01 vault-1 su: tlsprivate session'));
    await rig.until('two events', () => rig.count() === 2);
    const events = rig.search({ q: 'tlsprivate' });
    expect(events.map((e) => [e.format, e.host, e.source.kind, e.source.topic, e.source.peer])).toEqual([
      ['syslog5424', 'vault-1', 'syslog-tcp', 'syslog-tls', `127.0.0.1:${s.localPort}`],
      ['syslog3164', 'vault-1', 'syslog-tcp', 'syslog-tls', `127.0.0.1:${s.localPort}`],
    ]);
    // A plain TCP client cannot talk to the TLS port: a failed handshake, counted, nothing stored.
    const plain = await open(port);
    await write(plain, octet('<14>Jan 15 12:00:00 h app: plaintext'));
    await rig.until('handshake failure counted', () => rig.listeners.tls!.counters.connectionErrors === 1);
    expect(rig.count()).toBe(2);
  });

  test('mutual TLS: with ca_file, a client without a certificate is refused, one with a signed certificate is served', async () => {
    const pki = makePki();
    const rig = await listenRig({
      config: { 'listeners.tls.enabled': true, 'listeners.tls.cert_file': pki.cert, 'listeners.tls.key_file': pki.key, 'listeners.tls.ca_file': pki.clientCert },
    });
    const port = rig.listeners.tls!.address!.port;
    const anonymous = tlsConnect({ port, host: '127.0.0.1', ca: (await import('node:fs')).readFileSync(pki.cert) });
    deferCleanup(() => anonymous.destroy());
    anonymous.on('error', () => undefined);
    anonymous.write(octet('<14>Jan 15 12:00:00 h app: anonymous'));
    await rig.until('refused', () => rig.listeners.tls!.counters.connectionErrors === 1);
    const s = await tlsOpen(port, pki.cert, { cert: pki.clientCert, key: pki.clientKey });
    await write(s, '<14>Jan 15 12:00:00 h app: mtlsok\n');
    await rig.until('one event', () => rig.count() === 1);
    expect(rig.search({ q: 'mtlsok' })).toHaveLength(1);
    expect(rig.search({ q: 'anonymous' })).toHaveLength(0);
  });

  test('an unreadable certificate file is a config error naming the key', async () => {
    await expect(listenRig({ config: { 'listeners.tls.enabled': true, 'listeners.tls.cert_file': '/nonexistent/cert.pem', 'listeners.tls.key_file': '/nonexistent/key.pem' } })).rejects.toThrow(
      /listeners\.tls\.cert_file: cannot read \/nonexistent\/cert\.pem: ENOENT/,
    );
  });
});
