/**
 * Keeping silences (table silences, migration 6). Creating and expiring are short transactions
 * on the writer connection; reads work on a read-only one. A silence is never deleted: expiring
 * it early sets ends_at to that moment and records who, so the record of who silenced what and
 * why survives. The alert writer reads the silences not yet over inside the batch's transaction
 * (silencesInForce). Every value is a bound parameter.
 */
import { matchersWithinScope, silenceState, type NewSilence, type Silence, type SilenceMatchers, type SilenceState } from '../core/silence.js';
import { sqlOf, type Statements } from './connection.js';
import { toStoreError } from './sqlite.js';
import type { Store } from './store.js';

/** A row of the silences table: the silence with its matchers as JSON text. */
type SilenceRow = Omit<Silence, 'matchers'> & { matchers: string };

const COLUMNS = 'id, matchers, starts_at, ends_at, created_by, created_at, comment, expired_by, expired_at';
const IN_FORCE = `SELECT ${COLUMNS} FROM silences WHERE ends_at > ? ORDER BY id`;

function toSilence(r: SilenceRow): Silence {
  let matchers: SilenceMatchers = {};
  try {
    matchers = JSON.parse(r.matchers) as SilenceMatchers;
  } catch {
    // written by this module as JSON; a damaged row matches nothing rather than everything
    matchers = { hosts: ['\u0000'] };
  }
  return { ...r, matchers };
}

/** Stores a new silence; returns it with its id. The caller has validated it. */
export function createSilence(store: Store, s: NewSilence, now: number): Silence {
  const c = sqlOf(store);
  try {
    const r = c
      .statement('INSERT INTO silences (matchers, starts_at, ends_at, created_by, created_at, comment) VALUES (?, ?, ?, ?, ?, ?)')
      .run(JSON.stringify(s.matchers), s.starts_at, s.ends_at, s.created_by, now, s.comment);
    return { id: Number(r.lastInsertRowid), ...s, created_at: now, expired_by: null, expired_at: null };
  } catch (e) {
    throw toStoreError(e, 'storing a silence');
  }
}

export function getSilence(store: Store, id: number): Silence | null {
  const r = sqlOf(store).statement(`SELECT ${COLUMNS} FROM silences WHERE id = ?`).get(id) as SilenceRow | undefined;
  return r === undefined ? null : toSilence(r);
}

export interface ExpireResult {
  silence: Silence;
  /** False when it had already ended (nothing changed). */
  changed: boolean;
}

/**
 * Ends a silence now: ends_at becomes `now` (a pending one also starts then, so it is over),
 * and who did it is recorded. Null when absent or, for a host-scoped caller, when the silence
 * reaches outside `hostScope`. Ending one that is already over changes nothing.
 */
export function expireSilence(store: Store, id: number, by: string, now: number, hostScope?: readonly string[]): ExpireResult | null {
  const c = sqlOf(store);
  try {
    return c.db.immediateTransaction(() => {
      const current = getSilence(store, id);
      if (current === null || !matchersWithinScope(current.matchers, hostScope)) return null;
      if (silenceState(current, now) === 'expired') return { silence: current, changed: false };
      c.statement('UPDATE silences SET starts_at = min(starts_at, ?), ends_at = ?, expired_by = ?, expired_at = ? WHERE id = ?').run(now, now, by, now, id);
      return { silence: getSilence(store, id)!, changed: true };
    });
  } catch (e) {
    throw toStoreError(e, `expiring silence ${id}`);
  }
}

export interface SilenceListFilter {
  states?: readonly SilenceState[];
  /** A scoped caller sees only the silences inside its scope (matchersWithinScope). */
  hostScope?: readonly string[];
}

export interface SilencePage {
  /** Newest first (id desc). */
  items: Silence[];
  /** The id to pass as `beforeId` for the next page; null on the last. */
  next_before: number | null;
}

/**
 * Silences newest first. States depend on `now`; the scope check is on the matchers, in JS,
 * so a page is read in chunks until it is full (silences are few: hundreds, not millions).
 */
export function listSilences(store: Store, filter: SilenceListFilter, page: { limit: number; beforeId: number | null }, now: number): SilencePage {
  const st = sqlOf(store).statement(`SELECT ${COLUMNS} FROM silences WHERE id < ? ORDER BY id DESC LIMIT ?`);
  const items: Silence[] = [];
  let before = page.beforeId ?? Number.MAX_SAFE_INTEGER;
  const chunk = Math.max(page.limit, 100);
  for (;;) {
    const rows = st.all(before, chunk) as SilenceRow[];
    for (const r of rows) {
      before = r.id;
      const s = toSilence(r);
      if (filter.states && !filter.states.includes(silenceState(s, now))) continue;
      if (!matchersWithinScope(s.matchers, filter.hostScope)) continue;
      items.push(s);
      if (items.length === page.limit) return { items, next_before: s.id };
    }
    if (rows.length < chunk) return { items, next_before: null };
  }
}

/** The silences not over at `since` (pending ones included), lowest id first: for the alert writer's transaction. */
export function silencesInForce(st: Statements, since: number): Silence[] {
  return (st(IN_FORCE).all(since) as SilenceRow[]).map(toSilence);
}
