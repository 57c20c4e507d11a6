// The committer's guarantees, with a real LogWriter on a real SQLite file made to fail by
// another connection holding the write lock: order, retry of the same job before any later
// one, cancel, continuation chains, and a dead executor.
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCommitJob, type CommitJob, type CommitResult } from '../../src/ingest/commit-job.js';
import { CommitQueue, inProcessExecutor, type CommitExecutor, type CommitOutcome } from '../../src/ingest/commit-queue.js';
import { createLogger } from '../../src/logger.js';
import { toBatchRows } from '../../src/store/batch-rows.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { openStore } from '../../src/store/store.js';
import { makeEvent } from '../store/fixtures.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';
import { queryV1 } from '../helpers/v1-rows.js';

/** Job `i`: one event at offset i of partition 0, storing next offset i+1. */
function job(i: number): CommitJob {
  const e = makeEvent({ message: `m${i}`, source: { kind: 'kafka', topic: 't', partition: 0, offset: String(i) } });
  return { rows: toBatchRows([e]), offsets: [{ group: 'g', topic: 't', partition: 0, nextOffset: String(i + 1) }], detection: null };
}

function setup() {
  const file = path.join(tempDir('logagg-cq-'), 'logagg.db');
  const store = openStore(file, { busyTimeoutMs: 0 });
  deferCleanup(() => store.close());
  const writer = new LogWriter(store);
  const order: number[] = [];
  const lines: { msg: string }[] = [];
  let failures = 0;
  const executor = inProcessExecutor((j) => {
    const r = runCommitJob(writer, j, null);
    order.push(Number(j.offsets[0]?.nextOffset) - 1);
    return r;
  });
  const queue = new CommitQueue({
    executor,
    logger: createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(JSON.parse(l)) }),
    retry: { initialMs: 5, maxMs: 20 },
    onFailure: () => failures++,
  });
  deferCleanup(() => queue.close());
  const stored = () => (queryV1(store, 'SELECT message FROM logs ORDER BY id') as { message: string }[]).map((r) => Number(r.message.slice(1)));
  const offset = () => store.db.prepare("SELECT CAST(next_offset AS TEXT) FROM offsets WHERE topic = 't'").pluck().get() as string | undefined;
  return { file, queue, order, lines, stored, offset, failures: () => failures };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CommitQueue', () => {
  test('a closed gate holds every job untried, in order, until it opens', async () => {
    let open = false;
    let asked = 0;
    const ran: number[] = [];
    const queue = new CommitQueue({
      executor: inProcessExecutor((j) => {
        ran.push(Number(j.offsets[0]?.nextOffset) - 1);
        return { ids: [], inserted: 1, ignored: 0, outboxQueued: 0 } as unknown as CommitResult;
      }),
      logger: createLogger({ level: 'error', format: 'json', write: () => undefined }),
      gate: () => (asked++, open),
      gateRetryMs: 5,
    });
    deferCleanup(() => queue.close());
    const tickets = [0, 1, 2].map((i) => queue.submit(job(i)));
    await sleep(60);
    expect(ran).toEqual([]);
    expect(asked).toBeGreaterThan(3); // asked again and again, never tried
    open = true;
    const outcomes = await Promise.all(tickets.map((t) => t.done));
    expect(outcomes.map((o) => o.committed)).toEqual([true, true, true]);
    expect(ran).toEqual([0, 1, 2]);
  });

  test('jobs are stored in the order submitted', async () => {
    const s = setup();
    const tickets = [0, 1, 2, 3, 4].map((i) => s.queue.submit(job(i)));
    const outcomes = await Promise.all(tickets.map((t) => t.done));
    expect(outcomes.every((o) => o.committed)).toBe(true);
    expect(s.order).toEqual([0, 1, 2, 3, 4]);
    expect(s.stored()).toEqual([0, 1, 2, 3, 4]);
    expect(s.offset()).toBe('5');
  });

  test('a failing writer: the same job is retried before any later one; nothing reordered or lost', async () => {
    const s = setup();
    const locker = new Database(s.file);
    deferCleanup(() => locker.close());
    s.queue.submit(job(0));
    await sleep(20);
    locker.exec('BEGIN IMMEDIATE');
    const tickets = [1, 2, 3].map((i) => s.queue.submit(job(i)));
    await sleep(120);
    expect(s.failures()).toBeGreaterThan(2);
    expect(tickets.map((t) => t.failures)).toEqual([expect.any(Number), 0, 0]);
    expect(tickets[0]!.failures).toBe(s.failures());
    expect(s.stored()).toEqual([0]);
    expect(s.queue.pending).toBe(3);
    expect(s.lines.some((l) => l.msg === 'store failed; holding the batch and retrying')).toBe(true);
    locker.exec('ROLLBACK');
    const outcomes = await Promise.all(tickets.map((t) => t.done));
    expect(outcomes.map((o) => o.committed)).toEqual([true, true, true]);
    expect(s.order).toEqual([0, 1, 2, 3]);
    expect(s.stored()).toEqual([0, 1, 2, 3]);
    expect(s.offset()).toBe('4');
    expect(s.lines.some((l) => l.msg === 'store recovered')).toBe(true);
  });

  test('a bounded job gives up after its attempts; the ones behind it go on', async () => {
    const s = setup();
    const locker = new Database(s.file);
    deferCleanup(() => locker.close());
    locker.exec('BEGIN IMMEDIATE');
    const once = s.queue.submit(job(0), { attempts: 1 });
    const o = await once.done;
    expect(o).toMatchObject({ committed: false, error: expect.objectContaining({ code: 'STORE_UNAVAILABLE' }) });
    locker.exec('ROLLBACK');
    expect((await s.queue.submit(job(1)).done).committed).toBe(true);
    expect(s.stored()).toEqual([1]);
  });

  test('cancel while failing: the job and its continuations end not committed and are never stored', async () => {
    const s = setup();
    const locker = new Database(s.file);
    deferCleanup(() => locker.close());
    locker.exec('BEGIN IMMEDIATE');
    const a = s.queue.submit(job(0));
    const b = s.queue.submit(job(1), { after: a });
    const c = s.queue.submit(job(2), { after: b });
    const other = s.queue.submit(job(10)); // another source's batch, not chained
    await sleep(40);
    a.cancel(); // only the first: the chain gives up the rest
    locker.exec('ROLLBACK');
    const outcomes: CommitOutcome[] = await Promise.all([a.done, b.done, c.done, other.done]);
    expect(outcomes.map((o) => o.committed)).toEqual([false, false, false, true]);
    expect(s.stored()).toEqual([10]);
    expect(s.offset()).toBe('11');
  });

  test('close gives up what is not running and waits for what is', async () => {
    const s = setup();
    const locker = new Database(s.file);
    deferCleanup(() => locker.close());
    locker.exec('BEGIN IMMEDIATE');
    const a = s.queue.submit(job(0));
    const b = s.queue.submit(job(1));
    await sleep(30);
    await s.queue.close();
    expect((await a.done).committed).toBe(false);
    expect((await b.done).committed).toBe(false);
    await expect(s.queue.submit(job(2)).done).resolves.toMatchObject({ committed: false });
    locker.exec('ROLLBACK');
    expect(s.stored()).toEqual([]);
  });

  test('a dead executor: every job not known stored ends not committed, fatal rejects, later submits fail at once', async () => {
    let kill!: (e: Error) => void;
    const dead = new Promise<never>((_r, reject) => (kill = reject));
    let release!: () => void;
    const executor: CommitExecutor = {
      run: () => new Promise<CommitResult>((_resolve, reject) => (release = () => reject(new Error('thread gone')))),
      dead,
      close: async () => {},
    };
    const queue = new CommitQueue({ executor, logger: createLogger({ level: 'silent', format: 'text' }) });
    const a = queue.submit(job(0));
    const b = queue.submit(job(1));
    await sleep(5);
    kill(new Error('the writer thread failed'));
    release();
    await expect(queue.fatal).rejects.toThrow(/writer thread failed/);
    expect(await a.done).toMatchObject({ committed: false });
    expect(await b.done).toMatchObject({ committed: false });
    expect(await queue.submit(job(2)).done).toMatchObject({ committed: false });
  });
});
