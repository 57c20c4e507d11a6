/**
 * Backup and restore of the database (docs/operations.md), around the store's SQL
 * (src/store/backup.ts): a copy is written beside its destination and only renamed into
 * place once it is complete, checked and on disk (fsync), so a crash or a full disk never
 * leaves a half-written file under the final name.
 */
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LogaggError } from '../errors.js';
import type { StoreEncryption } from '../store/cipher.js';
import { checkCopy, databaseInUse, databaseSize, vacuumInto, type CheckedCopy } from '../store/backup.js';
import type { Migration } from '../store/migrations.js';
import { openStore, type Store } from '../store/store.js';

/** What a backup step reports, for the progress lines on stderr. */
export type BackupPhase =
  | { phase: 'copy'; bytes: number }
  | { phase: 'check' }
  | { phase: 'done'; bytes: number; ms: number };

export interface BackupSummary {
  file: string;
  /** Size of the backup file, bytes. */
  bytes: number;
  duration_ms: number;
  schema_version: number;
  encrypted: boolean;
  events: number;
  alerts: number;
  offsets: number;
}

export interface BackupOptions {
  /** The key of the store: only to check the copy (VACUUM INTO reuses the store's own). */
  encryption?: StoreEncryption;
  nativeBinding?: unknown;
  onPhase?: (p: BackupPhase) => void;
  clock?: () => number;
}

/**
 * Backs up an open store (the CLI's read-only connection, or `serve`'s control connection for
 * the schedule) to `dest`. Refuses to overwrite an existing file. The copy is checked
 * (quick_check, schema) before it takes the final name.
 */
export function backupDatabase(store: Store, dest: string, opts: BackupOptions = {}): BackupSummary {
  const clock = opts.clock ?? Date.now;
  const started = clock();
  if (existsSync(dest)) throw new LogaggError('CONFLICT', `${dest} already exists; give a new file name (a backup never overwrites one)`, { details: { path: dest } });
  mkdirSync(dirname(dest), { recursive: true });
  const partial = join(dirname(dest), `.${basename(dest)}.partial-${process.pid}`);
  rmSync(partial, { force: true });
  try {
    opts.onPhase?.({ phase: 'copy', bytes: databaseSize(store).usedBytes });
    vacuumInto(store, partial);
    opts.onPhase?.({ phase: 'check' });
    const checked = checkCopy(partial, { quick: true, ...(opts.encryption ? { encryption: opts.encryption } : {}), nativeBinding: opts.nativeBinding });
    fsyncFile(partial);
    if (existsSync(dest)) throw new LogaggError('CONFLICT', `${dest} appeared while backing up; not overwritten`, { details: { path: dest } });
    renameSync(partial, dest);
    fsyncFile(dirname(dest));
    const bytes = statSync(dest).size;
    const ms = clock() - started;
    opts.onPhase?.({ phase: 'done', bytes, ms });
    return { file: dest, bytes, duration_ms: ms, schema_version: checked.schemaVersion, encrypted: opts.encryption !== undefined, ...counts(checked) };
  } finally {
    rmSync(partial, { force: true });
  }
}

const counts = (c: CheckedCopy) => ({ events: c.events, alerts: c.alerts, offsets: c.offsets });

export interface RestoreSummary {
  file: string;
  database: string;
  /** The backup's schema version, and the one the restored database has (migrated when lower). */
  schema_version: number;
  migrated_to: number | null;
  events: number;
  alerts: number;
  offsets: number;
}

export interface RestoreOptions {
  /** The configured database's key: the backup must decrypt with it (it is the same database). */
  encryption?: StoreEncryption;
  nativeBinding?: unknown;
  /** quick_check instead of the full integrity_check. */
  quick?: boolean;
  migrations?: readonly Migration[];
}

/**
 * Replaces `target` with the backup `file`: refused while a running logagg has `target` open;
 * the backup is copied beside the target, checked (integrity, key, schema: a newer one is
 * refused, an older one migrated), fsynced, then the target's stale -wal and -shm are removed
 * (replayed into the new file they would corrupt it) and the copy renamed over the target.
 */
export function restoreDatabase(file: string, target: string, opts: RestoreOptions = {}): RestoreSummary {
  if (!existsSync(file)) throw new LogaggError('NOT_FOUND', `backup ${file} does not exist; check the path`, { details: { path: file } });
  if (!statSync(file).isFile()) throw new LogaggError('USAGE', `${file} is not a file; give a backup file written by \`logagg backup\``, { details: { path: file } });
  const keyed = { ...(opts.encryption ? { encryption: opts.encryption } : {}), nativeBinding: opts.nativeBinding };
  const refuseInUse = (): void => {
    if (existsSync(target) && databaseInUse(target, keyed)) {
      throw new LogaggError('CONFLICT', `database ${target} is in use by a running logagg (serve, consume, or another command); stop it first (e.g. systemctl stop logagg), then restore`, {
        details: { path: target },
      });
    }
  };
  refuseInUse();
  // Check the backup itself first: a bad file must not cost a copy (or a half-full disk).
  const checked = checkCopy(file, { ...keyed, ...(opts.quick ? { quick: true } : {}), ...(opts.migrations ? { migrations: opts.migrations } : {}) });

  mkdirSync(dirname(target), { recursive: true });
  const partial = join(dirname(target), `.${basename(target)}.restore-${process.pid}`);
  const clean = (): void => {
    for (const f of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`]) rmSync(f, { force: true });
  };
  clean();
  try {
    copyFileSync(file, partial);
    let migratedTo: number | null = null;
    if (checked.schemaVersion < checked.latest) {
      // The writer's open migrates (one transaction); closing it checkpoints and removes its WAL.
      const s = openStore(partial, { ...keyed, ...(opts.migrations ? { migrations: opts.migrations } : {}) });
      migratedTo = s.schemaVersion;
      s.close();
    }
    fsyncFile(partial);
    refuseInUse();
    for (const f of [`${target}-wal`, `${target}-shm`, `${target}-journal`]) rmSync(f, { force: true });
    renameSync(partial, target);
    fsyncFile(dirname(target));
    return { file, database: target, schema_version: checked.schemaVersion, migrated_to: migratedTo, ...counts(checked) };
  } finally {
    clean();
  }
}

/** Flushes a file, or a directory's entries (a rename), to the disk. */
function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Scheduled backups are named by their UTC time, so sorting by name sorts by age. */
export const BACKUP_NAME = /^logagg-\d{8}T\d{6}(\d{3})?Z\.db$/;

export function backupFileName(now: number): string {
  return `logagg-${new Date(now).toISOString().replace(/[-:]/g, '').replace('.', '')}.db`;
}

/** Deletes the oldest scheduled backups in `dir` beyond the newest `keep`; returns the names deleted. */
export function pruneBackups(dir: string, keep: number): string[] {
  const names = readdirSync(dir).filter((n) => BACKUP_NAME.test(n)).sort();
  const old = names.slice(0, Math.max(0, names.length - keep));
  for (const n of old) rmSync(join(dir, n), { force: true });
  return old;
}
