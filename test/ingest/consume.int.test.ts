// `logagg consume` against a real Kafka broker and a real SQLite file: every format stored,
// malformed messages kept with their reason, exactly once across SIGKILL, SIGTERM, a broker
// restart and a locked database.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import { createTopic, describeKafka, kafkaClient, produce, requireKafka, startOwnBroker, uniqueTopic, consume } from '../helpers/kafka.js';
import { tempDir } from '../helpers/temp.js';
import { countRows, startCli, waitFor } from '../helpers/cli.js';
import { v1File } from '../helpers/v1-rows.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function env(brokers: string, topic: string, db: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LOGAGG_KAFKA_BROKERS: brokers,
    LOGAGG_KAFKA_TOPICS: topic,
    LOGAGG_KAFKA_GROUP_ID: `g-${topic}`,
    LOGAGG_STORAGE_PATH: db,
    LOGAGG_KAFKA_BATCH_LINGER: '50ms',
    LOGAGG_LOG_LEVEL: 'info',
    // the fixtures carry fixed, old timestamps: retention must not delete them under the test
    LOGAGG_RETENTION_DAYS: '0',
    ...extra,
  };
}

function seqMessages(n: number, from = 0): string[] {
  const out: string[] = [];
  for (let i = from; i < from + n; i++) {
    out.push(JSON.stringify({ timestamp: 1_700_000_000_000 + i, host: `web-${i % 7}`, cpu_usage: i % 100, seq: i, message: `event number ${i}` }));
  }
  return out;
}

/** Every seq stored exactly once: as many rows as messages, as many distinct seqs, no gaps. */
function expectExactlyOnce(db: string, n: number): void {
  const conn = v1File(db);
  try {
    const row = conn
      .prepare(
        `SELECT count(*) AS rows, count(DISTINCT json_extract(attributes, '$.seq')) AS seqs,
                min(json_extract(attributes, '$.seq')) AS lo, max(json_extract(attributes, '$.seq')) AS hi,
                count(DISTINCT topic || ':' || partition || ':' || offset) AS coords
         FROM logs`,
      )
      .get() as { rows: number; seqs: number; lo: number; hi: number; coords: number };
    expect(row).toEqual({ rows: n, seqs: n, lo: 0, hi: n - 1, coords: n });
  } finally {
    conn.close();
  }
}

describeKafka('logagg consume (real broker, real SQLite)', () => {
  test('stores every format, and malformed, empty, non-UTF-8 and oversized messages with the reason', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('formats');
    await createTopic(brokers, topic, 1);
    const big = 'x'.repeat(5000);
    const messages = [
      '{"timestamp":"2024-01-01T12:00:00Z","host":"WEB-01","cpu_usage":93.5,"memory_usage":{"used":7200000000,"total":8000000000,"percentage":90},"threats":[{"name":"cryptominer","severity":"HIGH","tags":["malware"]}]}',
      '<34>1 2024-01-01T12:00:01.123Z db-01 su 4242 ID47 [exampleSDID@32473 iut="3" eventSource="Application"] su root failed on /dev/pts/8',
      '<38>Jan  1 12:00:02 edge-01 sshd[1234]: Failed password for root from 192.0.2.10 port 4242 ssh2',
      'CEF:0|Acme|Firewall|4.2|100|Blocked connection|8|src=192.0.2.5 dst=10.0.0.1 dpt=445 msg=deny rule \\= 42',
      'ts=2024-01-01T12:00:03Z level=error host=api-01 msg="upstream timeout" duration_ms=1500',
      'plain text line without structure',
      '{"timestamp": "2024-01-01T12:00:04Z", "host": "web-02", "cpu_usage":',
      '',
      Buffer.from([0x7b, 0xff, 0xfe, 0x22, 0x61, 0x22, 0x7d]),
      `{"host":"web-03","message":"${big}"}`,
    ];
    await produce(brokers, topic, messages);
    const db = path.join(tempDir(), 'logagg.db');
    const cli = startCli(['consume'], env(brokers, topic, db, { LOGAGG_STORAGE_MAX_MESSAGE_BYTES: '1024' }));
    await waitFor('10 stored rows', () => countRows(db) === messages.length, 60_000);
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);

    const conn = v1File(db);
    const rows = conn.prepare('SELECT * FROM logs ORDER BY offset').all() as Record<string, unknown>[];
    conn.close();
    expect(rows.map((r) => r.format)).toEqual(['json', 'syslog5424', 'syslog3164', 'cef', 'logfmt', 'text', 'json', expect.any(String), expect.any(String), expect.any(String)]);
    const seed = rows[0]!;
    expect(seed.host).toBe('web-01');
    expect(seed.ts).toBe(Date.parse('2024-01-01T12:00:00Z'));
    expect(JSON.parse(seed.threats as string)).toEqual([expect.objectContaining({ name: 'cryptominer', severity: 'HIGH', tags: ['malware'] })]);
    expect(seed.parse_error).toBeNull();
    // malformed JSON, empty, invalid UTF-8, oversized: stored, with the raw text and the reason
    expect(rows[6]!.parse_error).toMatch(/json/i);
    expect(rows[6]!.raw).toBe(messages[6]);
    expect(rows[7]!.parse_error).toMatch(/empty/i);
    expect(rows[8]!.parse_error).toMatch(/UTF-8/i);
    expect(rows[9]!.parse_error).toMatch(/exceeds/i);
    expect(rows[9]!.raw_truncated).toBe(1);
    expect((rows[9]!.raw as string).length).toBeLessThanOrEqual(1024);
  });

  test('SIGKILL mid-stream, twice, then restart: every message stored exactly once', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('crash');
    await createTopic(brokers, topic, 3);
    const N = 30_000;
    await produce(brokers, topic, seqMessages(N));
    const db = path.join(tempDir(), 'logagg.db');
    // small batches so a kill lands between many transactions
    // A killed member stays in the group until its session times out: keep that short (the
    // broker's minimum is 6 s) so the restarted consumer gets the partitions back quickly.
    const e = env(brokers, topic, db, {
      LOGAGG_KAFKA_BATCH_MAX_MESSAGES: '500',
      LOGAGG_KAFKA_BATCH_MAX_BYTES_PER_PARTITION: '65536',
      LOGAGG_KAFKA_SESSION_TIMEOUT: '6s',
      LOGAGG_KAFKA_HEARTBEAT_INTERVAL: '1s',
    });

    for (const killAt of [N * 0.2, N * 0.6]) {
      const cli = startCli(['consume'], e);
      await waitFor(`> ${killAt} rows`, () => countRows(db) > killAt, 90_000, 20);
      cli.proc.kill('SIGKILL');
      expect((await cli.exited).signal).toBe('SIGKILL');
      expect(countRows(db)).toBeLessThan(N); // really killed mid-stream
    }
    const cli = startCli(['consume'], e);
    await waitFor('all rows', () => countRows(db) >= N, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${countRows(db)} of ${N} stored; consumer said:\n${cli.output().slice(-3000)}`);
    });
    // give a wrong implementation the chance to store duplicates before we look
    await new Promise((r) => setTimeout(r, 1500));
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    expectExactlyOnce(db, N);
  }, 240_000);

  test('SIGTERM finishes the batch, commits offsets to Kafka as well, and exits 0', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('graceful');
    await createTopic(brokers, topic, 2);
    const N = 5000;
    await produce(brokers, topic, seqMessages(N));
    const db = path.join(tempDir(), 'logagg.db');
    const cli = startCli(['consume'], env(brokers, topic, db));
    await waitFor('all rows', () => countRows(db) === N, 60_000);
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    expect(cli.output()).toMatch(/stopped/);
    const admin = kafkaClient(brokers).admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId: `g-${topic}`, topics: [topic] });
    await admin.disconnect();
    const kafkaSum = committed[0]!.partitions.reduce((s, p) => s + Number(p.offset), 0);
    expect(kafkaSum).toBe(N);
    expect(countRows(db, 'SELECT sum(next_offset) FROM offsets')).toBe(N);
  });

  test('storage.writer_thread: false stores on the main thread, exactly once as well', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('nothread');
    await createTopic(brokers, topic, 2);
    const N = 5000;
    await produce(brokers, topic, seqMessages(N));
    const db = path.join(tempDir(), 'logagg.db');
    const cli = startCli(['consume'], env(brokers, topic, db, { LOGAGG_STORAGE_WRITER_THREAD: 'false', LOGAGG_KAFKA_BATCH_MAX_MESSAGES: '500' }));
    await waitFor('all rows', () => countRows(db) === N, 60_000);
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    expectExactlyOnce(db, N);
    expect(countRows(db, 'SELECT sum(next_offset) FROM offsets')).toBe(N);
  });

  test('a broker restart mid-stream loses nothing and doubles nothing', async () => {
    const broker = await startOwnBroker();
    const topic = uniqueTopic('restart');
    await createTopic(broker.brokers, topic, 2);
    const N = 20_000;
    await produce(broker.brokers, topic, seqMessages(N / 2));
    const db = path.join(tempDir(), 'logagg.db');
    const cli = startCli(['consume'], env(broker.brokers, topic, db, { LOGAGG_KAFKA_BATCH_MAX_MESSAGES: '500' }));
    await waitFor('some rows', () => countRows(db) > 1000, 60_000, 20);
    await broker.kill();
    await broker.restart();
    await produce(broker.brokers, topic, seqMessages(N / 2, N / 2));
    await waitFor('all rows', () => countRows(db) >= N, 120_000);
    await new Promise((r) => setTimeout(r, 1500));
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    expectExactlyOnce(db, N);
  }, 240_000);

  test('a locked database holds the batch and retries; nothing is acknowledged or lost', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('locked');
    await createTopic(brokers, topic, 1);
    const db = path.join(tempDir(), 'logagg.db');
    await produce(brokers, topic, seqMessages(100));
    const cli = startCli(['consume'], env(brokers, topic, db));
    await waitFor('first rows', () => countRows(db) === 100, 60_000);
    // Another writer takes the write lock for longer than the store's busy timeout (5 s).
    const blocker = new Database(db);
    blocker.exec('BEGIN IMMEDIATE');
    await produce(brokers, topic, seqMessages(900, 100));
    await waitFor('a store failure in the log', () => /store failed; holding the batch/.test(cli.output()), 30_000);
    expect(countRows(db)).toBe(100);
    blocker.exec('ROLLBACK');
    blocker.close();
    await waitFor('all rows after the lock is released', () => countRows(db) === 1000, 60_000);
    expect(cli.output()).toMatch(/store recovered/);
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    expectExactlyOnce(db, 1000);
  }, 120_000);

  test('a failing writer thread: chunks stay in order, at most one waits behind the failing one, nothing lost', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('wfail');
    await createTopic(brokers, topic, 1);
    const db = path.join(tempDir(), 'logagg.db');
    await produce(brokers, topic, seqMessages(100));
    // Small chunks, so one fetched batch is many chunks: the pipeline would run far ahead if it could.
    const cli = startCli(['consume'], env(brokers, topic, db, { LOGAGG_KAFKA_BATCH_MAX_MESSAGES: '100', LOGAGG_LOG_FORMAT: 'json' }));
    await waitFor('first rows', () => countRows(db) === 100, 60_000);
    const blocker = new Database(db);
    blocker.exec('BEGIN IMMEDIATE');
    await produce(brokers, topic, seqMessages(4900, 100));
    await waitFor('two store failures in the log', () => (cli.output().match(/store failed; holding the batch/g) ?? []).length >= 2, 30_000);
    expect(countRows(db)).toBe(100);
    const failures = cli
      .output()
      .split('\n')
      .filter((l) => l.includes('store failed; holding the batch'))
      .map((l) => JSON.parse(l) as { queued_behind: number; attempt: number; events: number });
    // Backpressure: besides the failing chunk, at most one prepared chunk waits (kafka.ahead = 1).
    expect(Math.max(...failures.map((f) => f.queued_behind))).toBeLessThanOrEqual(1);
    // The same job is retried: attempts count up on one chunk.
    expect(failures.map((f) => f.attempt)).toEqual(failures.map((_f, i) => i + 1));
    blocker.exec('ROLLBACK');
    blocker.close();
    await waitFor('all rows after the lock is released', () => countRows(db) === 5000, 60_000);
    // Stored in offset order: ids grow with offsets.
    expect(countRows(db, 'SELECT count(*) FROM logs a JOIN logs b ON b.id > a.id AND CAST(b.offset AS INTEGER) < CAST(a.offset AS INTEGER)')).toBe(0);
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    expectExactlyOnce(db, 5000);
    expect(countRows(db, 'SELECT sum(next_offset) FROM offsets')).toBe(5000);
  }, 120_000);

  test('SIGTERM while the writer fails: what is prepared is stored or not acknowledged; a restart stores the rest once', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('wterm');
    await createTopic(brokers, topic, 1);
    const db = path.join(tempDir(), 'logagg.db');
    await produce(brokers, topic, seqMessages(100));
    const e = env(brokers, topic, db, { LOGAGG_KAFKA_BATCH_MAX_MESSAGES: '100' });
    const cli = startCli(['consume'], e);
    await waitFor('first rows', () => countRows(db) === 100, 60_000);
    const blocker = new Database(db);
    blocker.exec('BEGIN IMMEDIATE');
    await produce(brokers, topic, seqMessages(900, 100));
    await waitFor('a store failure in the log', () => /store failed; holding the batch/.test(cli.output()), 30_000);
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    blocker.exec('ROLLBACK');
    blocker.close();
    expect(countRows(db)).toBe(100);
    expect(countRows(db, 'SELECT sum(next_offset) FROM offsets')).toBe(100);
    // Kafka was told no more than the database holds.
    const admin = kafkaClient(brokers).admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId: `g-${topic}`, topics: [topic] });
    await admin.disconnect();
    expect(committed[0]!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0)).toBeLessThanOrEqual(100);
    const again = startCli(['consume'], e);
    await waitFor('all rows after the restart', () => countRows(db) >= 1000, 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    again.proc.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
    expectExactlyOnce(db, 1000);
  }, 120_000);

  test('the writer thread crashes: consume exits non-zero, acknowledges nothing unstored, and a restart stores the rest once', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('wcrash');
    await createTopic(brokers, topic, 2);
    const N = 20_000;
    await produce(brokers, topic, seqMessages(N));
    const dir = tempDir();
    const db = path.join(dir, 'logagg.db');
    const trigger = path.join(dir, 'crash-now');
    const e = env(brokers, topic, db, { LOGAGG_KAFKA_BATCH_MAX_MESSAGES: '500', LOGAGG_KAFKA_BATCH_MAX_BYTES_PER_PARTITION: '65536' });
    const cli = startCli(['consume'], { ...e, NODE_OPTIONS: `--import ${path.join(HERE, 'fixtures/crash-writer-thread.mjs')}`, TEST_CRASH_WRITER_THREAD_FILE: trigger });
    await waitFor('some rows', () => countRows(db) > 2000, 60_000, 20);
    writeFileSync(trigger, '');
    const { code } = await cli.exited;
    expect(code, cli.output()).not.toBe(0);
    expect(cli.output()).toMatch(/the writer thread failed/);
    const stored = countRows(db);
    expect(stored).toBeLessThan(N);
    expect(countRows(db, 'SELECT sum(next_offset) FROM offsets')).toBe(stored);
    const admin = kafkaClient(brokers).admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId: `g-${topic}`, topics: [topic] });
    await admin.disconnect();
    expect(committed[0]!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0)).toBeLessThanOrEqual(stored);
    const again = startCli(['consume'], e);
    await waitFor('all rows after the restart', () => countRows(db) >= N, 90_000);
    await new Promise((r) => setTimeout(r, 1000));
    again.proc.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
    expectExactlyOnce(db, N);
  }, 180_000);

  test('malformed messages are also produced to the dead-letter topic when configured', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('dlq-src');
    const dlq = uniqueTopic('dlq');
    await createTopic(brokers, topic, 1);
    await createTopic(brokers, dlq, 1);
    await produce(brokers, topic, ['{"ok":true,"host":"a"}', '{"broken":', 'CEF:0|only|three']);
    const db = path.join(tempDir(), 'logagg.db');
    const cli = startCli(['consume'], env(brokers, topic, db, { LOGAGG_KAFKA_DEAD_LETTER_TOPIC: dlq }));
    await waitFor('3 rows', () => countRows(db) === 3, 60_000);
    const parseErrors = countRows(db, 'SELECT count(*) FROM logs WHERE parse_error IS NOT NULL');
    expect(parseErrors).toBeGreaterThanOrEqual(1);
    const dead = await consume(brokers, dlq, parseErrors, 30_000);
    expect(dead.map((m) => m.value?.toString())).toContain('{"broken":');
    expect(dead[0]!.headers['logagg-source-topic']?.toString()).toBe(topic);
    cli.proc.kill('SIGTERM');
    await cli.exited;
  });
});
