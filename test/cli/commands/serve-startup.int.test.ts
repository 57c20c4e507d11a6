// `logagg serve` answers on its API before it has joined Kafka: a group join can take up to the
// session timeout (a member killed with SIGKILL is waited out), and an operator, a load balancer
// or the console must see "not ready, consumer disconnected" meanwhile, not a refused connection.
// Here the broker address refuses connections, so the join never happens while the test looks.
import { createServer } from 'node:net';
import path from 'node:path';
import { expect, test } from 'vitest';
import { serveEnv, token } from '../../api/harness.js';
import { apiUrl, startCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';

/** A loopback port nothing listens on (taken, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

test('the API is up (healthz 200, readyz 503 consumer disconnected) while Kafka cannot be joined', async () => {
  const db = path.join(tempDir('logagg-serve-startup-'), 'logagg.db');
  const cli = startCli(['serve'], serveEnv(db, { LOGAGG_KAFKA_ENABLED: 'true', LOGAGG_KAFKA_BROKERS: `127.0.0.1:${await closedPort()}`, LOGAGG_KAFKA_TOPICS: 'startup' }));
  const url = await apiUrl(cli, 60_000);
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(200);
  const ready = await fetch(`${url}/readyz`, { headers: { Authorization: `Bearer ${token({ roles: ['viewer'] })}` } });
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ status: 'not ready', consumer: 'disconnected' });
  expect(cli.proc.exitCode).toBeNull();
  cli.proc.kill('SIGTERM');
  await cli.exited;
}, 120_000);
