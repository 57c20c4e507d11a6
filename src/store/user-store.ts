/**
 * Local accounts and the sign-in audit (tables users and login_audit, migration 8). Changes are
 * short transactions on the writer connection, safe beside a running `serve`; reads work on a
 * read-only one. Every value is a bound parameter.
 */
import type { Account, AccountInfo } from '../auth/account.js';
import type { ReadRole } from '../auth/roles.js';
import { sqlOf } from './connection.js';
import { toStoreError } from './sqlite.js';
import type { Store } from './store.js';

interface UserRow {
  name: string;
  role: string;
  hosts: string | null;
  pw_hash: string;
  created_at: number;
  updated_at: number;
  disabled: number;
}

const COLUMNS = 'name, role, hosts, pw_hash, created_at, updated_at, disabled';

function toAccount(r: UserRow): Account {
  let hosts: string[] | null = null;
  if (r.hosts !== null) {
    try {
      const parsed = JSON.parse(r.hosts) as unknown;
      hosts = Array.isArray(parsed) ? parsed.filter((h): h is string => typeof h === 'string') : [];
    } catch {
      // written by this module as JSON; a damaged scope permits nothing rather than everything
      hosts = [];
    }
  }
  return { name: r.name, role: r.role as ReadRole, hosts, pw_hash: r.pw_hash, created_at: r.created_at, updated_at: r.updated_at, disabled: r.disabled !== 0 };
}

export interface NewAccount {
  name: string;
  role: ReadRole;
  hosts: string[] | null;
  pw_hash: string;
}

/** Adds an account; false when the name is taken. */
export function addUser(store: Store, a: NewAccount, now: number): boolean {
  try {
    const r = sqlOf(store)
      .statement('INSERT INTO users (name, role, hosts, pw_hash, created_at, updated_at, disabled) VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT (name) DO NOTHING')
      .run(a.name, a.role, a.hosts === null ? null : JSON.stringify(a.hosts), a.pw_hash, now, now);
    return r.changes === 1;
  } catch (e) {
    throw toStoreError(e, `adding user ${a.name}`);
  }
}

export function getUser(store: Store, name: string): Account | null {
  const r = sqlOf(store).statement(`SELECT ${COLUMNS} FROM users WHERE name = ?`).get(name) as UserRow | undefined;
  return r === undefined ? null : toAccount(r);
}

/**
 * Sets a new password hash; updated_at moves on, which ends the sessions signed in before
 * (their tokens carry the updated_at they were issued under). False when there is no such user.
 */
export function setUserPassword(store: Store, name: string, pwHash: string, now: number): boolean {
  const c = sqlOf(store);
  try {
    return c.db.immediateTransaction(() => {
      const current = c.statement('SELECT updated_at FROM users WHERE name = ?').pluck().get(name) as number | undefined;
      if (current === undefined) return false;
      // strictly later, so a session issued in the same millisecond still ends
      c.statement('UPDATE users SET pw_hash = ?, updated_at = ? WHERE name = ?').run(pwHash, Math.max(now, current + 1), name);
      return true;
    });
  } catch (e) {
    throw toStoreError(e, `changing the password of ${name}`);
  }
}

export function deleteUser(store: Store, name: string): boolean {
  try {
    return sqlOf(store).statement('DELETE FROM users WHERE name = ?').run(name).changes === 1;
  } catch (e) {
    throw toStoreError(e, `deleting user ${name}`);
  }
}

/** Every account by name, without the hashes. */
export function listUsers(store: Store): AccountInfo[] {
  return (sqlOf(store).statement(`SELECT ${COLUMNS} FROM users ORDER BY name`).all() as UserRow[]).map((r) => {
    const { pw_hash: _omit, ...info } = toAccount(r);
    return info;
  });
}

export const LOGIN_OUTCOMES = ['success', 'failure', 'locked'] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];

export interface LoginAttempt {
  ts: number;
  /** As typed (truncated by the caller); the account need not exist. */
  name: string;
  peer: string;
  outcome: LoginOutcome;
  /** Why it failed; null on success. */
  reason: string | null;
}

export function recordLoginAttempt(store: Store, a: LoginAttempt): void {
  try {
    sqlOf(store).statement('INSERT INTO login_audit (ts, name, peer, outcome, reason) VALUES (?, ?, ?, ?, ?)').run(a.ts, a.name, a.peer, a.outcome, a.reason);
  } catch (e) {
    throw toStoreError(e, 'recording a sign-in attempt');
  }
}

/** The latest sign-in attempts, newest first. */
export function recentLoginAttempts(store: Store, limit: number): LoginAttempt[] {
  return sqlOf(store).statement('SELECT ts, name, peer, outcome, reason FROM login_audit ORDER BY id DESC LIMIT ?').all(limit) as LoginAttempt[];
}
