/**
 * The disk budget and what happens when the disk fills anyway (retention.max_bytes,
 * retention.min_free_bytes, storage.ballast_bytes).
 *
 * Budget: the database's bytes in use stay under max_bytes; the oldest events go first (through
 * the retention path, in its short chunks), then the oldest 1-minute rollups, then 1-hour ones.
 * Floor: when the file system has less than min_free_bytes free, the oldest data is deleted
 * until the database holds that much free space of its own: SQLite reuses freed pages before it
 * grows the file, so the file stops taking disk. Deleting only frees pages inside the file; the
 * file never shrinks (no VACUUM on a full disk).
 *
 * Full disk: the commit queue already holds the batch and retries it with backoff (nothing is
 * acknowledged to Kafka or to a sender). Here: ingest is marked paused with the reason
 * (`/readyz` answers 503 and says why), the ballast file is given back so that the internal
 * alert `logagg.disk-full` can be written and old data deleted, batches are held (mayWrite)
 * until there is room again, and when a batch commits again the pause ends by itself; the
 * ballast is made again once there is room for it.
 */
import { closeSync, existsSync, openSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Finding } from '../core/rules/types.js';
import { isLogaggError } from '../errors.js';
import type { IngestPause } from '../ingest/ingest-stats.js';
import type { Logger } from '../logger.js';
import { applyFindingsApart } from '../store/alert-store.js';
import { databaseSpace, oldestLogsBound, oldestRollupBound } from '../store/disk-usage.js';
import { pruneOnce, pruneRollupsOnce } from '../store/retention.js';
import type { Store } from '../store/store.js';

/** The rule id of the internal alert raised when ingest paused for lack of disk space. */
export const DISK_FULL_RULE_ID = 'logagg.disk-full';

export interface DiskSettings {
  /** The database file. */
  path: string;
  /** retention.max_bytes; 0 = none. */
  maxBytes: number;
  /** retention.min_free_bytes; 0 = none. */
  minFreeBytes: number;
  /** storage.ballast_bytes; 0 = none. */
  ballastBytes: number;
  /** Rows per delete transaction (retention.chunk). */
  chunk: number;
}

export interface BudgetRun {
  deleted: { logs: number; rollup_1m: number; rollup_1h: number };
  usedBytes: number;
  /** Free pages inside the database file, bytes. */
  freeBytes: number;
  /** Free bytes of the file system (for an unprivileged user). */
  diskFreeBytes: number;
  /** Whether the budget and the floor are met after this run. */
  met: boolean;
}

/** A budget run deletes at most this many chunks; the next run goes on (ingest keeps its turn). */
const MAX_CHUNKS_PER_RUN = 200;
/** The budget is brought back to this share of max_bytes, so deletions come in runs, not per batch. */
const BUDGET_LOW_WATER = 0.95;

export interface DiskBudgetOptions {
  logger: Logger;
  /** Free bytes of the file system holding `dir` (tests replace it). */
  diskFree?: (dir: string) => number;
  clock?: () => number;
  /** Told when ingest pauses (null: resumes). */
  onPause?: (pause: IngestPause | null) => void;
}

function statfsFree(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** The SQLite code of a store failure that means the disk refuses writes, else null. */
export function diskFailureCode(e: unknown): string | null {
  if (!isLogaggError(e)) return null;
  const code = e.details['sqlite'];
  if (typeof code !== 'string') return null;
  return code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_IOERR') ? code : null;
}

export class DiskBudget {
  private pause: IngestPause | null = null;
  private alertPending = false;
  private readonly dir: string;
  private readonly ballastPath: string;
  private readonly diskFree: (dir: string) => number;
  private readonly clock: () => number;
  private running: Promise<BudgetRun> | null = null;

  constructor(
    private readonly store: Store,
    private readonly settings: DiskSettings,
    private readonly opts: DiskBudgetOptions,
  ) {
    this.dir = dirname(resolve(settings.path));
    this.ballastPath = resolve(settings.path) + '.ballast';
    this.diskFree = opts.diskFree ?? statfsFree;
    this.clock = opts.clock ?? Date.now;
  }

  get paused(): IngestPause | null {
    return this.pause === null ? null : { ...this.pause };
  }

  get enabled(): boolean {
    return this.settings.maxBytes > 0 || this.settings.minFreeBytes > 0;
  }

  /**
   * A commit failed. A full disk (or an I/O error) pauses ingest: the first time, the ballast
   * is given back, the internal alert is written and a budget run is started.
   */
  storeFailed(e: unknown): void {
    const code = diskFailureCode(e);
    if (code === null || this.pause !== null) return;
    const full = code.startsWith('SQLITE_FULL');
    const free = this.safeDiskFree();
    this.pause = {
      reason: full
        ? `the disk holding ${this.settings.path} is full (${free} bytes free): ingest paused, nothing acknowledged; it resumes when space returns`
        : `the database refuses writes (${code}): ingest paused, nothing acknowledged; check the disk`,
      code,
      since: this.clock(),
    };
    this.opts.logger.error('ingest paused: the store cannot write', { code, path: this.settings.path, disk_free_bytes: free });
    this.opts.onPause?.(this.paused);
    if (full) this.releaseBallast();
    this.alertPending = true;
    this.tryAlert();
    void this.enforce().catch(() => undefined);
  }

  /**
   * Whether the store may be tried now: always, except during a full-disk pause, which holds
   * until the file system has room again (the floor plus twice the ballast, at least 4 MiB) or
   * the database has that much free space of its own (the budget deleted old data). So the
   * ballast's room goes to the alert and the deletions, not to the next batch.
   */
  mayWrite(): boolean {
    if (this.pause === null || !this.pause.code.startsWith('SQLITE_FULL')) return true;
    const room = Math.max(4 * 1024 * 1024, 2 * this.settings.ballastBytes);
    if (this.safeDiskFree() >= this.settings.minFreeBytes + room) return true;
    try {
      return databaseSpace(this.store).freeBytes >= room;
    } catch {
      return false;
    }
  }

  /** A commit succeeded: a pause ends. */
  storeRecovered(): void {
    if (this.pause === null) return;
    const ms = this.clock() - this.pause.since;
    this.opts.logger.info('ingest resumed: the store takes writes again', { paused_ms: ms });
    this.pause = null;
    this.opts.onPause?.(null);
  }

  /**
   * Deletes the oldest data until the budget and the floor are met (at most MAX_CHUNKS_PER_RUN
   * chunks, yielding between them), writes a pending alert, and makes the ballast when there is
   * room. One run at a time: a call during a run gets that run.
   */
  enforce(): Promise<BudgetRun> {
    if (this.running) return this.running;
    this.running = this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<BudgetRun> {
    const deleted = { logs: 0, rollup_1m: 0, rollup_1h: 0 };
    const { chunk } = this.settings;
    let chunks = 0;
    for (;;) {
      const need = this.need();
      if (need <= 0 || chunks >= MAX_CHUNKS_PER_RUN) break;
      const step = this.deleteOldest(chunk);
      if (step === null) break; // nothing left to delete
      deleted[step.table] += step.rows;
      chunks++;
      await new Promise<void>((r) => setImmediate(r));
    }
    if (deleted.logs + deleted.rollup_1m + deleted.rollup_1h > 0) {
      this.opts.logger.info('disk budget applied', { ...deleted, ...this.measure() });
    }
    this.tryAlert();
    this.ensureBallast();
    const m = this.measure();
    return { deleted, ...m, met: this.need() <= 0 };
  }

  private measure(): { usedBytes: number; freeBytes: number; diskFreeBytes: number } {
    const space = databaseSpace(this.store);
    return { usedBytes: space.usedBytes, freeBytes: space.freeBytes, diskFreeBytes: this.safeDiskFree() };
  }

  /** Bytes still to free: over the budget, or missing below the floor (free pages count as room). */
  private need(): number {
    if (!this.enabled) return 0;
    const { maxBytes, minFreeBytes } = this.settings;
    const space = databaseSpace(this.store);
    const overBudget = maxBytes > 0 && space.usedBytes > maxBytes ? space.usedBytes - maxBytes * BUDGET_LOW_WATER : 0;
    const disk = this.safeDiskFree();
    const belowFloor = minFreeBytes > 0 && disk < minFreeBytes ? minFreeBytes - disk - space.freeBytes : 0;
    return Math.max(overBudget, belowFloor);
  }

  /** One chunk of the oldest data: events first, then 1-minute rollups, then 1-hour rollups. */
  private deleteOldest(chunk: number): { table: 'logs' | 'rollup_1m' | 'rollup_1h'; rows: number } | null {
    const bound = oldestLogsBound(this.store, chunk);
    if (bound !== null) {
      const rows = pruneOnce(this.store, { olderThanMs: bound, chunk });
      if (rows > 0) return { table: 'logs', rows };
    }
    for (const table of ['rollup_1m', 'rollup_1h'] as const) {
      const b = oldestRollupBound(this.store, table);
      if (b === null) continue;
      const rows = pruneRollupsOnce(this.store, table, b, chunk);
      if (rows > 0) return { table, rows };
    }
    return null;
  }

  private safeDiskFree(): number {
    try {
      return this.diskFree(this.dir);
    } catch {
      return 0;
    }
  }

  /** The internal alert for the pause, written when the store takes it (it may be full itself). */
  private tryAlert(): void {
    if (!this.alertPending) return;
    const pause = this.pause;
    const now = this.clock();
    const finding: Finding = {
      rule_id: DISK_FULL_RULE_ID,
      rule_name: 'Ingest paused: the database cannot write',
      severity: 'CRITICAL',
      host: null,
      title: pause ? pause.reason : 'ingest was paused: the database could not write (the disk was full)',
      dedup_key: DISK_FULL_RULE_ID,
      ts: now,
      event_indexes: [],
      matched: { code: pause?.code ?? 'SQLITE_FULL', path: this.settings.path, disk_free_bytes: this.safeDiskFree() },
      context: { since: pause ? new Date(pause.since).toISOString() : null },
    };
    try {
      applyFindingsApart(this.store, { events: [], ids: [], now }, [{ finding, suppressMs: 3_600_000 }], { maxAlertsPerRulePerHour: 0 });
      this.alertPending = false;
    } catch (e) {
      this.opts.logger.warn('the disk-full alert could not be written yet; trying again at the next check', { err: e });
    }
  }

  private releaseBallast(): void {
    if (!existsSync(this.ballastPath)) return;
    try {
      unlinkSync(this.ballastPath);
      this.opts.logger.warn('ballast given back to let the store write', { path: this.ballastPath, bytes: this.settings.ballastBytes });
    } catch (e) {
      this.opts.logger.warn('the ballast could not be removed', { path: this.ballastPath, err: e });
    }
  }

  /**
   * Makes the ballast when it is missing, nothing is paused, and the disk has room for it on top
   * of the floor (twice its size, so making it cannot fill the disk).
   */
  ensureBallast(): void {
    const bytes = this.settings.ballastBytes;
    if (bytes <= 0 || this.pause !== null || this.settings.path === ':memory:' || existsSync(this.ballastPath)) return;
    if (this.safeDiskFree() < this.settings.minFreeBytes + 2 * bytes) return;
    let fd: number | null = null;
    try {
      fd = openSync(this.ballastPath, 'wx', 0o600);
      const block = Buffer.alloc(Math.min(bytes, 1024 * 1024), 0x5a);
      for (let left = bytes; left > 0; left -= block.length) writeSync(fd, block, 0, Math.min(block.length, left));
      closeSync(fd);
      fd = null;
    } catch (e) {
      if (fd !== null) closeSync(fd);
      try {
        unlinkSync(this.ballastPath);
      } catch {
        // it was never made
      }
      this.opts.logger.warn('the ballast could not be made', { path: this.ballastPath, err: e });
    }
  }
}
