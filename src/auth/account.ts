/**
 * Local accounts (the web console's sign-in, `logagg user`): what a valid name, role, host scope
 * and password are. Pure; the store keeps accounts (src/store/user-store.ts), the API signs them in.
 */
import type { ReadRole } from './roles.js';

export const ACCOUNT_ROLES = ['viewer', 'analyst', 'admin'] as const satisfies readonly ReadRole[];

/** Letters, digits and . _ @ - ; starts with a letter or digit; 1–64 characters. */
export const USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const MIN_PASSWORD = 12;
/** scrypt takes any length; a bound keeps a request from costing more than a sign-in should. */
export const MAX_PASSWORD = 1024;
const MAX_HOSTS = 100;
const HOST_PATTERN = /^[A-Za-z0-9*._:-]{1,256}$/;

export interface Account {
  name: string;
  role: ReadRole;
  /** Host names or `*` patterns; null = every host. */
  hosts: string[] | null;
  pw_hash: string;
  created_at: number;
  updated_at: number;
  disabled: boolean;
}

/** What `user list` shows: never the hash. */
export type AccountInfo = Omit<Account, 'pw_hash'>;

export type Check<T> = { ok: true; value: T } | { ok: false; reason: string };

export function checkUserName(name: string): Check<string> {
  return USER_NAME_PATTERN.test(name)
    ? { ok: true, value: name }
    : { ok: false, reason: 'a user name is 1–64 letters, digits and . _ @ -, starting with a letter or digit' };
}

export function checkRole(role: string): Check<ReadRole> {
  const r = role.trim().toLowerCase();
  return (ACCOUNT_ROLES as readonly string[]).includes(r) ? { ok: true, value: r as ReadRole } : { ok: false, reason: `the role must be one of ${ACCOUNT_ROLES.join(', ')}` };
}

/** A comma-separated host scope ("web-*,db1") as a list, lower-cased; undefined/empty input = every host. */
export function checkHosts(text: string | undefined): Check<string[] | null> {
  if (text === undefined) return { ok: true, value: null };
  const list = text
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  if (list.length === 0) return { ok: false, reason: 'give at least one host or pattern, e.g. web-*,db1 (leave the option out for every host)' };
  if (list.length > MAX_HOSTS) return { ok: false, reason: `at most ${MAX_HOSTS} hosts or patterns` };
  const bad = list.find((h) => !HOST_PATTERN.test(h));
  if (bad !== undefined) return { ok: false, reason: `${JSON.stringify(bad)} is not a host name or pattern (letters, digits, . _ : - and *)` };
  return { ok: true, value: [...new Set(list)] };
}

/** The password policy: a length, nothing else (NIST SP 800-63B §5.1.1: length over composition rules). */
export function checkPassword(password: string): Check<string> {
  const length = [...password].length;
  if (length < MIN_PASSWORD) return { ok: false, reason: `the password must be at least ${MIN_PASSWORD} characters` };
  if (password.length > MAX_PASSWORD) return { ok: false, reason: `the password must be at most ${MAX_PASSWORD} characters` };
  return { ok: true, value: password };
}
