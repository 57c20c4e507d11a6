/**
 * `tail` on the local database, through a read-only connection (safe beside `serve`: WAL lets
 * it read while ingest writes). Every `intervalMs` it reads the newest log id (one b-tree
 * lookup) and fetches only the rows after the last one it has seen (logsAfter): it never
 * re-scans. Alerts are followed through an alerts port's feed when one is given.
 */
import { statSync } from 'node:fs';
import { canTransition, type AlertFilter } from '../core/alert.js';
import { LogaggError } from '../errors.js';
import { compileFilter, type LogFilter } from '../store/log-filter.js';
import { logsAfter, maxLogId } from '../store/log-follow.js';
import { LogReader, MAX_PAGE } from '../store/log-reader.js';
import type { SqliteAlertsPort } from '../store/alert-port.js';
import type { Store } from '../store/store.js';
import type { StoredEvent } from '../core/event.js';
import { RateWindow } from './rate.js';
import { toLogFilter, type TailFilter } from './tail-filter.js';
import type { AckResult, EventDetail, TailSink, TailSource, TailStatus } from './tail-source.js';

export interface LocalSourceOptions {
  /** A read-only connection; the caller closes it after close(). */
  store: Store;
  /** Followed when given; otherwise `alertsUnavailable` says why not. */
  alerts?: Pick<SqliteAlertsPort, 'list' | 'feed'>;
  alertsUnavailable?: string;
  /** Acknowledging needs a writable connection: opened on first use, when given. */
  openAckPort?: () => Pick<SqliteAlertsPort, 'get' | 'transition'>;
  /** Why acknowledging is not possible, when openAckPort is absent. */
  ackUnavailable?: string;
  /** Recorded as who acknowledged (state_changed_by). */
  actor?: string;
  /** Poll period, ms. */
  intervalMs?: number;
  /** Events sent on start and after a filter change. */
  window?: number;
  /** Rows per logsAfter call. */
  batch?: number;
  /** Rows read per poll at most; the rest is read on the next polls (`behind` counts it). */
  maxRowsPerTick?: number;
  /** Alerts sent on start and after a filter change. */
  maxAlerts?: number;
  /** Query budget of one read, ms. */
  budgetMs?: number;
  /** Period of the database size check, ms. */
  statsEveryMs?: number;
  clock?: () => number;
}

const DEFAULTS = {
  intervalMs: 250,
  window: 100,
  batch: 1000,
  maxRowsPerTick: 5000, // 20 000 rows/s at 250 ms: more than a screen can show
  maxAlerts: 200,
  budgetMs: 5_000, // five seconds: a window query over a huge table with a rare text match
  statsEveryMs: 2_000,
};

/** Most events `recent` returns (tail -n). */
export const MAX_RECENT = 10_000;

/** Database file + WAL + shm, bytes. */
export function databaseBytes(path: string): number {
  let total = 0;
  for (const f of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      total += statSync(f).size;
    } catch {
      // absent: 0
    }
  }
  return total;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class LocalTailSource implements TailSource {
  readonly label: string;
  private readonly o: LocalSourceOptions & typeof DEFAULTS;
  private readonly reader: LogReader;
  private readonly clock: () => number;
  private readonly rate = new RateWindow();
  private sink: TailSink | null = null;
  private logFilter: LogFilter = {};
  private alertFilter: AlertFilter = {};
  private lastId = 0;
  /** Window rows newer than the follow position: skipped when the follow reaches them. */
  private windowIds = new Set<number>();
  private alertPos: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private lastStatsAt = Number.NEGATIVE_INFINITY;
  /** The error last reported, so a failure repeating at every poll is shown once. */
  private lastError: string | null = null;
  private ackPort: Pick<SqliteAlertsPort, 'get' | 'transition'> | null = null;

  constructor(opts: LocalSourceOptions) {
    this.o = { ...DEFAULTS, ...opts };
    this.reader = new LogReader(opts.store);
    this.clock = opts.clock ?? Date.now;
    this.label = `local ${opts.store.path}`;
  }

  async start(filter: TailFilter, sink: TailSink): Promise<void> {
    this.sink = sink;
    const alerts: TailStatus['alerts'] = this.o.alerts
      ? { available: true }
      : { available: false, reason: this.o.alertsUnavailable ?? 'alerts are not available in this database' };
    sink.status({ connection: 'live', alerts, lag: null });
    this.apply(filter);
    this.tick();
  }

  async setFilter(filter: TailFilter): Promise<void> {
    if (!this.sink) throw new LogaggError('INTERNAL', 'setFilter before start');
    this.apply(filter);
  }

  async recent(filter: TailFilter, n: number): Promise<StoredEvent[]> {
    const f = toLogFilter(filter);
    compileFilter(f);
    return this.window(f, n);
  }

  async detail(id: number): Promise<EventDetail | null> {
    const event = this.reader.getLog(id);
    if (!event) return null;
    const alerts = this.o.alerts ? this.o.alerts.list({ eventId: id }, { limit: 100, cursor: null }).items : [];
    return { event, alerts };
  }

  canAcknowledge(): { ok: true } | { ok: false; reason: string } {
    if (this.o.openAckPort) return { ok: true };
    return { ok: false, reason: this.o.ackUnavailable ?? 'acknowledging needs the alerts of the detection engine in this database' };
  }

  async acknowledge(alertId: number): Promise<AckResult> {
    const can = this.canAcknowledge();
    if (!can.ok) return can;
    try {
      this.ackPort ??= this.o.openAckPort!();
      const current = this.ackPort.get(alertId);
      if (!current) return { ok: false, reason: `alert #${alertId} no longer exists` };
      if (current.state === 'acknowledged') return { ok: true, alert: current };
      if (!canTransition(current.state, 'acknowledged')) return { ok: false, reason: `alert #${alertId} is ${current.state}; reopen it first` };
      const alert = await this.ackPort.transition(alertId, { state: 'acknowledged', by: this.o.actor ?? 'tail', at: this.clock(), comment: null });
      return alert ? { ok: true, alert } : { ok: false, reason: `alert #${alertId} no longer exists` };
    } catch (e) {
      return { ok: false, reason: `could not acknowledge alert #${alertId}: ${messageOf(e)}` };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Validates the filter, sends the recent window and the alerts, and follows from the head. */
  private apply(filter: TailFilter): void {
    const f = toLogFilter(filter);
    compileFilter(f); // a bad filter throws BAD_REQUEST here, before anything changes
    const alerts = this.o.alerts;
    // Position both followers before anything is shown: a change made after the first line is
    // printed must come through the feeds, never fall between the window and the follow.
    if (alerts) {
      this.alertFilter = filter.hosts ? { hosts: filter.hosts } : {};
      this.alertPos = alerts.feed(null, this.alertFilter, 1).position;
    }
    const head = maxLogId(this.o.store);
    const window = this.o.window > 0 ? this.window(f, this.o.window) : [];
    this.logFilter = f;
    this.lastId = head;
    this.windowIds = new Set(window.filter((e) => e.id > head).map((e) => e.id));
    const alertList = alerts ? alerts.list(this.alertFilter, { limit: this.o.maxAlerts, cursor: null }).items : null;
    this.sink!.reset(window);
    if (alertList) this.sink!.alertsReset(alertList);
  }

  /** The newest `n` matching events by time, oldest first. */
  private window(f: LogFilter, n: number): StoredEvent[] {
    const want = Math.max(0, Math.min(n, MAX_RECENT));
    const out: StoredEvent[] = [];
    let cursor: string | null = null;
    while (out.length < want) {
      const page = this.reader.queryLogs(f, { limit: Math.min(MAX_PAGE, want - out.length), cursor, order: 'desc', budgetMs: this.o.budgetMs });
      out.push(...page.items);
      if (page.next_cursor === null) break;
      cursor = page.next_cursor;
    }
    return out.reverse();
  }

  private tick(): void {
    if (this.closed || !this.sink) return;
    const sink = this.sink;
    try {
      const now = this.clock();
      const head = maxLogId(this.o.store);
      this.rate.sample(now, head);
      let read = 0;
      while (this.lastId < head && read < this.o.maxRowsPerTick && (sink.ready?.() ?? true)) {
        const rows = logsAfter(this.o.store, this.logFilter, this.lastId, this.o.batch, this.o.budgetMs);
        read += this.o.batch;
        const lastRow = rows[rows.length - 1]?.id ?? 0;
        // Fewer than a batch: every matching row up to head has been read.
        this.lastId = rows.length < this.o.batch ? Math.max(lastRow, head) : lastRow;
        let fresh = rows;
        if (this.windowIds.size > 0) {
          fresh = rows.filter((r) => !this.windowIds.has(r.id));
          if (this.lastId >= Math.max(...this.windowIds)) this.windowIds.clear();
        }
        if (fresh.length > 0) sink.logs(fresh);
      }
      if (this.o.alerts && this.alertPos !== null) {
        for (let round = 0; round < 5; round++) {
          const feed = this.o.alerts.feed(this.alertPos, this.alertFilter, 200);
          this.alertPos = feed.position;
          if (feed.items.length > 0) sink.alerts(feed.items);
          if (feed.items.length < 200) break;
        }
      }
      const status: Partial<TailStatus> = { rate: this.rate.rate(), behind: Math.max(0, head - this.lastId) };
      if (now - this.lastStatsAt >= this.o.statsEveryMs) {
        this.lastStatsAt = now;
        status.dbBytes = databaseBytes(this.o.store.path);
      }
      if (this.lastError !== null) {
        this.lastError = null;
        status.connection = 'live';
      }
      sink.status(status);
    } catch (e) {
      const msg = messageOf(e);
      if (msg !== this.lastError) {
        this.lastError = msg;
        sink.status({ connection: 'retrying' });
        sink.error(msg);
      }
    }
    if (!this.closed) this.timer = setTimeout(() => this.tick(), this.o.intervalMs);
  }
}
