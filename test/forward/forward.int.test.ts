// Forwarding with a real broker, real SQLite files and real `logagg consume` children: two
// appliances in one consumer group on one source topic, each forwarding what it stores to one
// forward topic; one is killed with SIGKILL mid-stream and started again. In the forward topic
// every source message appears, once per key after de-duplication, and nothing is there that
// is not in the store of the appliance that sent it.
import path from 'node:path';
import Database from 'better-sqlite3';
import { v1File } from '../helpers/v1-rows.js';
import { expect, test } from 'vitest';
import { consume, createTopic, describeKafka, produce, requireKafka, uniqueTopic, withAdmin } from '../helpers/kafka.js';
import { tempDir } from '../helpers/temp.js';
import { countRows, startCli, waitFor, type CliProcess } from '../helpers/cli.js';

function seqMessages(from: number, n: number): string[] {
  const out: string[] = [];
  for (let i = from; i < from + n; i++) out.push(JSON.stringify({ timestamp: 1_700_000_000_000 + i, host: `web-${i % 5}`, seq: i, message: `event number ${i}` }));
  return out;
}

interface Forwarded {
  schema: string;
  event_id: string;
  appliance: string;
  appliance_log_id: number;
  source: { kind: string; topic: string; partition: number; offset: string };
  attributes: { seq: number };
}

interface Stored {
  id: number;
  topic: string;
  partition: number;
  offset: number;
  seq: number;
}

function storedRows(db: string): Stored[] {
  const conn = v1File(db);
  try {
    return conn.prepare(`SELECT id, topic, partition, offset, json_extract(attributes, '$.seq') AS seq FROM logs`).all() as Stored[];
  } finally {
    conn.close();
  }
}

/** The output's cursor has reached the newest stored event. */
function caughtUp(db: string): boolean {
  const last = countRows(db, `SELECT last_log_id FROM forward_cursors WHERE output = 'central'`);
  const max = countRows(db, 'SELECT coalesce(max(id), 0) FROM logs');
  return max > 0 && last === max;
}

/** How many partitions the member's last logged assignment holds. */
function assigned(cli: CliProcess): number {
  const lines = cli
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; assignment?: Record<string, number[]> })
    .filter((l) => l.msg === 'partitions assigned');
  const last = lines[lines.length - 1];
  return last === undefined ? 0 : Object.values(last.assignment ?? {}).reduce((n, p) => n + p.length, 0);
}

describeKafka('forwarding (real broker, real SQLite, logagg consume children)', () => {
  test('two appliances in one group, one killed mid-stream: every source message forwarded, exactly once per key', async () => {
    const brokers = requireKafka();
    const source = await createTopic(brokers, uniqueTopic('fwd-src'), 3);
    const forward = await createTopic(brokers, uniqueTopic('fwd-out'), 3);
    const dir = tempDir();
    const dbs = { 'edge-a': path.join(dir, 'a.db'), 'edge-b': path.join(dir, 'b.db') };
    const env = (name: keyof typeof dbs): Record<string, string> => ({
      LOGAGG_KAFKA_BROKERS: brokers,
      LOGAGG_KAFKA_TOPICS: source,
      LOGAGG_KAFKA_GROUP_ID: `g-${source}`,
      LOGAGG_KAFKA_BATCH_LINGER: '50ms',
      LOGAGG_KAFKA_BATCH_MAX_MESSAGES: '200',
      LOGAGG_KAFKA_BATCH_MAX_BYTES_PER_PARTITION: '16384',
      // a killed member leaves the group after its session times out (the broker's minimum is 6 s)
      LOGAGG_KAFKA_SESSION_TIMEOUT: '6s',
      LOGAGG_KAFKA_HEARTBEAT_INTERVAL: '1s',
      LOGAGG_STORAGE_PATH: dbs[name],
      LOGAGG_RETENTION_DAYS: '0',
      LOGAGG_DETECTION_ENABLED: 'false',
      LOGAGG_LOG_FORMAT: 'json',
      LOGAGG_LOG_LEVEL: 'info',
      LOGAGG_FORWARD_APPLIANCE: name,
      LOGAGG_FORWARD_POLL_INTERVAL: '100ms',
      LOGAGG_FORWARD_OUTPUTS: `{central: {events_topic: ${forward}, batch: 100, linger: 20ms}}`,
    });
    const N = 6000;

    let a = startCli(['consume'], env('edge-a'));
    const b = startCli(['consume'], env('edge-b'));
    await waitFor('both members hold partitions', () => assigned(a) > 0 && assigned(b) > 0, 150_000).catch((e: Error) => {
      throw new Error(`${e.message}\nA:\n${a.output().slice(-2000)}\nB:\n${b.output().slice(-2000)}`);
    });

    await produce(brokers, source, seqMessages(0, N / 2));
    await waitFor('edge-a stored some', () => countRows(dbs['edge-a']) > 300, 60_000, 20);
    a.proc.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    const storedByA = countRows(dbs['edge-a']);
    await produce(brokers, source, seqMessages(N / 2, N / 2));
    // edge-b takes over edge-a's partitions once its session times out, and stores past where
    // edge-a stopped on them
    await waitFor('edge-b holds all 3 partitions', () => assigned(b) === 3, 90_000);
    const aStopped = new Map<number, number>();
    for (const r of storedRows(dbs['edge-a'])) aStopped.set(r.partition, Math.max(aStopped.get(r.partition) ?? -1, r.offset));
    expect(aStopped.size).toBeGreaterThan(0);
    await waitFor('edge-b stores past edge-a on its partitions', () => storedRows(dbs['edge-b']).some((r) => aStopped.has(r.partition) && r.offset > aStopped.get(r.partition)!), 90_000);
    a = startCli(['consume'], env('edge-a'));

    const allStored = (): boolean => {
      const coords = new Set([...storedRows(dbs['edge-a']), ...storedRows(dbs['edge-b'])].map((r) => `${r.partition}/${r.offset}`));
      return coords.size === N;
    };
    await waitFor('every message stored somewhere, every store forwarded', () => allStored() && caughtUp(dbs['edge-a']) && caughtUp(dbs['edge-b']), 120_000, 500).catch((e: Error) => {
      throw new Error(`${e.message}\nA:\n${a.output().slice(-2000)}\nB:\n${b.output().slice(-2000)}`);
    });
    for (const c of [a, b]) c.proc.kill('SIGTERM');
    for (const c of [a, b]) expect((await c.exited).code).toBe(0);
    expect(storedByA).toBeLessThan(N); // it really was killed mid-stream

    // Everything in the forward topic.
    const total = await withAdmin(brokers, async (admin) => (await admin.fetchTopicOffsets(forward)).reduce((s, p) => s + Number(p.high), 0));
    expect(total).toBeGreaterThanOrEqual(N);
    const messages = (await consume(brokers, forward, total, 60_000)).map((m) => ({ key: m.key!.toString(), headers: m.headers, v: JSON.parse(m.value!.toString()) as Forwarded }));

    // After de-duplication by key: every source message exactly once.
    const byKey = new Map<string, Forwarded[]>();
    for (const m of messages) {
      expect(m.key).toBe(m.v.event_id);
      expect(m.v.schema).toBe('logagg.event.v1');
      expect(String(m.headers['logagg-appliance'])).toBe(m.v.appliance);
      byKey.set(m.key, [...(byKey.get(m.key) ?? []), m.v]);
    }
    const both = [...byKey.values()].filter((c) => new Set(c.map((x) => x.appliance)).size > 1).length;
    console.info(`forward topic: ${total} messages, ${byKey.size} keys, ${both} keys from both appliances, edge-a stored ${storedByA} before the kill`);
    expect(byKey.size).toBe(N);
    const seqs = new Set<number>();
    for (const [key, copies] of byKey) {
      // every copy of a key is the same source message
      expect(new Set(copies.map((c) => c.attributes.seq)).size).toBe(1);
      const s = copies[0]!.source;
      expect(key).toBe(`kafka:${source}/${s.partition}/${s.offset}`);
      seqs.add(copies[0]!.attributes.seq);
    }
    expect(seqs.size).toBe(N);
    expect(Math.min(...seqs)).toBe(0);
    expect(Math.max(...seqs)).toBe(N - 1);

    // Nothing forwarded that is not in the store of the appliance that sent it.
    const stores = { 'edge-a': new Map(storedRows(dbs['edge-a']).map((r) => [r.id, r])), 'edge-b': new Map(storedRows(dbs['edge-b']).map((r) => [r.id, r])) };
    for (const m of messages) {
      const row = stores[m.v.appliance as keyof typeof stores]?.get(m.v.appliance_log_id);
      expect(row, `${m.v.appliance} #${m.v.appliance_log_id}`).toBeDefined();
      expect([row!.partition, String(row!.offset), row!.seq]).toEqual([m.v.source.partition, m.v.source.offset, m.v.attributes.seq]);
    }
    // Both appliances forwarded their share; the counters agree with the topic.
    const sent = (db: string) => countRows(db, `SELECT events_sent FROM forward_cursors WHERE output = 'central'`);
    expect(sent(dbs['edge-a'])).toBeGreaterThan(0);
    expect(sent(dbs['edge-b'])).toBeGreaterThan(0);
    expect(sent(dbs['edge-a']) + sent(dbs['edge-b'])).toBeLessThanOrEqual(total);
  }, 300_000);
});
