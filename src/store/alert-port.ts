/**
 * The API's AlertsPort over SQLite. Reads go through the API's read-only connection; a state
 * change needs a write, and goes through the ingest writer's connection, which `serve` shares
 * with the API in one process. better-sqlite3 is synchronous, so a change runs between two
 * batch transactions of the same event loop, never inside one and never waiting on it; another
 * process holding the write lock is waited for up to the connection's busy timeout. When the
 * API runs on a worker thread (`serve`), the worker's port sends changes to this port on the
 * main thread instead (src/api/worker/).
 */
import type { Alert, AlertChange, AlertFeed, AlertFilter, AlertHistoryEntry, AlertPage, AlertState } from '../core/alert.js';
import type { Severity } from '../core/event.js';
import { LogaggError } from '../errors.js';
import { alertFeed, alertHistory, alertStats, countAlerts, type AlertStats, getAlert, listAlerts, toAlert } from './alert-reader.js';
import { transitionAlert, type TransitionHook } from './alert-store.js';
import type { Store } from './store.js';

/**
 * Has the shape of the API's AlertsPort (src/api/ports.ts); the store does not import the API,
 * so the fit is checked where a port is handed to the API (serve, tail, the tests' harness).
 */
export class SqliteAlertsPort {
  /**
   * @param reader a connection to read with (read-only in `serve`)
   * @param writer the writer connection for state changes; null = changes are refused (503)
   * @param onTransition run inside each state change's transaction: the notification outbox's
   *   enqueueForTransition (src/notify/outbox.ts) wherever changes are made for real
   */
  constructor(
    private readonly reader: Store,
    private readonly writer: Store | null,
    private readonly onTransition?: TransitionHook,
  ) {}

  list(filter: AlertFilter, page: { limit: number; cursor: string | null }): AlertPage {
    const p = listAlerts(this.reader, filter, page);
    return { items: p.items.map(toAlert), next_cursor: p.next_cursor };
  }

  get(id: number, hostScope?: readonly string[]): Alert | null {
    const r = getAlert(this.reader, id, hostScope);
    return r === null ? null : toAlert(r);
  }

  async transition(id: number, change: AlertChange, hostScope?: readonly string[]): Promise<Alert | null> {
    if (this.writer === null) {
      throw new LogaggError('STORE_UNAVAILABLE', 'alert state changes need the ingest writer, which does not run in this process', { canRetry: true });
    }
    if (!transitionAlert(this.writer, id, change, hostScope, this.onTransition)) return null;
    // Read back on the connection that wrote: it sees its own commit whatever the reader's snapshot.
    const r = getAlert(this.writer, id);
    return r === null ? null : toAlert(r);
  }

  history(id: number, hostScope?: readonly string[]): AlertHistoryEntry[] | null {
    return getAlert(this.reader, id, hostScope) === null ? null : alertHistory(this.reader, id);
  }

  counts(filter: AlertFilter): { severity: Severity; state: AlertState; count: number }[] {
    return countAlerts(this.reader, filter);
  }

  stats(filter: AlertFilter, top: number): AlertStats {
    return alertStats(this.reader, filter, top);
  }

  feed(position: string | null, filter: AlertFilter, limit: number): AlertFeed {
    const f = alertFeed(this.reader, position, filter, limit);
    return { items: f.items.map(toAlert), position: f.position };
  }
}
