// Global setup of the integration-test project (vitest.config.ts): one Kafka broker for the
// whole run, its address handed to tests as inject('kafkaBrokers') (see test/helpers/kafka.ts).
//
// - KAFKA_BROKERS=host:port in the environment: use that broker (e.g. one kept running with
//   `scripts/kafka.sh start`, which saves the JVM start on every run); nothing is started.
// - Otherwise a broker is started from .kafka/libs in a temp dir and removed at teardown.
// - No broker: with CI=true the run fails, with the broker's log tail in the error; otherwise
//   the tests that need Kafka are skipped and this says so loudly.
import type { TestProject } from 'vitest/node';
import { probeMetadata } from '../scripts/kafka/probe.mjs';
import { BrokerStartError, startBroker, type KafkaBroker } from './helpers/kafka-broker.js';
import type {} from './helpers/kafka.js'; // the ProvidedContext keys

function banner(lines: string[]): string {
  const bar = '!'.repeat(78);
  return ['', bar, ...lines.map((l) => `!! ${l}`), bar, ''].join('\n');
}

async function externalBroker(brokers: string): Promise<void> {
  const first = brokers.split(',')[0] ?? '';
  const m = /^(.*):(\d+)$/.exec(first);
  if (!m) throw new Error(`KAFKA_BROKERS=${brokers}: expected host:port[,host:port...]`);
  try {
    await probeMetadata(m[1]!, Number(m[2]), 5000);
  } catch (err) {
    throw new Error(`KAFKA_BROKERS=${brokers} does not answer: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const inCi = process.env.CI === 'true';
  let broker: KafkaBroker | undefined;
  let brokers = '';
  let unavailable = '';

  const external = process.env.KAFKA_BROKERS?.trim();
  const t0 = Date.now();
  try {
    if (external) {
      await externalBroker(external);
      brokers = external;
    } else {
      broker = await startBroker();
      brokers = broker.brokers;
      console.log(`[global-setup] Kafka broker ready at ${brokers} in ${Date.now() - t0} ms (${broker.dir})`);
    }
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err); // a BrokerStartError's has the log tail
    if (inCi) throw new Error(`[global-setup] CI=true and no Kafka broker: ${detail}`);
    unavailable = (detail.split('\n')[0] ?? detail).slice(0, 200);
    console.error(
      banner([
        'KAFKA IS NOT AVAILABLE: the tests that need it are SKIPPED.',
        unavailable,
        'Fix: scripts/kafka.sh fetch (Java 17 + Maven) if .kafka/libs is empty; else see the',
        'broker log below. Or point KAFKA_BROKERS=host:port at a running broker.',
      ]),
    );
    if (err instanceof BrokerStartError) console.error(err.logTail);
  }

  project.provide('kafkaBrokers', brokers);
  project.provide('kafkaUnavailable', unavailable);

  return async () => {
    await broker?.destroy();
  };
}
