// The forwarding producer against the real broker: keys, values and headers arrive as sent,
// compressed or not; a topic that does not exist is refused (no auto-creation), and the
// producer works again afterwards.
import { expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createForwardProducer } from '../../src/ingest/kafka-producer.js';
import { createLogger } from '../../src/logger.js';
import { consume, createTopic, describeKafka, requireKafka, uniqueTopic } from '../helpers/kafka.js';
import { deferCleanup } from '../helpers/temp.js';

const logger = createLogger({ level: 'silent', format: 'json', write: () => undefined });

describeKafka('forwarding producer (real broker)', () => {
  test.each(['gzip', 'none'] as const)('compression %s: every message with its key and headers; a missing topic is refused', async (compression) => {
    const brokers = requireKafka();
    const topic = await createTopic(brokers, uniqueTopic('fwd-prod'), 2);
    const config = loadConfig({ defaultsFile: null, env: {}, overrides: { 'kafka.brokers': ['127.0.0.1:1'] } });
    // the output's brokers replace kafka.brokers (here unreachable on purpose)
    const p = createForwardProducer({ kafka: config.kafka, brokers: [brokers], compression, timeoutMs: 10_000, output: 'central', logger });
    deferCleanup(() => p.close());
    const sent = Array.from({ length: 50 }, (_, i) => ({ key: `kafka:src/0/${i}`, value: JSON.stringify({ i, pad: 'x'.repeat(200) }), headers: { 'logagg-appliance': 'edge-1', 'logagg-schema': 'logagg.event.v1' } }));
    await p.send(topic, sent);
    await expect(p.send(uniqueTopic('no-such-topic'), sent.slice(0, 1))).rejects.toThrow();
    await p.send(topic, sent.slice(0, 1));
    const got = await consume(brokers, topic, 51, 30_000);
    const byKey = new Map(got.map((m) => [m.key!.toString(), m]));
    expect(byKey.size).toBe(50);
    for (const s of sent) {
      const m = byKey.get(s.key)!;
      expect(m.value!.toString()).toBe(s.value);
      expect(String(m.headers['logagg-appliance'])).toBe('edge-1');
      expect(String(m.headers['logagg-schema'])).toBe('logagg.event.v1');
    }
  }, 90_000);
});
