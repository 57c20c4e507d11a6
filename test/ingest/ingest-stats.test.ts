// IngestStats as plain data: what `serve` sends to the API's worker thread.
import { describe, expect, test } from 'vitest';
import { IngestStats } from '../../src/ingest/ingest-stats.js';

describe('IngestStats snapshot and apply', () => {
  test('empty counters give empty counters', () => {
    const copy = new IngestStats();
    copy.apply(structuredClone(new IngestStats().snapshot()));
    expect(copy.snapshot()).toEqual(new IngestStats().snapshot());
    expect(copy.listeners.size).toBe(0);
  });

  test('a copy through structured clone equals the original: counters, lag, listeners, queue, recent batches', () => {
    const s = new IngestStats();
    s.recordBatch(5_000, 3, 71.5);
    s.recordBatch(10, 0, 2);
    s.storeFailures = 1;
    s.skippedDuplicates = 4;
    s.assignedAt = 1_700_000_000_000;
    s.setLag('logs', 0, 42);
    s.setLag('logs', 1, 0);
    const udp = s.listener('syslog-udp', 'syslog-udp');
    udp.received = 9;
    udp.kernelDrops = 2;
    s.directQueue.depth = 3;
    s.directQueue.max = 100;
    const copy = new IngestStats();
    copy.apply(structuredClone(s.snapshot()));
    expect(copy.snapshot()).toEqual(s.snapshot());
    expect(copy.recentBatchMs()).toEqual([71.5, 2]);
    expect(copy.listeners.get('syslog-udp')).toMatchObject({ name: 'syslog-udp', kind: 'syslog-udp', received: 9, kernelDrops: 2 });
  });

  test('a later snapshot replaces the earlier one: entries it lacks go', () => {
    const copy = new IngestStats();
    const a = new IngestStats();
    a.setLag('t', 0, 5);
    a.listener('http', 'http').received = 1;
    copy.apply(a.snapshot());
    copy.apply(new IngestStats().snapshot());
    expect(copy.lag.size).toBe(0);
    expect(copy.listeners.size).toBe(0);
  });

  test('the recent ring keeps its bound across copies', () => {
    const s = new IngestStats();
    for (let i = 0; i < 1_500; i++) s.recordBatch(1, 0, i);
    const copy = new IngestStats();
    copy.apply(s.snapshot());
    expect(copy.recentBatchMs()).toHaveLength(1_024);
    expect(copy.recentBatchMs()[0]).toBe(476);
  });
});
