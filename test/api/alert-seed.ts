// Alerts for the API tests, written by the store's own functions (applyFindingsApart, as the
// rules dry run writes them; transitionAlert for a state other than open) into a real SQLite
// file, which startApi then serves through the real port (SqliteAlertsPort) with its own
// read-only connection. Alerts may be added before or after the API starts.
import path from 'node:path';
import type { Alert, AlertState } from '../../src/core/alert.js';
import type { Severity } from '../../src/core/event.js';
import { enqueueForTransition } from '../../src/notify/outbox.js';
import { SqliteAlertsPort } from '../../src/store/alert-port.js';
import { getAlert, toAlert } from '../../src/store/alert-reader.js';
import { applyFindingsApart, transitionAlert, type AlertWritten } from '../../src/store/alert-store.js';
import { openStore, type Store } from '../../src/store/store.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';

export interface AlertSpec {
  rule_id: string;
  severity: Severity;
  host: string | null;
  /** Event time, epoch ms; also last_seen. */
  first_seen: number;
  /** Ids of stored logs the alert names as samples. */
  sample_event_ids?: number[];
  /** Set after opening, by a state change of 'seed' at first_seen. */
  state?: AlertState;
}

const NO_CAP = { maxAlertsPerRulePerHour: 0 };
const DAY = 86_400_000;

export class AlertSeed {
  /** The database file startApi serves. */
  readonly file: string;
  /** Its writer connection; startApi writes its events on it too. */
  readonly store: Store;

  constructor() {
    this.file = path.join(tempDir('logagg-api-'), 'logagg.db');
    const store = openStore(this.file);
    deferCleanup(() => store.close());
    this.store = store;
  }

  /** Opens a new alert (never folded into another), as the API shows it. */
  add(a: AlertSpec): Alert {
    const samples = a.sample_event_ids ?? [];
    const finding = {
      rule_id: a.rule_id,
      rule_name: a.rule_id,
      severity: a.severity,
      host: a.host,
      title: `${a.rule_id} on ${a.host ?? 'no host'}`,
      dedup_key: `${a.rule_id}|${a.host ?? ''}`,
      ts: a.first_seen,
      event_indexes: samples.map((_, i) => i),
      count: 1,
    };
    const events = samples.map(() => ({ ts: a.first_seen }));
    // suppressMs 0: every finding opens its own alert.
    const written: AlertWritten[] = [];
    applyFindingsApart(this.store, { events, ids: samples, now: a.first_seen }, [{ finding, suppressMs: 0 }], NO_CAP, written);
    const id = written[0]!.alertId;
    if (a.state !== undefined && a.state !== 'open') transitionAlert(this.store, id, { state: a.state, by: 'seed', at: a.first_seen, comment: null });
    return this.get(id);
  }

  /** The detection engine folding a repeat into the alert: count + 1, last seen at `at`. */
  repeat(id: number, at: number): void {
    const a = this.get(id);
    const finding = { rule_id: a.rule_id, rule_name: a.rule_id, severity: a.severity, host: a.host, title: a.title, dedup_key: a.dedup_key, ts: at, event_indexes: [], count: 1 };
    applyFindingsApart(this.store, { events: [], ids: [], now: at }, [{ finding, suppressMs: DAY }], NO_CAP);
  }

  /** The port the API is given: reads on `reader`, state changes on the writer, announced to the outbox. */
  port(reader: Store): SqliteAlertsPort {
    return new SqliteAlertsPort(reader, this.store, enqueueForTransition);
  }

  private get(id: number): Alert {
    const r = getAlert(this.store, id);
    if (r === null) throw new Error(`no alert ${id}`);
    return toAlert(r);
  }
}
