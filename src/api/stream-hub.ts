/**
 * One poller for every open event stream: each tick reads the newest log id once (an O(log n)
 * b-tree lookup) and lets each subscriber fetch only what is new for its own filter. Timers run
 * only while a stream is open, and are unref'd so they never keep the process alive.
 */
import type { Logger } from '../logger.js';
import { maxLogId } from '../store/log-follow.js';
import type { Store } from '../store/store.js';

export interface StreamSubscriber {
  /** New rows may exist up to this id; fetch and send what matches. */
  pump(maxId: number): void;
  heartbeat(): void;
  /** End the stream (server shutting down). */
  close(): void;
}

export interface StreamHubOptions {
  store: Store;
  pollMs: number;
  heartbeatMs: number;
  maxStreams: number;
  logger: Logger;
  onCountChange?: (n: number) => void;
}

export class StreamHub {
  private readonly subs = new Set<StreamSubscriber>();
  private poll: NodeJS.Timeout | null = null;
  private beat: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly o: StreamHubOptions) {}

  get size(): number {
    return this.subs.size;
  }

  /** Registers a subscriber; false when the hub is full or closed. */
  add(sub: StreamSubscriber): boolean {
    if (this.closed || this.subs.size >= this.o.maxStreams) return false;
    this.subs.add(sub);
    this.o.onCountChange?.(this.subs.size);
    if (!this.poll) {
      this.poll = setInterval(() => this.tick(), this.o.pollMs);
      this.poll.unref();
      this.beat = setInterval(() => this.subs.forEach((s) => s.heartbeat()), this.o.heartbeatMs);
      this.beat.unref();
    }
    return true;
  }

  remove(sub: StreamSubscriber): void {
    if (!this.subs.delete(sub)) return;
    this.o.onCountChange?.(this.subs.size);
    if (this.subs.size === 0) this.stopTimers();
  }

  /** Reads the head once and pumps every subscriber; also called right after a stream opens. */
  tick(only?: StreamSubscriber): void {
    let maxId: number;
    try {
      maxId = maxLogId(this.o.store);
    } catch (e) {
      this.o.logger.warn('stream poll failed; will retry', { err: e });
      return;
    }
    for (const s of only ? [only] : [...this.subs]) s.pump(maxId);
  }

  /** Ends every stream and refuses new ones. */
  closeAll(): void {
    this.closed = true;
    for (const s of [...this.subs]) s.close();
    this.subs.clear();
    this.o.onCountChange?.(0);
    this.stopTimers();
  }

  private stopTimers(): void {
    if (this.poll) clearInterval(this.poll);
    if (this.beat) clearInterval(this.beat);
    this.poll = null;
    this.beat = null;
  }
}
