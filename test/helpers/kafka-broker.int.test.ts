// A test's own broker (startOwnBroker): kill -9 and restart keep the address and the data,
// stop is clean, and a broker that cannot start says why.
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { expect, test } from 'vitest';
import { BrokerStartError, startBroker } from './kafka-broker.js';
import { consume, createTopic, describeKafka, produce, startOwnBroker, uniqueTopic, withAdmin } from './kafka.js';
import { tempDir } from './temp.js';

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describeKafka('a broker of the test own', () => {
  test('survives kill -9 and restart on the same address with its data', async () => {
    const broker = await startOwnBroker({ dir: tempDir('logagg-kafka-own-') });
    const address = broker.brokers;
    const topic = await createTopic(address, uniqueTopic('restart'), 2);
    await produce(address, topic, Array.from({ length: 500 }, (_, i) => `before ${i}`));

    const pid = broker.pid;
    expect(pid).toBeGreaterThan(0);
    await broker.kill();
    expect(broker.pid).toBeUndefined();
    expect(await portAnswers(broker.port)).toBe(false);

    await broker.restart();
    expect(broker.brokers).toBe(address);
    expect(broker.pid).not.toBe(pid);
    await produce(address, topic, Array.from({ length: 500 }, (_, i) => `after ${i}`));
    const ends = await withAdmin(address, (admin) => admin.fetchTopicOffsets(topic));
    expect(ends.reduce((n, p) => n + Number(p.high), 0)).toBe(1000);
    const values = (await consume(address, topic, 1000)).map((m) => m.value?.toString());
    expect(values.filter((v) => v?.startsWith('before '))).toHaveLength(500);
    expect(values.filter((v) => v?.startsWith('after '))).toHaveLength(500);

    await broker.stop();
    expect(broker.pid).toBeUndefined();
    expect(await portAnswers(broker.port)).toBe(false);
    // stop keeps the data dir; destroy (after the test) removes it when startBroker made it
    expect(existsSync(path.join(broker.dir, 'data', 'meta.properties'))).toBe(true);
  });

  test('a port already taken fails the start with the broker log in the error', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const err = await startBroker({ dir: tempDir('logagg-kafka-busy-'), port: taken, startTimeoutMs: 60_000 }).then(
        async (started) => {
          await started.destroy();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(BrokerStartError);
      expect((err as BrokerStartError).logTail).toMatch(/Address already in use|BindException/);
    } finally {
      blocker.close();
    }
  });
});
