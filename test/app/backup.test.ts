// Backup and restore on real files: the copy's name appears only once it is complete, a restore
// replaces the database (and its stale WAL) only after the checks, scheduled backups keep N.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { backupDatabase, backupFileName, pruneBackups, restoreDatabase, type BackupPhase } from '../../src/app/backup.js';
import { startBackupSchedule } from '../../src/app/backup-schedule.js';
import { createLogger } from '../../src/logger.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { listOffsets } from '../../src/store/offsets.js';
import { openStore } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';
import { caught, makeEvent, openTemp, tempDbPath } from '../store/fixtures.js';

const quiet = createLogger({ level: 'silent', format: 'text' });

function seeded(file: string, n: number, next: string) {
  const s = openTemp(file);
  new LogWriter(s).writeBatch({ events: Array.from({ length: n }, () => makeEvent()), offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: next }] });
  return s;
}

describe('backupDatabase', () => {
  test('reports its phases, leaves no partial file, and never overwrites', () => {
    const s = seeded(tempDbPath(), 20, '20');
    const dir = tempDir();
    const dest = path.join(dir, 'b.db');
    const phases: BackupPhase['phase'][] = [];
    const summary = backupDatabase(s, dest, { onPhase: (p) => phases.push(p.phase) });
    expect(phases).toEqual(['copy', 'check', 'done']);
    expect(summary).toMatchObject({ file: dest, events: 20, offsets: 1, alerts: 0, encrypted: false, schema_version: MIGRATIONS.length });
    expect(readdirSync(dir)).toEqual(['b.db']);
    expect(caught(() => backupDatabase(s, dest)).code).toBe('CONFLICT');
  });
});

describe('restoreDatabase', () => {
  test('replaces the database with the backup point and removes its stale WAL files', () => {
    const file = tempDbPath();
    const s = seeded(file, 10, '10');
    const dest = path.join(tempDir(), 'b.db');
    backupDatabase(s, dest);
    new LogWriter(s).writeBatch({ events: Array.from({ length: 5 }, () => makeEvent()), offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: '15' }] });
    s.close();
    // A stale WAL from another life of the file must not be replayed into the restored one.
    writeFileSync(`${file}-wal`, 'stale');
    writeFileSync(`${file}-shm`, 'stale');
    const summary = restoreDatabase(dest, file);
    expect(summary).toMatchObject({ events: 10, offsets: 1, migrated_to: null });
    expect(existsSync(`${file}-wal`)).toBe(false);
    const back = openTemp(file, { readonly: true });
    expect(listOffsets(back).map((o) => o.next_offset)).toEqual(['10']);
    expect(back.db.prepare('SELECT count(*) FROM logs').pluck().get()).toBe(10);
    expect(readdirSync(path.dirname(file)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  test('refused while the database is open, and the database is left as it was', () => {
    const file = tempDbPath();
    const s = seeded(file, 3, '3');
    const dest = path.join(tempDir(), 'b.db');
    backupDatabase(s, dest);
    const e = caught(() => restoreDatabase(dest, file));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toMatch(/in use by a running logagg/);
    expect(s.db.prepare('SELECT count(*) FROM logs').pluck().get()).toBe(3);
  });

  test('an older schema is migrated; a missing backup is NOT_FOUND; a directory is USAGE', () => {
    const old = tempDbPath();
    openStore(old, { migrations: MIGRATIONS.slice(0, 2) }).close();
    const target = path.join(tempDir(), 'new.db');
    expect(restoreDatabase(old, target)).toMatchObject({ schema_version: 2, migrated_to: MIGRATIONS.length });
    expect(openTemp(target, { readonly: true }).schemaVersion).toBe(MIGRATIONS.length);
    expect(caught(() => restoreDatabase(path.join(tempDir(), 'nope.db'), target)).code).toBe('NOT_FOUND');
    expect(caught(() => restoreDatabase(tempDir(), target)).code).toBe('USAGE');
  });
});

describe('scheduled backups', () => {
  test.each([
    [0, 1, 0],
    [3, 1, 2],
    [3, 3, 0],
    [3, 5, 0],
  ])('with %i old backups and keep %i, %i are deleted', (have, keep, deleted) => {
    const dir = tempDir();
    for (let i = 0; i < have; i++) writeFileSync(path.join(dir, backupFileName(Date.UTC(2026, 0, 1, i))), '');
    writeFileSync(path.join(dir, 'notes.txt'), 'not a backup: never deleted');
    const gone = pruneBackups(dir, keep);
    expect(gone.length).toBe(deleted);
    expect(readdirSync(dir)).toContain('notes.txt');
    if (deleted > 0) expect(gone[0]).toBe(backupFileName(Date.UTC(2026, 0, 1, 0)));
  });

  test('backup.every 0 schedules nothing; otherwise each run adds one and keeps the newest N', () => {
    const s = seeded(tempDbPath(), 4, '4');
    const dir = tempDir();
    const config = { every: 0, dir, keep: 2 };
    expect(startBackupSchedule({ config, store: s, logger: quiet })).toBeNull();
    const t0 = Date.UTC(2026, 5, 1);
    let now = t0;
    const sched = startBackupSchedule({ config: { ...config, every: 3_600_000 }, store: s, logger: quiet, clock: () => now })!;
    try {
      for (let i = 0; i < 3; i++) {
        now = t0 + i * 3_600_000;
        expect(sched.runOnce()?.events).toBe(4);
      }
    } finally {
      sched.stop();
    }
    expect(readdirSync(dir).sort()).toEqual([backupFileName(t0 + 3_600_000), backupFileName(t0 + 7_200_000)]);
  });
});
