import { describe, expect, test } from 'vitest';
import { IngestStats } from '../../../src/ingest/ingest-stats.js';
import { startApi, token } from '../harness.js';
import { AlertSeed } from '../alert-seed.js';
import { MemoryRules } from '../memory-rules.js';
import { seed, T0 } from '../seed.js';
import { maxLogId } from '../../../src/store/log-follow.js';
import { advanceEvents, openCursor, recordForwardError } from '../../../src/store/forward-cursors.js';

describe('/healthz and /readyz', () => {
  test('without ingest in the process: ready, consumer not running, no lag', async () => {
    const api = await startApi({ seed: seed(3) });
    const r = await api.call('/readyz');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ready', store: { ok: true, schema_version: api.readStore.schemaVersion }, consumer: 'not running', lag: null, last_batch_at: null, streams: 0, rules_refused: null, ingest_paused: null, forwarding: [] });
    expect((await api.call('/readyz', { token: null })).status).toBe(401);
  });

  test('with ingest: consumer state and total lag; a disconnected consumer is not ready (503)', async () => {
    const stats = new IngestStats();
    stats.setLag('system-metrics', 0, 40);
    stats.setLag('threat-logs', 2, 2);
    stats.recordBatch(10, 1, 12);
    const consumer = { isConnected: true };
    const api = await startApi({ stats, consumer });
    const up = await api.call('/readyz');
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: 'ready', consumer: 'connected', lag: 42 });
    expect(up.body.last_batch_at).toEqual(expect.any(String));
    consumer.isConnected = false;
    const down = await api.call('/readyz');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'not ready', consumer: 'disconnected' });
  });

  test('ingest paused (the store refuses writes): not ready, 503, saying why', async () => {
    const stats = new IngestStats();
    const consumer = { isConnected: true };
    const api = await startApi({ stats, consumer });
    expect((await api.call('/readyz')).body).toMatchObject({ status: 'ready', ingest_paused: null });
    const since = Date.UTC(2026, 11, 7, 12, 0, 0);
    stats.storePaused = { reason: 'the disk holding data/logagg.db is full (0 bytes free)', code: 'SQLITE_FULL', since };
    const r = await api.call('/readyz');
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({
      status: 'not ready',
      consumer: 'connected',
      ingest_paused: { reason: 'the disk holding data/logagg.db is full (0 bytes free)', code: 'SQLITE_FULL', since: '2026-12-07T12:00:00.000Z' },
    });
    stats.storePaused = null;
    expect((await api.call('/readyz')).status).toBe(200);
  });

  test('rules refused at start: degraded but still 200 (ingest and the other rules run); not ready wins', async () => {
    const consumer = { isConnected: true };
    const rules = new MemoryRules([], [{ file: 'r/a.yml', id: 'a', reason: 'x' }, { file: 'r/b.yml', id: null, reason: 'not valid YAML' }]);
    const api = await startApi({ stats: new IngestStats(), consumer, rules });
    const r = await api.call('/readyz');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'degraded', rules_refused: 2 });
    consumer.isConnected = false;
    expect((await api.call('/readyz')).body).toMatchObject({ status: 'not ready', rules_refused: 2 });
  });
});

describe('/readyz and /metrics: forwarding outputs', () => {
  test('lag, sent and errors per output; degraded (200) once an output has failed longer than degraded_after', async () => {
    let now = T0;
    const api = await startApi({ seed: seed(5), clock: () => now });
    const w = api.writerStore;
    openCursor(w, 'central', { lastLogId: 0, lastAlertSeq: 0 }, { eventsTopic: 'ev', alertsTopic: 'al', degradedAfterMs: 60_000 }, now);
    openCursor(w, 'backup-dc', { lastLogId: 0, lastAlertSeq: 0 }, { eventsTopic: 'ev', alertsTopic: 'al', degradedAfterMs: 60_000 }, now);
    const max = maxLogId(w);
    advanceEvents(w, 'central', max - 2, 3, now);
    recordForwardError(w, 'backup-dc', 'KafkaJSConnectionError: Connection error: connect ECONNREFUSED', now);
    const fresh = await api.call('/readyz');
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({
      status: 'ready',
      forwarding: [
        { output: 'backup-dc', events_behind: max, alerts_behind: 0, failing_since: new Date(T0).toISOString(), degraded: false },
        { output: 'central', events_behind: 2, alerts_behind: 0, failing_since: null, degraded: false },
      ],
    });
    now = T0 + 60_001;
    const late = await api.call('/readyz');
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ status: 'degraded', forwarding: [{ output: 'backup-dc', degraded: true }, { output: 'central', degraded: false }] });
    const text = (await api.call('/metrics')).text;
    expect(text).toMatch(/^logagg_forward_events_sent_total\{output="central"\} 3$/m);
    expect(text).toMatch(/^logagg_forward_errors_total\{output="backup-dc"\} 1$/m);
    expect(text).toMatch(/^logagg_forward_events_behind\{output="central"\} 2$/m);
    expect(text).toMatch(/^logagg_forward_degraded\{output="backup-dc"\} 1$/m);
    // a success clears the failure
    advanceEvents(w, 'backup-dc', max, max, now);
    expect((await api.call('/readyz')).body).toMatchObject({ status: 'ready' });
  });
});

describe('/metrics (Prometheus)', () => {
  test('ingest counters, batch latency, lag per partition, alerts by severity, API latency', async () => {
    const stats = new IngestStats();
    stats.recordBatch(500, 3, 20);
    stats.recordBatch(250, 0, 40);
    stats.setLag('threat-logs', 1, 17);
    const alerts = new AlertSeed();
    alerts.add({ rule_id: 'r', severity: 'HIGH', host: 'a', first_seen: T0 });
    alerts.add({ rule_id: 'r', severity: 'HIGH', host: 'b', first_seen: T0 });
    alerts.add({ rule_id: 'r', severity: 'LOW', host: 'b', first_seen: T0, state: 'resolved' });
    const api = await startApi({ seed: seed(3), stats, alerts, consumer: { isConnected: true } });
    await api.call('/api/v1/logs?limit=1');
    await api.call('/api/v1/logs?limit=0');
    const r = await api.call('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = r.text;
    expect(text).toMatch(/^logagg_ingest_events_total 750$/m);
    expect(text).toMatch(/^logagg_ingest_batches_total 2$/m);
    expect(text).toMatch(/^logagg_ingest_parse_errors_total 3$/m);
    expect(text).toMatch(/^logagg_ingest_batch_duration_seconds_total 0\.06$/m);
    expect(text).toMatch(/^logagg_ingest_batch_duration_seconds\{quantile="0\.5"\} 0\.02$/m);
    expect(text).toMatch(/^logagg_ingest_batch_duration_seconds\{quantile="0\.99"\} 0\.04$/m);
    expect(text).toMatch(/^logagg_ingest_consumer_lag\{topic="threat-logs",partition="1"\} 17$/m);
    expect(text).toMatch(/^logagg_ingest_consumer_connected 1$/m);
    expect(text).toMatch(/^logagg_alerts\{severity="HIGH",state="open"\} 2$/m);
    expect(text).toMatch(/^logagg_alerts\{severity="LOW",state="resolved"\} 1$/m);
    expect(text).toMatch(/^logagg_api_request_duration_seconds_count\{method="GET",route="\/api\/v1\/logs",status="200"\} 1$/m);
    expect(text).toMatch(/^logagg_api_request_duration_seconds_count\{method="GET",route="\/api\/v1\/logs",status="400"\} 1$/m);
    // The request is in the histogram (its +Inf bucket; which lower bucket depends on the machine's speed).
    expect(text).toMatch(/^logagg_api_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/api\/v1\/logs",status="200"\} 1$/m);
    expect(text).toMatch(/^logagg_process_cpu_seconds_total /m);
    // The page read its event from a compressed block: a miss, then the block is held.
    expect(text).toMatch(/^logagg_store_block_cache_lookups\{result="miss"\} [1-9]\d*$/m);
    expect(text).toMatch(/^logagg_store_block_cache_blocks\{kind="capacity"\} 64$/m);
    expect(text).toMatch(/^logagg_store_block_cache_blocks\{kind="held"\} [1-9]\d*$/m);
  });

  test('unknown paths share one label (bounded cardinality)', async () => {
    const api = await startApi();
    for (const p of ['/x1', '/x2', '/x3']) await api.call(p);
    const text = (await api.call('/metrics')).text;
    expect(text).toMatch(/route="unmatched",status="404"\} 3$/m);
    expect(text).not.toContain('/x1');
  });

  test('without ingest, the ingest series are absent, not zero', async () => {
    const api = await startApi();
    const text = (await api.call('/metrics', { token: token({ roles: ['viewer'] }) })).text;
    expect(text).not.toMatch(/^logagg_ingest_events_total \d/m);
    expect(text).not.toMatch(/^logagg_ingest_consumer_connected \d/m);
  });
});
