// HTTP ingest durability in the real appliance: the built CLI (`logagg serve`, Kafka disabled)
// on a real SQLite file. kill -9 right after the 2xx: after a restart every acknowledged event
// is there, once.
import path from 'node:path';
import { expect, test } from 'vitest';
import { apiUrl, countRows, startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { serveEnv, token } from './harness.js';

function env(db: string): Record<string, string> {
  return serveEnv(db, { LOGAGG_LISTENERS_HTTP_ENABLED: 'true' });
}

test('kill -9 right after each 2xx: after a restart every acknowledged event is stored, once, and searchable', async () => {
  const db = path.join(tempDir('logagg-ingest-kill-'), 'logagg.db');
  const ingest = token({ roles: ['ingest'], sub: 'shipper' });
  let acknowledged = 0;
  for (let round = 0; round < 3; round++) {
    const cli = startCli(['serve'], env(db));
    const url = await apiUrl(cli);
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ host: `edge-${round}`, message: `killmarker round${round} n${i}`, seq: i }));
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ingest}`, 'Content-Type': 'application/x-ndjson' },
      body: lines.join('\n'),
    });
    // The answer is read, then the process dies at once: no graceful shutdown, no flush.
    const body = await res.json();
    cli.proc.kill('SIGKILL');
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toEqual({ stored: 300, duplicates: 0, parse_errors: 0 });
    acknowledged += 300;
    expect((await cli.exited).signal).toBe('SIGKILL');
    expect(countRows(db)).toBe(acknowledged);
  }

  // Restarted, the appliance serves them all through the API.
  const cli = startCli(['serve'], env(db));
  const url = await apiUrl(cli);
  const viewer = token({ roles: ['viewer'] });
  for (let round = 0; round < 3; round++) {
    const r = await fetch(`${url}/api/v1/logs?q=${encodeURIComponent(`killmarker AND round${round}`)}&limit=1000`, { headers: { Authorization: `Bearer ${viewer}` } });
    expect(r.status).toBe(200);
    const page = (await r.json()) as { items: { host: string; source: { kind: string; topic: string; peer?: string } }[] };
    expect(page.items).toHaveLength(300);
    expect(page.items[0]).toMatchObject({ host: `edge-${round}`, source: { kind: 'http', topic: 'http' } });
    expect(page.items[0]!.source.peer).toMatch(/^127\.0\.0\.1:\d+$/);
  }
  cli.proc.kill('SIGTERM');
  expect((await cli.exited).code).toBe(0);
  expect(countRows(db)).toBe(900);
});
