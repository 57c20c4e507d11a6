/**
 * The queue between the direct listeners (syslog UDP/TCP/TLS, HTTP) and the ingest pipeline:
 * messages are grouped into batches (listeners.batch: max_messages, linger), each batch goes
 * through prepare (decode … detect) once and is committed in ONE SQLite transaction, with an
 * empty offsets list (these sources have no offsets). The writer is shared with the Kafka
 * source; both run on this one thread, so their transactions never interleave.
 *
 * Units: a listener hands over a unit (one datagram, the frames of one TCP read, one HTTP
 * request). A unit is never split across transactions, so an HTTP request is stored whole or
 * not at all. A failed commit is retried with exponential backoff and jitter without running
 * detection again; while it waits the queue fills, and when it is full (queue_max messages)
 * UDP datagrams are dropped and counted, TCP connections pause, HTTP answers 503.
 */
import { LogaggError, isLogaggError } from '../errors.js';
import type { IngestStats, ListenerCounters } from '../ingest/ingest-stats.js';
import type { IncomingMessage, IngestPipeline } from '../ingest/pipeline.js';
import type { Logger } from '../logger.js';

export interface IngestOutcome {
  /** Events committed. */
  stored: number;
  /** Events the store skipped as copies of stored ones (same source coordinates). */
  duplicates: number;
  /** Events stored with parse_error. */
  parse_errors: number;
}

export interface DirectIngestOptions {
  pipeline: Pick<IngestPipeline, 'prepare' | 'commit'>;
  stats: IngestStats;
  logger: Logger;
  /** Messages per transaction at most (a larger unit is committed alone). */
  maxMessages: number;
  /** How long the first queued message waits for company, ms. */
  lingerMs: number;
  /** Messages queued at most. */
  queueMax: number;
  /** Store retry backoff, ms (tests shorten it). */
  retry?: { initialMs: number; maxMs: number };
}

interface Unit {
  messages: IncomingMessage[];
  counters: ListenerCounters;
  settle?: { resolve(o: IngestOutcome): void; reject(e: unknown): void };
}

export class DirectIngest {
  private readonly queue: Unit[] = [];
  private depth = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private flushing: Promise<void> | null = null;
  private roomWaiters: (() => void)[] = [];
  private closing = false;
  /** Epoch ms after which a failing store is given up on (set by close). */
  private giveUpAt = Infinity;
  private wakeRetry: (() => void) | null = null;

  constructor(private readonly opts: DirectIngestOptions) {
    opts.stats.directQueue.max = opts.queueMax;
  }

  /** Messages waiting to be stored. */
  get queued(): number {
    return this.depth;
  }

  /** False once close() was called. */
  get accepting(): boolean {
    return !this.closing;
  }

  /** Whether `n` more messages fit under queue_max. */
  hasRoom(n = 1): boolean {
    return this.depth + n <= this.opts.queueMax;
  }

  /**
   * Queues messages that nobody waits for (syslog). Returns false, queuing nothing, when they
   * do not fit and `force` is not set; with `force` (TCP: the bytes are already read) they are
   * queued past the bound and the caller should pause its sender until whenRoom().
   */
  offer(messages: IncomingMessage[], counters: ListenerCounters, force = false): boolean {
    if (messages.length === 0) return true;
    if (this.closing) {
      counters.failed += messages.length;
      return false;
    }
    if (!force && !this.hasRoom(messages.length)) return false;
    this.enqueue({ messages, counters });
    return true;
  }

  /**
   * Queues one unit and resolves once it is committed (HTTP: a 2xx means durable). Rejects
   * with STORE_UNAVAILABLE (503, retry) when the queue is full or logagg is stopping, and with
   * the store's error when it could not be stored before shutdown.
   */
  submit(messages: IncomingMessage[], counters: ListenerCounters): Promise<IngestOutcome> {
    if (messages.length === 0) return Promise.resolve({ stored: 0, duplicates: 0, parse_errors: 0 });
    if (this.closing) return Promise.reject(new LogaggError('STORE_UNAVAILABLE', 'logagg is stopping; send again later', { canRetry: true }));
    if (!this.hasRoom(messages.length)) {
      return Promise.reject(new LogaggError('STORE_UNAVAILABLE', `the ingest queue is full (${this.depth} messages waiting to be stored); send again later`, { canRetry: true }));
    }
    return new Promise<IngestOutcome>((resolve, reject) => this.enqueue({ messages, counters, settle: { resolve, reject } }));
  }

  /** Resolves when the queue is back under half its bound (or logagg is stopping). */
  whenRoom(): Promise<void> {
    if (this.closing || this.depth <= this.opts.queueMax / 2) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Stores everything queued now; resolves when done (or given up). */
  async flush(): Promise<void> {
    this.clearTimers();
    while (this.queue.length > 0 || this.flushing) {
      if (this.flushing) await this.flushing;
      else await this.runFlush();
    }
  }

  /**
   * Stops taking messages, stores what is queued, waiting at most `graceMs` for a failing
   * store; what still could not be stored is counted as failed and its HTTP requests rejected.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.closing = true;
    this.giveUpAt = Date.now() + graceMs;
    this.wakeRoomWaiters(true);
    this.wakeRetry?.();
    await this.flush();
  }

  private enqueue(unit: Unit): void {
    this.queue.push(unit);
    this.depth += unit.messages.length;
    this.opts.stats.directQueue.depth = this.depth;
    if (this.depth >= this.opts.maxMessages) {
      this.immediate ??= setImmediate(() => {
        this.immediate = null;
        this.kick();
      });
    } else if (this.timer === null && !this.flushing) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.kick();
      }, this.opts.lingerMs);
    }
  }

  private kick(): void {
    if (this.flushing || this.queue.length === 0) return;
    void this.runFlush();
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  /** Takes one batch of whole units, stores it, then schedules the next. */
  private runFlush(): Promise<void> {
    const units: Unit[] = [];
    let n = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (units.length > 0 && n + next.messages.length > this.opts.maxMessages) break;
      units.push(this.queue.shift()!);
      n += next.messages.length;
    }
    const run = this.store(units, n).finally(() => {
      this.depth -= n;
      this.opts.stats.directQueue.depth = this.depth;
      this.flushing = null;
      this.wakeRoomWaiters(false);
      if (this.queue.length > 0 && !this.closing) {
        if (this.depth >= this.opts.maxMessages) this.kick();
        else if (this.timer === null) {
          this.timer = setTimeout(() => {
            this.timer = null;
            this.kick();
          }, this.opts.lingerMs);
        }
      }
    });
    this.flushing = run;
    return run;
  }

  private async store(units: Unit[], n: number): Promise<void> {
    const { pipeline, stats, logger } = this.opts;
    const started = performance.now();
    const messages = units.length === 1 ? units[0]!.messages : units.flatMap((u) => u.messages);
    let prepared;
    try {
      prepared = pipeline.prepare(messages);
    } catch (e) {
      // prepare is pure and written not to throw; if it ever does, nobody may wait forever.
      logger.error('preparing a batch of listener messages failed', { messages: n, err: e });
      this.fail(units, e);
      return;
    }
    const { initialMs, maxMs } = this.opts.retry ?? { initialMs: 200, maxMs: 30_000 };
    for (let attempt = 0; ; attempt++) {
      try {
        const r = pipeline.commit(prepared, []);
        if (attempt > 0) logger.info('store recovered', { attempts: attempt + 1 });
        stats.recordBatch(n, prepared.parseErrors, performance.now() - started);
        let at = 0;
        for (const u of units) {
          const outcome: IngestOutcome = { stored: 0, duplicates: 0, parse_errors: 0 };
          for (let i = 0; i < u.messages.length; i++, at++) {
            if (r.ids[at] === null) outcome.duplicates++;
            else outcome.stored++;
            if (prepared.events[at]!.parse_error !== null) outcome.parse_errors++;
          }
          u.counters.stored += u.messages.length;
          u.settle?.resolve(outcome);
        }
        return;
      } catch (e) {
        stats.storeFailures++;
        const now = Date.now();
        const wait = Math.min(this.giveUpAt - now, Math.min(maxMs, initialMs * 2 ** attempt) * (0.5 + Math.random() / 2));
        if (wait <= 0) {
          logger.error('store failed while stopping; listener messages not stored', { messages: n, code: isLogaggError(e) ? e.code : undefined, err: e });
          this.fail(units, e);
          return;
        }
        logger.warn('store failed; holding the listener batch and retrying', {
          messages: n,
          queued: this.depth,
          attempt: attempt + 1,
          retry_in_ms: Math.round(wait),
          code: isLogaggError(e) ? e.code : undefined,
          err: e,
        });
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            this.wakeRetry = null;
            resolve();
          }, wait);
          // close() cuts the wait short: the store is tried once more, then until the grace ends.
          this.wakeRetry = () => {
            clearTimeout(t);
            this.wakeRetry = null;
            resolve();
          };
        });
      }
    }
  }

  private fail(units: Unit[], e: unknown): void {
    for (const u of units) {
      u.counters.failed += u.messages.length;
      u.settle?.reject(isLogaggError(e) ? e : new LogaggError('STORE_FAILED', 'the messages could not be stored', { cause: e }));
    }
  }

  private wakeRoomWaiters(all: boolean): void {
    if (!all && this.depth > this.opts.queueMax / 2) return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of waiters) w();
  }
}
