// `logagg status` against the real broker: consumer lag per partition = high watermark − the
// next offset stored in the database.
import { expect, test } from 'vitest';
import { createTopic, describeKafka, produce, requireKafka, uniqueTopic } from '../../helpers/kafka.js';
import { cli, seedDb } from '../fixtures.js';

describeKafka('logagg status (real broker)', () => {
  test('lag per partition, partitions with nothing stored, topics Kafka does not have', async () => {
    const brokers = requireKafka();
    const topic = await createTopic(brokers, uniqueTopic('status'), 2);
    await produce(brokers, topic, [
      ...Array.from({ length: 20 }, (_, i) => ({ value: `{"seq":${i}}`, partition: 0 })),
      ...Array.from({ length: 8 }, (_, i) => ({ value: `{"seq":${100 + i}}`, partition: 1 })),
    ]);
    const group = `g-${topic}`;
    const db = seedDb([], [{ group, topic, partition: 0, nextOffset: '15' }]);
    const missing = uniqueTopic('absent');

    const r = await cli(['status', '--db', db.path, '-o', 'json'], {
      LOGAGG_KAFKA_BROKERS: brokers,
      LOGAGG_KAFKA_TOPICS: `${topic},${missing}`,
      LOGAGG_KAFKA_GROUP_ID: group,
    });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.kafka).toMatchObject({ reachable: true, missing_topics: [missing] });
    expect(s.kafka.error).toBeUndefined();
    expect(s.partitions).toEqual([
      expect.objectContaining({ group, topic, partition: 0, stored_next_offset: '15', high_watermark: '20', low_watermark: '0', lag: 5 }),
      expect.objectContaining({ group, topic, partition: 1, stored_next_offset: null, high_watermark: '8', lag: 8 }),
    ]);

    const table = await cli(['status', '--db', db.path, '--no-show-config'], { LOGAGG_KAFKA_BROKERS: brokers, LOGAGG_KAFKA_TOPICS: topic, LOGAGG_KAFKA_GROUP_ID: group });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`${group} +${topic} +0 +15 +20 +5 `));
    expect(table.stdout).not.toMatch(/unreachable/);
  });
});
