import { describe, expect, test } from 'vitest';
import { ipv4MappedToV4, isIp, parseIpv4, parseIpv6 } from '../../../src/core/decode/ip.js';

describe('parseIpv4', () => {
  test.each([
    ['', null],
    ['1.2.3', null],
    ['1.2.3.4.5', null],
    ['1.2.3.256', null],
    ['1.2.3.1234', null],
    ['1..3.4', null],
    ['1.2.3.4.', null],
    ['.1.2.3', null],
    [' 1.2.3.4', null],
    ['1.2.3.x', null],
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['10.0.0.1', 0x0a000001],
    ['192.168.001.010', 0xc0a8010a],
  ])('%j → %s', (s, v) => expect(parseIpv4(s)).toBe(v));
});

describe('parseIpv6', () => {
  test.each([
    ['::', 0n],
    ['::1', 1n],
    ['1::', 1n << 112n],
    ['2001:db8::1', 0x20010db8000000000000000000000001n],
    ['2001:DB8:0:0:0:0:0:1', 0x20010db8000000000000000000000001n],
    ['1:2:3:4:5:6:7:8', 0x00010002000300040005000600070008n],
    ['1:2:3:4:5:6:7::', 0x00010002000300040005000600070000n],
    ['::ffff:1.2.3.4', 0xffff01020304n],
    ['fe80::1%eth0', 0xfe800000000000000000000000000001n],
  ])('%j parses', (s, v) => expect(parseIpv6(s)).toBe(v));

  test.each(['', ':', ':::', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::1', ':1', '1:', 'g::1', '1:2:3:4:5:6:7:8::', '::1.2.3', '1.2.3.4', '[::1]'])(
    '%j is rejected',
    (s) => expect(parseIpv6(s)).toBeNull(),
  );
});

test.each([
  ['::ffff:10.0.0.1', 0x0a000001],
  ['::1', null],
  ['2001:db8::ffff:1.2.3.4', null],
])('ipv4MappedToV4(%j) = %s', (s, v) => {
  expect(ipv4MappedToV4(parseIpv6(s)!)).toBe(v);
});

test.each([
  ['10.0.0.1', true],
  ['::1', true],
  ['web-01', false],
  ['10.0.0.1:80', false],
  ['', false],
])('isIp(%j) = %s', (s, v) => expect(isIp(s)).toBe(v));
