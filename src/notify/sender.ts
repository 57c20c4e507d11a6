/**
 * The sender: one loop per channel, so an endpoint that is down or slow delays only its own
 * notifications. Each loop takes the channel's due outbox rows (oldest first, in order per
 * alert), sends each, and records the outcome: sent after the endpoint's 2xx; otherwise a
 * retry time (retry.ts) or, past the give-up time or on a final refusal, failed with the reason.
 *
 * Delivery guarantee (docs/notify.md): a row is marked sent only after its 2xx, so a crash
 * between the 2xx and the mark (kill -9) sends it once more after the restart — at most one
 * duplicate per crash, carrying the same outbox id (webhook: Idempotency-Key and `outbox_id`;
 * PagerDuty: the same dedup_key). When the store refuses the mark (busy, disk full) the outcome
 * is kept in memory and recorded later: this process never sends a delivered row again.
 *
 * Logs name the channel, outbox id, alert id, attempt, status and error: never a URL, a routing
 * key or a header value (http-send.ts keeps them out of error texts as well).
 */
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { DeliveryError, httpSender, redact, type HttpSender } from './http-send.js';
import { alertLink } from '../core/message-view.js';
import { dueRows, failOrphans, markFailed, markRetry, markSent, pruneOutbox, type OutboxRow } from '../store/outbox-queue.js';
import { afterFailure, type RetryPolicy } from './retry.js';
import { channelSecrets, deliver, type Channel } from './transports.js';
import type { NotifyMessage } from '../core/notification.js';
import type { TransportContext } from './types.js';

export interface SenderSettings {
  pollIntervalMs: number;
  /** Rows taken per look, per channel. */
  batch: number;
  timeoutMs: number;
  retry: RetryPolicy;
  /** Finished rows are deleted this long after they were enqueued. */
  keepMs: number;
}

export interface NotifySenderOptions {
  store: Store;
  channels: readonly Channel[];
  settings: SenderSettings;
  dashboardUrl: string | null;
  logger: Logger;
  clock?: () => number;
  /** In [0, 1): the backoff jitter. */
  random?: () => number;
}

/** How long stop() lets requests in flight finish before cancelling them (they stay pending). */
const STOP_GRACE_MS = 2_000;
const PRUNE_EVERY_MS = 3_600_000; // hourly
const PRUNE_CHUNK = 5_000;

export class NotifySender {
  private readonly store: Store;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly logger: Logger;
  private readonly abort = new AbortController();
  private readonly wakers = new Set<() => void>();
  /** Outcomes the store refused to record yet, by outbox id: retried before each look. */
  private readonly unrecorded = new Map<number, () => void>();
  private loops: Promise<void>[] = [];
  private pruneTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private started = false;

  constructor(private readonly opts: NotifySenderOptions) {
    this.store = opts.store;
    this.clock = opts.clock ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.logger = opts.logger;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const orphans = failOrphans(
      this.store,
      this.opts.channels.map((c) => c.name),
      this.clock(),
    );
    if (orphans > 0) this.logger.warn('notifications for channels no longer configured were recorded as failed', { count: orphans });
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    this.loops = this.opts.channels.map((c) => this.loop(c));
    this.logger.info('notification sender started', { channels: this.opts.channels.map((c) => `${c.name} (${c.type})`) });
  }

  /** Looks for due rows now (called after new rows were committed). */
  wake(): void {
    for (const w of [...this.wakers]) w();
  }

  /** Stops the loops: requests in flight get STOP_GRACE_MS, then are cancelled and stay pending. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.wake();
    const grace = setTimeout(() => this.abort.abort(), STOP_GRACE_MS);
    try {
      await Promise.all(this.loops);
    } finally {
      clearTimeout(grace);
    }
    this.flushUnrecorded();
  }

  private async loop(channel: Channel): Promise<void> {
    const log = this.logger.child({ channel: channel.name });
    const secrets = channelSecrets(channel);
    const http = httpSender({ timeoutMs: this.opts.settings.timeoutMs, secrets, signal: this.abort.signal, clock: this.clock });
    while (!this.stopped) {
      let rows: OutboxRow[] = [];
      try {
        this.flushUnrecorded();
        rows = dueRows(this.store, channel.name, this.clock(), this.opts.settings.batch).filter((r) => !this.unrecorded.has(r.id));
      } catch (e) {
        log.warn('notification outbox unreadable; will look again', { err: e });
      }
      if (rows.length === 0) {
        await this.sleep(this.opts.settings.pollIntervalMs);
        continue;
      }
      for (const row of rows) {
        if (this.stopped) break;
        await this.deliverOne(channel, row, http, secrets, log);
      }
    }
  }

  private async deliverOne(channel: Channel, row: OutboxRow, http: HttpSender, secrets: readonly string[], log: Logger): Promise<void> {
    const message: NotifyMessage = {
      outbox_id: row.id,
      kind: row.kind,
      created_at: row.created_at,
      alert: row.payload.alert,
      previous_severity: row.payload.previous_severity ?? null,
      link: alertLink(this.opts.dashboardUrl, row.alert_id),
    };
    const attempt = row.attempts + 1;
    const fields = { outbox_id: row.id, alert_id: row.alert_id, kind: row.kind, attempt };
    let status: number | null = null;
    const ctx: TransportContext = {
      send: async (url, req) => {
        status = await http.send(url, req);
      },
    };
    try {
      await deliver(channel, message, ctx);
    } catch (e) {
      if (this.abort.signal.aborted) {
        log.info('notification delivery cancelled by shutdown; it stays pending', fields);
        return;
      }
      // A transport that threw something else (a bug) is not retried: it would throw again.
      const err = e instanceof DeliveryError ? e : new DeliveryError(`internal error: ${redact(e instanceof Error ? e.message : String(e), secrets)}`, false);
      const now = this.clock();
      const d = afterFailure(err, now, row.created_at, attempt, this.opts.settings.retry, this.random());
      if (d.retry) {
        this.record(row.id, () => markRetry(this.store, row, d.at, err.message, err.status), log);
        log.warn('notification not delivered; will retry', { ...fields, status: err.status, error: err.message, retry_in_ms: d.at - now });
      } else {
        const why = `${err.message}; ${d.reason}`;
        this.record(row.id, () => markFailed(this.store, row, now, why, err.status), log);
        log.error('notification given up', { ...fields, status: err.status, error: why });
      }
      return;
    }
    const at = this.clock();
    this.record(row.id, () => markSent(this.store, row, at, status), log);
    log.debug('notification sent', { ...fields, status });
  }

  /** Records an outcome; when the store refuses, keeps it to record before the next look. */
  private record(id: number, fn: () => unknown, log: Logger): void {
    try {
      fn();
    } catch (e) {
      log.warn('could not record a notification outcome; will record it again shortly', { outbox_id: id, err: e });
      this.unrecorded.set(id, fn);
    }
  }

  private flushUnrecorded(): void {
    for (const [id, fn] of this.unrecorded) {
      try {
        fn();
        this.unrecorded.delete(id);
      } catch {
        return; // the store still refuses; next time
      }
    }
  }

  private prune(): void {
    try {
      const before = this.clock() - this.opts.settings.keepMs;
      let total = 0;
      let n: number;
      do {
        n = pruneOutbox(this.store, before, PRUNE_CHUNK);
        total += n;
      } while (n >= PRUNE_CHUNK && !this.stopped);
      if (total > 0) this.logger.info('old notifications deleted', { rows: total });
    } catch (e) {
      this.logger.warn('pruning old notifications failed; will retry in an hour', { err: e });
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}
