import { describe, expect, test } from 'vitest';
import { ALIAS_TRIE, ALIASES } from '../../../src/core/decode/aliases.js';
import { newDraft, type Draft } from '../../../src/core/decode/draft.js';
import { addTags, isDecimal, mapRecord, normalizeHash } from '../../../src/core/decode/field-mapper.js';

const R = Date.UTC(2024, 0, 2);
const T = Date.UTC(2024, 0, 1, 12);

function map(record: Record<string, unknown>): Draft {
  const d = newDraft('json');
  mapRecord(structuredClone(record), d, { receivedAt: R });
  return d;
}

describe('alias table', () => {
  test('every alias of every field is reachable from the trie, literally and nested', () => {
    for (const aliases of Object.values(ALIASES)) {
      for (const alias of aliases) {
        expect(ALIAS_TRIE.get(alias.toLowerCase())?.field, alias).not.toBeNull();
        const parts = alias.toLowerCase().split('.');
        let node = ALIAS_TRIE.get(parts[0]!);
        for (const p of parts.slice(1)) node = node?.children?.get(p);
        expect(node?.field, alias).not.toBeNull();
      }
    }
  });

  test('each alias feeds exactly one field', () => {
    const seen = new Map<string, string>();
    for (const [field, aliases] of Object.entries(ALIASES)) {
      for (const a of aliases) {
        expect(seen.get(a), `${a} in ${field} and ${seen.get(a)}`).toBeUndefined();
        seen.set(a, field);
      }
    }
  });
});

describe('mapRecord: each field and its aliases', () => {
  test.each([
    ...ALIASES.ts.map((k) => [{ [k]: '2024-01-01T12:00:00Z' }, { ts: T }] as const),
    ...ALIASES.host.map((k) => [nested(k, 'Web-01'), { host: 'web-01' }] as const),
    ...ALIASES.level.map((k) => [nested(k, 'warning'), { level: 4 }] as const),
    ...ALIASES.message.map((k) => [{ [k]: 'hello' }, { message: 'hello' }] as const),
    ...ALIASES.cpu_pct.map((k) => [nested(k, 93.5), { metrics: { cpu_pct: 93.5 } }] as const),
    ...ALIASES.mem_used.map((k) => [nested(k, 7.2e9), { metrics: { mem_used: 7.2e9 } }] as const),
    ...ALIASES.mem_total.map((k) => [nested(k, 8e9), { metrics: { mem_total: 8e9 } }] as const),
    ...ALIASES.mem_pct.map((k) => [nested(k, 90), { metrics: { mem_pct: 90 } }] as const),
    ...ALIASES.disk_pct.map((k) => [nested(k, 50), { metrics: { disk_pct: 50 } }] as const),
    ...ALIASES.net_in.map((k) => [nested(k, 1000), { metrics: { net_in: 1000 } }] as const),
    ...ALIASES.net_out.map((k) => [nested(k, 2000), { metrics: { net_out: 2000 } }] as const),
    ...ALIASES.process.map((k) => [nested(k, 'nginx'), { process: 'nginx' }] as const),
    ...ALIASES.pid.map((k) => [nested(k, 42), { pid: 42 }] as const),
    ...ALIASES.user.map((k) => [nested(k, 'alice'), { user: 'alice' }] as const),
    ...ALIASES.src_ip.map((k) => [nested(k, '10.0.0.1'), { src_ip: '10.0.0.1' }] as const),
    ...ALIASES.dst_ip.map((k) => [nested(k, '2001:db8::1'), { dst_ip: '2001:db8::1' }] as const),
    ...ALIASES.src_port.map((k) => [nested(k, 5555), { src_port: 5555 }] as const),
    ...ALIASES.dst_port.map((k) => [nested(k, '443'), { dst_port: 443 }] as const),
    ...ALIASES.domain.map((k) => [nested(k, 'evil.com'), { domain: 'evil.com' }] as const),
    ...ALIASES.file_hash.map((k) => [nested(k, 'D41D8CD98F00B204E9800998ECF8427E'), { file_hash: 'd41d8cd98f00b204e9800998ecf8427e' }] as const),
    ...ALIASES.tags.map((k) => [{ [k]: 'a, b' }, { tags: ['a', 'b'] }] as const),
  ])('%j → %j, key consumed', (record, expected) => {
    const d = map(record);
    expect(d).toMatchObject(expected);
    expect(d.attributes).toEqual({});
  });
});

describe('mapRecord: fully represented or kept', () => {
  test.each<[string, Record<string, unknown>, Partial<Draft>, Record<string, unknown>]>([
    ['unrelated keys stay, nested objects stay nested', { a: 1, b: { c: [1, 2] } }, {}, { a: 1, b: { c: [1, 2] } }],
    ['upper-case keys match', { HOST: 'x', Level: 'ERROR' }, { host: 'x', level: 3 }, {}],
    ['first alias wins, others stay', { host: 'a', hostname: 'b' }, { host: 'a' }, { hostname: 'b' }],
    ['a value unfit for the best alias falls to the next', { timestamp: 'garbage', time: '2024-01-01T12:00:00Z' }, { ts: T }, { timestamp: 'garbage' }],
    ['unparseable timestamp stays under its key', { timestamp: 'soon' }, { ts: null }, { timestamp: 'soon' }],
    ['absurd but parseable timestamp is consumed (normalizer re-files it)', { ts: 5 }, { ts: 5000, tsOriginal: 5 }, {}],
    ['unknown level stays', { level: 'loud' }, { level: null }, { level: 'loud' }],
    ['non-string message stays', { message: { nested: true } }, { message: null }, { message: { nested: true } }],
    ['metric strings become numbers', { cpu: '93.5', mem_pct: '90 %' }, { metrics: { cpu_pct: 93.5, mem_pct: 90 } }, {}],
    ['non-numeric metric stays', { cpu: 'high' }, { metrics: {} }, { cpu: 'high' }],
    ['metrics are not clamped', { cpu: 250 }, { metrics: { cpu_pct: 250 } }, {}],
    ['invalid IP stays', { src_ip: 'not-an-ip' }, { src_ip: null }, { src_ip: 'not-an-ip' }],
    ['port out of range stays', { dst_port: 70000 }, { dst_port: null }, { dst_port: 70000 }],
    ['negative pid stays', { pid: -1 }, { pid: null }, { pid: -1 }],
    ['padded user is set trimmed but kept', { user: ' bob ' }, { user: 'bob' }, { user: ' bob ' }],
    ['non-hex hash stays', { hash: 'xyz' }, { file_hash: null }, { hash: 'xyz' }],
    ['partially consumed container keeps the rest', { memory_usage: { used: 1, free: 2 } }, { metrics: { mem_used: 1 } }, { memory_usage: { free: 2 } }],
    ['emptied containers are removed up the chain', { file: { hash: { sha256: 'a'.repeat(64) } } }, { file_hash: 'a'.repeat(64) }, {}],
    ['literal dotted keys', { 'host.name': 'h', 'process.pid': '7' }, { host: 'h', pid: 7 }, {}],
    ['host object with other keys', { host: { name: 'h', os: 'linux' } }, { host: 'h' }, { host: { os: 'linux' } }],
    ['tags: non-string elements keep the array', { tags: ['a', 1, 'a', ' '] }, { tags: ['a'] }, { tags: ['a', 1, 'a', ' '] }],
    ['tags of another type stay', { tags: 5 }, { tags: [] }, { tags: 5 }],
    ['__proto__ keys are plain data', JSON.parse('{"__proto__":{"host":"x"}}'), { host: null }, JSON.parse('{"__proto__":{"host":"x"}}')],
  ])('%s', (_name, record, expected, attributes) => {
    const d = map(record);
    expect(d).toMatchObject(expected);
    expect(d.attributes).toEqual(attributes);
    expect(Object.getPrototypeOf(d.attributes)).toBe(Object.prototype);
  });
});

describe('mapRecord: threats', () => {
  test.each<[string, unknown, Draft['threats'], boolean]>([
    ['seed shape', [{ name: 'x', severity: 'HIGH', tags: ['malware'] }], [{ name: 'x', severity: 'HIGH', tags: ['malware'], origin: 'message' }], true],
    ['severity any case', [{ name: 'x', severity: 'critical' }], [{ name: 'x', severity: 'CRITICAL', tags: [], origin: 'message' }], true],
    ['numeric severity, CEF scale', [{ name: 'x', severity: 7 }], [{ name: 'x', severity: 'HIGH', tags: [], origin: 'message' }], true],
    ['missing severity → MEDIUM', [{ name: 'x' }], [{ name: 'x', severity: 'MEDIUM', tags: [], origin: 'message' }], true],
    ['unknown severity → MEDIUM, original kept', [{ name: 'x', severity: 'meh' }], [{ name: 'x', severity: 'MEDIUM', tags: [], origin: 'message' }], false],
    ['no name → from tags', [{ severity: 'LOW', tags: ['malware', 'c2'] }], [{ name: 'malware,c2', severity: 'LOW', tags: ['malware', 'c2'], origin: 'message' }], true],
    ['no name, no tags → unnamed', [{}], [{ name: 'unnamed', severity: 'MEDIUM', tags: [], origin: 'message' }], true],
    ['plain strings', ['worm'], [{ name: 'worm', severity: 'MEDIUM', tags: [], origin: 'message' }], true],
    ['one object instead of an array', { name: 'x', severity: 'LOW' }, [{ name: 'x', severity: 'LOW', tags: [], origin: 'message' }], true],
    ['extra keys keep the original', [{ name: 'x', ioc: '1.2.3.4' }], [{ name: 'x', severity: 'MEDIUM', tags: [], origin: 'message' }], false],
    ['non-object elements are skipped but kept', [5, null, { name: 'y' }], [{ name: 'y', severity: 'MEDIUM', tags: [], origin: 'message' }], false],
    ['empty array', [], [], true],
  ])('%s', (_name, threats, expected, consumed) => {
    const d = map({ threats });
    expect(d.threats).toEqual(expected);
    expect(d.attributes).toEqual(consumed ? {} : { threats });
  });

  test('a non-list threats value stays in attributes', () => {
    expect(map({ threats: 'many' })).toMatchObject({ threats: [], attributes: { threats: 'many' } });
  });
});

test.each([
  ['d41d8cd98f00b204e9800998ecf8427e', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  [`sha256:${'AB'.repeat(32)}`, 'ab'.repeat(32)],
  [`SHA256=${'ab'.repeat(32)}`, 'ab'.repeat(32)],
  ['abc', null],
  ['g'.repeat(32), null],
  ['a'.repeat(33), null],
])('normalizeHash(%j) = %j', (h, out) => {
  expect(normalizeHash(h)).toBe(out);
});

test.each([
  ['1', true], ['-1.5', true], ['.5', true], ['1e9', true], ['2.5E-3', true],
  ['', false], ['-', false], ['1e', false], ['0x10', false], ['1,5', false], ['Infinity', false], [' 1', false],
])('isDecimal(%j) = %s', (s, ok) => {
  expect(isDecimal(s)).toBe(ok);
});

test('addTags dedupes against what is there', () => {
  const into = ['a'];
  expect(addTags(['a', 'b', 'b'], into)).toBe(true);
  expect(into).toEqual(['a', 'b']);
});

/** `a.b.c` → {a: {b: {c: value}}}; plain keys → {key: value}. */
function nested(path: string, value: unknown): Record<string, unknown> {
  const parts = path.split('.');
  let out: unknown = value;
  for (let i = parts.length - 1; i >= 0; i--) out = { [parts[i]!]: out };
  return out as Record<string, unknown>;
}
