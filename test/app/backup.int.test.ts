// Backup under full ingest, restore, resume (real broker, real files): the backup holds a
// consistent point (events, alerts and stored offsets agree), a restore brings exactly that
// point back, and consuming again reads what came after it from Kafka, exactly once.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import { createTopic, describeKafka, produce, requireKafka, uniqueTopic } from '../helpers/kafka.js';
import { tempDir } from '../helpers/temp.js';
import { countRows, runCli, startCli, waitFor } from '../helpers/cli.js';
import { v1File } from '../helpers/v1-rows.js';

const T0 = Date.UTC(2026, 0, 1);
const PARTITIONS = 3;

function query<T>(file: string, sql: string): T[] {
  const db = /\bFROM logs\b/.test(sql) ? v1File(file) : new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Readings of 20 hosts; CPU high on every 7th, so the threshold rule raises alerts as it goes. */
function readings(from: number, n: number): string[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return JSON.stringify({ timestamp: new Date(T0 + i * 1000).toISOString(), host: `web-${i % 20}`, cpu_usage: i % 7 === 0 ? 97 : 40, seq: i, message: `reading ${i}` });
  });
}

const EVENTS_SQL = 'SELECT partition, offset, json_extract(attributes, \'$.seq\') AS seq FROM logs ORDER BY partition, offset';
const ALERTS_SQL = 'SELECT id, rule_id, dedup_key, host, count, first_seen, last_seen, state FROM alerts ORDER BY id';
const OFFSETS_SQL = 'SELECT consumer_group, topic, partition, CAST(next_offset AS TEXT) AS next_offset FROM offsets ORDER BY topic, partition';

describeKafka('backup and restore under ingest (real broker, real SQLite)', () => {
  test('back up while consuming, restore the backup point, resume: every message stored exactly once', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('backup');
    await createTopic(brokers, topic, PARTITIONS);
    const dir = tempDir();
    const db = path.join(dir, 'logagg.db');
    const rules = path.join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(path.join(rules, 'cpu.yaml'), 'id: cpu-high\nname: CPU usage exceeds 90%\nkind: threshold\nseverity: HIGH\nfield: cpu_pct\nop: ">"\nvalue: 90%\n');
    const env = {
      LOGAGG_KAFKA_BROKERS: brokers,
      LOGAGG_KAFKA_TOPICS: topic,
      LOGAGG_KAFKA_GROUP_ID: `g-${topic}`,
      LOGAGG_STORAGE_PATH: db,
      LOGAGG_KAFKA_BATCH_LINGER: '20ms',
      LOGAGG_KAFKA_BATCH_MAX_MESSAGES: '200',
      LOGAGG_RETENTION_DAYS: '0',
      LOGAGG_DETECTION_RULES_DIR: rules,
      LOGAGG_LOG_LEVEL: 'warn',
    };

    // A first lot, then a producer that keeps going while the backup runs.
    const FIRST = 20_000;
    const TOTAL = 60_000;
    await produce(brokers, topic, readings(0, FIRST));
    const consume = startCli(['consume'], env);
    // Every partition under way (a busy consumer may have stored one partition's batches only).
    await waitFor('5000 stored rows in every partition', () => countRows(db) >= 5000 && query(db, OFFSETS_SQL).length === PARTITIONS, 90_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${consume.output()}`);
    });
    let produced = FIRST;
    const producing = (async () => {
      while (produced < TOTAL) {
        await produce(brokers, topic, readings(produced, 2000));
        produced += 2000;
      }
    })();

    const backup = path.join(dir, 'backups', 'point.db');
    const b = await runCli(['backup', backup, '--json'], env);
    expect(b.code, b.output).toBe(0);
    const summary = JSON.parse(b.output.slice(b.output.indexOf('{'), b.output.lastIndexOf('}') + 1)) as { events: number; alerts: number; offsets: number };
    await producing;
    await waitFor(`${TOTAL} stored rows`, () => countRows(db) === TOTAL, 180_000).catch((e: Error) => {
      throw new Error(`${e.message}: ${countRows(db)} stored\n${consume.output()}`);
    });
    consume.proc.kill('SIGTERM');
    expect((await consume.exited).code).toBe(0);

    // The backup is a point in the middle of ingest, consistent with itself: its stored offsets
    // are exactly one past the last event of each partition it holds.
    const atPoint = {
      events: query<{ partition: number; offset: number; seq: number }>(backup, EVENTS_SQL),
      alerts: query(backup, ALERTS_SQL),
      offsets: query<{ partition: number; next_offset: string }>(backup, OFFSETS_SQL),
    };
    expect(atPoint.events.length).toBe(summary.events);
    expect(summary.events).toBeGreaterThanOrEqual(5000);
    expect(summary.events).toBeLessThan(TOTAL);
    expect(atPoint.alerts.length).toBe(summary.alerts);
    expect(summary.alerts).toBeGreaterThan(0);
    expect(atPoint.offsets.length).toBe(PARTITIONS);
    for (const o of atPoint.offsets) {
      const mine = atPoint.events.filter((e) => e.partition === o.partition);
      expect(mine.length, `partition ${o.partition}`).toBe(Number(o.next_offset));
    }

    const r = await runCli(['restore', backup], env);
    expect(r.code, r.output).toBe(0);
    expect(query(db, EVENTS_SQL)).toEqual(atPoint.events);
    expect(query(db, ALERTS_SQL)).toEqual(atPoint.alerts);
    expect(query(db, OFFSETS_SQL)).toEqual(query(backup, OFFSETS_SQL));

    // Resume: what came after the backup point is read again from Kafka, exactly once.
    const again = startCli(['consume'], env);
    await waitFor(`${TOTAL} stored rows after the restore`, () => countRows(db) >= TOTAL, 180_000).catch((e: Error) => {
      throw new Error(`${e.message}: ${countRows(db)} stored\n${again.output()}`);
    });
    await new Promise((res) => setTimeout(res, 1500)); // a late duplicate would land by now
    again.proc.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
    const [row] = query<{ rows: number; coords: number; seqs: number; lo: number; hi: number }>(
      db,
      `SELECT count(*) AS rows, count(DISTINCT partition || ':' || offset) AS coords,
              count(DISTINCT json_extract(attributes, '$.seq')) AS seqs,
              min(json_extract(attributes, '$.seq')) AS lo, max(json_extract(attributes, '$.seq')) AS hi FROM logs`,
    );
    expect(row).toEqual({ rows: TOTAL, coords: TOTAL, seqs: TOTAL, lo: 0, hi: TOTAL - 1 });
  });
});
