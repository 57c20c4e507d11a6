import { Registry } from 'prom-client';
import { expect, test } from 'vitest';
import { IngestStats } from '../../src/ingest/ingest-stats.js';
import { registerListenerMetrics } from '../../src/listen/listener-metrics.js';

test('listener counters are exposed with listener and kind labels, UDP loss by reason', async () => {
  const stats = new IngestStats();
  const udp = stats.listener('syslog-udp', 'syslog-udp');
  Object.assign(udp, { received: 10, stored: 7, dropped: 3, kernelDrops: 5, bytes: 900 });
  const tcp = stats.listener('syslog-tls', 'syslog-tcp');
  Object.assign(tcp, { received: 4, stored: 4, truncated: 1, framingErrors: 2, connectionErrors: 1, connections: 2, connectionsTotal: 9 });
  stats.directQueue.depth = 12;
  stats.directQueue.max = 100;
  const registry = new Registry();
  registerListenerMetrics([registry], stats);
  const text = await registry.metrics();
  for (const line of [
    'logagg_listener_received_total{listener="syslog-udp",kind="syslog-udp"} 10',
    'logagg_listener_stored_total{listener="syslog-udp",kind="syslog-udp"} 7',
    'logagg_listener_dropped_total{listener="syslog-udp",kind="syslog-udp",reason="queue_full"} 3',
    'logagg_listener_dropped_total{listener="syslog-udp",kind="syslog-udp",reason="kernel"} 5',
    'logagg_listener_received_total{listener="syslog-tls",kind="syslog-tcp"} 4',
    'logagg_listener_truncated_total{listener="syslog-tls",kind="syslog-tcp"} 1',
    'logagg_listener_framing_errors_total{listener="syslog-tls",kind="syslog-tcp"} 2',
    'logagg_listener_connection_errors_total{listener="syslog-tls",kind="syslog-tcp"} 1',
    'logagg_listener_connections{listener="syslog-tls",kind="syslog-tcp"} 2',
    'logagg_listener_connections_total{listener="syslog-tls",kind="syslog-tcp"} 9',
    'logagg_listener_queue_depth 12',
    'logagg_listener_queue_max 100',
  ]) {
    expect(text).toContain(line);
  }
  expect(text).not.toContain('logagg_listener_dropped_total{listener="syslog-tls"');
  // Read at scrape time: a later change shows in the next scrape.
  udp.dropped = 4;
  expect(await registry.metrics()).toContain('reason="queue_full"} 4');
});
