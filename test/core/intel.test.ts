import { describe, expect, test } from 'vitest';
import { buildIntelIndex, EMPTY_INTEL, type IntelListSpec } from '../../src/core/intel.js';

const list = (name: string, kind: IntelListSpec['kind'], indicators: string[], severity: IntelListSpec['severity'] = 'HIGH'): IntelListSpec => ({
  name,
  kind,
  severity,
  tags: [name],
  indicators,
});

const hits = (r: readonly { list: string; indicator: string }[]) => r.map((h) => `${h.list}:${h.indicator}`);

describe('ip lists', () => {
  const idx = buildIntelIndex([
    list('exact', 'ip', ['10.0.0.1', '2001:db8::1', '::ffff:192.0.2.7']),
    list('nets', 'ip', ['10.0.0.0/8', '192.168.1.0/24', '172.16.5.4/32', '2001:db8:abcd::/48', '198.51.100.7/16']),
    list('all-v4', 'ip', ['0.0.0.0/0']),
    list('all-v6', 'ip', ['::/0']),
  ]);

  test.each<[string, string[]]>([
    ['10.0.0.1', ['exact:10.0.0.1', 'nets:10.0.0.0/8', 'all-v4:0.0.0.0/0']],
    ['10.255.255.255', ['nets:10.0.0.0/8', 'all-v4:0.0.0.0/0']],
    ['11.0.0.0', ['all-v4:0.0.0.0/0']],
    ['192.168.1.0', ['nets:192.168.1.0/24', 'all-v4:0.0.0.0/0']],
    ['192.168.1.255', ['nets:192.168.1.0/24', 'all-v4:0.0.0.0/0']],
    ['192.168.2.0', ['all-v4:0.0.0.0/0']],
    ['172.16.5.4', ['nets:172.16.5.4/32', 'all-v4:0.0.0.0/0']], // /32 is exact
    ['172.16.5.5', ['all-v4:0.0.0.0/0']],
    ['198.51.0.1', ['nets:198.51.100.7/16', 'all-v4:0.0.0.0/0']], // host bits in a CIDR are masked off
    ['192.0.2.7', ['exact:::ffff:192.0.2.7', 'all-v4:0.0.0.0/0']], // mapped entry matches plain IPv4
    // A mapped event address: as IPv4 first, then as the IPv6 address it also is (net/cidr.ts).
    ['::ffff:10.0.0.1', ['exact:10.0.0.1', 'nets:10.0.0.0/8', 'all-v4:0.0.0.0/0', 'all-v6:::/0']],
    ['[2001:db8::1]', ['exact:2001:db8::1', 'all-v6:::/0']],
    ['2001:db8::1', ['exact:2001:db8::1', 'all-v6:::/0']],
    ['2001:DB8:0:0:0:0:0:1', ['exact:2001:db8::1', 'all-v6:::/0']],
    ['2001:db8:abcd:ffff::1', ['nets:2001:db8:abcd::/48', 'all-v6:::/0']],
    ['2001:db8:abce::1', ['all-v6:::/0']],
    ['fe80::1%eth0', ['all-v6:::/0']],
    ['not-an-ip', []],
    ['', []],
    ['10.0.0.256', []],
  ])('%s', (ip, expected) => {
    expect(hits(idx.matchIp(ip))).toEqual(expected);
  });

  test('prefix edges without catch-alls', () => {
    const i = buildIntelIndex([list('l', 'ip', ['10.0.0.128/25', '2001:db8::/127'])]);
    expect(hits(i.matchIp('10.0.0.127'))).toEqual([]);
    expect(hits(i.matchIp('10.0.0.128'))).toEqual(['l:10.0.0.128/25']);
    expect(hits(i.matchIp('10.0.0.255'))).toEqual(['l:10.0.0.128/25']);
    expect(hits(i.matchIp('2001:db8::1'))).toEqual(['l:2001:db8::/127']);
    expect(hits(i.matchIp('2001:db8::2'))).toEqual([]);
  });

  test('thousands of entries', () => {
    const ips = Array.from({ length: 5000 }, (_, k) => `10.${(k >> 8) & 255}.${k & 255}.1`);
    const nets = Array.from({ length: 3000 }, (_, k) => `172.${16 + (k % 16)}.${k % 256}.0/24`);
    const i = buildIntelIndex([list('big', 'ip', [...ips, ...nets])]);
    expect(i.size).toBe(5000 + 256); // the 3000 CIDRs hold 256 distinct networks
    expect(hits(i.matchIp('10.19.135.1'))).toEqual(['big:10.19.135.1']);
    expect(hits(i.matchIp('172.20.4.99'))).toEqual(['big:172.20.4.0/24']);
    expect(hits(i.matchIp('10.19.135.2'))).toEqual([]);
  });
});

describe('domain lists', () => {
  const idx = buildIntelIndex([list('bad', 'domain', ['evil.com', '*.wild.org', '.dot.net', 'Sub.Target.IO.']), list('tld', 'domain', ['zip'])]);
  test.each<[string, string[]]>([
    ['evil.com', ['bad:evil.com']],
    ['a.evil.com', ['bad:evil.com']],
    ['a.b.c.EVIL.COM.', ['bad:evil.com']],
    ['notevil.com', []],
    ['evil.com.au', []],
    ['evil.co', []],
    ['x.wild.org', ['bad:wild.org']],
    ['wild.org', ['bad:wild.org']],
    ['a.dot.net', ['bad:dot.net']],
    ['sub.target.io', ['bad:sub.target.io']],
    ['target.io', []],
    ['file.zip', ['tld:zip']],
    ['', []],
    ['has space.evil.com', []],
  ])('%s', (d, expected) => {
    expect(hits(idx.matchDomain(d))).toEqual(expected);
  });
});

describe('process lists', () => {
  const idx = buildIntelIndex([list('procs', 'process', ['mimikatz.exe', 'C:\\Tools\\PsExec.exe', '/usr/bin/nc'])]);
  test.each<[string, string[]]>([
    ['mimikatz.exe', ['procs:mimikatz.exe']],
    ['MIMIKATZ.EXE', ['procs:mimikatz.exe']],
    ['C:\\Users\\x\\Downloads\\Mimikatz.exe', ['procs:mimikatz.exe']],
    ['/tmp/mimikatz.exe', ['procs:mimikatz.exe']],
    ['psexec.exe', ['procs:C:\\Tools\\PsExec.exe']],
    ['nc', ['procs:/usr/bin/nc']],
    ['ncat', []],
    ['mimikatz', []],
  ])('%s', (p, expected) => {
    expect(hits(idx.matchProcess(p))).toEqual(expected);
  });
});

describe('hash lists', () => {
  const md5 = 'D41D8CD98F00B204E9800998ECF8427E';
  const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
  const sha256 = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855';
  const idx = buildIntelIndex([list('hashes', 'hash', [md5, sha1, `sha256:${sha256}`])]);
  test.each<[string, string[]]>([
    [md5.toLowerCase(), [`hashes:${md5.toLowerCase()}`]],
    [md5, [`hashes:${md5.toLowerCase()}`]],
    [sha1.toUpperCase(), [`hashes:${sha1}`]],
    [sha256.toLowerCase(), [`hashes:${sha256.toLowerCase()}`]],
    [`SHA256=${sha256}`, [`hashes:${sha256.toLowerCase()}`]],
    ['0'.repeat(32), []],
    ['nothex', []],
  ])('%s', (h, expected) => {
    expect(hits(idx.matchHash(h))).toEqual(expected);
  });
});

describe('building', () => {
  test('invalid indicators are rejected with reasons, not indexed', () => {
    const idx = buildIntelIndex([
      list('ips', 'ip', ['10.0.0.1', '10.0.0.0/33', 'nope', '::1/129', '1.2.3.4/x', '', '  ']),
      list('doms', 'domain', ['ok.com', '1.2.3.4', 'http://evil.com/x', 'a b']),
      list('hashes', 'hash', ['xyz']),
    ]);
    expect(idx.size).toBe(2);
    expect(idx.rejected).toEqual([
      { list: 'ips', indicator: '10.0.0.0/33', reason: 'not an IP address or CIDR' },
      { list: 'ips', indicator: 'nope', reason: 'not an IP address or CIDR' },
      { list: 'ips', indicator: '::1/129', reason: 'not an IP address or CIDR' },
      { list: 'ips', indicator: '1.2.3.4/x', reason: 'not an IP address or CIDR' },
      { list: 'doms', indicator: '1.2.3.4', reason: 'an IP address in a domain list (use kind: ip)' },
      { list: 'doms', indicator: 'http://evil.com/x', reason: 'not a domain name' },
      { list: 'doms', indicator: 'a b', reason: 'not a domain name' },
      { list: 'hashes', indicator: 'xyz', reason: 'not an md5, sha1 or sha256 hex digest' },
    ]);
  });

  test('an indicator repeated in one list counts once; in two lists, hits twice', () => {
    const idx = buildIntelIndex([list('a', 'ip', ['1.1.1.1', '1.1.1.1']), list('b', 'ip', ['1.1.1.1'], 'LOW')]);
    expect(idx.size).toBe(2);
    expect(idx.matchIp('1.1.1.1')).toEqual([
      { list: 'a', severity: 'HIGH', tags: ['a'], indicator: '1.1.1.1' },
      { list: 'b', severity: 'LOW', tags: ['b'], indicator: '1.1.1.1' },
    ]);
  });

  test('the empty index matches nothing', () => {
    expect(EMPTY_INTEL.size).toBe(0);
    expect(EMPTY_INTEL.matchIp('1.1.1.1')).toEqual([]);
    expect(EMPTY_INTEL.matchDomain('a.com')).toEqual([]);
    expect(EMPTY_INTEL.matchProcess('x')).toEqual([]);
    expect(EMPTY_INTEL.matchHash('0'.repeat(32))).toEqual([]);
  });
});

test('IPv4 entries written as IPv4-mapped IPv6, and the forms of a range, index the same network', () => {
  const i = buildIntelIndex([
    list('mapped', 'ip', ['::ffff:10.0.0.0/104', '::ffff:192.0.2.7']),
    list('forms', 'ip', ['10.0.0.0/8', '10.9.9.9/8', '  10.0.0.0/8  ', '::ffff:10.0.0.0/104']),
  ]);
  expect(i.size).toBe(3);
  expect(hits(i.matchIp('10.1.2.3'))).toEqual(['mapped:::ffff:10.0.0.0/104', 'forms:10.0.0.0/8']);
  expect(hits(i.matchIp('::ffff:192.0.2.7'))).toEqual(['mapped:::ffff:192.0.2.7']);
  expect(hits(i.matchIp('11.0.0.1'))).toEqual([]);
});

test.each(['10.0.0.0/', '10.0.0.0/8/8', 'fe80::1%eth0', '[::1]/64x'])('ip indicator %j is rejected', (bad) => {
  expect(buildIntelIndex([list('l', 'ip', [bad])]).rejected).toEqual([{ list: 'l', indicator: bad, reason: 'not an IP address or CIDR' }]);
});
