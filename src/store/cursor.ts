/**
 * Keyset cursors: the (ts, id) of the last row served, as `<ts>.<id>` in canonical decimal
 * (`1736942400000.12345`). Opaque to clients, but a regular language (CURSOR_PATTERN), so the
 * OpenAPI document states exactly which cursors the server reads: every text the pattern matches
 * is a position, and a position is a valid place to continue from in either sort order (the
 * next page is the rows after it in the order asked for). Anything else is a BAD_REQUEST naming
 * `cursor`, never a SQL error or a silently different page.
 */
import { badRequest } from '../errors.js';

export type SortOrder = 'asc' | 'desc';

export interface CursorPosition {
  ts: number;
  id: number;
  order: SortOrder;
}

/**
 * ts: 0 or ±1–15 digits, or 16 digits from 1 to 8 (every event time up to the year 285,000 and
 * below 2^53); id: 1–15 digits or 16 from 1 to 8; no leading zeros, so one position has one text.
 */
const INT16 = '[1-9][0-9]{0,14}|[1-8][0-9]{15}';
export const CURSOR_PATTERN = `^(?:0|-?(?:${INT16}))\\.(?:${INT16})$`;
const CURSOR = new RegExp(CURSOR_PATTERN);

export function encodeCursor(c: CursorPosition): string {
  return `${c.ts}.${c.id}`;
}

/** The position a cursor names, to be continued in `order`. */
export function decodeCursor(cursor: unknown, order: SortOrder): CursorPosition {
  if (typeof cursor !== 'string' || !CURSOR.test(cursor)) {
    throw badRequest('cursor', 'not a cursor; use the next_cursor of a previous answer unchanged');
  }
  const dot = cursor.indexOf('.');
  return { ts: Number(cursor.slice(0, dot)), id: Number(cursor.slice(dot + 1)), order };
}
