// The Elasticsearch endpoint in the real appliance: the built CLI (`logagg serve`, Kafka off,
// HTTP ingest on; the API on its worker thread) driven by the official JS client. The documents
// are stored through the ingest side's queue; a retry after kill -9 and a restart stores nothing.
import { countV1File } from '../helpers/v1-rows.js';
import { Client } from '@elastic/elasticsearch';
import path from 'node:path';
import { expect, test } from 'vitest';
import { apiUrl, countRows, startCli } from '../helpers/cli.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';
import { serveEnv, token } from './harness.js';

const shipper = token({ roles: ['ingest'], sub: 'filebeat-web' });

const docs = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    '@timestamp': new Date(Date.UTC(2026, 11, 7, 10, 0, i)).toISOString(),
    agent: { type: 'filebeat', version: '8.19.0' },
    ecs: { version: '8.0.0' },
    host: { name: 'web-01' },
    message: `Dec  7 10:00:${String(i % 60).padStart(2, '0')} web-01 sshd[${1000 + i}]: Failed password for root from 203.0.113.${i % 250} port 4${i} ssh2 ${tag}`,
  }));

test('serve: client.info, bulk with gzip and Basic auth, kill -9 after the answer, restart, the retry stores nothing', async () => {
  const db = path.join(tempDir('logagg-es-int-'), 'logagg.db');
  const env = serveEnv(db, { LOGAGG_LISTENERS_HTTP_ENABLED: 'true' });
  let cli = startCli(['serve'], env);
  let url = await apiUrl(cli);
  const client = (u: string) => {
    const c = new Client({ node: u, auth: { username: 'filebeat', password: shipper }, compression: true, maxRetries: 0 });
    deferCleanup(() => c.close());
    return c;
  };
  expect((await client(url).info()).version.number).toBe('8.19.0');
  const operations = docs('intmarker', 150).flatMap((d) => [{ create: { _index: 'logs-system.auth-default' } }, d]);
  const first = await client(url).bulk({ operations });
  expect([first.errors, first.items.length]).toEqual([false, 150]);
  expect(countRows(db)).toBe(150);
  cli.proc.kill('SIGKILL');
  expect((await cli.exited).signal).toBe('SIGKILL');

  cli = startCli(['serve'], env);
  url = await apiUrl(cli);
  const retry = await client(url).bulk({ operations });
  expect(retry.items).toEqual(first.items);
  expect(countRows(db)).toBe(150);
  expect(countV1File(db, "SELECT count(*) FROM logs WHERE source_kind = 'es-bulk' AND topic = 'logs-system.auth-default' AND process = 'sshd' AND src_ip LIKE '203.0.113.%'")).toBe(150);
  cli.proc.kill('SIGTERM');
  expect((await cli.exited).code).toBe(0);
});
