/**
 * Forwarding in a running ingest process (`serve`, `consume`): the outputs built from the
 * validated config before anything connects, started on the control connection once the store
 * is open, stopped before it closes. null when forward.outputs is empty.
 */
import { hostname } from 'node:os';
import type { FrozenConfig } from '../config/load.js';
import { createForwardProducer } from '../ingest/kafka-producer.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { forwardLogFilter } from './filter.js';
import { Forwarder, type ForwarderSettings, type OutputSettings, type OutputSink } from './forwarder.js';

export interface ForwardService {
  start(store: Store): void;
  stop(): Promise<void>;
}

export function forwarderSettings(cfg: FrozenConfig['forward'], host = hostname()): ForwarderSettings {
  return {
    appliance: cfg.appliance ?? host,
    pollIntervalMs: cfg.poll_interval,
    backoffInitialMs: cfg.backoff_initial,
    backoffMaxMs: cfg.backoff_max,
    degradedAfterMs: cfg.degraded_after,
  };
}

export function outputSettings(cfg: FrozenConfig['forward']): OutputSettings[] {
  return Object.entries(cfg.outputs).map(([name, o]) => ({
    name,
    eventsTopic: o.events_topic,
    alertsTopic: o.alerts_topic,
    filter: forwardLogFilter(o.filter),
    batch: o.batch,
    lingerMs: o.linger,
    start: o.start,
  }));
}

export function createForwardService(config: FrozenConfig, logger: Logger, sinkFor?: (output: string) => OutputSink): ForwardService | null {
  const cfg = config.forward;
  if (Object.keys(cfg.outputs).length === 0) return null;
  const settings = forwarderSettings(cfg);
  const outputs = outputSettings(cfg).map((s) => ({
    settings: s,
    sink:
      sinkFor?.(s.name) ??
      createForwardProducer({ kafka: config.kafka, brokers: cfg.outputs[s.name]!.brokers, compression: cfg.outputs[s.name]!.compression, timeoutMs: cfg.timeout, output: s.name, logger }),
  }));
  let forwarder: Forwarder | null = null;
  return {
    start(store) {
      if (forwarder !== null) return;
      forwarder = new Forwarder({ store, outputs, settings, logger });
      forwarder.start();
    },
    async stop() {
      if (forwarder) await forwarder.stop();
      else await Promise.all(outputs.map((o) => o.sink.close()));
    },
  };
}
