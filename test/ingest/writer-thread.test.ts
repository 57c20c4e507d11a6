// The writer thread itself (lib/ build): jobs stored by the real thread on a real file, the
// store's error coming back as the same LogaggError, and a thread that dies failing every job
// in flight and `dead`.
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { CommitJob } from '../../src/ingest/commit-job.js';
import { startWriterThread } from '../../src/ingest/writer/writer-thread.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/logger.js';
import { toBatchRows } from '../../src/store/batch-rows.js';
import { openStore } from '../../src/store/store.js';
import { makeEvent } from '../store/fixtures.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRY = pathToFileURL(path.join(ROOT, 'lib/ingest/writer/writer-main.js'));

function job(i: number, n = 3): CommitJob {
  const events = Array.from({ length: n }, (_, k) => makeEvent({ message: `m${i}-${k}`, source: { kind: 'kafka', topic: 't', partition: 0, offset: String(i * n + k) } }));
  return { rows: toBatchRows(events), offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: String(i * n + n) }], detection: null };
}

async function setup(entry = ENTRY) {
  const file = path.join(tempDir('logagg-wt-'), 'logagg.db');
  openStore(file).close(); // created and migrated by the main thread, as startIngest does
  const storage = loadConfig({ defaultsFile: null, env: {}, overrides: { 'storage.path': file } }).storage;
  const lines: { level: string; msg: string }[] = [];
  const logger = createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(JSON.parse(l)) });
  const thread = await startWriterThread({ storage, outbox: null, logger, entry });
  deferCleanup(() => thread.close());
  const rows = () => {
    const c = new Database(file, { readonly: true });
    try {
      return c.prepare('SELECT count(*) FROM logs').pluck().get() as number;
    } finally {
      c.close();
    }
  };
  return { file, thread, rows, lines };
}

describe('writer thread', () => {
  test('stores jobs and answers with the ids; a 5,000-event job crosses the boundary', async () => {
    const s = await setup();
    const r = await s.thread.run(job(0));
    expect(r).toMatchObject({ inserted: 3, ignored: 0, outboxQueued: 0 });
    expect(r.ids).toEqual([1, 2, 3]);
    const again = await s.thread.run(job(0));
    expect(again).toMatchObject({ inserted: 0, ignored: 3, ids: [null, null, null] });
    const big = await s.thread.run(job(1, 5000));
    expect(big.inserted).toBe(5000);
    expect(s.rows()).toBe(5003);
  });

  test('a locked database: the error comes back as STORE_UNAVAILABLE and nothing is stored', async () => {
    const s = await setup();
    const locker = new Database(s.file, { timeout: 0 });
    deferCleanup(() => locker.close());
    locker.exec('PRAGMA busy_timeout = 0');
    locker.exec('BEGIN IMMEDIATE');
    // The thread's connection waits its busy timeout (5 s) on its own thread, then fails.
    const started = Date.now();
    const tick = setInterval(() => {}, 10);
    await expect(s.thread.run(job(0))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', canRetry: true });
    clearInterval(tick);
    expect(Date.now() - started).toBeGreaterThan(4000);
    locker.exec('ROLLBACK');
    expect(s.rows()).toBe(0);
    await expect(s.thread.run(job(0))).resolves.toMatchObject({ inserted: 3 });
  }, 20_000);

  test('a thread that dies fails the job in flight and `dead`', async () => {
    const dir = tempDir('logagg-wt-fx-');
    const fixture = path.join(dir, 'die-on-job.mjs');
    writeFileSync(fixture, `import { parentPort } from 'node:worker_threads';
parentPort.postMessage({ type: 'ready' });
parentPort.on('message', (m) => { if (m.type === 'job') throw new Error('injected failure of the writer thread'); });
`);
    const s = await setup(pathToFileURL(fixture));
    const run = s.thread.run(job(0));
    await expect(run).rejects.toThrow(/the writer thread failed \(injected failure of the writer thread\)/);
    await expect(s.thread.dead).rejects.toThrow(/writer thread failed/);
    expect(s.lines.some((l) => l.level === 'error' && l.msg === 'the writer thread failed; stopping')).toBe(true);
  });
});
