/**
 * A time budget for read queries. better-sqlite3 exposes neither sqlite3_progress_handler nor
 * sqlite3_interrupt (WiseLibs/better-sqlite3#707), so the budget is a JS SQL function placed
 * first in a WHERE clause: SQLite calls it for every row the scan visits, and it throws
 * QUERY_TIMEOUT once the deadline has passed. The clock is read every CHECK_EVERY calls.
 *
 * What it cannot stop: work SQLite does before the first row reaches the WHERE clause, e.g.
 * FTS5 merging the doclists of a very broad prefix (`a*`). The FTS subquery gets the same
 * guard per matched row, so only the merge itself is unbounded.
 */
import { LogaggError } from '../errors.js';
import { sqlOf } from './connection.js';
import type { Store } from './store.js';

export const BUDGET_FN = 'logagg_budget';
const CHECK_EVERY = 64;

export class QueryBudget {
  private deadline = Infinity;
  private budgetMs = 0;
  private calls = 0;

  private check(): number {
    if (++this.calls % CHECK_EVERY === 0 && performance.now() > this.deadline) {
      throw new LogaggError('QUERY_TIMEOUT', `the query took longer than its ${this.budgetMs} ms budget; narrow the time range or the filters`, {
        details: { budgetMs: this.budgetMs },
        canRetry: true,
      });
    }
    return 1;
  }

  /** Runs fn with the deadline armed; fn's SQL must call BUDGET_FN() to be bounded. */
  run<T>(budgetMs: number, fn: () => T): T {
    this.budgetMs = budgetMs;
    this.deadline = performance.now() + budgetMs;
    this.calls = 0;
    try {
      return fn();
    } finally {
      this.deadline = Infinity;
    }
  }

  private static readonly perStore = new WeakMap<Store, QueryBudget>();

  /** The budget of a connection; registers the SQL function on first use. */
  static of(store: Store): QueryBudget {
    let b = QueryBudget.perStore.get(store);
    if (!b) {
      const budget = new QueryBudget();
      sqlOf(store).db.defineFunction(BUDGET_FN, () => budget.check());
      QueryBudget.perStore.set(store, budget);
      b = budget;
    }
    return b;
  }
}
