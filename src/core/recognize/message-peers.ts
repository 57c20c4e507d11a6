import type { Draft } from '../decode/draft.js';
import { isIp } from '../decode/ip.js';

/**
 * Peer addresses inside an application line's message, read only where the word before the
 * address says which side it is (an address alone says nothing: it may be the logger's own):
 *
 *   `src: /10.0.0.1:50010 dest: /10.0.0.2:50010`       HDFS DataXceiver → src and dst
 *   `… of size 67108864 from /10.0.0.1`                  → src
 *   `Served block blk_1 to /10.0.0.3`                     → dst
 *   `Received connection request /10.0.0.4:45307`         Zookeeper → src
 *   `Cannot open channel to 3 at election address /10.0.0.5:3888`  → dst
 *   `Connecting to ResourceManager at rm-1/10.0.0.6:8030` Hadoop → dst
 *   `blockMap updated: 10.0.0.7:50010 is added to blk_1`  HDFS NameNode: the reporting DataNode → src
 *
 *   `Input split: hdfs://10.0.0.8:9000/logs/a.log:0+1`, `spark://Driver@10.0.0.9:48069`: the
 *   server a URL names → dst
 *
 * Java writes a socket address as `host/ip:port` or `/ip:port` (InetSocketAddress.toString);
 * both are read, and a plain `ip` or `ip:port`. IPv4 only (Java writes IPv6 peers without
 * brackets, which cannot be told from a port). The first address of each side is taken; a side
 * the header already set is left alone.
 */

/** Longest message searched (a record, not a dump). */
const MESSAGE_MAX = 16_384;

const SIDES: Record<string, 'src' | 'dst'> = {
  'src:': 'src',
  from: 'src',
  request: 'src',
  'updated:': 'src',
  'dest:': 'dst',
  to: 'dst',
  at: 'dst',
  address: 'dst',
};

/** label, then `host/`, `/` or nothing, the address, an optional port; not inside a longer token. */
const PEER = /(?:^|[\s(,[])(src:|dest:|from|to|at|request|updated:|address)\s(?:[A-Za-z0-9][\w.-]{0,252}\/|\/)?(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?(?!\w|\.\d)/g;

/** `scheme://[user@]ip[:port]`: the server a URL names. */
const URL_PEER = /(?:^|[\s(,[=])[a-z][a-z0-9+.-]{0,15}:\/\/(?:[^\s@/]{1,64}@)?(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?(?![\w.:])/;

/** A dotted quad anywhere: the cheap test before PEER runs. */
const QUAD = /\d\.\d{1,3}\.\d{1,3}\.\d/;

/**
 * `key=address` pairs inside prose, where the key names the side (`login failed user=root
 * ip=203.0.113.64`, `(remote_addr=198.51.100.44)`, dovecot's `rip=`/`lip=`, pam's `rhost=`):
 * IPv4 or IPv6, optionally quoted or bracketed.
 */
const KV_PEER = /(?:^|[\s(,;[])(ip|addr|address|client|client_ip|clientip|remote_addr|remote_ip|remote|rhost|rip|src|src_ip|srcip|source_ip|peer|lip|dst|dst_ip|dstip|dest|server_ip|local_addr)=["'<[]?([0-9A-Fa-f][0-9A-Fa-f:.]{1,44})(?=["'>\]]?(?:[\s),;:]|$))/g;

const KV_SIDES: Record<string, 'src' | 'dst'> = {
  ip: 'src', addr: 'src', address: 'src', client: 'src', client_ip: 'src', clientip: 'src', remote_addr: 'src', remote_ip: 'src',
  remote: 'src', rhost: 'src', rip: 'src', src: 'src', src_ip: 'src', srcip: 'src', source_ip: 'src', peer: 'src',
  lip: 'dst', dst: 'dst', dst_ip: 'dst', dstip: 'dst', dest: 'dst', server_ip: 'dst', local_addr: 'dst',
};

/**
 * Peers named by `key=address` pairs in a message (see KV_PEER), for any line whose decoders
 * set neither side: the last look for an address before the event is stored. The first pair of
 * each side wins; an address alone, with no word saying which side it is, is left in the text.
 */
export function keyValuePeers(message: string, draft: Draft): void {
  if (message.length > MESSAGE_MAX || message.indexOf('=') < 0) return;
  let src = draft.src_ip === null;
  let dst = draft.dst_ip === null;
  if (!src && !dst) return;
  KV_PEER.lastIndex = 0;
  for (let m = KV_PEER.exec(message); m !== null && (src || dst); m = KV_PEER.exec(message)) {
    const side = KV_SIDES[m[1]!.toLowerCase()];
    const ip = m[2]!;
    if (!isIp(ip)) continue;
    if (side === 'src' && src) {
      draft.src_ip = ip;
      src = false;
    } else if (side === 'dst' && dst) {
      draft.dst_ip = ip;
      dst = false;
    }
  }
}

export function messagePeers(message: string, draft: Draft): void {
  if (message.length > MESSAGE_MAX || (draft.src_ip !== null && draft.dst_ip !== null) || !QUAD.test(message)) return;
  let src = draft.src_ip === null;
  let dst = draft.dst_ip === null;
  PEER.lastIndex = 0;
  for (let m = PEER.exec(message); m !== null && (src || dst); m = PEER.exec(message)) {
    const side = SIDES[m[1]!];
    const ip = m[2]!;
    if (!isIp(ip)) continue;
    const port = m[3] === undefined ? null : Number(m[3]);
    const okPort = port !== null && port >= 1 && port <= 65535 ? port : null;
    if (side === 'src' && src) {
      draft.src_ip = ip;
      if (okPort !== null) draft.src_port = okPort;
      src = false;
    } else if (side === 'dst' && dst) {
      draft.dst_ip = ip;
      if (okPort !== null) draft.dst_port = okPort;
      dst = false;
    }
  }
  if (!dst) return;
  const u = message.indexOf('://') > 0 ? URL_PEER.exec(message) : null;
  if (u === null || !isIp(u[1]!)) return;
  draft.dst_ip = u[1]!;
  const port = u[2] === undefined ? null : Number(u[2]);
  if (port !== null && port >= 1 && port <= 65535) draft.dst_port = port;
}
