/**
 * The queue between the direct listeners (syslog UDP/TCP/TLS, HTTP) and the ingest pipeline:
 * messages are grouped into batches (listeners.batch: max_messages, linger), each batch goes
 * through prepare (decode … detect) once and is committed in ONE SQLite transaction, with an
 * empty offsets list (these sources have no offsets). The committer is shared with the Kafka
 * source: their transactions are stored one after the other, in the order they were prepared.
 *
 * Units: a listener hands over a unit (one datagram, the frames of one TCP read, one HTTP
 * request). A unit is never split across transactions, so an HTTP request is stored whole or
 * not at all. A failed commit is retried by the committer (src/ingest/commit-queue.ts) with
 * exponential backoff and jitter, without running detection again; while it waits the queue fills, and when it is full (queue_max messages)
 * UDP datagrams are dropped and counted, TCP connections pause, HTTP answers 503.
 */
import { LogaggError, isLogaggError } from '../errors.js';
import type { IngestStats, ListenerCounters } from '../ingest/ingest-stats.js';
import type { IncomingMessage, IngestPipeline } from '../ingest/pipeline.js';
import type { CommitOutcome, CommitTicket } from '../ingest/commit-queue.js';
import type { Logger } from '../logger.js';
import type { IngestKeyWrite } from '../store/ingest-keys.js';

/** An HTTP request's idempotency key, stored with its answer in the unit's transaction. */
export type UnitKey = Pick<IngestKeyWrite, 'key' | 'bodySha256' | 'expiredBefore'>;

export interface IngestOutcome {
  /** Events committed. */
  stored: number;
  /** Events the store skipped as copies of stored ones (same source coordinates). */
  duplicates: number;
  /** Events stored with parse_error. */
  parse_errors: number;
}

export interface DirectIngestOptions {
  pipeline: Pick<IngestPipeline, 'prepare' | 'submit'>;
  stats: IngestStats;
  logger: Logger;
  /** Messages per transaction at most (a larger unit is committed alone). */
  maxMessages: number;
  /** How long the first queued message waits for company, ms. */
  lingerMs: number;
  /** Messages queued at most. */
  queueMax: number;
}

interface Unit {
  messages: IncomingMessage[];
  counters: ListenerCounters;
  /** `stored[i]`: whether message i was stored (false: a copy of a stored one, same source coordinates). */
  settle?: { resolve(o: IngestOutcome, stored: boolean[]): void; reject(e: unknown): void };
  key?: UnitKey;
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
  /** Resolves (undefined) when close() is called. */
  private readonly closed: Promise<undefined>;
  private onClose: () => void = () => {};

  constructor(private readonly opts: DirectIngestOptions) {
    opts.stats.directQueue.max = opts.queueMax;
    this.closed = new Promise((resolve) => (this.onClose = () => resolve(undefined)));
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
   * the store's error when it could not be stored before shutdown. With `key`, the key and the
   * answer are stored in the same transaction as the messages (store/ingest-keys.ts).
   */
  submit(messages: IncomingMessage[], counters: ListenerCounters, key?: UnitKey): Promise<IngestOutcome> {
    return this.submitEach(messages, counters, key).then((r) => r.outcome);
  }

  /** submit, also telling for each message whether it was stored or skipped as a copy (Elasticsearch bulk answers per item). */
  submitEach(messages: IncomingMessage[], counters: ListenerCounters, key?: UnitKey): Promise<{ outcome: IngestOutcome; stored: boolean[] }> {
    if (messages.length === 0) return Promise.resolve({ outcome: { stored: 0, duplicates: 0, parse_errors: 0 }, stored: [] });
    if (this.closing) return Promise.reject(new LogaggError('STORE_UNAVAILABLE', 'logagg is stopping; send again later', { canRetry: true }));
    if (!this.hasRoom(messages.length)) {
      return Promise.reject(new LogaggError('STORE_UNAVAILABLE', `the ingest queue is full (${this.depth} messages waiting to be stored); send again later`, { canRetry: true }));
    }
    return new Promise((resolve, reject) =>
      this.enqueue({ messages, counters, settle: { resolve: (outcome, stored) => resolve({ outcome, stored }), reject }, ...(key ? { key } : {}) }),
    );
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
    this.onClose();
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
    const keys: IngestKeyWrite[] = [];
    for (let u = 0, start = 0; u < units.length; start += units[u]!.messages.length, u++) {
      const key = units[u]!.key;
      if (!key) continue;
      let parseErrors = 0;
      for (let i = start; i < start + units[u]!.messages.length; i++) if (prepared.events[i]!.parse_error !== null) parseErrors++;
      keys.push({ ...key, start, count: units[u]!.messages.length, parseErrors });
    }
    // Queued behind the Kafka chunks submitted before it, retried there until stored (commit-queue.ts).
    const ticket = pipeline.submit(prepared, [], undefined, keys);
    const o = await this.settled(ticket);
    if (!o.committed) {
      const e = o.error ?? new LogaggError('STORE_UNAVAILABLE', 'logagg stopped before the messages could be stored', { canRetry: true });
      logger.error('store failed while stopping; listener messages not stored', { messages: n, code: isLogaggError(e) ? e.code : undefined, err: e });
      this.fail(units, e);
      return;
    }
    const r = o.result;
    stats.recordBatch(n, prepared.parseErrors, performance.now() - started);
    let at = 0;
    for (const u of units) {
      const outcome: IngestOutcome = { stored: 0, duplicates: 0, parse_errors: 0 };
      const stored: boolean[] = new Array(u.messages.length);
      for (let i = 0; i < u.messages.length; i++, at++) {
        stored[i] = r.ids[at] !== null;
        if (r.ids[at] === null) outcome.duplicates++;
        else outcome.stored++;
        if (prepared.events[at]!.parse_error !== null) outcome.parse_errors++;
      }
      u.counters.stored += u.messages.length;
      u.settle?.resolve(outcome, stored);
    }
  }

  /** The ticket's end; once closing, a store still failing after the grace is given up. */
  private async settled(ticket: CommitTicket): Promise<CommitOutcome> {
    const first = await Promise.race([ticket.done, this.closed]);
    if (first !== undefined) return first;
    for (;;) {
      if (ticket.failures > 0 && Date.now() >= this.giveUpAt) ticket.cancel();
      const o = await Promise.race([ticket.done, sleep(100)]);
      if (o !== undefined) return o;
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

function sleep(ms: number): Promise<undefined> {
  return new Promise((r) => setTimeout(() => r(undefined), ms));
}
