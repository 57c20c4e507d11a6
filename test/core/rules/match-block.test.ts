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

describe('match blocks: combinators', () => {
  test.each<[string, unknown, boolean]>([
    ['keys are ANDed', { process: 'sshd', user: 'root' }, true],
    ['keys are ANDed, one fails', { process: 'sshd', user: 'admin' }, false],
    ['any', { any: [{ process: 'cron' }, { user: 'root' }] }, true],
    ['any, none', { any: [{ process: 'cron' }, { user: 'admin' }] }, false],
    ['all', { all: [{ process: 'sshd' }, { dst_port: 22 }] }, true],
    ['all, one fails', { all: [{ process: 'sshd' }, { dst_port: 23 }] }, false],
    ['not', { not: { process: 'cron' } }, true],
    ['not, negated', { not: { process: 'sshd' } }, false],
    ['not of a missing field', { not: { domain: 'x' } }, true],
    ['nested', { any: [{ not: { process: 'sshd' } }, { all: [{ user: 'root' }, { not: { dst_port: 23 } }] }] }, true],
    ['fields with combinators', { process: 'sshd', not: { user: 'root' } }, false],
    ['intel match', { 'threats.origin': 'intel', 'threats.list': 'bad-ips' }, true],
  ])('%s', (_name, block, want) => {
    expect(matches(block, sshd)).toBe(want);
  });

  test('an event with parse_error and nothing but text can still match', () => {
    const bad = ev({ host: null, message: 'garbage \x00 mimikatz', parse_error: 'invalid JSON', format: 'text' });
    expect(matches({ message: { contains: 'mimikatz' } }, bad)).toBe(true);
    expect(matches({ cpu_pct: { gt: 0 } }, bad)).toBe(false);
  });
});

describe('match blocks: what they report', () => {
  test('positive fields, threats use and lists used', () => {
    const { b, usedLists } = compile({ process: { list: 'malicious-processes' }, not: { user: 'x' }, 'threats.origin': 'intel', domain: { exists: false } });
    expect(b!.fields).toEqual(['process', 'threats.origin']);
    expect(b!.threats).toBe(true);
    expect([...usedLists]).toEqual(['malicious-processes']);
  });

  test('a list named by path resolves to the lists folder name', () => {
    const { b, problems } = compile({ process: { in: { list: 'lists/malicious-processes.txt' } } });
    expect(problems).toEqual([]);
    expect(b!.test(ev({ process: 'LAZAGNE' }), -1)).toBe(true);
  });

  test('an empty list matches nothing', () => {
    expect(matches({ process: { list: 'empty' } }, sshd)).toBe(false);
  });
});

describe('match blocks: mistakes', () => {
  test.each<[string, unknown, string[]]>([
    ['not a map', 'process', ['match: expected a match block (a map of field: condition), got "process"']],
    ['empty block', {}, ['match: empty match block: name at least one field or any/all/not']],
    ['unknown operator', { process: { equal: 'x' } }, ['match.process: unknown operator "equal" (did you mean "equals"?)', 'match.process: name an operator: equals, in, list, contains, startswith, endswith, regex, cidr, exists, gt, gte, lt, lte, some']],
    ['typo in a field', { proces: 'x' }, ['match.proces: unknown field "proces" (did you mean "process"? write attributes.proces for a message field of that name)']],
    ['separator typo in a field', { 'src-ip': '1.2.3.4' }, ['match.src-ip: unknown field "src-ip" (did you mean "src_ip"? write attributes.src-ip for a message field of that name)']],
    ['bad path', { 'a..b': 1 }, ['match.a..b: "a..b" is not a field path (write e.g. process, attributes.EventID, threats.name)']],
    ['null value', { process: null }, ['match.process.equals: null is not a value to compare with; to test for a missing field write exists: false']],
    ['object value', { process: { in: [{ a: 1 }] } }, ['match.process.in: expected text or a number, got {"a":1}']],
    ['empty in', { process: [] }, ['match.process.in: in needs at least one value']],
    ['unknown list', { process: { list: 'nope' } }, ['match.process.list: unknown list "nope": put one entry per line in lists/nope.txt in the rules folder']],
    ['list without a name', { process: { in: { list: 3 } } }, ['match.process.in.list: expected the name of a list file']],
    ['in with a bad map', { process: { in: { file: 'x' } } }, ['match.process.in: in takes a value, a list of values or { list: NAME }, got {"file":"x"}']],
    ['bad regex', { message: { regex: 'a(' } }, ['match.message.regex: invalid regular expression "a(": Invalid regular expression: /a(/i: Unterminated group']],
    ['bad cidr', { src_ip: { cidr: '300.0.0.0/8' } }, ['match.src_ip.cidr: "300.0.0.0/8" is not an IP address or CIDR range']],
    ['bad exists', { src_ip: { exists: 'yes' } }, ['match.src_ip.exists: must be true or false']],
    ['bad cased', { src_ip: { equals: 'x', cased: 1 } }, ['match.src_ip.cased: must be true or false']],
    ['bad number', { cpu_pct: { gt: 'lots' } }, ['match.cpu_pct.gt: expected a number (units allowed: 90%, 50MB/s, 1.5GB, 500ms), got "lots"']],
    ['any not a list', { any: { process: 'x' } }, ['match.any: any takes a non-empty list of match blocks']],
    ['empty all', { all: [] }, ['match.all: all takes a non-empty list of match blocks']],
    ['not with a list', { not: [{ process: 'x' }] }, ['match.not: not takes one block; to negate several, write not: { any: [...] } or not: { all: [...] }']],
    ['nested mistakes are all reported', { any: [{ proces: 'x' }, { user: { regex: '(' } }] }, ['match.any[0].proces: unknown field "proces" (did you mean "process"? write attributes.proces for a message field of that name)', 'match.any[1].user.regex: invalid regular expression "(": Invalid regular expression: /(/i: Unterminated group']],
    ['mistakes inside some', { threats: { some: { severity: { gte: 'x' } } } }, ['match.threats.some.severity.gte: expected a number (units allowed: 90%, 50MB/s, 1.5GB, 500ms), got "x"']],
  ])('%s', (_name, block, want) => {
    const { b, problems } = compile(block);
    expect(b).toBeNull();
    expect(problems).toEqual(want);
  });

  test('fields nested in some are not checked against event fields', () => {
    expect(compile({ threats: { some: { severty: 'HIGH' } } }).problems).toEqual([]);
  });
});

describe('match blocks: guards (which fields an event needs to possibly match)', () => {
  test.each<[string, unknown, string[][]]>([
    ['one field', { process: { regex: 'x' } }, [['process']]],
    ['substrings guard by substring', { process: { contains: 'x' } }, [['~process']]],
    ['startswith and endswith too', { process: { startswith: 'x', endswith: 'y' } }, [['~process']]],
    ['an equality beats a substring', { process: { equals: 'x', contains: 'y' } }, [['=process']]],
    ['equality guards by value', { process: 'x' }, [['=process']]],
    ['in and list too', { user: ['a', 'b'], src_ip: { list: 'bad-ips' } }, [['=user'], ['=src_ip']]],
    ['fields are alternatives', { process: { contains: 'x' }, user: { regex: 'y' } }, [['~process'], ['user']]],
    ['exists: false needs nothing', { process: { exists: false } }, []],
    ['exists: true needs the field', { process: { exists: true } }, [['process']]],
    ['not needs nothing', { not: { process: 'x' } }, []],
    ['any needs one of its parts', { any: [{ process: 'x' }, { user: { contains: 'y' } }] }, [['=process', '~user']]],
    ['any with an unguarded part needs nothing', { any: [{ process: 'x' }, { not: { user: 'y' } }] }, []],
    ['all combines', { all: [{ process: 'x' }, { any: [{ user: 'a' }, { domain: 'b' }] }] }, [['=process'], ['=user', '=domain']]],
    ['some needs the list field', { threats: { some: { origin: 'intel' } } }, [['threats']]],
  ])('%s', (_name, block, guard) => {
    const { b, problems } = compile(block);
    expect(problems).toEqual([]);
    expect(b!.guard).toEqual(guard);
  });
});
