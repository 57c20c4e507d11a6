import { describe, expect, test } from 'vitest';
import { CidrTable, compileCidrs, parseCidr, type Cidr } from '../../../src/core/net/cidr.js';

describe('parseCidr', () => {
  test.each([
    ['', null],
    ['not an ip', null],
    ['10.0.0.0/', null],
    ['10.0.0.0/33', null],
    ['10.0.0.0/-1', null],
    ['10.0.0.0/8/8', null],
    ['256.0.0.1', null],
    ['1.2.3', null],
    ['::/129', null],
    ['fe80::1%eth0/64', null],
    ['10.0.0.0/8', { family: 4, bits: 8, net: 10 }],
    ['10.1.2.3/8', { family: 4, bits: 8, net: 10 }],
    ['  192.0.2.7 ', { family: 4, bits: 32, net: 0xc0000207 }],
    ['0.0.0.0/0', { family: 4, bits: 0, net: 0 }],
    ['255.255.255.255/32', { family: 4, bits: 32, net: 0xffffffff }],
    ['2001:db8::/32', { family: 6, bits: 32, net: 0x20010db8n }],
    ['[2001:db8::1]', { family: 6, bits: 128, net: 0x20010db8000000000000000000000001n }],
    ['::/0', { family: 6, bits: 0, net: 0n }],
  ])('%j', (text, want) => {
    expect(parseCidr(text)).toEqual(want);
  });
});

describe('compileCidrs', () => {
  const ranges = ['10.0.0.0/8', '192.0.2.0/24', '198.51.100.7', '2001:db8::/32', '::1', '::ffff:203.0.113.0/120'];
  const inRanges = compileCidrs(ranges);

  test.each([
    ['', false],
    ['garbage', false],
    ['10.0.0.0', true],
    ['10.255.255.255', true],
    ['11.0.0.0', false],
    ['9.255.255.255', false],
    ['192.0.2.0', true],
    ['192.0.2.255', true],
    ['192.0.3.0', false],
    ['198.51.100.7', true],
    ['198.51.100.8', false],
    ['203.0.113.9', true], // via the IPv4-mapped IPv6 range
    ['203.0.114.9', false],
    ['::ffff:10.1.1.1', true], // IPv4-mapped address vs IPv4 range
    ['::ffff:11.1.1.1', false],
    ['::ffff:203.0.113.9', true], // mapped address vs mapped range
    ['2001:db8::1', true],
    ['2001:DB8:ffff::', true],
    ['[2001:db8::5]', true],
    ['fe80::1%eth0', false],
    ['2001:db9::1', false],
    ['::1', true],
    ['::2', false],
    ['10.0.0.1:443', false],
    ['1.2.3.4.5', false],
  ])('%s → %s', (ip, want) => {
    expect(inRanges(ip)).toBe(want);
  });

  test('empty list matches nothing', () => {
    const none = compileCidrs([]);
    expect(none('10.0.0.1')).toBe(false);
    expect(none('::1')).toBe(false);
  });

  test('/0 ranges match every address of their family only', () => {
    const all4 = compileCidrs(['0.0.0.0/0']);
    expect(all4('1.2.3.4')).toBe(true);
    expect(all4('::ffff:1.2.3.4')).toBe(true);
    expect(all4('2001:db8::1')).toBe(false);
    const all6 = compileCidrs(['::/0']);
    expect(all6('2001:db8::1')).toBe(true);
    expect(all6('1.2.3.4')).toBe(false);
    expect(all6('::ffff:1.2.3.4')).toBe(true); // an IPv4-mapped address is an IPv6 address too
  });

  test.each([['10.0.0.0/40'], ['nope'], ['']])('a bad entry %j throws naming it', (bad) => {
    expect(() => compileCidrs(['10.0.0.0/8', bad])).toThrow(`"${bad}" is not an IP address or CIDR range`);
  });

  test('every prefix length of a /N range boundary', () => {
    for (let bits = 1; bits <= 32; bits++) {
      const match = compileCidrs([`128.0.0.0/${bits}`]);
      // Last address of the range and the first one after it.
      const last = 0x80000000 + 2 ** (32 - bits) - 1;
      const after = last + 1;
      expect(match(v4(last))).toBe(true);
      if (after <= 0xffffffff) expect(match(v4(after))).toBe(false);
      expect(match('127.255.255.255')).toBe(false);
    }
  });

  test('many ranges stay fast', () => {
    const list: string[] = [];
    for (let i = 0; i < 10_000; i++) list.push(`${(i >> 8) & 255}.${i & 255}.0.0/16`);
    const match = compileCidrs(list);
    const t0 = performance.now();
    let hits = 0;
    for (let i = 0; i < 200_000; i++) {
      if (match(`${i % 39}.${(i >> 6) & 255}.1.2`)) hits++; // listed: first octet 0..38
      if (match(`${200 + (i & 31)}.${i & 255}.1.2`)) hits--; // not listed
    }
    const ms = performance.now() - t0;
    expect(hits).toBe(200_000); // every probe falls in a listed /16 range
    expect(ms).toBeLessThan(2000);
  });
});

describe('CidrTable', () => {
  const cidr = (text: string): Cidr => parseCidr(text) as Cidr;
  const table = new CidrTable<string[]>();
  for (const r of ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.3', '::ffff:10.1.2.0/120', '2001:db8::/32', '2001:db8::1', '::/0', '10.1.2.3/32']) {
    table.slot(cidr(r), () => []).push(r);
  }

  test.each<[string, string[] | null]>([
    ['', null],
    ['nope', null],
    ['11.0.0.1', null],
    ['10.200.0.1', ['10.0.0.0/8']],
    ['10.1.2.3', ['10.1.2.3', '10.1.2.3/32', '::ffff:10.1.2.0/120', '10.1.0.0/16', '10.0.0.0/8']], // longest prefix first
    ['::ffff:10.1.2.4', ['::ffff:10.1.2.0/120', '10.1.0.0/16', '10.0.0.0/8', '::/0']], // as IPv4, then as IPv6
    ['2001:db8::1', ['2001:db8::1', '2001:db8::/32', '::/0']],
    ['[2001:db8::2]', ['2001:db8::/32', '::/0']],
    ['fe80::1', ['::/0']],
  ])('lookup(%j)', (ip, want) => {
    expect(table.lookup(ip)?.flat() ?? null).toEqual(want);
    expect(table.has(ip)).toBe(want !== null);
  });

  test('slot gives the same value for the same network written another way', () => {
    const t = new CidrTable<{ n: number }>();
    let made = 0;
    const init = () => ({ n: ++made });
    expect(t.slot(cidr('192.0.2.0/24'), init)).toBe(t.slot(cidr('192.0.2.77/24'), init));
    expect(t.slot(cidr('192.0.2.7'), init)).toBe(t.slot(cidr('::ffff:192.0.2.7'), init));
    expect(t.slot(cidr('::ffff:0:0/96'), init)).toBe(t.slot(cidr('0.0.0.0/0'), init));
    expect(made).toBe(3);
  });

  test('an empty table holds nothing', () => {
    const t = new CidrTable<number>();
    expect(t.lookup('1.2.3.4')).toBeNull();
    expect(t.has('::1')).toBe(false);
  });
});

function v4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
