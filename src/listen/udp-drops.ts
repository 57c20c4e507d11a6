/**
 * The kernel's count of datagrams it dropped on a UDP socket (its receive buffer was full):
 * the `drops` column of /proc/net/udp and /proc/net/udp6 (Linux). A datagram dropped there
 * never reaches logagg; this is the only way to count it.
 */
import { readFileSync } from 'node:fs';
import { BlockList } from 'node:net';
import { endianness } from 'node:os';

export interface ProcUdpRow {
  /** Local address as text (IPv4 dotted, IPv6 full form) and port. */
  address: string;
  port: number;
  /** Bytes waiting in the receive queue. */
  rxQueue: number;
  inode: number;
  drops: number;
}

/** Parses /proc/net/udp or /proc/net/udp6 text; lines it cannot read are skipped. */
export function parseProcNetUdp(text: string, littleEndian = endianness() === 'LE'): ProcUdpRow[] {
  const rows: ProcUdpRow[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
    if (cols.length < 13 || !/^\d+:$/.test(cols[0]!)) continue;
    const local = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(cols[1]!);
    const queues = /^[0-9A-Fa-f]+:([0-9A-Fa-f]+)$/.exec(cols[4]!);
    if (!local || !queues) continue;
    const drops = Number(cols[12]);
    const inode = Number(cols[9]);
    if (!Number.isSafeInteger(drops) || !Number.isSafeInteger(inode)) continue;
    rows.push({
      address: hexAddress(local[1]!, littleEndian),
      port: parseInt(local[2]!, 16),
      rxQueue: parseInt(queues[1]!, 16),
      inode,
      drops,
    });
  }
  return rows;
}

/** The kernel prints each 32-bit word of the address in host byte order. */
function hexAddress(hex: string, littleEndian: boolean): string {
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = [0, 2, 4, 6].map((i) => parseInt(hex.slice(w + i, w + i + 2), 16));
    bytes.push(...(littleEndian ? word.reverse() : word));
  }
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

/** Whether two textual addresses are the same address (any IPv6 spelling). */
export function sameAddress(a: string, b: string): boolean {
  const family = a.includes(':') ? 'ipv6' : 'ipv4';
  if (family !== (b.includes(':') ? 'ipv6' : 'ipv4')) return false;
  try {
    const list = new BlockList();
    list.addAddress(a, family);
    return list.check(b, family);
  } catch {
    return false;
  }
}

/**
 * The kernel's drop count and receive queue of the socket bound to address:port, or null when
 * it cannot be read (not Linux, /proc not mounted, socket not found).
 */
export function readUdpSocketCounters(address: string, port: number, files = ['/proc/net/udp', '/proc/net/udp6']): { drops: number; rxQueue: number } | null {
  const file = address.includes(':') ? files[1]! : files[0]!;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const row = parseProcNetUdp(text).find((r) => r.port === port && sameAddress(address, r.address));
  return row ? { drops: row.drops, rxQueue: row.rxQueue } : null;
}
