/**
 * Reading logs: by id, filtered pages with keyset pagination on (ts, id), counts and stats.
 *
 * Keyset pagination: a page is "the next `limit` rows after (ts, id) in this order", so rows
 * arriving between two requests neither shift a page (no repeats) nor hide rows that existed
 * when paging started (no skips). A new row appears only if it sorts after the cursor.
 */
import { SEVERITIES, type Severity, type StoredEvent } from '../core/event.js';
import { badRequest } from '../errors.js';
import { sqlOf } from './connection.js';
import { decodeCursor, encodeCursor, type SortOrder } from './cursor.js';
import { blockReaderOf, LOG_ROW_SELECT, type LogRowV2 } from './block-reader.js';
import { ftsPlan } from './fts-text.js';
import { ftsInputError } from './fts-query.js';
import { compileFilter, type LogFilter } from './log-filter.js';
import { BUDGET_FN, QueryBudget } from './query-budget.js';
import { toStoreError } from './sqlite.js';
import type { Store } from './store.js';

export interface QueryOptions {
  /** Rows per page, 1 … MAX_PAGE. */
  limit: number;
  cursor?: string | null;
  order: SortOrder;
  /** Give up with QUERY_TIMEOUT after this long, ms. */
  budgetMs?: number;
}

export interface LogPage {
  items: StoredEvent[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

export interface LogStats {
  total: number;
  /** Hosts by count, largest first, at most `topHosts`; host null = events naming none. */
  by_host: { host: string | null; count: number }[];
  /** Distinct hosts in the filtered set (by_host may show fewer). */
  hosts_total: number;
  by_level: { level: number | null; count: number }[];
  /** severity null = events without threats. */
  by_threat_severity: { severity: Severity | null; count: number }[];
}

export const MAX_PAGE = 1000;

/** Buckets of a histogram at most. */
export const MAX_BUCKETS = 1000;

export interface LogHistogram {
  from: number;
  to: number;
  /** Width of a bucket, ms; the last bucket may end after `to` (it counts only what is before). */
  intervalMs: number;
  /** Every bucket of [from, to), oldest first, empty ones included. */
  buckets: { ts: number; count: number; threats: number }[];
}

/**
 * A full-text page is read in one of two ways. Few matches: fetch them all, look each up, sort,
 * keep a page (cheap when they are few; seconds for a word in 250,000 of 10 million rows).
 * Many: walk the time index from the cursor and test each row against the matches, stopping
 * once the page is full (rows walked ≈ limit / share of rows matching). Counting matches up to
 * this many (well under a millisecond) picks the way; measured on 10 million events, both stay
 * within tens of milliseconds around it (docs/bench-api.md).
 */
export const FTS_WALK_MIN_MATCHES = 2000;
/**
 * A newest-first full-text page (order desc, no cursor) with many matches is first tried from
 * the index's own order: FTS5 reads a term's newest rowids first in well under a millisecond,
 * where building the set of all its matches for the walk takes ~40 ms for a word in 2.5 % of 10
 * million events (docs/90-bench.md). Ids follow arrival, pages follow event time, so the answer
 * is kept only when it is provably the walk's: every match was read, or no row older by id than
 * the oldest match read is newer by time than the page's last row (one probe of the time
 * index). Otherwise (late or replayed events, a rare other filter) the walk answers.
 */
export const FTS_NEWEST_FACTOR = 20;
export const FTS_NEWEST_MAX = 20_000;

function checkBudget(budgetMs: number | undefined): void {
  if (budgetMs !== undefined && (!Number.isFinite(budgetMs) || budgetMs <= 0)) throw badRequest('budgetMs', 'must be a positive number of milliseconds');
}

export class LogReader {
  private readonly budget: QueryBudget;

  constructor(private readonly store: Store) {
    this.budget = QueryBudget.of(store);
  }

  /** Runs fn under the budget when one is given, mapping driver errors to store errors. */
  private guarded<T>(budgetMs: number | undefined, doing: string, fn: () => T): T {
    checkBudget(budgetMs);
    try {
      return budgetMs === undefined ? fn() : this.budget.run(budgetMs, fn);
    } catch (e) {
      throw ftsInputError(e) ?? toStoreError(e, doing);
    }
  }

  /** WHERE clause for a filter; the budget guard goes first so SQLite calls it for every row visited. */
  private where(filter: LogFilter, budgeted: boolean, forOrderedPage: boolean, extra: string[] = [], extraParams: unknown[] = [], ftsAsTest = false) {
    const f = compileFilter(filter, { budgetFn: budgeted ? BUDGET_FN : null, forOrderedPage, ftsAsTest });
    const conditions = [...(budgeted ? [`${BUDGET_FN}()`] : []), ...f.conditions, ...extra];
    return { sql: conditions.length === 0 ? '1' : conditions.join(' AND '), params: [...f.params, ...extraParams] };
  }

  /** One event by id, or null when absent or outside `hostScope`. */
  getLog(id: number, opts: { hostScope?: readonly string[] } = {}): StoredEvent | null {
    if (!Number.isSafeInteger(id) || id < 1) throw badRequest('id', 'must be a positive integer');
    const scope = opts.hostScope === undefined ? { conditions: [], params: [] } : compileFilter({ hostScope: opts.hostScope });
    const sql = `SELECT ${LOG_ROW_SELECT} FROM logs WHERE ${['id = ?', ...scope.conditions].join(' AND ')}`;
    return this.guarded(undefined, 'reading a log', () => {
      const c = sqlOf(this.store);
      const row = c.statement(sql).get(id, ...scope.params) as LogRowV2 | undefined;
      return row ? (blockReaderOf(c).materialize([row])[0] ?? null) : null;
    });
  }

  queryLogs(filter: LogFilter, opts: QueryOptions): LogPage {
    const { limit, order } = opts;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw badRequest('limit', `must be an integer 1 … ${MAX_PAGE}`);
    if (order !== 'asc' && order !== 'desc') throw badRequest('order', 'must be asc or desc');
    const extra: string[] = [];
    const extraParams: unknown[] = [];
    if (opts.cursor !== undefined && opts.cursor !== null) {
      const c = decodeCursor(opts.cursor, order);
      // Written as a range on ts plus a tie-break, so SQLite walks the ts index from the cursor.
      extra.push(order === 'desc' ? '(ts <= ? AND (ts < ? OR id < ?))' : '(ts >= ? AND (ts > ? OR id > ?))');
      extraParams.push(c.ts, c.ts, c.id);
    }
    const budgeted = opts.budgetMs !== undefined;
    const drive = this.where(filter, budgeted, true, extra, extraParams);
    const dir = order === 'desc' ? 'DESC' : 'ASC';
    return this.guarded(opts.budgetMs, 'querying logs', () => {
      const many = filter.q !== undefined && this.matchesAtLeast(filter.q, FTS_WALK_MIN_MATCHES, budgeted);
      const c = sqlOf(this.store);
      // One extra row tells whether another page exists.
      let rows = many && order === 'desc' && extra.length === 0 ? this.newestFtsPage(filter, filter.q!, budgeted, limit + 1) : null;
      if (rows === null) {
        const w = many ? this.where(filter, budgeted, true, extra, extraParams, true) : drive;
        const sql = `SELECT ${LOG_ROW_SELECT} FROM logs WHERE ${w.sql} ORDER BY ts ${dir}, id ${dir} LIMIT ?`;
        rows = c.statement(sql).all(...w.params, limit + 1) as LogRowV2[];
      }
      const page = rows.slice(0, limit);
      // The cursor follows the rows, not the events: one whose block retention has just
      // deleted is left out of the page without ending it early.
      const items = blockReaderOf(c).materialize(page);
      const last = page[page.length - 1];
      const next_cursor = rows.length > limit && last ? encodeCursor({ ts: last.ts, id: last.id, order }) : null;
      return { items, next_cursor };
    });
  }

  /**
   * The first `want` rows of a newest-first full-text page read from the index's rowid order,
   * or null when that cannot be proven to be the page (FTS_NEWEST_FACTOR above).
   */
  private newestFtsPage(filter: LogFilter, q: string, budgeted: boolean, want: number): LogRowV2[] | null {
    const plan = ftsPlan(q);
    if (plan.match === null) return null;
    const c = sqlOf(this.store);
    const guard = budgeted ? `${BUDGET_FN}() AND ` : '';
    const n = Math.min(FTS_NEWEST_MAX, want * FTS_NEWEST_FACTOR);
    const ids = c.statement(`SELECT rowid FROM logs_fts WHERE ${guard}logs_fts MATCH ? ORDER BY rowid DESC LIMIT ?`).pluck().all(plan.match, n) as number[];
    if (ids.length === 0) return [];
    const { q: _q, ...rest } = filter;
    const w = this.where(rest, budgeted, true);
    let rows = c.statement(`SELECT ${LOG_ROW_SELECT} FROM logs WHERE id IN (SELECT value FROM json_each(?)) AND ${w.sql}`).all(JSON.stringify(ids), ...w.params) as LogRowV2[];
    if (plan.verify) {
      const blocks = blockReaderOf(c);
      rows = rows.filter((r) => blocks.textMatches(r, plan.tree));
    }
    rows.sort((a, b) => b.ts - a.ts || b.id - a.id);
    // Every match read: the page is exact whatever the order of ids and times.
    if (ids.length < n) return rows.slice(0, want);
    if (rows.length < want) return null;
    const last = rows[want - 1]!;
    const oldest = ids[ids.length - 1]!;
    // A row not read (older by id) could only belong if it were newer by time than the page's end.
    const later = c.statement(`SELECT 1 FROM logs INDEXED BY logs_ts WHERE ts > ? AND id < ? LIMIT 1`).pluck().get(last.ts, oldest);
    return later === undefined ? rows.slice(0, want) : null;
  }

  /** Whether the full-text query matches at least n rows, counting no further than n. */
  private matchesAtLeast(q: string, n: number, budgeted: boolean): boolean {
    const guard = budgeted ? `${BUDGET_FN}() AND ` : '';
    const match = ftsPlan(q).match;
    // Nothing for the index to narrow by (a term of characters it may not split as JS does):
    // as many as there are rows, so walk.
    if (match === null) return true;
    const sql = `SELECT count(*) FROM (SELECT 1 FROM logs_fts WHERE ${guard}logs_fts MATCH ? LIMIT ?)`;
    return Number(sqlOf(this.store).statement(sql).pluck().get(match, n)) >= n;
  }

  countLogs(filter: LogFilter, opts: { budgetMs?: number } = {}): number {
    const w = this.where(filter, opts.budgetMs !== undefined, false);
    return this.guarded(opts.budgetMs, 'counting logs', () =>
      Number(sqlOf(this.store).statement(`SELECT count(*) FROM logs WHERE ${w.sql}`).pluck().get(...w.params)),
    );
  }

  /**
   * Counts of the filtered events over time: `buckets` equal slices of [from, to) (both required
   * in the filter), each with its events and those among them carrying threats. Every filter of
   * queryLogs applies, full text included.
   */
  histogramLogs(filter: LogFilter, opts: { buckets: number; budgetMs?: number }): LogHistogram {
    const { from, to } = filter;
    if (from === undefined) throw badRequest('from', 'a histogram needs the start of its window');
    if (to === undefined) throw badRequest('to', 'a histogram needs the end of its window');
    if (!Number.isInteger(opts.buckets) || opts.buckets < 1 || opts.buckets > MAX_BUCKETS) throw badRequest('buckets', `must be an integer 1 … ${MAX_BUCKETS}`);
    if (to <= from) return { from, to, intervalMs: 1, buckets: [] };
    const intervalMs = Math.max(1, Math.ceil((to - from) / opts.buckets));
    const n = Math.ceil((to - from) / intervalMs);
    const w = this.where(filter, opts.budgetMs !== undefined, false);
    // JavaScript numbers are bound as REAL: the CAST makes the division a bucket number (ts >= from here).
    const sql = `SELECT CAST((ts - ?) / ? AS INTEGER) AS b, count(*) AS n, count(threat_severity) AS t FROM logs WHERE ${w.sql} GROUP BY b`;
    const rows = this.guarded(opts.budgetMs, 'counting logs over time', () =>
      sqlOf(this.store).statement(sql).all(from, intervalMs, ...w.params),
    ) as { b: number; n: number; t: number }[];
    const buckets = Array.from({ length: n }, (_, i) => ({ ts: from + i * intervalMs, count: 0, threats: 0 }));
    for (const r of rows) {
      const slot = buckets[r.b];
      if (slot) {
        slot.count = r.n;
        slot.threats = r.t;
      }
    }
    return { from, to, intervalMs, buckets };
  }

  /** Counts by host, level and threat severity in one scan of the filtered rows. */
  statsLogs(filter: LogFilter, opts: { budgetMs?: number; topHosts?: number } = {}): LogStats {
    const topHosts = opts.topHosts ?? 50;
    if (!Number.isInteger(topHosts) || topHosts < 1 || topHosts > 10_000) throw badRequest('topHosts', 'must be an integer 1 … 10000');
    const w = this.where(filter, opts.budgetMs !== undefined, false);
    const sql = `SELECT host_id, level, threat_severity AS sev, count(*) AS n FROM logs WHERE ${w.sql} GROUP BY host_id, level, threat_severity`;
    const c = sqlOf(this.store);
    const groups = this.guarded(opts.budgetMs, 'computing log stats', () => {
      const rows = c.statement(sql).all(...w.params) as { host_id: number | null; level: number | null; sev: number | null; n: number }[];
      const blocks = blockReaderOf(c);
      return rows.map((r) => ({ host: blocks.dictValue(r.host_id), level: r.level, sev: r.sev, n: r.n }));
    });

    const hosts = new Map<string | null, number>();
    const levels = new Map<number | null, number>();
    const sevs = new Map<number | null, number>();
    let total = 0;
    for (const g of groups) {
      total += g.n;
      hosts.set(g.host, (hosts.get(g.host) ?? 0) + g.n);
      levels.set(g.level, (levels.get(g.level) ?? 0) + g.n);
      sevs.set(g.sev, (sevs.get(g.sev) ?? 0) + g.n);
    }
    const nullsLast = (a: number | null, b: number | null) => (a === null ? 1 : b === null ? -1 : a - b);
    return {
      total,
      by_host: [...hosts]
        .map(([host, count]) => ({ host, count }))
        .sort((a, b) => b.count - a.count || String(a.host).localeCompare(String(b.host)))
        .slice(0, topHosts),
      hosts_total: hosts.size,
      by_level: [...levels].map(([level, count]) => ({ level, count })).sort((a, b) => nullsLast(a.level, b.level)),
      // Most severe first, events without threats last.
      by_threat_severity: [...sevs]
        .sort((a, b) => (a[0] === null ? 1 : b[0] === null ? -1 : b[0] - a[0]))
        .map(([rank, count]) => ({ severity: rank === null ? null : (SEVERITIES[rank - 1] ?? null), count })),
    };
  }
}
