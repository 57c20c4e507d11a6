// `logagg replay` against the real broker and a real SQLite file: a range read twice is stored
// once, gaps are filled, and the main consumer group's offsets (database and Kafka) stay put.
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import { createTopic, describeKafka, produce, requireKafka, uniqueTopic, withAdmin } from '../../helpers/kafka.js';
import { cli, seedDb } from '../fixtures.js';
import { v1File } from '../../helpers/v1-rows.js';

interface Summary {
  read: number;
  inserted: number;
  already_present: number;
  parse_errors: number;
  stopped_early: boolean;
  group: string;
  partitions: { partition: number; from: string; to: string; read: number; complete: boolean }[];
}

function rows(dbPath: string): { partition: number; offset: string; seq: number }[] {
  const db = v1File(dbPath);
  try {
    return db
      .prepare("SELECT partition, CAST(offset AS TEXT) AS offset, json_extract(attributes, '$.seq') AS seq FROM logs ORDER BY logs.partition, logs.offset")
      .all() as { partition: number; offset: string; seq: number }[];
  } finally {
    db.close();
  }
}

function offsetsTable(dbPath: string): unknown[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT * FROM offsets ORDER BY consumer_group, topic, partition').all();
  } finally {
    db.close();
  }
}

async function replay(brokers: string, dbPath: string, args: string[]): Promise<{ code: number | null; summary: Summary; stderr: string }> {
  const r = await cli(['replay', '--db', dbPath, '-o', 'json', ...args], { LOGAGG_KAFKA_BROKERS: brokers, LOGAGG_LOG_LEVEL: 'warn' });
  return { code: r.code, summary: r.code === 0 ? (JSON.parse(r.stdout) as Summary) : (undefined as never), stderr: r.stderr };
}

describeKafka('logagg replay (real broker, real SQLite)', () => {
  test('twice over the same range: each event stored once; the main group offsets do not move', async () => {
    const brokers = requireKafka();
    const topic = await createTopic(brokers, uniqueTopic('replay'), 2);
    await produce(brokers, topic, Array.from({ length: 30 }, (_, i) => ({ value: JSON.stringify({ seq: i, host: `h-${i % 3}`, message: `m ${i}` }), partition: i % 2 })));
    const main = `main-${topic}`;
    const db = seedDb([], [
      { group: main, topic, partition: 0, nextOffset: '4' },
      { group: main, topic, partition: 1, nextOffset: '2' },
    ]);
    await withAdmin(brokers, (admin) => admin.setOffsets({ groupId: main, topic, partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '2' }] }));
    const storedBefore = offsetsTable(db.path);

    const first = await replay(brokers, db.path, ['--topic', topic, '--from-offset', '0']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.summary).toMatchObject({ read: 30, inserted: 30, already_present: 0, parse_errors: 0, stopped_early: false });
    expect(first.summary.partitions).toEqual([
      { partition: 0, from: '0', to: '14', read: 15, complete: true },
      { partition: 1, from: '0', to: '14', read: 15, complete: true },
    ]);
    // Progress on stderr, not a terminal: plain lines.
    expect(first.stderr).toMatch(new RegExp(`replaying ${topic}: 30/30 offsets \\(100%\\)`));

    const second = await replay(brokers, db.path, ['--topic', topic, '--from-offset', '0']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.summary).toMatchObject({ read: 30, inserted: 0, already_present: 30 });

    const stored = rows(db.path);
    expect(stored).toHaveLength(30);
    expect(stored.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(stored.filter((r) => r.partition === 1).map((r) => r.offset)).toEqual(Array.from({ length: 15 }, (_, i) => String(i)));

    expect(offsetsTable(db.path)).toEqual(storedBefore);
    const committed = await withAdmin(brokers, (admin) => admin.fetchOffsets({ groupId: main, topics: [topic] }));
    expect(committed[0]!.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset)).toEqual(['4', '2']);
    // The throw-away groups are gone.
    const groups = await withAdmin(brokers, (admin) => admin.listGroups());
    expect(groups.groups.map((g) => g.groupId)).not.toContain(first.summary.group);
    expect(first.summary.group).not.toBe(second.summary.group);
  });

  test('one partition, --to-offset inclusive; then the whole topic fills the gap around it', async () => {
    const brokers = requireKafka();
    const topic = await createTopic(brokers, uniqueTopic('replay-part'), 2);
    await produce(brokers, topic, Array.from({ length: 20 }, (_, i) => ({ value: JSON.stringify({ seq: i }), partition: i % 2 })));
    const db = seedDb([]);

    const part = await replay(brokers, db.path, ['--topic', topic, '--partition', '1', '--from-offset', '3', '--to-offset', '6']);
    expect(part.code, part.stderr).toBe(0);
    expect(part.summary).toMatchObject({ read: 4, inserted: 4, partitions: [{ partition: 1, from: '3', to: '6', read: 4, complete: true }] });
    expect(rows(db.path).map((r) => [r.partition, r.offset])).toEqual([
      [1, '3'],
      [1, '4'],
      [1, '5'],
      [1, '6'],
    ]);

    const all = await replay(brokers, db.path, ['--topic', topic, '--from-offset', '0']);
    expect(all.summary).toMatchObject({ read: 20, inserted: 16, already_present: 4 });
    expect(rows(db.path)).toHaveLength(20);
  });

  test('--since maps a time to offsets per partition (message timestamps)', async () => {
    const brokers = requireKafka();
    const topic = await createTopic(brokers, uniqueTopic('replay-since'), 1);
    const now = Date.now();
    await produce(brokers, topic, [
      ...Array.from({ length: 6 }, (_, i) => ({ value: JSON.stringify({ seq: i }), timestamp: String(now - 3 * 3_600_000 + i) })),
      ...Array.from({ length: 4 }, (_, i) => ({ value: JSON.stringify({ seq: 100 + i }), timestamp: String(now - 600_000 + i) })),
    ]);
    const db = seedDb([]);
    const r = await replay(brokers, db.path, ['--topic', topic, '--since', '1h']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.summary).toMatchObject({ read: 4, inserted: 4, partitions: [{ partition: 0, from: '6', to: '9' }] });
    expect(rows(db.path).map((x) => x.seq)).toEqual([100, 101, 102, 103]);

    const none = await replay(brokers, db.path, ['--topic', topic, '--since', new Date(now + 3_600_000).toISOString()]);
    expect(none.code).toBe(0);
    expect(none.summary).toMatchObject({ read: 0, partitions: [] });
  });

  test('errors: a topic that does not exist (1), a partition it does not have (2), no start (2)', async () => {
    const brokers = requireKafka();
    const topic = await createTopic(brokers, uniqueTopic('replay-err'), 1);
    const db = seedDb([]);
    const absent = await cli(['replay', '--db', db.path, '--topic', uniqueTopic('absent'), '--from-offset', '0'], { LOGAGG_KAFKA_BROKERS: brokers });
    expect(absent.code).toBe(1);
    expect(absent.stderr).toMatch(/does not exist on the brokers/);
    const part = await cli(['replay', '--db', db.path, '--topic', topic, '--partition', '7', '--from-offset', '0'], { LOGAGG_KAFKA_BROKERS: brokers });
    expect(part.code).toBe(2);
    expect(part.stderr).toMatch(/--partition 7: .* has partitions 0/);
    const noStart = await cli(['replay', '--db', db.path, '--topic', topic], { LOGAGG_KAFKA_BROKERS: brokers });
    expect(noStart.code).toBe(2);
    expect(noStart.stderr).toMatch(/give one of --from-offset or --since/);
  });
});
