/**
 * Keyset cursors: the (ts, id) of the last row served and the sort order, as base64url JSON.
 * Opaque to clients; validated strictly, so a tampered cursor is a BAD_REQUEST naming `cursor`,
 * never a SQL error or a silently different page.
 */
import { badRequest } from '../errors.js';

export type SortOrder = 'asc' | 'desc';

export interface CursorPosition {
  ts: number;
  id: number;
  order: SortOrder;
}

/** Longest cursor accepted, characters; a real one is about 60. */
const MAX_CURSOR = 200;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(c: CursorPosition): string {
  return Buffer.from(JSON.stringify({ ts: c.ts, id: c.id, o: c.order }), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor for the same sort order; BAD_REQUEST otherwise. */
export function decodeCursor(cursor: unknown, order: SortOrder): CursorPosition {
  const bad = (why: string) => badRequest('cursor', `${why}; use the next_cursor of a previous answer unchanged`);
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR || !BASE64URL.test(cursor)) {
    throw bad('not a cursor');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad('not a cursor');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('not a cursor');
  const keys = Object.keys(parsed).sort().join(',');
  if (keys !== 'id,o,ts') throw bad('not a cursor');
  const { ts, id, o } = parsed as Record<string, unknown>;
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts)) throw bad('not a cursor');
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) throw bad('not a cursor');
  if (o !== 'asc' && o !== 'desc') throw bad('not a cursor');
  // Canonical form only: re-encoding must give back the same text (no padding, no extra bytes).
  if (encodeCursor({ ts, id, order: o }) !== cursor) throw bad('not a cursor');
  if (o !== order) throw bad(`made for order=${o}, not order=${order}`);
  return { ts, id, order: o };
}
