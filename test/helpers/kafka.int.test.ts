// Smoke test of kafkajs (2.2.4) against the project's Kafka broker (4.1, KRaft) and of the
// helpers: the operations logagg's consumer depends on, each checked on real data.
import { expect, test } from 'vitest';
import {
  consume,
  createTopic,
  describeKafka,
  kafkaClient,
  produce,
  requireKafka,
  uniqueGroup,
  uniqueTopic,
  withAdmin,
} from './kafka.js';

describeKafka('kafkajs against the test broker', () => {
  test('1,000 messages over 3 partitions reach one consumer group once each, through eachBatch', async () => {
    const brokers = requireKafka();
    const topic = await createTopic(brokers, uniqueTopic('smoke'), 3);
    const sent = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i}`, value: `message ${i}` }));
    expect(await produce(brokers, topic, sent)).toBe(1000);

    const offsets = await withAdmin(brokers, (admin) => admin.fetchTopicOffsets(topic));
    expect(offsets).toHaveLength(3);
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(1000);
    // the default partitioner spreads keys: no partition is empty
    expect(offsets.every((p) => Number(p.high) > 0)).toBe(true);

    const groupId = uniqueGroup('smoke');
    const consumer = kafkaClient(brokers).consumer({ groupId });
    const seen = new Map<string, number>();
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
              for (const m of batch.messages) {
                const value = m.value?.toString() ?? '';
                seen.set(value, (seen.get(value) ?? 0) + 1);
                resolveOffset(m.offset);
              }
              await consumer.commitOffsets([
                { topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) },
              ]);
              await heartbeat();
              if (seen.size === 1000) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    expect(seen.size).toBe(1000);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(sent.every((m) => seen.has(m.value))).toBe(true);

    // the committed offsets are the partitions' ends
    const committed = await withAdmin(brokers, (admin) => admin.fetchOffsets({ groupId, topics: [topic] }));
    const byPartition = new Map(offsets.map((p) => [p.partition, p.high]));
    expect(committed[0]?.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual(
      [...byPartition.entries()].sort(),
    );
  });

  test('seek moves a running consumer to an earlier offset of a partition', async () => {
    const brokers = requireKafka();
    const topic = await createTopic(brokers, uniqueTopic('seek'), 1);
    await produce(brokers, topic, Array.from({ length: 20 }, (_, i) => `v${i}`));

    const consumer = kafkaClient(brokers).consumer({ groupId: uniqueGroup('seek') });
    const offsets: number[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let sought = false;
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ message }) => {
              offsets.push(Number(message.offset));
              if (!sought && Number(message.offset) === 19) {
                sought = true;
                consumer.seek({ topic, partition: 0, offset: '5' });
              } else if (sought && Number(message.offset) === 19) {
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    expect(offsets).toEqual([...range(0, 19), ...range(5, 19)]);
  });

  test('produce writes 100,000 messages in seconds, keeping per-partition order', async () => {
    const brokers = requireKafka();
    const topic = await createTopic(brokers, uniqueTopic('bulk'), 2);
    const messages = Array.from({ length: 100_000 }, (_, i) => ({ value: `{"n":${i},"pad":"${'x'.repeat(60)}"}`, partition: i % 2 }));
    const t0 = Date.now();
    await produce(brokers, topic, messages);
    const ms = Date.now() - t0;
    expect(ms).toBeLessThan(20_000);

    const ends = await withAdmin(brokers, (admin) => admin.fetchTopicOffsets(topic));
    expect(ends.map((p) => Number(p.high)).sort()).toEqual([50_000, 50_000]);
    const got = await consume(brokers, topic, 100_000, 60_000);
    expect(got).toHaveLength(100_000);
    for (const partition of [0, 1]) {
      const ns = got.filter((m) => m.partition === partition).map((m) => JSON.parse(m.value!.toString()).n as number);
      expect(ns).toEqual(Array.from({ length: 50_000 }, (_, i) => i * 2 + partition));
    }
  });

  test('a message is the exact bytes produced: Buffer values, keys, headers, empty and null values', async () => {
    const brokers = requireKafka();
    const topic = await createTopic(brokers, uniqueTopic('bytes'), 1);
    const binary = Buffer.from([0, 1, 2, 0xfe, 0xff]);
    await produce(brokers, topic, [
      binary,
      '',
      { key: 'k', value: null },
      { key: Buffer.from('bk'), value: 'ü €', headers: { h: 'v' } },
    ]);
    const got = await consume(brokers, topic, 4);
    expect(got.map((m) => m.value)).toEqual([binary, Buffer.alloc(0), null, Buffer.from('ü €')]);
    expect(got[2]?.key?.toString()).toBe('k');
    expect(got[3]?.headers.h?.toString()).toBe('v');
  });
});
