/**
 * The committer: every chunk prepared by a source (Kafka, syslog, HTTP) is submitted here, in
 * the order it was detected, and stored in that order, one job at a time, by an executor: the
 * in-process LogWriter (replay, tools, tests) or the writer thread (consume, serve;
 * storage.writer_thread). Submitting is synchronous and never blocks: the caller goes on
 * preparing the next chunk while this one is stored, and bounds how far ahead it runs by
 * awaiting its own tickets.
 *
 * Guarantees:
 *  - order: job N+1 is never started before job N was committed or cancelled;
 *  - retry: a failed job is retried (the same job, with backoff) before any later job runs;
 *    while it fails, every later job waits behind it;
 *  - cancel: a source gives up its jobs (shutdown, partition revoked) with cancel(); a job not
 *    running is dropped at once; a running one ends as it ends (stored = committed);
 *  - fatal: when the executor dies (the writer thread crashed) every job not known to be
 *    committed ends not committed, and `fatal` rejects: the process must stop.
 */
import { isLogaggError, LogaggError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CommitJob, CommitResult } from './commit-job.js';

export interface CommitExecutor {
  /** Stores one job in one transaction; rejects when nothing of it was stored. */
  run(job: CommitJob): Promise<CommitResult>;
  /** Rejects when the executor can no longer run anything (the writer thread died). */
  readonly dead: Promise<never>;
  close(): Promise<void>;
}

export type CommitOutcome = { committed: true; result: CommitResult } | { committed: false; error: Error | null };

export interface CommitTicket {
  /** Settles once the job was committed, cancelled, or the committer died; never rejects. */
  readonly done: Promise<CommitOutcome>;
  /** Gives the job up (see above); after done settled, nothing. */
  cancel(): void;
  /** Failed attempts so far. */
  readonly failures: number;
}

export interface SubmitOptions {
  /** Give up after this many failed attempts (the ticket ends not committed, with the error); default: retry until cancelled. */
  attempts?: number;
  /**
   * The job continues this one (the next chunk of the same partition): it is stored only if
   * that one was committed, else it ends not committed without running. So a chunk whose
   * predecessor was given up can never move the stored offset past it.
   */
  after?: CommitTicket;
}

export interface Committer {
  submit(job: CommitJob, opts?: SubmitOptions): CommitTicket;
  /** Jobs submitted and not settled. */
  readonly pending: number;
  /** Rejects when the committer can no longer store anything. */
  readonly fatal: Promise<never>;
  /** Cancels what is not running, waits for the running job, closes the executor. */
  close(): Promise<void>;
}

export interface CommitQueueOptions {
  executor: CommitExecutor;
  logger: Logger;
  /** Backoff of a failed job, ms (tests shorten it). */
  retry?: { initialMs: number; maxMs: number };
  /** Called after a failed attempt (counters). */
  onFailure?: (e: unknown) => void;
  /** Called after every committed job (a pause for a full disk ends). */
  onCommitted?: () => void;
  /**
   * Asked before each attempt: false holds the head job (checked again every gateRetryMs)
   * without trying it — a full disk keeps ingest paused until there is room, instead of
   * spending the room kept for the alert on the next batch (src/app/disk-budget.ts).
   */
  gate?: () => boolean;
  gateRetryMs?: number;
  /** Called after a job that queued notification outbox rows was committed. */
  onOutbox?: () => void;
}

interface Entry {
  job: CommitJob;
  state: 'queued' | 'running' | 'backoff' | 'settled';
  cancelled: boolean;
  failures: number;
  attempts: number;
  after: Entry | null;
  committed: boolean;
  timer: NodeJS.Timeout | null;
  settle(o: CommitOutcome): void;
}

export class CommitQueue implements Committer {
  private readonly queue: Entry[] = [];
  private readonly entries = new WeakMap<CommitTicket, Entry>();
  private scheduled = false;
  private dead: Error | null = null;
  private closing = false;
  private running: Promise<void> | null = null;
  readonly fatal: Promise<never>;

  constructor(private readonly opts: CommitQueueOptions) {
    this.fatal = opts.executor.dead.catch((e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      this.die(err);
      throw err;
    });
    this.fatal.catch(() => {}); // watched by the service; never an unhandled rejection
  }

  get pending(): number {
    return this.queue.length;
  }

  submit(job: CommitJob, opts: SubmitOptions = {}): CommitTicket {
    let settle!: (o: CommitOutcome) => void;
    const done = new Promise<CommitOutcome>((r) => (settle = r));
    const entry: Entry = { job, state: 'queued', cancelled: false, failures: 0, attempts: opts.attempts ?? Infinity, after: null, committed: false, timer: null, settle };
    if (opts.after) entry.after = this.entries.get(opts.after) ?? null;
    entry.settle = (o) => {
      if (entry.state === 'settled') return;
      entry.state = 'settled';
      if (entry.timer) clearTimeout(entry.timer);
      settle(o);
    };
    if (this.dead || this.closing) {
      entry.settle({ committed: false, error: this.dead ?? new LogaggError('STORE_UNAVAILABLE', 'the writer is closing', { canRetry: true }) });
    } else {
      this.queue.push(entry);
      this.schedule();
    }
    const ticket: CommitTicket = {
      done,
      cancel: () => this.cancel(entry),
      get failures() {
        return entry.failures;
      },
    };
    this.entries.set(ticket, entry);
    return ticket;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const e of [...this.queue]) if (e.state !== 'running') this.cancel(e);
    await this.running;
    await this.opts.executor.close();
  }

  private cancel(e: Entry): void {
    if (e.state === 'settled') return;
    e.cancelled = true;
    if (e.state === 'running') return; // its result decides
    this.remove(e);
    e.settle({ committed: false, error: null });
    this.schedule();
  }

  private remove(e: Entry): void {
    const i = this.queue.indexOf(e);
    if (i >= 0) this.queue.splice(i, 1);
  }

  private die(err: Error): void {
    if (this.dead) return;
    this.dead = err;
    for (const e of this.queue.splice(0)) e.settle({ committed: false, error: err });
  }

  /** Starts the head job on a later microtask, so several cancels in one turn land first. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.dead || this.running) return;
    let head = this.queue[0];
    // A continuation whose predecessor ended not committed ends the same way, unrun.
    while (head !== undefined && head.after !== null && head.after.state === 'settled' && !head.after.committed) {
      this.remove(head);
      head.settle({ committed: false, error: null });
      head = this.queue[0];
    }
    if (head === undefined || head.state !== 'queued') return; // empty, or the head waits out its backoff
    if (this.opts.gate && !this.opts.gate()) {
      head.state = 'backoff';
      head.timer = setTimeout(() => {
        head.timer = null;
        if (head.state !== 'backoff') return;
        head.state = 'queued';
        this.schedule();
      }, this.opts.gateRetryMs ?? 500);
      return;
    }
    head.state = 'running';
    this.running = this.opts.executor.run(head.job).then(
      (result) => {
        this.running = null;
        this.remove(head);
        if (head.failures > 0) this.opts.logger.info('store recovered', { attempts: head.failures + 1 });
        head.committed = true;
        head.settle({ committed: true, result });
        this.opts.onCommitted?.();
        if (result.outboxQueued > 0) this.opts.onOutbox?.();
        this.schedule();
      },
      (e: unknown) => {
        this.running = null;
        if (this.dead) return; // settled by die()
        this.failed(head, e);
        this.schedule();
      },
    );
  }

  private failed(head: Entry, e: unknown): void {
    head.failures++;
    this.opts.onFailure?.(e);
    if (head.cancelled || this.closing || head.failures >= head.attempts) {
      this.remove(head);
      head.settle({ committed: false, error: e instanceof Error ? e : new Error(String(e)) });
      return;
    }
    const { initialMs, maxMs } = this.opts.retry ?? { initialMs: 200, maxMs: 30_000 };
    const wait = Math.min(maxMs, initialMs * 2 ** (head.failures - 1)) * (0.5 + Math.random() / 2);
    this.opts.logger.warn('store failed; holding the batch and retrying', {
      events: head.job.rows.n,
      attempt: head.failures,
      queued_behind: this.queue.length - 1,
      retry_in_ms: Math.round(wait),
      code: isLogaggError(e) ? e.code : undefined,
      err: e,
    });
    head.state = 'backoff';
    head.timer = setTimeout(() => {
      head.timer = null;
      if (head.state !== 'backoff') return;
      head.state = 'queued';
      this.schedule();
    }, wait);
  }
}

/** Runs jobs on this thread with a LogWriter: today's synchronous path, behind the same queue. */
export function inProcessExecutor(run: (job: CommitJob) => CommitResult): CommitExecutor {
  return {
    run: async (job) => run(job),
    dead: new Promise<never>(() => {}),
    close: async () => {},
  };
}
