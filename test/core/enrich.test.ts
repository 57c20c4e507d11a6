import { describe, expect, test } from 'vitest';
import { buildAssetInventory, deriveMetrics, EMPTY_ENRICH_CONTEXT, enrich, globMatch, type EnrichContext } from '../../src/core/enrich.js';
import type { NormalizedEvent } from '../../src/core/event.js';
import { buildIntelIndex, EMPTY_INTEL } from '../../src/core/intel.js';

function event(over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return {
    ts: 1, ts_fallback: false, received_at: 1, source: { kind: 'kafka', topic: 't', partition: 0, offset: '0' }, format: 'json',
    host: null, level: null, level_name: null, message: 'm', metrics: {}, process: null, pid: null, user: null,
    src_ip: null, dst_ip: null, src_port: null, dst_port: null, domain: null, file_hash: null,
    threats: [], tags: [], asset: null, attributes: {}, raw: '', raw_truncated: false, parse_error: null,
    ...over,
  };
}

const assets = buildAssetInventory([
  { host: 'db-01', environment: 'prod', owner: 'dba', criticality: 'critical', tags: ['pci', 'db'] },
  { host: 'WEB-*', environment: 'prod', owner: 'web', criticality: 'high', tags: ['web'] },
  { host: '*', environment: 'unknown' },
  { host: '10.0.0.5', owner: 'net', tags: ['router'] },
]);

const intel = buildIntelIndex([
  { name: 'bad-ips', kind: 'ip', severity: 'HIGH', tags: ['c2'], indicators: ['203.0.113.0/24', '2001:db8::/32'] },
  { name: 'bad-domains', kind: 'domain', severity: 'CRITICAL', tags: ['phishing'], indicators: ['evil.com'] },
  { name: 'bad-procs', kind: 'process', severity: 'MEDIUM', tags: [], indicators: ['mimikatz.exe'] },
  { name: 'bad-hashes', kind: 'hash', severity: 'LOW', tags: ['malware'], indicators: ['d41d8cd98f00b204e9800998ecf8427e'] },
]);

const ctx: EnrichContext = { assets, intel };

describe('derived metrics', () => {
  test.each<[NormalizedEvent['metrics'], NormalizedEvent['metrics']]>([
    [{}, {}],
    [{ mem_used: 1, mem_total: 3 }, { mem_used: 1, mem_total: 3, mem_pct: 33.33 }],
    [{ mem_used: 2, mem_total: 3 }, { mem_used: 2, mem_total: 3, mem_pct: 66.67 }],
    [{ mem_used: 7.2e9, mem_total: 8e9 }, { mem_used: 7.2e9, mem_total: 8e9, mem_pct: 90 }],
    [{ mem_used: 5, mem_total: 4 }, { mem_used: 5, mem_total: 4, mem_pct: 125 }], // not clamped
    [{ mem_used: 1, mem_total: 2, mem_pct: 10 }, { mem_used: 1, mem_total: 2, mem_pct: 10 }], // given value wins
    [{ mem_used: 1, mem_total: 0 }, { mem_used: 1, mem_total: 0 }],
    [{ mem_used: 1 }, { mem_used: 1 }],
    [{ cpu_pct: 250 }, { cpu_pct: 250 }],
  ])('%j → %j', (m, out) => {
    expect(deriveMetrics(m)).toEqual(out);
  });

  test('no new object when nothing is derived', () => {
    const m = { cpu_pct: 1 };
    expect(deriveMetrics(m)).toBe(m);
  });
});

describe('host normalization and assets', () => {
  test.each<[string | null, string | null, Partial<NormalizedEvent['asset']> | null, string[]]>([
    [null, null, null, []],
    ['DB-01.', 'db-01', { environment: 'prod', owner: 'dba', criticality: 'critical', tags: ['pci', 'db'] }, ['pci', 'db']],
    ['  Web-07 ', 'web-07', { owner: 'web', tags: ['web'] }, ['web']],
    ['web', 'web', { environment: 'unknown' }, []], // glob order: web-* does not match, * does
    ['10.0.0.5', '10.0.0.5', { owner: 'net' }, ['router']],
    ['2001:DB8::1', '2001:db8::1', { environment: 'unknown' }, []],
  ])('host %j → %j', (host, normalized, asset, tags) => {
    const e = enrich(event({ host }), { assets, intel: EMPTY_INTEL });
    expect(e.host).toBe(normalized);
    if (asset === null) expect(e.asset).toBeNull();
    else expect(e.asset).toMatchObject(asset);
    expect(e.tags).toEqual(tags);
  });

  test('asset tags merge into existing tags without duplicates', () => {
    expect(enrich(event({ host: 'db-01', tags: ['db', 'x'] }), ctx).tags).toEqual(['db', 'x', 'pci']);
  });

  test('exact names win over globs; the first of duplicate entries wins', () => {
    const inv = buildAssetInventory([
      { host: 'db-*', owner: 'glob' },
      { host: 'db-01', owner: 'first' },
      { host: 'DB-01', owner: 'second' },
    ]);
    expect(inv.lookup('db-01')?.owner).toBe('first');
    expect(inv.lookup('db-02')?.owner).toBe('glob');
    expect(inv.lookup('web')).toBeNull();
    expect(inv.size).toBe(2);
  });

  test('events get a copy of the inventory entry', () => {
    const e = enrich(event({ host: 'db-01' }), ctx);
    e.asset!.tags!.push('mutated');
    expect(enrich(event({ host: 'db-01' }), ctx).asset!.tags).toEqual(['pci', 'db']);
  });

  test('glob answers are the same on the cached path', () => {
    const inv = buildAssetInventory([{ host: 'web-?', owner: 'w' }]);
    for (let k = 0; k < 3; k++) {
      expect(inv.lookup('web-1')?.owner).toBe('w');
      expect(inv.lookup('web-10')).toBeNull();
    }
  });
});

describe('intel matches', () => {
  const intelThreat = (list: string, indicator: string, severity: string, tags: string[]) => ({ name: list, severity, tags, origin: 'intel', list, indicator });

  test.each<[string, Partial<NormalizedEvent>, ReturnType<typeof intelThreat>[]]>([
    ['nothing', { src_ip: '10.0.0.1', domain: 'good.com' }, []],
    ['src_ip in a CIDR', { src_ip: '203.0.113.9' }, [intelThreat('bad-ips', '203.0.113.0/24', 'HIGH', ['c2'])]],
    ['dst_ip IPv6', { dst_ip: '2001:db8:1::5' }, [intelThreat('bad-ips', '2001:db8::/32', 'HIGH', ['c2'])]],
    ['src and dst in the same list: one threat per indicator', { src_ip: '203.0.113.1', dst_ip: '203.0.113.2' }, [intelThreat('bad-ips', '203.0.113.0/24', 'HIGH', ['c2'])]],
    ['subdomain', { domain: 'login.evil.com' }, [intelThreat('bad-domains', 'evil.com', 'CRITICAL', ['phishing'])]],
    ['lookalike', { domain: 'notevil.com' }, []],
    ['process path basename', { process: 'C:\\Temp\\MimiKatz.EXE' }, [intelThreat('bad-procs', 'mimikatz.exe', 'MEDIUM', [])]],
    ['hash, upper case', { file_hash: 'D41D8CD98F00B204E9800998ECF8427E' }, [intelThreat('bad-hashes', 'd41d8cd98f00b204e9800998ecf8427e', 'LOW', ['malware'])]],
    ['attributes: CEF dhost', { attributes: { dhost: 'cdn.evil.com' } }, [intelThreat('bad-domains', 'evil.com', 'CRITICAL', ['phishing'])]],
    ['attributes: url host', { attributes: { url: 'https://x.evil.com/login' } }, [intelThreat('bad-domains', 'evil.com', 'CRITICAL', ['phishing'])]],
    ['attributes: url with IP host', { attributes: { request_url: 'http://203.0.113.50/x' } }, [intelThreat('bad-ips', '203.0.113.0/24', 'HIGH', ['c2'])]],
    ['attributes: x_forwarded_for list', { attributes: { x_forwarded_for: '10.0.0.1, 203.0.113.7' } }, [intelThreat('bad-ips', '203.0.113.0/24', 'HIGH', ['c2'])]],
    ['attributes: ip', { attributes: { ip: '203.0.113.7' } }, [intelThreat('bad-ips', '203.0.113.0/24', 'HIGH', ['c2'])]],
    ['attributes of other keys are not checked', { attributes: { note: 'evil.com', nested: { dhost: 'evil.com' } } }, []],
    ['the host itself is not checked', { host: 'evil.com' }, []],
  ])('%s', (_name, over, expected) => {
    expect(enrich(event(over), { assets: buildAssetInventory([]), intel }).threats).toEqual(expected);
  });

  test('message threats are kept, intel threats are not duplicated on re-enrichment', () => {
    const msgThreat = { name: 'x', severity: 'HIGH' as const, tags: [], origin: 'message' as const };
    const once = enrich(event({ src_ip: '203.0.113.1', threats: [msgThreat] }), ctx);
    const twice = enrich(once, ctx);
    expect(twice.threats).toEqual(once.threats);
    expect(once.threats).toHaveLength(2);
    expect(once.threats[0]).toBe(msgThreat);
  });
});

describe('purity', () => {
  test('the input event is not changed', () => {
    const input = event({ host: 'DB-01', metrics: { mem_used: 1, mem_total: 2 }, src_ip: '203.0.113.1', tags: ['a'] });
    const snapshot = structuredClone(input);
    const out = enrich(input, ctx);
    expect(input).toEqual(snapshot);
    expect(out).not.toBe(input);
    expect(out).toMatchObject({ host: 'db-01', metrics: { mem_pct: 50 }, tags: ['a', 'pci', 'db'] });
  });

  test('the same object comes back when nothing applies', () => {
    const e = event({ host: 'h', metrics: { cpu_pct: 3 } });
    expect(enrich(e, EMPTY_ENRICH_CONTEXT)).toBe(e);
    expect(enrich(e, { assets: buildAssetInventory([{ host: 'other' }]), intel })).toBe(e);
  });
});

test.each([
  ['*', '', true],
  ['*', 'anything', true],
  ['web-*', 'web-', true],
  ['web-*', 'web-01', true],
  ['web-*', 'xweb-01', false],
  ['*-01', 'db-01', true],
  ['*-01', 'db-011', false],
  ['w?b', 'web', true],
  ['w?b', 'wb', false],
  ['a*b*c', 'a-x-b-y-c', true],
  ['a*b*c', 'a-x-c-y-b', false],
  ['**', 'x', true],
  ['exact', 'exact', true],
  ['exact', 'exactly', false],
  ['a*a*a*a*b', 'a'.repeat(200), false], // no exponential backtracking
])('globMatch(%j, %j) = %s', (p, t, ok) => {
  expect(globMatch(p, t)).toBe(ok);
});
