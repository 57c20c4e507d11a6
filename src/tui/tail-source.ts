/**
 * What `tail` reads from: the local database (local-source.ts) or a remote appliance's API
 * and event stream (remote-source.ts). The TUI and the plain printer speak only this.
 */
import type { Alert } from '../core/alert.js';
import type { TailEvent } from './event-line.js';
import type { TailFilter } from './tail-filter.js';

/** An event with everything the detail view shows. */
export interface EventDetail {
  event: TailEvent;
  /** Alerts whose sample events include this one. */
  alerts: Alert[];
}

export interface TailStatus {
  /** Events per second (local: rows stored; remote: matching events received). */
  rate: number | null;
  /** Consumer lag in messages; null when unknown. */
  lag: number | null;
  /** Database file + WAL + shm, bytes; null when unknown (remote). */
  dbBytes: number | null;
  /** Rows stored but not read yet (local mode catching up). */
  behind: number;
  /** `live`, `connecting`, `reconnecting in 2s: …` */
  connection: string;
  /** Whether alerts are followed, and why not when they are not. */
  alerts: { available: true } | { available: false; reason: string };
}

/** Where a source delivers what it reads. Calls come in order; none after close(). */
export interface TailSink {
  /** The recent window after start or a filter change (oldest first); replaces what was shown. */
  reset(events: TailEvent[]): void;
  /** New matching events, oldest first. */
  logs(events: TailEvent[]): void;
  /** The recent alerts (newest first), replacing what was shown. */
  alertsReset(alerts: Alert[]): void;
  /** Alerts created or changed. */
  alerts(alerts: Alert[]): void;
  status(s: Partial<TailStatus>): void;
  /** A problem worth showing; the source keeps trying. */
  error(message: string): void;
  /** False while the consumer cannot keep up (plain output to a slow pipe): the source waits. */
  ready?(): boolean;
}

export type AckResult = { ok: true; alert: Alert } | { ok: false; reason: string };

export interface TailSource {
  /** `local /var/lib/logagg.db` or `http://host:8080`, for the status line. */
  readonly label: string;
  /**
   * Sends the recent window (`window` events) and follows from there. Rejects when the filter
   * is invalid (nothing is sent then); a source that cannot reach its data keeps retrying.
   */
  start(filter: TailFilter, sink: TailSink): Promise<void>;
  /** Changes the filter: validates it, sends a fresh window, follows with it. Rejects on a bad filter and keeps the old one. */
  setFilter(filter: TailFilter): Promise<void>;
  /** The last `n` matching events, oldest first, without following (tail -n). */
  recent(filter: TailFilter, n: number): Promise<TailEvent[]>;
  /** One event with raw text, attributes and its alerts; null when it no longer exists. */
  detail(id: number): Promise<EventDetail | null>;
  /** Whether `acknowledge` can work here, and why not when it cannot. */
  canAcknowledge(): { ok: true } | { ok: false; reason: string };
  acknowledge(alertId: number): Promise<AckResult>;
  close(): Promise<void>;
}
