import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseProcNetUdp, readUdpSocketCounters, sameAddress } from '../../src/listen/udp-drops.js';
import { tempDir } from '../helpers/temp.js';

const HEADER = '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            ';
const UDP4 = `${HEADER}
15769: 0100007F:B840 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 388211 2 00000000ce6198f1 0
  120: 00000000:15A2 00000000:0000 07 00000000:00002A00 00:00000000 00000000  1000        0 400001 2 0000000000000000 1234
garbage line
  121: 0100007F:15A2 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 400002 2 0000000000000000 notanumber
`;
const UDP6 = `${HEADER}
  300: 00000000000000000000000001000000:15A2 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 500001 2 0000000000000000 77
  301: 00000000000000000000000000000000:18EB 00000000000000000000000000000000:0000 07 00000000:00000100 00:00000000 00000000  1000        0 500002 2 0000000000000000 5
`;

describe('parseProcNetUdp', () => {
  test('empty text and the header alone give no rows', () => {
    expect(parseProcNetUdp('')).toEqual([]);
    expect(parseProcNetUdp(HEADER)).toEqual([]);
  });

  test('IPv4 rows (little-endian words), unreadable lines skipped', () => {
    expect(parseProcNetUdp(UDP4, true)).toEqual([
      { address: '127.0.0.1', port: 47168, rxQueue: 0, inode: 388211, drops: 0 },
      { address: '0.0.0.0', port: 5538, rxQueue: 0x2a00, inode: 400001, drops: 1234 },
    ]);
  });

  test('IPv6 rows', () => {
    expect(parseProcNetUdp(UDP6, true)).toEqual([
      { address: '0:0:0:0:0:0:0:1', port: 5538, rxQueue: 0, inode: 500001, drops: 77 },
      { address: '0:0:0:0:0:0:0:0', port: 6379, rxQueue: 256, inode: 500002, drops: 5 },
    ]);
  });

  test('big-endian hosts print the words in network order', () => {
    expect(parseProcNetUdp(UDP4.replace('0100007F:B840', '7F000001:B840'), false)[0]!.address).toBe('127.0.0.1');
  });
});

describe('sameAddress', () => {
  test.each<[string, string, boolean]>([
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.1', '127.0.0.2', false],
    ['::1', '0:0:0:0:0:0:0:1', true],
    ['::', '0:0:0:0:0:0:0:0', true],
    ['::1', '127.0.0.1', false],
    ['not an address', 'not an address', false],
  ])('%s %s -> %s', (a, b, want) => {
    expect(sameAddress(a, b)).toBe(want);
  });
});

describe('readUdpSocketCounters', () => {
  test('finds the socket by address and port in the file of its family', () => {
    const dir = tempDir();
    const files = [join(dir, 'udp'), join(dir, 'udp6')];
    writeFileSync(files[0]!, UDP4);
    writeFileSync(files[1]!, UDP6);
    const le = parseProcNetUdp(UDP4)[0]!.address === '127.0.0.1';
    if (!le) return; // the fixture is written for little-endian hosts
    expect(readUdpSocketCounters('0.0.0.0', 5538, files)).toEqual({ drops: 1234, rxQueue: 0x2a00 });
    expect(readUdpSocketCounters('::1', 5538, files)).toEqual({ drops: 77, rxQueue: 0 });
    expect(readUdpSocketCounters('127.0.0.1', 5538, files)).toBeNull();
    expect(readUdpSocketCounters('127.0.0.1', 1, [join(dir, 'missing'), join(dir, 'missing6')])).toBeNull();
  });
});
