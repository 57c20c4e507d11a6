import { describe, expect, test } from 'vitest';
import { checkHosts, checkPassword, checkRole, checkUserName } from '../../src/auth/account.js';

describe('account checks', () => {
  test.each([
    ['', false],
    ['.alice', false],
    ['a b', false],
    ['a'.repeat(65), false],
    ['al/ice', false],
    ['a', true],
    ['alice.smith@example.com', true],
    ['ops_2-b', true],
    ['a'.repeat(64), true],
  ])('user name %j: %s', (name, ok) => {
    expect(checkUserName(name).ok).toBe(ok);
  });

  test.each([
    ['viewer', 'viewer'],
    [' Admin ', 'admin'],
    ['ingest', null],
    ['root', null],
  ])('role %j → %j', (role, want) => {
    const r = checkRole(role);
    expect(r.ok ? r.value : null).toBe(want);
  });

  test.each([
    [undefined, null],
    ['Web-*, db1,web-*', ['web-*', 'db1']],
    ['', 'error'],
    [' , ', 'error'],
    ['web 1', 'error'],
    ['<script>', 'error'],
  ])('hosts %j → %j', (text, want) => {
    const r = checkHosts(text);
    expect(r.ok ? r.value : 'error').toEqual(want);
  });

  test.each([
    ['a'.repeat(11), false],
    ['a'.repeat(12), true],
    // characters, not UTF-16 units: 11 emoji are 22 units but 11 characters
    ['\u{1F600}'.repeat(11), false],
    ['\u{1F600}'.repeat(12), true],
    ['a'.repeat(1025), false],
  ])('password of %j: %s', (pw, ok) => {
    expect(checkPassword(pw).ok).toBe(ok);
  });
});
