/**
 * Forwarding: one loop per output that reads what the store has committed after the output's
 * cursor, sends it, and advances the cursor once the broker acknowledged (docs/operations.md,
 * "Forwarding").
 *
 * Guarantees:
 *   - never ahead of the store: only rows read back from the store are sent, so nothing is
 *     forwarded that a crash could still take back;
 *   - at least once: the cursor (forward_cursors) moves only after the acknowledgement, so a
 *     crash between the two sends that batch again after the restart, with the same keys;
 *   - nothing skipped: the newest id is read before the rows and bounds them; with one writer
 *     and AUTOINCREMENT ids every row at or below it is committed (src/store/log-follow.ts).
 *     Events deleted by retention before they were forwarded are gone, as they are locally.
 *
 * A failed send is recorded (errors, last_error, failing_since) and retried from the cursor
 * after a growing backoff; the other outputs go on.
 */
import { alertOut, eventOut, type OutMessage } from '../core/forward-message.js';
import type { Logger } from '../logger.js';
import { alertChangeHead, alertChangesAfter } from '../store/alert-reader.js';
import { advanceAlerts, advanceEvents, openCursor, recordForwardError, type ForwardCursor } from '../store/forward-cursors.js';
import type { LogFilter } from '../store/log-filter.js';
import { logsAfter, maxLogId } from '../store/log-follow.js';
import type { Store } from '../store/store.js';

/** What an output sends through (src/ingest/kafka-producer.ts; tests give their own). */
export interface OutputSink {
  send(topic: string, messages: readonly OutMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface OutputSettings {
  name: string;
  eventsTopic: string | null;
  alertsTopic: string | null;
  filter: LogFilter;
  batch: number;
  lingerMs: number;
  start: 'beginning' | 'now';
}

export interface ForwarderSettings {
  appliance: string;
  pollIntervalMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  degradedAfterMs: number;
}

export interface ForwarderOptions {
  store: Store;
  outputs: readonly { settings: OutputSettings; sink: OutputSink }[];
  settings: ForwarderSettings;
  logger: Logger;
  clock?: () => number;
}

/** How long stop() lets a send in flight finish before the sinks are closed under it. */
const STOP_GRACE_MS = 5_000;

export class Forwarder {
  private readonly clock: () => number;
  private readonly wakers = new Set<() => void>();
  private loops: Promise<void>[] = [];
  private stopped = false;
  private started = false;

  constructor(private readonly opts: ForwarderOptions) {
    this.clock = opts.clock ?? Date.now;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.loops = this.opts.outputs.map((o) => this.loop(o.settings, o.sink));
    this.opts.logger.info('forwarding started', { appliance: this.opts.settings.appliance, outputs: this.opts.outputs.map((o) => o.settings.name) });
  }

  /** Looks for new rows now. */
  wake(): void {
    for (const w of [...this.wakers]) w();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
    await Promise.race([Promise.all(this.loops), grace]);
    await Promise.all(this.opts.outputs.map((o) => o.sink.close()));
    await Promise.all(this.loops);
  }

  private async loop(o: OutputSettings, sink: OutputSink): Promise<void> {
    const log = this.opts.logger.child({ output: o.name });
    const store = this.opts.store;
    let cursor: ForwardCursor | null = null;
    let failures = 0;
    while (!this.stopped) {
      try {
        if (cursor === null) {
          const start = o.start === 'now' ? { lastLogId: maxLogId(store), lastAlertSeq: alertChangeHead(store) } : { lastLogId: 0, lastAlertSeq: 0 };
          cursor = openCursor(store, o.name, start, { eventsTopic: o.eventsTopic, alertsTopic: o.alertsTopic, degradedAfterMs: this.opts.settings.degradedAfterMs }, this.clock());
          log.info('forwarding output open', { last_log_id: cursor.lastLogId, last_alert_seq: cursor.lastAlertSeq });
        }
        let more = false;
        if (o.eventsTopic !== null) more = (await this.events(o, o.eventsTopic, sink, cursor)) || more;
        if (o.alertsTopic !== null && !this.stopped) more = (await this.alerts(o, o.alertsTopic, sink, cursor)) || more;
        if (failures > 0) log.info('forwarding works again', { after_failures: failures });
        failures = 0;
        if (!more) await this.sleep(this.opts.settings.pollIntervalMs);
      } catch (e) {
        if (this.stopped) break;
        failures++;
        const error = e instanceof Error ? e.message : String(e);
        try {
          recordForwardError(store, o.name, error, this.clock());
        } catch (re) {
          log.warn('could not record a forwarding failure', { err: re });
        }
        const wait = Math.min(this.opts.settings.backoffMaxMs, this.opts.settings.backoffInitialMs * 2 ** Math.min(failures - 1, 20));
        log.warn('forwarding failed; will retry from the cursor', { error, failures, retry_in_ms: wait });
        await this.sleep(wait);
      }
    }
  }

  /** Sends the next events; true when a full batch went (more are likely waiting). */
  private async events(o: OutputSettings, topic: string, sink: OutputSink, cursor: ForwardCursor): Promise<boolean> {
    const store = this.opts.store;
    let head = maxLogId(store);
    if (head <= cursor.lastLogId) return false;
    let raw = logsAfter(store, o.filter, cursor.lastLogId, o.batch);
    if (raw.length < o.batch && o.lingerMs > 0) {
      // Fewer than a batch: give the writer a moment to commit more, once.
      await this.sleep(o.lingerMs);
      if (this.stopped) return false;
      head = maxLogId(store);
      raw = logsAfter(store, o.filter, cursor.lastLogId, o.batch);
    }
    const rows = raw.filter((r) => r.id <= head);
    const last = rows[rows.length - 1];
    // A full page that ends at or below the head stops at its last row; otherwise every row up
    // to the head was seen (those after it wait for the next look).
    const full = raw.length === o.batch && rows.length === raw.length;
    const next = full && last ? last.id : head;
    if (rows.length > 0) await sink.send(topic, rows.map((r) => eventOut(r, this.opts.settings.appliance)));
    advanceEvents(store, o.name, next, rows.length, this.clock());
    cursor.lastLogId = next;
    return full;
  }

  /** Sends the next alert changes; true when a full batch went. */
  private async alerts(o: OutputSettings, topic: string, sink: OutputSink, cursor: ForwardCursor): Promise<boolean> {
    const store = this.opts.store;
    const head = alertChangeHead(store);
    if (head <= cursor.lastAlertSeq) return false;
    const rows = alertChangesAfter(store, cursor.lastAlertSeq, head, o.batch);
    const full = rows.length === o.batch;
    const next = full ? rows[rows.length - 1]!.seq : head;
    if (rows.length > 0) await sink.send(topic, rows.map((r) => alertOut(r.alert, r.seq, this.opts.settings.appliance)));
    advanceAlerts(store, o.name, next, rows.length, this.clock());
    cursor.lastAlertSeq = next;
    return full;
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
