// Forwarding in `logagg serve` (Kafka ingest off, events by POST /api/v1/ingest): the events go
// to the forward topic with their sha256 id and the appliance; a restart forwards only what came
// after; /readyz and `logagg status` show the output; an unreachable output's broker makes
// /readyz say degraded while ingest goes on.
import path from 'node:path';
import { expect, test } from 'vitest';
import { apiUrl, countRows, runCli, startCli, waitFor } from '../helpers/cli.js';
import { consume, createTopic, describeKafka, requireKafka, uniqueTopic, withAdmin } from '../helpers/kafka.js';
import { tempDir } from '../helpers/temp.js';
import { serveEnv, token } from '../api/harness.js';

const shipper = token({ roles: ['ingest'], sub: 'shipper' });
const viewerToken = token({ roles: ['viewer'] });

async function post(url: string, lines: string[]): Promise<number> {
  const res = await fetch(`${url}/api/v1/ingest`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${shipper}`, 'Content-Type': 'application/x-ndjson' },
    body: lines.join('\n'),
  });
  return res.status;
}

async function readyz(url: string): Promise<{ status: string; forwarding: { output: string; events_behind: number; degraded: boolean }[] }> {
  return (await (await fetch(`${url}/readyz`, { headers: { Authorization: `Bearer ${viewerToken}` } })).json()) as never;
}

describeKafka('forwarding in logagg serve', () => {
  test('HTTP-ingested events forwarded once each, resumed after a restart; status and /readyz show the output', async () => {
    const brokers = requireKafka();
    const topic = await createTopic(brokers, uniqueTopic('fwd-serve'), 1);
    const db = path.join(tempDir(), 'logagg.db');
    const env = serveEnv(db, {
      LOGAGG_LISTENERS_HTTP_ENABLED: 'true',
      LOGAGG_KAFKA_BROKERS: brokers,
      LOGAGG_FORWARD_APPLIANCE: 'edge-serve',
      LOGAGG_FORWARD_POLL_INTERVAL: '100ms',
      LOGAGG_FORWARD_OUTPUTS: `{central: {events_topic: ${topic}, filter: {level: warning}}}`,
    });
    const line = (i: number, level: string) => JSON.stringify({ host: 'web-1', level, message: `m${i}`, seq: i });
    let cli = startCli(['serve'], env);
    let url = await apiUrl(cli);
    expect(await post(url, [line(0, 'error'), line(1, 'info'), line(2, 'warning')])).toBe(200);
    await waitFor('forwarded', () => countRows(db, `SELECT events_sent FROM forward_cursors`) === 2, 30_000);
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);

    cli = startCli(['serve'], env);
    url = await apiUrl(cli);
    expect(await post(url, [line(3, 'critical')])).toBe(200);
    await waitFor('forwarded after the restart', () => countRows(db, `SELECT events_sent FROM forward_cursors`) === 3, 30_000);
    const ready = await readyz(url);
    expect(ready.status).toBe('ready');
    expect(ready.forwarding).toEqual([expect.objectContaining({ output: 'central', events_behind: 0, degraded: false })]);
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);

    // exactly three messages: the restart sent nothing again
    const total = await withAdmin(brokers, async (admin) => (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0));
    expect(total).toBe(3);
    const got = await consume(brokers, topic, 3, 30_000);
    const values = got.map((m) => ({ key: m.key!.toString(), v: JSON.parse(m.value!.toString()) as { event_id: string; appliance: string; attributes: { seq: number }; source: { kind: string } } }));
    expect(values.map((x) => x.v.attributes.seq).sort()).toEqual([0, 2, 3]);
    for (const x of values) {
      expect(x.key).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(x.key).toBe(x.v.event_id);
      expect(x.v.appliance).toBe('edge-serve');
      expect(x.v.source.kind).toBe('http');
    }

    const status = await runCli(['status', '--no-kafka', '--no-show-config'], env);
    expect(status.code, status.output).toBe(0);
    expect(status.output).toMatch(/^ {2}central +0 +0 +3 +0 +0 +ok/m);
  }, 120_000);

  test('an output whose broker cannot be reached: ingest goes on, /readyz degraded after degraded_after', async () => {
    const db = path.join(tempDir(), 'logagg.db');
    const env = serveEnv(db, {
      LOGAGG_LISTENERS_HTTP_ENABLED: 'true',
      LOGAGG_FORWARD_POLL_INTERVAL: '100ms',
      LOGAGG_FORWARD_DEGRADED_AFTER: '1s',
      LOGAGG_FORWARD_BACKOFF_MAX: '500ms',
      LOGAGG_FORWARD_OUTPUTS: `{central: {brokers: ['127.0.0.1:1'], events_topic: nowhere}}`,
    });
    const cli = startCli(['serve'], env);
    const url = await apiUrl(cli);
    expect(await post(url, ['{"message":"a"}', '{"message":"b"}'])).toBe(200);
    expect(countRows(db)).toBe(2);
    let r = await readyz(url);
    const until = Date.now() + 60_000;
    while (r.status !== 'degraded' && Date.now() < until) {
      await new Promise((res) => setTimeout(res, 250));
      r = await readyz(url);
    }
    expect(r.status).toBe('degraded');
    expect(r.forwarding).toEqual([expect.objectContaining({ output: 'central', events_behind: 2, degraded: true })]);
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  }, 120_000);
});
