// Syslog over UDP into a real SQLite file: util-linux `logger` and a node socket as senders,
// both formats, stored and searchable; loss under overload counted (queue full, kernel buffer).
import { spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { deferCleanup } from '../helpers/temp.js';
import { listenRig, type Rig } from './rig.js';

const hasLogger = spawnSync('logger', ['--version']).status === 0;

function udpPort(rig: Rig): number {
  return rig.listeners.udp!.address!.port;
}

async function client(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  deferCleanup(() => s.close());
  return s;
}

function send(s: Socket, port: number, text: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => s.send(text, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
}

describe('syslog over UDP', () => {
  test.skipIf(!hasLogger)('logger --udp in RFC 5424 and RFC 3164: stored, searchable, source = listener and peer', async () => {
    const rig = await listenRig({ config: { 'listeners.udp.enabled': true } });
    const port = String(udpPort(rig));
    for (const [fmt, word] of [['--rfc5424', 'zebraudp5424'], ['--rfc3164', 'zebraudp3164']] as const) {
      const r = spawnSync('logger', ['--server', '127.0.0.1', '--port', port, '--udp', fmt, '--tag', 'myapp', '-p', 'auth.warning', `hello ${word} from logger`]);
      expect(r.status, r.stderr.toString()).toBe(0);
    }
    await rig.until('two events', () => rig.count() === 2);

    const e5424 = rig.search({ q: 'zebraudp5424' });
    expect(e5424).toHaveLength(1);
    expect(e5424[0]).toMatchObject({
      format: 'syslog5424',
      host: hostname().toLowerCase(),
      process: 'myapp',
      level: 4,
      message: 'hello zebraudp5424 from logger',
      source: { kind: 'syslog-udp', topic: 'syslog-udp', partition: -1, offset: null },
    });
    expect(e5424[0]!.source.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    const e3164 = rig.search({ q: 'zebraudp3164' });
    expect(e3164).toHaveLength(1);
    expect(e3164[0]).toMatchObject({ format: 'syslog3164', process: 'myapp', level: 4, source: { kind: 'syslog-udp', topic: 'syslog-udp' } });
    expect(e3164[0]!.message).toContain('hello zebraudp3164 from logger');
    // Filters on the source work like a Kafka topic.
    expect(rig.count({ topics: ['syslog-udp'] })).toBe(2);

    const c = rig.stats.listeners.get('syslog-udp')!;
    expect(c).toMatchObject({ kind: 'syslog-udp', received: 2, stored: 2, dropped: 0, failed: 0 });
  });

  test('a node socket: both formats, exact peer, bad input stored as data', async () => {
    const rig = await listenRig({ config: { 'listeners.udp.enabled': true, 'listeners.udp.name': 'edge-syslog' } });
    const s = await client();
    const port = udpPort(rig);
    await send(s, port, '<165>1 2025-01-15T12:00:00.000Z router-1 fw 42 ID7 [ex@32473 src="10.1.2.3"] nodesock5424 denied');
    await send(s, port, '<38>Jan 15 12:00:01 Router-2 sshd[77]: nodesock3164 accepted');
    await send(s, port, Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    await rig.until('three events', () => rig.count() === 3);
    const peer = `127.0.0.1:${s.address().port}`;
    const all = rig.search({});
    expect(all.map((e) => [e.format, e.host, e.source.topic, e.source.peer])).toEqual([
      ['syslog5424', 'router-1', 'edge-syslog', peer],
      ['syslog3164', 'router-2', 'edge-syslog', peer],
      [expect.any(String), null, 'edge-syslog', peer],
    ]);
    expect(all[0]!.ts).toBe(Date.UTC(2025, 0, 15, 12, 0, 0));
    expect(all[2]!.parse_error).toMatch(/UTF-8/);
    expect(rig.search({ q: 'nodesock5424' })).toHaveLength(1);
  });

  test('messages are grouped into transactions (batch.max_messages) and all stored', async () => {
    const rig = await listenRig({ config: { 'listeners.udp.enabled': true, 'listeners.batch.max_messages': 50, 'listeners.batch.linger': 200 } });
    const s = await client();
    for (let i = 0; i < 120; i++) await send(s, udpPort(rig), `<14>Jan 15 12:00:00 h app: batchmsg ${i}`);
    await rig.until('120 events', () => rig.count() === 120);
    expect(rig.stats.batches).toBeGreaterThanOrEqual(3);
    expect(rig.stats.batches).toBeLessThan(120);
    expect(rig.stats.listeners.get('syslog-udp')).toMatchObject({ received: 120, stored: 120 });
  });

  test('overload, queue full: datagrams refused while the store is locked are counted, the rest stored after', async () => {
    const rig = await listenRig({ config: { 'listeners.udp.enabled': true, 'listeners.queue_max': 20, 'listeners.batch.max_messages': 10 }, busyTimeoutMs: 0, detection: false });
    // Another connection holds the write lock: every commit fails (SQLITE_BUSY) and is retried.
    const locker = new Database(rig.dbFile);
    locker.exec('BEGIN IMMEDIATE');
    deferCleanup(() => locker.close());
    const s = await client();
    const sent = 100;
    for (let i = 0; i < sent; i++) await send(s, udpPort(rig), `<14>Jan 15 12:00:00 h app: overload ${i}`);
    const c = rig.stats.listeners.get('syslog-udp')!;
    await rig.until('all datagrams read', () => c.received + c.kernelDrops === sent);
    await rig.until('a failed store', () => rig.stats.storeFailures > 0);
    expect(c.dropped).toBeGreaterThan(0);
    expect(rig.stats.directQueue.depth).toBeLessThanOrEqual(20);
    expect(rig.count()).toBe(0);

    locker.exec('ROLLBACK');
    await rig.until('queue drained', () => rig.stats.directQueue.depth === 0 && c.stored + c.dropped === c.received);
    expect(rig.count()).toBe(c.stored);
    expect(c.stored).toBeGreaterThan(0);
    expect(c.stored + c.dropped).toBe(sent - c.kernelDrops);
    rig.listeners.udp!.refresh();
    const warn = rig.logs.find((l) => l.msg === 'syslog UDP datagrams lost');
    expect(warn).toMatchObject({ level: 'warn', listener: 'syslog-udp', queue_full: c.dropped });
  });

  test('overload, kernel buffer full: datagrams the kernel dropped are read from /proc/net/udp and counted', async () => {
    const rig = await listenRig({ config: { 'listeners.udp.enabled': true, 'listeners.udp.receive_buffer': 4096 }, detection: false });
    const port = udpPort(rig);
    const sent = 400;
    // spawnSync blocks this thread: nothing reads the socket while another process floods it.
    const flood = `const s=require('dgram').createSocket('udp4');let n=0;const m=Buffer.alloc(300,97);
      (function go(){ if(n===${sent}) return s.close(); s.send(m,${port},'127.0.0.1',()=>{n++;go();}); })();`;
    const r = spawnSync(process.execPath, ['-e', flood]);
    expect(r.status, r.stderr.toString()).toBe(0);
    const c = rig.stats.listeners.get('syslog-udp')!;
    await rig.until('every datagram accounted for', () => {
      rig.listeners.udp!.refresh();
      return c.received + c.kernelDrops === sent;
    });
    expect(c.kernelDrops).toBeGreaterThan(0);
    expect(c.dropped).toBe(0);
    await rig.until('stored', () => rig.count() === c.received);
    expect(rig.logs.find((l) => l.msg === 'syslog UDP datagrams lost')).toMatchObject({ kernel_buffer_full: c.kernelDrops });
  });
});
