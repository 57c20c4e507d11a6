// The operators of match blocks (src/core/rules/match-ops.ts), through compileMatchBlock.
import { describe, expect, test } from 'vitest';
import type { NormalizedEvent } from '../../../src/core/event.js';
import { compileMatchBlock } from '../../../src/core/rules/match-block.js';
import { Problems } from '../../../src/core/rules/problems.js';
import { BatchCache } from '../../../src/core/rules/batch-cache.js';
import { ev } from './event-fixture.js';

const LISTS = {
  'malicious-processes': ['mimikatz.exe', 'LaZagne'],
  'bad-ips': ['192.0.2.0/24', '2001:db8::/32'],
  empty: [],
};

function compile(block: unknown) {
  const problems = new Problems();
  const usedLists = new Set<string>();
  const b = compileMatchBlock(block, 'match', { lists: new Map(Object.entries(LISTS)), cache: new BatchCache(), problems, usedLists });
  return { b, problems: problems.list, usedLists };
}

function matches(block: unknown, event: NormalizedEvent): boolean {
  const { b, problems } = compile(block);
  expect(problems).toEqual([]);
  // Both through the batch cache (position 0) and without it (-1).
  const cached = b!.test(event, 0);
  expect(b!.test(event, -1)).toBe(cached);
  return cached;
}

const sshd = ev({
  process: 'sshd',
  user: 'Root',
  message: 'Failed password for invalid user Admin from 192.0.2.10 port 22',
  src_ip: '192.0.2.10',
  dst_port: 22,
  level: 4,
  tags: ['auth', 'Prod'],
  threats: [
    { name: 'Brute', severity: 'HIGH', tags: ['ssh'], origin: 'message' },
    { name: 'bad-ip', severity: 'LOW', tags: [], origin: 'intel', list: 'bad-ips', indicator: '192.0.2.10' },
  ],
  attributes: { EventID: 4625, outcome: 'failure', nested: { port: '8080', list: [1, 2, 3] }, flag: true, empty: '' },
  metrics: { cpu_pct: 91.5 },
});

describe('match blocks: operators', () => {
  test.each<[string, unknown, boolean]>([
    // equals
    ['equals, case-insensitive', { process: 'SSHD' }, true],
    ['equals, other value', { process: 'ssh' }, false],
    ['equals cased', { user: { equals: 'root', cased: true } }, false],
    ['equals cased exact', { user: { equals: 'Root', cased: true } }, true],
    ['equals number vs number', { dst_port: 22 }, true],
    ['equals number vs numeric text', { 'attributes.nested.port': 8080 }, true],
    ['equals text vs number', { dst_port: '22' }, true],
    ['equals boolean', { 'attributes.flag': true }, true],
    ['equals empty text', { 'attributes.empty': '' }, true],
    ['equals missing field', { domain: 'x' }, false],
    ['equals metric shortcut', { cpu_pct: 91.5 }, true],
    ['equals on a list field (any element)', { tags: 'prod' }, true],
    ['equals through an array path', { 'threats.origin': 'intel' }, true],
    ['unknown top-level name reads attributes', { EventID: 4625 }, true],
    // in
    ['in list', { user: ['admin', 'root'] }, true],
    ['in list, none', { user: ['admin', 'guest'] }, false],
    ['in explicit', { process: { in: ['cron', 'sshd'] } }, true],
    ['in list file', { process: { in: { list: 'malicious-processes' } } }, false],
    ['list shorthand', { 'threats.list': { list: 'malicious-processes' } }, false],
    ['in numbers', { 'attributes.nested.list': [3, 4] }, true],
    // substrings
    ['contains', { message: { contains: 'invalid user' } }, true],
    ['contains, any needle', { message: { contains: ['nope', 'FAILED PASSWORD'] } }, true],
    ['contains cased', { message: { contains: 'failed', cased: true } }, false],
    ['startswith', { message: { startswith: 'failed pass' } }, true],
    ['startswith, not at start', { message: { startswith: 'password' } }, false],
    ['endswith', { message: { endswith: 'PORT 22' } }, true],
    ['endswith cased', { message: { endswith: 'PORT 22', cased: true } }, false],
    ['contains on numbers', { dst_port: { contains: '2' } }, true],
    // regex
    ['regex', { message: { regex: 'user \\w+ from' } }, true],
    ['regex, case-insensitive by default', { message: { regex: '^failed' } }, true],
    ['regex cased', { message: { regex: '^failed', cased: true } }, false],
    ['regex, any', { message: { regex: ['^x', 'port \\d+$'] } }, true],
    // cidr
    ['cidr', { src_ip: { cidr: '192.0.2.0/24' } }, true],
    ['cidr list', { src_ip: { cidr: ['10.0.0.0/8', '198.51.100.0/24'] } }, false],
    ['cidr list file', { src_ip: { cidr: { list: 'bad-ips' } } }, true],
    ['cidr on a non-address', { message: { cidr: '0.0.0.0/0' } }, false],
    ['cidr on a missing field', { dst_ip: { cidr: '0.0.0.0/0' } }, false],
    // exists
    ['exists', { src_ip: { exists: true } }, true],
    ['exists false on present', { src_ip: { exists: false } }, false],
    ['exists false on missing', { dst_ip: { exists: false } }, true],
    ['exists on empty text', { 'attributes.empty': { exists: true } }, true],
    ['exists on empty list', { 'attributes.none': { exists: true } }, false],
    // comparisons
    ['gt', { cpu_pct: { gt: 90 } }, true],
    ['gt with unit', { cpu_pct: { gt: '90%' } }, true],
    ['gt boundary', { cpu_pct: { gt: 91.5 } }, false],
    ['gte boundary', { cpu_pct: { gte: 91.5 } }, true],
    ['lt', { level: { lt: 5 } }, true],
    ['lte boundary', { level: { lte: 4 } }, true],
    ['gt on numeric text', { 'attributes.nested.port': { gt: 8000 } }, true],
    ['gt on text', { message: { gt: 1 } }, false],
    ['range, ANDed', { cpu_pct: { gt: 90, lt: 95 } }, true],
    ['range, outside', { cpu_pct: { gt: 92, lt: 95 } }, false],
    // some
    ['some: one element meets all', { threats: { some: { origin: 'message', severity: ['HIGH', 'CRITICAL'] } } }, true],
    ['some: conditions split over elements', { threats: { some: { origin: 'intel', severity: 'HIGH' } } }, false],
    ['some: nested ops', { threats: { some: { name: { startswith: 'bru' }, tags: 'ssh' } } }, true],
    ['some: not', { threats: { some: { not: { origin: 'message' } } } }, true],
    ['some on scalars', { tags: { some: { x: 1 } } }, false],
  ])('%s', (_name, block, want) => {
    expect(matches(block, sshd)).toBe(want);
  });
});

