import { describe, expect, test } from 'vitest';
import { newDraft } from '../../../src/core/decode/draft.js';
import { decodeByFormat } from '../../../src/core/decode/dispatch.js';
import { keyValuePeers, messagePeers } from '../../../src/core/recognize/message-peers.js';

type Peers = { src_ip: string | null; src_port: number | null; dst_ip: string | null; dst_port: number | null };
const none: Peers = { src_ip: null, src_port: null, dst_ip: null, dst_port: null };

function peers(message: string, preset: Partial<Peers> = {}): Peers {
  const d = newDraft('text');
  Object.assign(d, preset);
  messagePeers(message, d);
  return { src_ip: d.src_ip, src_port: d.src_port, dst_ip: d.dst_ip, dst_port: d.dst_port };
}

// Edges first: no address, an address with no word naming its side, look-alikes.
test.each<[string, string, Peers]>([
  ['empty', '', none],
  ['no address', 'PacketResponder 1 for block blk_77 terminating', none],
  ['an address nobody labels (the logger’s own)', '10.20.1.5:50010 Starting thread to transfer block blk_77', none],
  ['a version, not an address', 'upgraded from 6.1.7601.23505 to 6.1.7601.24000', none],
  ['five parts', 'from 10.20.1.5.7 to x', none],
  ['glued to a word', 'fromage 10.20.1.5', none],
  ['host without a slash is no socket address', 'from node10.20.1.5', none],
  ['a URL whose host is a name', 'Fetching http://repo.example.net:8080/a.jar', none],
  ['a URL inside a path', 'cache/http://10.20.1.5/x', none],
  ['huge', `from 10.20.1.5 ${'x'.repeat(20_000)}`, none],
  ['port out of range is dropped, the address kept', 'Received connection request /10.20.1.6:70000', { ...none, src_ip: '10.20.1.6' }],
  ['end of a sentence', 'Lost heartbeat from 10.20.1.7.', { ...none, src_ip: '10.20.1.7' }],
])('%s', (_n, message, want) => {
  expect(peers(message)).toEqual(want);
});

test.each<[string, string, Peers]>([
  ['HDFS DataXceiver: both sides', 'Receiving block blk_-1608999687919862906 src: /10.20.1.5:54106 dest: /10.20.1.6:50010', { src_ip: '10.20.1.5', src_port: 54106, dst_ip: '10.20.1.6', dst_port: 50010 }],
  ['HDFS PacketResponder: from', 'Received block blk_3587508140051953248 of size 67108864 from /10.20.1.8', { ...none, src_ip: '10.20.1.8' }],
  ['HDFS served to', '10.20.1.5:50010 Served block blk_-1 to /10.20.1.9', { ...none, dst_ip: '10.20.1.9' }],
  ['HDFS exception serving to (a trailing colon)', '10.20.1.5:50010:Got exception while serving blk_1 to /10.20.1.10:', { ...none, dst_ip: '10.20.1.10' }],
  ['HDFS NameNode: the reporting DataNode', 'BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.20.1.11:50010 is added to blk_7 size 67108864', { ...none, src_ip: '10.20.1.11', src_port: 50010 }],
  ['Zookeeper connection request', 'Received connection request /10.20.1.12:45307', { ...none, src_ip: '10.20.1.12', src_port: 45307 }],
  ['Zookeeper election address', 'Cannot open channel to 3 at election address /10.20.1.13:3888', { ...none, dst_ip: '10.20.1.13', dst_port: 3888 }],
  ['Hadoop host/ip:port', 'Connecting to ResourceManager at rm-1.example.net/10.20.1.14:8030', { ...none, dst_ip: '10.20.1.14', dst_port: 8030 }],
  ['a URL: the server it names', 'Input split: hdfs://10.20.1.19:9000/logs/a.log:0+7', { ...none, dst_ip: '10.20.1.19', dst_port: 9000 }],
  ['a URL with a user part', 'Connecting to driver: spark://CoarseGrainedScheduler@10.20.1.20:48069', { ...none, dst_ip: '10.20.1.20', dst_port: 48069 }],
  ['a labelled destination before a URL wins', 'copy to /10.20.1.21:2 from http://10.20.1.22/x', { src_ip: null, src_port: null, dst_ip: '10.20.1.21', dst_port: 2 }],
  ['plain prose', 'Accepted connection from 10.20.1.15 port 3306', { ...none, src_ip: '10.20.1.15' }],
  ['the first of each side', 'copy from /10.20.1.16:1 to /10.20.1.17:2 then from /10.20.1.18:3', { src_ip: '10.20.1.16', src_port: 1, dst_ip: '10.20.1.17', dst_port: 2 }],
])('%s', (_n, message, want) => {
  expect(peers(message)).toEqual(want);
});

test('a side the header set is left alone', () => {
  expect(peers('src: /10.20.1.5:1 dest: /10.20.1.6:2', { src_ip: '192.0.2.1', src_port: 9 })).toEqual({ src_ip: '192.0.2.1', src_port: 9, dst_ip: '10.20.1.6', dst_port: 2 });
});

test('through the application-line recognizer (HDFS and Zookeeper lines)', () => {
  const ctx = { receivedAt: Date.UTC(2026, 10, 20, 12) };
  expect(decodeByFormat('261120 101603 148 INFO dfs.DataNode$DataXceiver: Receiving block blk_-16 src: /10.20.1.5:54106 dest: /10.20.1.6:50010', 'auto', ctx)).toMatchObject({
    parser: 'app-line',
    process: 'dfs.DataNode$DataXceiver',
    src_ip: '10.20.1.5',
    src_port: 54106,
    dst_ip: '10.20.1.6',
    dst_port: 50010,
  });
  expect(decodeByFormat('2026-11-20 10:16:03,394 - INFO  [/10.20.1.1:3888:QuorumCnxManager$Listener@493] - Received connection request /10.20.1.12:45307', 'auto', ctx)).toMatchObject({
    parser: 'app-line',
    process: 'QuorumCnxManager$Listener',
    src_ip: '10.20.1.12',
    src_port: 45307,
    dst_ip: null,
    attributes: { thread: '/10.20.1.1:3888' },
  });
});

describe('key=address pairs in prose (keyValuePeers), edges first', () => {
  function kv(message: string, preset: Partial<Peers> = {}): Peers {
    const d = newDraft('text');
    Object.assign(d, preset);
    keyValuePeers(message, d);
    return { src_ip: d.src_ip, src_port: d.src_port, dst_ip: d.dst_ip, dst_port: d.dst_port };
  }
  test.each<[string, string, Peers]>([
    ['empty', '', none],
    ['no pairs', 'login failed for root from nowhere', none],
    ['a key that names no side', 'ttl=64 id=54321 len=60', none],
    ['not an address', 'ip=unknown user=root', none],
    ['glued to a word', 'clip=10.20.1.5', none],
    ['a version', 'ip=6.1.7601', none],
    ['huge', `ip=10.20.1.5 ${'x'.repeat(20_000)}`, none],
    ['app line pairs after prose', 'login failed user=root ip=203.0.113.64 reason=bad_password', { ...none, src_ip: '203.0.113.64' }],
    ['in parentheses', 'Exception on /api/login [POST] (remote_addr=198.51.100.44)', { ...none, src_ip: '198.51.100.44' }],
    ['dovecot rip and lip', 'Disconnected (auth failed, 1 attempts in 2 secs): user=<a@example.com>, method=PLAIN, rip=203.0.113.130, lip=192.0.2.10, TLS', { ...none, src_ip: '203.0.113.130', dst_ip: '192.0.2.10' }],
    ['pam rhost', 'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root', { ...none, src_ip: '203.0.113.9' }],
    ['IPv6, quoted', 'client="2001:db8::7" status=denied', { ...none, src_ip: '2001:db8::7' }],
    ['the first of each side wins', 'src=10.20.1.1 dst=10.20.1.2 src=10.20.1.3', { ...none, src_ip: '10.20.1.1', dst_ip: '10.20.1.2' }],
  ])('%s', (_n, message, want) => {
    expect(kv(message)).toEqual(want);
  });

  test('a side already set is left alone', () => {
    expect(kv('ip=10.20.1.5 dst=10.20.1.6', { src_ip: '192.0.2.1' })).toEqual({ ...none, src_ip: '192.0.2.1', dst_ip: '10.20.1.6' });
  });

  test('through the dispatcher, for a line no decoder places the peer of', () => {
    const ctx = { receivedAt: Date.UTC(2026, 10, 20, 12) };
    expect(decodeByFormat('2026-11-20T08:20:12.001Z WARN  [auth-svc] login failed user=root ip=203.0.113.64 reason=bad_password', 'auto', ctx)).toMatchObject({ src_ip: '203.0.113.64', level: 4 });
  });
});
