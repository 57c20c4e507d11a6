// Shared by the tail tests: a real SQLite file with the ingest writer, a read-only connection
// beside it (as `tail` opens), events and alerts written through the real LogWriter, and a
// sink that records what a tail source delivers.
import type { Alert } from '../../src/core/alert.js';
import type { NormalizedEvent } from '../../src/core/event.js';
import { applyFindings } from '../../src/store/alert-store.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { openStore, type Store } from '../../src/store/store.js';
import type { TailEvent } from '../../src/tui/event-line.js';
import type { TailSink, TailStatus } from '../../src/tui/tail-source.js';
import { deferCleanup } from '../helpers/temp.js';
import { finding } from '../store/alert-fixtures.js';
import { makeEvent, tempDbPath } from '../store/fixtures.js';
import type { Finding } from '../../src/core/rules/types.js';
import type { Role } from '../../src/auth/roles.js';
import { mintToken } from '../../src/auth/token-signer.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import type { IngestStats } from '../../src/ingest/ingest-stats.js';
import { SqliteAlertsPort } from '../../src/store/alert-port.js';
import { apiConfig, captureLogger, SECRET } from '../api/harness.js';

export interface TailDb {
  path: string;
  writerStore: Store;
  readStore: Store;
  /** Stores events (and findings about them, as alerts); returns their ids. */
  write(events: NormalizedEvent[], findings?: Partial<Finding>[]): number[];
}

export function tailDb(): TailDb {
  const path = tempDbPath();
  const writerStore = openStore(path);
  deferCleanup(() => writerStore.close());
  const readStore = openStore(path, { readonly: true });
  deferCleanup(() => readStore.close());
  const writer = new LogWriter(writerStore);
  return {
    path,
    writerStore,
    readStore,
    write(events, findings = []) {
      const r = writer.writeBatch({
        events,
        offsets: [],
        inTransaction: (tx) => {
          const pending = findings.map((f) => {
            const full = finding(f);
            return { finding: { ...full, ts: events[full.event_indexes[full.event_indexes.length - 1] ?? 0]?.ts ?? full.ts }, suppressMs: 600_000 };
          });
          applyFindings(tx, pending, { maxAlertsPerRulePerHour: 0 });
        },
      });
      return r.ids.map((id) => id!);
    },
  };
}

/** Events with messages `${prefix}-${i}`, one second apart from `ts0`. */
export function events(n: number, prefix: string, over: Partial<NormalizedEvent> = {}, ts0 = Date.UTC(2025, 0, 15, 12)): NormalizedEvent[] {
  return Array.from({ length: n }, (_, i) => makeEvent({ ts: ts0 + i * 1000, message: `${prefix}-${i}`, ...over }));
}

export class RecordingSink implements TailSink {
  resets: TailEvent[][] = [];
  followed: TailEvent[] = [];
  alertResets: Alert[][] = [];
  alertUpdates: Alert[] = [];
  statuses: Partial<TailStatus>[] = [];
  errors: string[] = [];
  accepting = true;

  reset(e: TailEvent[]): void {
    this.resets.push(e);
  }
  logs(e: TailEvent[]): void {
    this.followed.push(...e);
  }
  alertsReset(a: Alert[]): void {
    this.alertResets.push(a);
  }
  alerts(a: Alert[]): void {
    this.alertUpdates.push(...a);
  }
  status(s: Partial<TailStatus>): void {
    this.statuses.push(s);
  }
  error(m: string): void {
    this.errors.push(m);
  }
  ready(): boolean {
    return this.accepting;
  }
  /** The latest value of each status field. */
  get status_(): Partial<TailStatus> {
    return Object.assign({}, ...this.statuses) as Partial<TailStatus>;
  }
  messages(): string[] {
    return this.followed.map((e) => e.message);
  }
}

export async function until(what: string, fn: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TailApi {
  url: string;
  server: ApiServer;
  /** Tokens minted with the server's secret. */
  viewer: string;
  analyst: string;
}

/** A real API server over the database's read-only connection, alerts through SQLite, fast stream polls. */
export async function startTailApi(db: TailDb, opts: { stats?: IngestStats; port?: number; config?: Record<string, unknown> } = {}): Promise<TailApi> {
  const config = apiConfig({ 'api.stream.poll_interval': 20, 'api.stream.heartbeat': 1000, ...(opts.port ? { 'api.port': opts.port } : {}), ...opts.config });
  const server = await startApiServer({
    config,
    store: db.readStore,
    alerts: new SqliteAlertsPort(db.readStore, db.writerStore),
    logger: captureLogger().logger,
    ...(opts.stats ? { stats: opts.stats } : {}),
  });
  deferCleanup(() => server.close());
  const mint = (role: Role, sub: string) =>
    mintToken({ secret: Buffer.from(SECRET), subject: sub, roles: [role], ttlMs: 3_600_000, now: Date.now() });
  return { url: server.url, server, viewer: mint('viewer', 'vera'), analyst: mint('analyst', 'ana') };
}
