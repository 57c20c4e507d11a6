/**
 * Following new rows by id, for live streams (GET /api/v1/stream, `tail`). With one writer and
 * AUTOINCREMENT ids, a reader that has seen id N has seen every committed row below N, so
 * "id > last seen" never skips or repeats a row. Both queries walk the rowid b-tree from the
 * given id, so their cost does not grow with the table.
 */
import type { StoredEvent } from '../core/event.js';
import { badRequest } from '../errors.js';
import { ftsInputError } from './fts-query.js';
import { sqlOf } from './connection.js';
import { compileFilter, type LogFilter } from './log-filter.js';
import { blockReaderOf, LOG_ROW_SELECT, type LogRowV2 } from './block-reader.js';
import { BUDGET_FN, QueryBudget } from './query-budget.js';
import { toStoreError } from './sqlite.js';
import type { Store } from './store.js';

/** The highest log id stored; 0 when there is none. */
export function maxLogId(store: Store): number {
  try {
    return Number(sqlOf(store).statement('SELECT coalesce(max(id), 0) FROM logs').pluck().get());
  } catch (e) {
    throw toStoreError(e, 'reading the newest log id');
  }
}

/**
 * Up to `limit` events with id > afterId matching the filter, oldest id first. Stopped with
 * QUERY_TIMEOUT after budgetMs when given.
 */
export function logsAfter(store: Store, filter: LogFilter, afterId: number, limit: number, budgetMs?: number): StoredEvent[] {
  if (!Number.isSafeInteger(afterId) || afterId < 0) throw badRequest('afterId', 'must be a non-negative integer');
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw badRequest('limit', 'must be an integer 1 … 10000');
  const budgeted = budgetMs !== undefined;
  const f = compileFilter(filter, { budgetFn: budgeted ? BUDGET_FN : null });
  const where = ['id > ?', ...(budgeted ? [`${BUDGET_FN}()`] : []), ...f.conditions].join(' AND ');
  const sql = `SELECT ${LOG_ROW_SELECT} FROM logs WHERE ${where} ORDER BY id LIMIT ?`;
  const c = sqlOf(store);
  const run = () => blockReaderOf(c).materialize(c.statement(sql).all(afterId, ...f.params, limit) as LogRowV2[]);
  try {
    return budgeted ? QueryBudget.of(store).run(budgetMs, run) : run();
  } catch (e) {
    throw ftsInputError(e) ?? toStoreError(e, 'following logs');
  }
}
