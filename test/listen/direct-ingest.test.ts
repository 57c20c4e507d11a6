// The queue between listeners and the store, over a real pipeline and a real SQLite file:
// batching, units never split, answers only after the commit, bounds, retries and shutdown.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { buildAssetInventory } from '../../src/core/enrich.js';
import { buildIntelIndex } from '../../src/core/intel.js';
import { IngestStats } from '../../src/ingest/ingest-stats.js';
import { inProcessCommitter, IngestPipeline, type IncomingMessage } from '../../src/ingest/pipeline.js';
import { DirectIngest } from '../../src/listen/direct-ingest.js';
import { createLogger } from '../../src/logger.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { openStore } from '../../src/store/store.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';

function setup(opts: { maxMessages?: number; lingerMs?: number; queueMax?: number; busyTimeoutMs?: number } = {}) {
  const file = path.join(tempDir('logagg-direct-'), 'logagg.db');
  const store = openStore(file, { busyTimeoutMs: opts.busyTimeoutMs ?? 5000 });
  deferCleanup(() => store.close());
  const ctx = { assets: buildAssetInventory([]), intel: buildIntelIndex([]) };
  const lines: { level: string; msg: string }[] = [];
  const logger = createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(JSON.parse(l)) });
  const pipeline = new IngestPipeline({ committer: inProcessCommitter(new LogWriter(store), { logger, retry: { initialMs: 10, maxMs: 50 }, onFailure: () => stats.storeFailures++ }), enrichContext: () => ctx, formats: {}, maxMessageBytes: 65536, clock: Date.now });
  const commits: number[] = [];
  const counted = {
    prepare: (m: readonly IncomingMessage[]) => pipeline.prepare(m),
    submit: (...a: Parameters<IngestPipeline['submit']>) => {
      expect(a[1]).toEqual([]); // no offsets for these sources
      const t = pipeline.submit(...a);
      void t.done.then((o) => o.committed && commits.push(a[0].events.length));
      return t;
    },
  };
  const stats = new IngestStats();
  const ingest = new DirectIngest({
    pipeline: counted,
    stats,
    logger,
    maxMessages: opts.maxMessages ?? 100,
    lingerMs: opts.lingerMs ?? 10,
    queueMax: opts.queueMax ?? 1000,
  });
  deferCleanup(() => ingest.close(0));
  const count = () => Number(store.db.prepare('SELECT count(*) FROM logs').pluck().get());
  return { ingest, stats, counters: stats.listener('t', 'test'), commits, count, file, lines };
}

const msgs = (n: number, tag = 'm'): IncomingMessage[] =>
  Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`<14>Jan 15 12:00:00 h app: ${tag} ${i}`), source: { kind: 'test', topic: 't', partition: -1, offset: null, peer: '127.0.0.1:1' } }));

describe('DirectIngest', () => {
  test('nothing queued: flush and close return at once; an empty submit stores nothing', async () => {
    const { ingest, counters, commits } = setup();
    await ingest.flush();
    await expect(ingest.submit([], counters)).resolves.toEqual({ stored: 0, duplicates: 0, parse_errors: 0 });
    expect(ingest.offer([], counters)).toBe(true);
    expect(commits).toEqual([]);
  });

  test('messages wait at most the linger, then share one transaction', async () => {
    const { ingest, counters, commits, count } = setup({ lingerMs: 50 });
    for (let i = 0; i < 5; i++) ingest.offer(msgs(1, `x${i}`), counters);
    expect(count()).toBe(0);
    await new Promise((r) => setTimeout(r, 150));
    expect(commits).toEqual([5]);
    expect(count()).toBe(5);
    expect(counters.stored).toBe(5);
  });

  test('max_messages fills a transaction without waiting for the linger; units are never split', async () => {
    const { ingest, counters, commits } = setup({ maxMessages: 10, lingerMs: 60_000 });
    for (let i = 0; i < 7; i++) ingest.offer(msgs(3), counters); // 21 messages in units of 3
    await ingest.flush();
    expect(commits).toEqual([9, 9, 3]);
    // A unit larger than max_messages is committed alone, whole.
    const big = ingest.submit(msgs(25), counters);
    await expect(big).resolves.toEqual({ stored: 25, duplicates: 0, parse_errors: 0 });
    expect(commits.at(-1)).toBe(25);
  });

  test('submit resolves after its commit, with the counts of its own messages', async () => {
    const { ingest, counters, count } = setup();
    ingest.offer(msgs(4), counters);
    const mixed: IncomingMessage[] = [...msgs(2), { value: Buffer.from([0xff]), source: msgs(1)[0]!.source }, { value: null, source: msgs(1)[0]!.source }];
    const outcome = await ingest.submit(mixed, counters);
    expect(outcome).toEqual({ stored: 4, duplicates: 0, parse_errors: 2 });
    expect(count()).toBe(8);
    expect(counters.stored).toBe(8);
  });

  test('the bound: offer refuses what does not fit, force queues past it, submit rejects with 503', async () => {
    const { ingest, counters } = setup({ queueMax: 10, lingerMs: 60_000, maxMessages: 1000 });
    expect(ingest.offer(msgs(8), counters)).toBe(true);
    expect(ingest.hasRoom(2)).toBe(true);
    expect(ingest.offer(msgs(3), counters)).toBe(false);
    expect(ingest.queued).toBe(8);
    const err = await ingest.submit(msgs(3), counters).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', canRetry: true, httpStatus: 503 });
    expect(ingest.offer(msgs(5), counters, true)).toBe(true);
    expect(ingest.queued).toBe(13);
    let roomAt = -1;
    const room = ingest.whenRoom().then(() => (roomAt = ingest.queued));
    await ingest.flush();
    await room;
    expect(roomAt).toBe(0);
    expect(counters.stored).toBe(13);
  });

  test('a locked store: the batch is held and retried without preparing it again, then stored once', async () => {
    const { ingest, counters, stats, count, file, lines } = setup({ busyTimeoutMs: 0 });
    const locker = new Database(file);
    locker.exec('BEGIN IMMEDIATE');
    deferCleanup(() => locker.close());
    const done = ingest.submit(msgs(5), counters);
    await new Promise((r) => setTimeout(r, 150));
    expect(stats.storeFailures).toBeGreaterThan(1);
    expect(count()).toBe(0);
    expect(lines.some((l) => l.msg === 'store failed; holding the batch and retrying')).toBe(true);
    locker.exec('ROLLBACK');
    await expect(done).resolves.toMatchObject({ stored: 5 });
    expect(count()).toBe(5);
    expect(stats.batches).toBe(1);
    expect(stats.events).toBe(5);
  });

  test('close: what is queued is stored; a store still failing after the grace is counted as failed and its requests rejected', async () => {
    const a = setup({ lingerMs: 60_000 });
    a.ingest.offer(msgs(3), a.counters);
    await a.ingest.close(1000);
    expect(a.count()).toBe(3);
    expect(a.ingest.accepting).toBe(false);
    expect(a.ingest.offer(msgs(2), a.counters)).toBe(false);
    expect(a.counters.failed).toBe(2);

    const b = setup({ busyTimeoutMs: 0, lingerMs: 60_000 });
    const locker = new Database(b.file);
    locker.exec('BEGIN IMMEDIATE');
    deferCleanup(() => locker.close());
    b.ingest.offer(msgs(2), b.counters);
    const req = b.ingest.submit(msgs(4), b.counters);
    const started = Date.now();
    await b.ingest.close(200);
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(req).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(b.counters).toMatchObject({ stored: 0, failed: 6 });
    expect(b.lines.some((l) => l.msg === 'store failed while stopping; listener messages not stored')).toBe(true);
  });
});
