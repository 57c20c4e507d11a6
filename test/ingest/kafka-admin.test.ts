// Consumer lag from the stored offsets and Kafka's watermarks (the probe against a real broker
// is in test/cli/commands/status.int.test.ts).
import { describe, expect, test } from 'vitest';
import { lagRows, type KafkaProbe } from '../../src/ingest/kafka-admin.js';

describe('lagRows', () => {
  const probe: KafkaProbe = {
    brokers: ['b:9092'],
    reachable: true,
    topics: { t: [{ partition: 0, high: '100', low: '0' }, { partition: 1, high: '50', low: '40' }, { partition: 2, high: '9', low: '9' }] },
    missing_topics: [],
  };
  const stored = (partition: number, next: string) => ({ group: 'g', topic: 't', partition, next_offset: next, updated_at: 1 });

  test('lag = high watermark − stored next offset; a stored offset below the low watermark counts from the low one', () => {
    const rows = lagRows([stored(0, '60'), stored(1, '10')], probe, 'g', true);
    expect(rows.map((r) => [r.partition, r.lag])).toEqual([
      [0, 40],
      [1, 10],
      [2, 0],
    ]);
  });

  test('partitions of the configured group with nothing stored: what Kafka holds (from the beginning) or 0 (from the end)', () => {
    expect(lagRows([], probe, 'g', true).map((r) => r.lag)).toEqual([100, 10, 0]);
    expect(lagRows([], probe, 'g', false).map((r) => r.lag)).toEqual([0, 0, 0]);
    expect(lagRows([], probe, 'g', true).every((r) => r.stored_next_offset === null)).toBe(true);
  });

  test('Kafka unknown: stored offsets listed with lag null; offsets of other groups stay their own rows', () => {
    const rows = lagRows([stored(0, '5'), { ...stored(0, '7'), group: 'a' }], null, 'g', true);
    expect(rows.map((r) => [r.group, r.lag, r.high_watermark])).toEqual([
      ['a', null, null],
      ['g', null, null],
    ]);
  });

  test('an offset beyond the high watermark (topic recreated) is lag 0, not negative', () => {
    expect(lagRows([stored(2, '500')], probe, 'g', true).find((r) => r.partition === 2)!.lag).toBe(0);
  });
});
