// `logagg prune` on real SQLite files: deletes what is older than the cutoff and nothing else,
// reports it, and runs beside a writer that keeps storing batches (as `serve` would).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test, vi } from 'vitest';
import { countRows } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import { makeEvent } from '../../store/fixtures.js';
import { cli, seedDb } from '../fixtures.js';

vi.setConfig({ testTimeout: 120_000 });

const DAY = 86_400_000;

/** `perDay` events a day for `days` days back from now, with a metric (so rollups are written). */
function aged(days: number, perDay: number, now = Date.now()) {
  const out = [];
  for (let d = 0; d < days; d++) {
    for (let k = 0; k < perDay; k++) {
      out.push(makeEvent({ ts: now - d * DAY - 3_600_000 - k * 1000, host: `h-${k % 3}`, metrics: { cpu_pct: 50 } }));
    }
  }
  return out;
}

test('--older-than: deletes the older logs only, says how many; --dry-run deletes nothing', async () => {
  const db = seedDb(aged(40, 25));
  const cutoff = Date.now() - 20 * DAY;
  const older = countRows(db.path, `SELECT count(*) FROM logs WHERE ts < ${cutoff}`);
  expect(older).toBeGreaterThan(400);

  const dry = await cli(['prune', '--db', db.path, '--older-than', '20d', '--dry-run', '-o', 'json']);
  expect(dry.code, dry.stderr).toBe(0);
  const plan = JSON.parse(dry.stdout).would_delete as { logs: number; rollup_1m: number; rollup_1h: number };
  expect(plan.logs).toBe(older);
  const rows = plan.logs + plan.rollup_1m + plan.rollup_1h;
  expect(countRows(db.path)).toBe(1000);

  const r = await cli(['prune', '--db', db.path, '--older-than', '20d', '--chunk', '100']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`logs +${older} deleted \\(older than `));
  // Not a terminal: plain progress lines on stderr, ending at the total (logs and rollups).
  expect(r.stderr.trimEnd().split('\n').pop()).toBe(`pruning: ${rows}/${rows} rows (100%)`);
  expect(countRows(db.path)).toBe(1000 - older);
  expect(countRows(db.path, `SELECT count(*) FROM logs WHERE ts < ${cutoff - 60_000}`)).toBe(0);
  // Full-text rows went with their logs.
  expect(countRows(db.path, 'SELECT count(*) FROM logs_fts')).toBe(1000 - older);
});

test('the configured retention: logs by retention.days, rollups by their own days; 0 keeps forever', async () => {
  const db = seedDb(aged(20, 10));
  const before1m = countRows(db.path, 'SELECT count(*) FROM rollup_1m');
  const r = await cli(['prune', '--db', db.path, '-o', 'json'], { LOGAGG_RETENTION_DAYS: '5', LOGAGG_RETENTION_ROLLUP_1M_DAYS: '10', LOGAGG_RETENTION_ROLLUP_1H_DAYS: '0' });
  expect(r.code, r.stderr).toBe(0);
  const s = JSON.parse(r.stdout);
  expect(s.cutoffs.rollup_1h).toBeNull();
  expect(s.deleted.logs).toBe(150);
  expect(s.deleted.rollup_1m).toBeGreaterThan(0);
  expect(s.deleted.rollup_1h).toBe(0);
  expect(countRows(db.path)).toBe(50);
  expect(countRows(db.path, 'SELECT count(*) FROM rollup_1m')).toBe(before1m - s.deleted.rollup_1m);
  expect(countRows(db.path, `SELECT count(*) FROM rollup_1m WHERE bucket_start < ${Date.now() - 10 * DAY - 60_000}`)).toBe(0);

  const forever = await cli(['prune', '--db', db.path], { LOGAGG_RETENTION_DAYS: '0', LOGAGG_RETENTION_ROLLUP_1M_DAYS: '0', LOGAGG_RETENTION_ROLLUP_1H_DAYS: '0' });
  expect(forever.code, forever.stderr).toBe(0);
  expect(forever.stdout).toMatch(/logs +kept forever/);
  expect(countRows(db.path)).toBe(50);
});

test('beside a writer that keeps storing batches: both finish, nothing new is lost', async () => {
  const db = seedDb(aged(30, 4000));
  const old = countRows(db.path, `SELECT count(*) FROM logs WHERE ts < ${Date.now() - 10 * DAY}`);
  const child = cli(['prune', '--db', db.path, '--older-than', '10d', '--chunk', '500']);
  let written = 0;
  let writtenWhileDeleting = 0;
  let done = false;
  void child.then(() => (done = true));
  // Like serve: a batch every few milliseconds on the writer connection while prune deletes.
  while (!done) {
    const deleting = countRows(db.path, `SELECT count(*) FROM logs WHERE ts < ${Date.now() - 10 * DAY}`) < old;
    db.writer.writeBatch({ events: Array.from({ length: 50 }, () => makeEvent({ ts: Date.now() })), offsets: [] });
    written += 50;
    if (deleting && !done) writtenWhileDeleting++;
    await new Promise((r) => setTimeout(r, 5));
  }
  const r = await child;
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`logs +${old} deleted`));
  expect(writtenWhileDeleting).toBeGreaterThan(0);
  expect(countRows(db.path)).toBe(120_000 - old + written);
});

test('errors: no database (not created), a duration too short or not one: exit codes 1 and 2', async () => {
  const missing = path.join(tempDir(), 'none.db');
  const r = await cli(['prune', '--db', missing]);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(/none\.db does not exist/);
  expect(existsSync(missing)).toBe(false);
  const db = seedDb([]);
  for (const bad of ['10', 'soon']) {
    const u = await cli(['prune', '--db', db.path, '--older-than', bad]);
    expect(u.code, u.stderr).toBe(2);
    expect(u.stderr).toMatch(/--older-than/);
  }
  const chunk = await cli(['prune', '--db', db.path, '--chunk', '5']);
  expect(chunk.code, chunk.stderr).toBe(2);
  expect(chunk.stderr).toMatch(/retention\.chunk/);
});
