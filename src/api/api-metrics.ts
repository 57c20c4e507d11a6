/**
 * Prometheus metrics of one app, in a registry of its own (several apps may run in one process,
 * e.g. in tests). Ingest counters and alert counts are read at scrape time; API latency is
 * observed per request, labelled by route template (never the raw path: bounded cardinality).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IngestStats } from '../ingest/ingest-stats.js';
import { registerListenerMetrics } from '../listen/listener-metrics.js';
import type { AlertsPort, RulesPort } from './ports.js';
import type { ChannelStatus } from '../store/notify-status.js';
import type { ForwardOutputStatus } from '../store/forward-cursors.js';
import type { BlockCacheStats } from '../store/block-reader.js';

export interface ApiMetrics {
  registry: Registry;
  /** Records one answered request. */
  observe(method: string, route: string, status: number, seconds: number): void;
  streams: Gauge;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function createApiMetrics(src: {
  stats?: IngestStats;
  alerts?: AlertsPort;
  consumer?: { readonly isConnected: boolean };
  /** The rule set, for the count of rules refused at start. */
  rules?: RulesPort | undefined;
  /** Notification counts per channel, read at scrape time (src/notify/notify-status.ts). */
  notifications?: () => ChannelStatus[];
  /** Forwarding outputs, read at scrape time (src/store/forward-cursors.ts). */
  forwarding?: () => ForwardOutputStatus[];
  /** The decoded-block cache of the API's database connection (storage v2), read at scrape time. */
  blockCache?: () => BlockCacheStats;
  processMetrics?: boolean;
}): ApiMetrics {
  const registry = new Registry();
  const registers = [registry];
  const { stats, alerts, consumer } = src;

  // Series of parts that do not run in this process are left out, not reported as zero.
  if (stats) registerIngestMetrics(registers, stats);
  if (stats && stats.listeners.size > 0) registerListenerMetrics(registers, stats);
  if (consumer) {
    new Gauge({
      name: 'logagg_ingest_consumer_connected',
      help: '1 when the Kafka consumer is connected, 0 when not.',
      registers,
      collect() {
        this.set(consumer.isConnected ? 1 : 0);
      },
    });
  }
  if (src.blockCache) {
    const cache = src.blockCache;
    new Gauge({
      name: 'logagg_store_block_cache_lookups',
      help: 'Lookups of compressed event blocks by the API connection since start, by result (hit: already decoded; miss: read and decoded).',
      labelNames: ['result'],
      registers,
      collect() {
        const s = cache();
        this.set({ result: 'hit' }, s.hits);
        this.set({ result: 'miss' }, s.misses);
      },
    });
    new Gauge({
      name: 'logagg_store_block_cache_blocks',
      help: 'Decoded blocks held by the API connection, and the most it keeps (storage.block_cache).',
      labelNames: ['kind'],
      registers,
      collect() {
        const s = cache();
        this.set({ kind: 'held' }, s.size);
        this.set({ kind: 'capacity' }, s.capacity);
      },
    });
  }
  if (alerts) {
    new Gauge({
      name: 'logagg_alerts',
      help: 'Alerts by severity and state.',
      labelNames: ['severity', 'state'],
      registers,
      collect() {
        this.reset();
        for (const c of alerts.counts({})) this.set({ severity: c.severity, state: c.state }, c.count);
      },
    });
  }

  if (src.rules) {
    const rules = src.rules;
    new Gauge({
      name: 'logagg_rules_refused',
      help: 'Rules of the rules folder refused at start (they did not compile and do not run).',
      registers,
      collect() {
        this.set(rules.refusedCount());
      },
    });
  }

  if (src.notifications) registerNotifyMetrics(registers, src.notifications);
  if (src.forwarding) registerForwardMetrics(registers, src.forwarding);

  const latency = new Histogram({
    name: 'logagg_api_request_duration_seconds',
    help: 'API request latency by method, route template and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });

  const streams = new Gauge({ name: 'logagg_api_streams_open', help: 'Open /api/v1/stream connections.', registers });

  if (src.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'logagg_' });

  return {
    registry,
    streams,
    observe(method, route, status, seconds) {
      latency.observe({ method, route, status: String(status) }, seconds);
    },
  };
}

function registerIngestMetrics(registers: Registry[], stats: IngestStats): void {
  const fromStats = (name: string, help: string, read: (s: IngestStats) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read(stats));
      },
    });
  fromStats('logagg_ingest_events_total', 'Events stored by ingest (rate() of it is the ingest rate).', (s) => s.events);
  fromStats('logagg_ingest_batches_total', 'Batches stored by ingest.', (s) => s.batches);
  fromStats('logagg_ingest_parse_errors_total', 'Messages that failed to decode (stored with parse_error).', (s) => s.parseErrors);
  fromStats('logagg_ingest_store_failures_total', 'Batches the store refused (retried).', (s) => s.storeFailures);
  fromStats('logagg_ingest_batch_duration_seconds_total', 'Time spent preparing and storing batches; / batches_total = mean batch latency.', (s) => s.batchMsSum / 1000);

  new Gauge({
    name: 'logagg_ingest_paused',
    help: '1 while ingest is paused because the store refuses writes (full disk, I/O error), else 0; /readyz says why.',
    registers,
    collect() {
      this.set(stats.storePaused === null ? 0 : 1);
    },
  });

  new Gauge({
    name: 'logagg_ingest_batch_duration_seconds',
    help: 'Batch latency (prepare + store) over the last 1024 batches, by quantile.',
    labelNames: ['quantile'],
    registers,
    collect() {
      this.reset();
      const sorted = [...stats.recentBatchMs()].sort((a, b) => a - b);
      if (sorted.length === 0) return;
      for (const q of [0.5, 0.9, 0.99]) this.set({ quantile: String(q) }, quantile(sorted, q) / 1000);
    },
  });

  new Gauge({
    name: 'logagg_ingest_consumer_lag',
    help: 'Kafka consumer lag per partition, messages.',
    labelNames: ['topic', 'partition'],
    registers,
    collect() {
      this.reset();
      for (const [key, lag] of stats.lag) {
        const slash = key.lastIndexOf('/');
        this.set({ topic: key.slice(0, slash), partition: key.slice(slash + 1) }, lag);
      }
    },
  });
}

/** Counters kept in the database (notify_stats), so they survive restarts and never go back. */
function registerNotifyMetrics(registers: Registry[], read: () => ChannelStatus[]): void {
  const { counter, gauge } = labelledMetrics(registers, 'channel', read, (c) => c.channel);
  counter('logagg_notifications_sent_total', 'Alert notifications delivered (2xx), per channel.', (c) => c.sent);
  counter('logagg_notifications_failed_total', 'Alert notifications given up (recorded as failed), per channel.', (c) => c.failed);
  counter('logagg_notifications_retries_total', 'Failed delivery attempts that were retried, per channel.', (c) => c.retries);
  gauge('logagg_notifications_pending', 'Alert notifications waiting to be delivered, per channel.', (c) => c.pending);
}

/**
 * Counters and gauges with one label, one series per row `read` returns at scrape time (counters
 * set from totals the database keeps, so they survive restarts).
 */
function labelledMetrics<T>(registers: Registry[], label: string, read: () => T[], labelOf: (row: T) => string) {
  return {
    counter: (name: string, help: string, value: (row: T) => number) =>
      new Counter({
        name,
        help,
        labelNames: [label],
        registers,
        collect() {
          this.reset();
          for (const r of read()) this.inc({ [label]: labelOf(r) }, value(r));
        },
      }),
    gauge: (name: string, help: string, value: (row: T) => number) =>
      new Gauge({
        name,
        help,
        labelNames: [label],
        registers,
        collect() {
          this.reset();
          for (const r of read()) this.set({ [label]: labelOf(r) }, value(r));
        },
      }),
  };
}

/** Per forwarding output, from forward_cursors: counters survive restarts and never go back. */
function registerForwardMetrics(registers: Registry[], read: () => ForwardOutputStatus[]): void {
  const { counter, gauge } = labelledMetrics(registers, 'output', read, (f) => f.output);
  counter('logagg_forward_events_sent_total', 'Events forwarded and acknowledged by the broker, per output.', (f) => f.events_sent);
  counter('logagg_forward_alerts_sent_total', 'Alert changes forwarded and acknowledged by the broker, per output.', (f) => f.alerts_sent);
  counter('logagg_forward_errors_total', 'Failed produce requests (each retried from the cursor), per output.', (f) => f.errors);
  gauge('logagg_forward_events_behind', 'Stored events after the last one forwarded (ids behind), per output.', (f) => f.events_behind);
  gauge('logagg_forward_alerts_behind', 'Alert changes not forwarded yet, per output.', (f) => f.alerts_behind);
  gauge('logagg_forward_degraded', '1 when the output has failed for longer than forward.degraded_after.', (f) => (f.degraded ? 1 : 0));
}
