import { expect, test } from 'vitest';
import { messageMix } from '../../src/tools/message-mix.js';
import { produceSample } from '../../src/tools/sample-producer.js';
import { consume, createTopic, describeKafka, requireKafka, uniqueTopic } from '../helpers/kafka.js';

const START = Date.UTC(2024, 0, 1);
const values = (msgs: readonly { value: Buffer | null }[]) => msgs.map((m) => m.value?.toString() ?? '').sort();

describeKafka('produceSample', () => {
  test('by kind of message: each message to its topic, in batches, with progress', async () => {
    const brokers = requireKafka();
    const topics = { metrics: await createTopic(brokers, uniqueTopic('sample-metrics')), threats: await createTopic(brokers, uniqueTopic('sample-threats')) };
    const progress: number[] = [];
    const r = await produceSample({ brokers: [brokers], count: 250, rate: 0, batchSize: 100, seed: 3, start: START, topics, onProgress: (n) => progress.push(n) });

    const mix = [...messageMix(250, { seed: 3, start: START, stepMs: 1, topics })];
    expect(r.sent).toBe(250);
    expect(r.bytes).toBe(mix.reduce((n, m) => n + m.value.length, 0));
    expect(progress).toEqual([100, 200, 250]);
    for (const topic of [topics.metrics, topics.threats]) {
      const want = mix.filter((m) => m.topic === topic).map((m) => m.value);
      expect(values(await consume(brokers, topic, want.length))).toEqual(want.sort());
    }
  });

  test('one topic, several batches in flight, leader acks (the benchmark producer)', async () => {
    const brokers = requireKafka();
    const topic = await createTopic(brokers, uniqueTopic('sample-one'), 2);
    const r = await produceSample({ brokers: [brokers], topic, count: 1000, rate: 0, batchSize: 30, inFlight: 8, acks: 1, seed: 7, start: START });

    const want = [...messageMix(1000, { seed: 7, start: START })].map((m) => m.value);
    expect(r.sent).toBe(1000);
    expect(r.seconds).toBeGreaterThan(0);
    expect(values(await consume(brokers, topic, 1000))).toEqual(want.sort());
  });
});
