// The shipper endpoints in the real appliance: the built CLI (`logagg serve`, Kafka disabled,
// the API on its worker thread) on loopback with a real SQLite file. The OpenTelemetry SDK's
// protobuf exporter and winston-loki deliver; a retried OTLP request is not stored again, also
// after kill -9 right after the 2xx and a restart.
import path from 'node:path';
import { countV1File } from '../helpers/v1-rows.js';
import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import winston from 'winston';
import LokiTransport from 'winston-loki';
import { apiUrl, countRows, startCli, waitFor } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { serveEnv, token } from './harness.js';

const shipper = token({ roles: ['ingest'], sub: 'shipper' });
const env = (db: string) => serveEnv(db, { LOGAGG_LISTENERS_HTTP_ENABLED: 'true' });

test('real clients through serve; an OTLP retry after kill -9 and a restart stores nothing twice', async () => {
  const db = path.join(tempDir('logagg-shipper-int-'), 'logagg.db');
  let cli = startCli(['serve'], env(db));
  let url = await apiUrl(cli);

  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'billing', 'host.name': 'pay-1' }),
    processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${url}/v1/logs`, headers: { Authorization: `Bearer ${shipper}` } }), scheduledDelayMillis: 60_000 })],
  });
  for (let i = 0; i < 20; i++) provider.getLogger('int').emit({ body: `invoice ${i} sent`, severityText: 'info', timestamp: Date.UTC(2025, 0, 15, 12, 0, i) });
  await provider.forceFlush();
  await provider.shutdown();

  const transport = new LokiTransport({ host: url, basicAuth: `promtail:${shipper}`, labels: { job: 'web', host: 'web-9' }, batching: false });
  winston.createLogger({ transports: [transport] }).error('upstream connect error');
  await waitFor('the Loki line', () => countRows(db) === 21, 20_000, 50);
  expect(countV1File(db, "SELECT count(*) FROM logs WHERE host = 'pay-1' AND process = 'billing' AND level = 6")).toBe(20);
  expect(countV1File(db, "SELECT count(*) FROM logs WHERE host = 'web-9' AND process = 'web' AND level = 3")).toBe(1);

  // A collector's batch whose answer is lost: sent, logagg killed right after the 2xx, sent again.
  const batch = JSON.stringify({
    resourceLogs: [{ resource: { attributes: [{ key: 'host.name', value: { stringValue: 'edge-4' } }] }, scopeLogs: [{ logRecords: Array.from({ length: 30 }, (_, i) => ({ timeUnixNano: `17369424000000${String(i).padStart(5, '0')}`, body: { stringValue: `crash line ${i}` } })) }] }],
  });
  const send = (u: string) => fetch(`${u}/v1/logs`, { method: 'POST', headers: { Authorization: `Bearer ${shipper}`, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body: gzipSync(batch) });
  const first = await send(url);
  cli.proc.kill('SIGKILL');
  expect([first.status, await first.json()]).toEqual([200, {}]);
  expect((await cli.exited).signal).toBe('SIGKILL');
  cli = startCli(['serve'], env(db));
  url = await apiUrl(cli);
  const retry = await send(url);
  expect([retry.status, await retry.json()]).toEqual([200, {}]);
  cli.proc.kill('SIGTERM');
  expect((await cli.exited).code).toBe(0);
  expect(countV1File(db, "SELECT count(*) FROM logs WHERE host = 'edge-4'")).toBe(30);
  expect(countRows(db)).toBe(51);
}, 120_000);
