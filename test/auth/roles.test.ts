import { describe, expect, test } from 'vitest';
import { hasRole, highestRole, hostInScope, parseHostsClaim, parseRolesClaim, type Principal, type Role } from '../../src/auth/roles.js';

const p = (roles: Role[]): Principal => ({ subject: 's', roles: new Set(roles), hostScope: undefined, tokenId: 't' });

describe('role hierarchy', () => {
  test.each<[Role[], 'viewer' | 'analyst' | 'admin' | 'ingest', boolean]>([
    [[], 'viewer', false],
    [['viewer'], 'viewer', true],
    [['viewer'], 'analyst', false],
    [['analyst'], 'viewer', true],
    [['analyst'], 'admin', false],
    [['admin'], 'analyst', true],
    [['ingest'], 'viewer', false],
    [['admin'], 'ingest', false],
    [['ingest'], 'ingest', true],
    [['viewer', 'admin'], 'admin', true],
  ])('%j needs %s -> %s', (roles, needed, want) => expect(hasRole(p(roles), needed)).toBe(want));

  test('highest role', () => {
    expect(highestRole(p(['viewer', 'admin', 'ingest']))).toBe('admin');
    expect(highestRole(p(['ingest']))).toBeNull();
  });
});

describe('claims', () => {
  test.each<[unknown, Role[] | 'error']>([
    [undefined, []],
    ['viewer', ['viewer']],
    [' Admin ', ['admin']],
    [['viewer', 'root', 'analyst'], ['viewer', 'analyst']],
    [[], []],
    [7, 'error'],
    [['viewer', 1], 'error'],
    [{ role: 'admin' }, 'error'],
    [null, 'error'],
  ])('roles %j', (v, want) => {
    const r = parseRolesClaim(v, 'roles');
    if (want === 'error') expect(r.ok).toBe(false);
    else expect(r.ok && [...r.value]).toEqual(want);
  });

  test.each<[unknown, string[] | undefined | 'error']>([
    [undefined, undefined],
    [null, undefined],
    ['WEB-*', ['web-*']],
    [['a', ' B '], ['a', 'b']],
    [[], []],
    [[''], 'error'],
    [['a', 3], 'error'],
    [Array.from({ length: 101 }, () => 'h'), 'error'],
    [['x'.repeat(257)], 'error'],
    [{}, 'error'],
  ])('hosts %j', (v, want) => {
    const r = parseHostsClaim(v, 'hosts');
    if (want === 'error') expect(r.ok).toBe(false);
    else expect(r.ok && r.value).toEqual(want);
  });
});

describe('hostInScope', () => {
  test.each<[string | null, string[] | undefined, boolean]>([
    ['anything', undefined, true],
    [null, undefined, true],
    [null, ['*'], false],
    ['web-1', [], false],
    ['web-1', ['web-1'], true],
    ['WEB-1', ['web-1'], true],
    ['web-1', ['web-*'], true],
    ['web-', ['web-*'], true],
    ['db-1', ['web-*'], false],
    ['a.b.c', ['a.*'], true],
    ['axb', ['a.b'], false],
    ['web-1x', ['web-?'], false],
    ['(x)', ['(*)'], true],
    ['line\nbreak', ['line*'], true],
  ])('%j in %j -> %s', (host, scope, want) => expect(hostInScope(host, scope)).toBe(want));
});
