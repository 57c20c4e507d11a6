/**
 * Prometheus series of the direct listeners, read from IngestStats at scrape time (labels:
 * listener name and kind; bounded by the four listeners a config can have). Registered by
 * the API's metrics (src/api/api-metrics.ts) when ingest runs in the process.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { IngestStats, ListenerCounters } from '../ingest/ingest-stats.js';

const COUNTERS: [name: string, help: string, read: (c: ListenerCounters) => number][] = [
  ['logagg_listener_received_total', 'Messages read by a listener (datagrams, frames, HTTP lines).', (c) => c.received],
  ['logagg_listener_bytes_total', 'Bytes read by a listener.', (c) => c.bytes],
  ['logagg_listener_stored_total', 'Messages of a listener committed to the store.', (c) => c.stored],
  ['logagg_listener_failed_total', 'Messages a listener accepted that could not be stored (store failing at shutdown).', (c) => c.failed],
  ['logagg_listener_truncated_total', 'TCP/TLS messages cut at max_message_bytes.', (c) => c.truncated],
  ['logagg_listener_framing_errors_total', 'TCP/TLS malformed octet-counting headers and frames cut off by a closed connection.', (c) => c.framingErrors],
  ['logagg_listener_connection_errors_total', 'TCP/TLS connections refused (max_connections) or failing the TLS handshake.', (c) => c.connectionErrors],
  ['logagg_listener_connections_total', 'TCP/TLS connections accepted.', (c) => c.connectionsTotal],
];

export function registerListenerMetrics(registers: Registry[], stats: IngestStats): void {
  const labelNames = ['listener', 'kind'] as const;
  for (const [name, help, read] of COUNTERS) {
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const c of stats.listeners.values()) this.inc({ listener: c.name, kind: c.kind }, read(c));
      },
    });
  }
  new Counter({
    name: 'logagg_listener_dropped_total',
    help: 'UDP datagrams lost: reason="queue_full" read but refused (the store fell behind), reason="kernel" dropped by the kernel (receive buffer full).',
    labelNames: ['listener', 'kind', 'reason'],
    registers,
    collect() {
      this.reset();
      for (const c of stats.listeners.values()) {
        if (c.kind !== 'syslog-udp') continue;
        this.inc({ listener: c.name, kind: c.kind, reason: 'queue_full' }, c.dropped);
        this.inc({ listener: c.name, kind: c.kind, reason: 'kernel' }, c.kernelDrops);
      }
    },
  });
  new Gauge({
    name: 'logagg_listener_connections',
    help: 'TCP/TLS connections open now.',
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const c of stats.listeners.values()) if (c.kind === 'syslog-tcp') this.set({ listener: c.name, kind: c.kind }, c.connections);
    },
  });
  new Gauge({
    name: 'logagg_listener_queue_depth',
    help: 'Messages from the listeners waiting to be stored.',
    registers,
    collect() {
      this.set(stats.directQueue.depth);
    },
  });
  new Gauge({
    name: 'logagg_listener_queue_max',
    help: 'Bound of that queue (listeners.queue_max); at it, UDP drops, TCP pauses, HTTP gets 503.',
    registers,
    collect() {
      this.set(stats.directQueue.max);
    },
  });
}
