import { z } from 'zod';
import { FORMATS, SEVERITIES } from '../core/event.js';
import { byteSizeSchema, durationSchema } from './units.js';
import { apiSchema } from './sections/api.js';
import { backupSchema } from './sections/backup.js';
import { detectionSchema } from './sections/detection.js';
import { extractSchema } from './sections/extract.js';
import { forwardSchema } from './sections/forward.js';
import { encryptionSchema } from './sections/storage-encryption.js';
import { listenersSchema } from './sections/listeners.js';
import { notifySchema } from './sections/notify.js';

/**
 * The configuration schema: the one place where every key, its type, its default and its
 * allowed values are defined. `config/default.yaml` documents the same keys (a test keeps
 * the two equal). Objects are strict: an unknown key is an error, so a typo cannot be
 * silently ignored.
 */

const duration = durationSchema();

const nonEmpty = z.string().min(1, 'must not be empty');
const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9092');
const severity = z.enum(SEVERITIES);

const kafkaSchema = z
  .strictObject({
    /** Consume from Kafka. false for sites that only use the direct listeners (syslog, HTTP). */
    enabled: z.boolean().default(true),
    /** Bootstrap brokers, host:port. */
    brokers: z.array(hostPort).min(1, 'list at least one broker, e.g. [127.0.0.1:9092]').default(['127.0.0.1:9092']),
    client_id: nonEmpty.default('logagg'),
    /** Consumer group id; the offsets stored in SQLite are kept per group. */
    group_id: nonEmpty.default('logagg'),
    topics: z.array(nonEmpty).default(['system-metrics', 'threat-logs']),
    /** A regular expression; when set, every topic matching it is consumed as well. */
    topic_pattern: z
      .string()
      .nullable()
      .default(null)
      .superRefine((v, ctx) => {
        if (v === null) return;
        try {
          new RegExp(v);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(e as Error).message}` });
        }
      }),
    /** Where to start when neither SQLite nor Kafka has an offset for a partition. */
    from_beginning: z.boolean().default(true),
    /** Pin the format of a topic instead of detecting it per message: { topic: format }. */
    formats: z.record(z.string(), z.enum([...FORMATS, 'auto'])).default({}),
    batch: z
      .strictObject({
        /** Largest number of messages stored in one SQLite transaction. */
        max_messages: z.number().int().min(1).max(100_000).default(5000),
        /** Bytes fetched per partition per request (kafkajs maxBytesPerPartition). */
        max_bytes_per_partition: z.number().int().min(1024).default(4 * 1024 * 1024),
        /** Bytes fetched per request across partitions (kafkajs maxBytes). */
        max_bytes: z.number().int().min(1024).default(16 * 1024 * 1024),
        /** The broker waits for at least this many bytes before answering a fetch… */
        min_bytes: z.number().int().min(1).default(1),
        /** …or this long (kafkajs maxWaitTimeInMs): the linger. */
        linger: duration.default(100),
      })
      .prefault({}),
    session_timeout: duration.default(30_000),
    heartbeat_interval: duration.default(3_000),
    /** Broker connection: TLS. */
    ssl: z
      .strictObject({
        enabled: z.boolean().default(false),
        ca_file: z.string().nullable().default(null),
        cert_file: z.string().nullable().default(null),
        key_file: z.string().nullable().default(null),
        /** Verify the broker's certificate. Turn off only for tests. */
        reject_unauthorized: z.boolean().default(true),
      })
      .prefault({}),
    /** Broker connection: SASL. */
    sasl: z
      .strictObject({
        mechanism: z.enum(['none', 'plain', 'scram-sha-256', 'scram-sha-512']).default('none'),
        username: z.string().default(''),
        /** Prefer password_file or the LOGAGG_KAFKA_SASL_PASSWORD variable to a password in a file under version control. */
        password: z.string().default(''),
        password_file: z.string().nullable().default(null),
      })
      .prefault({}),
    /** Messages that fail to decode are also produced to this topic (they are stored either way). */
    dead_letter_topic: z.string().nullable().default(null),
  })
  .prefault({});

const storageSchema = z
  .strictObject({
    /** The SQLite database file. Its directory is created if missing. */
    path: nonEmpty.default('data/logagg.db'),
    /** Messages larger than this are stored cut, flagged and with parse_error (bytes). */
    max_message_bytes: z.number().int().min(256).max(64 * 1024 * 1024).default(256 * 1024),
    /** SQLite page cache per connection, in MiB (the API's and the CLI's reading connections). */
    cache_mb: z.number().int().min(1).max(4096).default(64),
    /**
     * SQLite page cache of the writer thread's connection, in MiB: writes touch the right edge of
     * the time index and a few pages per host, so a small cache does (docs/90-bench.md, memory).
     */
    writer_cache_mb: z.number().int().min(1).max(4096).default(16),
    /**
     * Store batches on a thread of their own (consume, serve), so the next batch is decoded and
     * detected while this one is written. false: on the main thread, one step after the other.
     */
    writer_thread: z.boolean().default(true),
    /**
     * Bytes kept in reserve beside the database (`<path>.ballast`), given back when the disk is
     * full so logagg can still record why it stopped and delete old events to make room; made
     * again once the disk has room. 0: none.
     */
    ballast_bytes: byteSizeSchema().default(8 * 1024 * 1024),
    /**
     * Events per compressed block (storage v2): larger blocks compress better (docs/90-bench.md,
     * "Where the bytes go"), and every read of one event decompresses its whole block.
     */
    block_events: z.number().int().min(1).max(65_536).default(512),
    /** Decompressed blocks kept per connection for reads (an LRU). */
    block_cache: z.number().int().min(1).max(4096).default(64),
    /** Encryption at rest of the database file and its WAL. */
    encryption: encryptionSchema,
  })
  .prefault({});

const retentionSchema = z
  .strictObject({
    /** Raw logs older than this many days are deleted. 0 keeps them forever. */
    days: z.number().min(0).default(30),
    /** 1-minute rollups are kept this many days. */
    rollup_1m_days: z.number().min(0).default(14),
    /** 1-hour rollups are kept this many days. */
    rollup_1h_days: z.number().min(0).default(400),
    /** How often the consumer applies retention. */
    interval: duration.default(3_600_000),
    /** Rows deleted per short transaction, so ingest is never blocked for long. */
    chunk: z.number().int().min(100).max(100_000).default(5000),
    /**
     * Disk budget: the database's bytes in use stay under this; the oldest events are deleted
     * first, then the oldest rollups. 0: no budget (age only).
     */
    max_bytes: byteSizeSchema().default(0),
    /**
     * Free-space floor of the database's file system: below it, the oldest events are deleted
     * (then rollups) until the database holds that much free space of its own to grow into.
     * 0: none.
     */
    min_free_bytes: byteSizeSchema().default(0),
    /** How often the budget and the floor are checked (and after every write refused for lack of space). */
    budget_interval: duration.default(30_000),
  })
  .prefault({});

const assetSchema = z.strictObject({
  /** Exact host name, IP, or a glob like `web-*`. Case-insensitive. */
  host: nonEmpty,
  environment: z.string().optional(),
  owner: z.string().optional(),
  criticality: z.enum(['low', 'medium', 'high', 'critical']).optional(),
  tags: z.array(z.string()).optional(),
});

const intelListSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ".", "_" or "-"'),
  kind: z.enum(['ip', 'domain', 'process', 'hash']),
  /** One indicator per line; blank lines and # comments are ignored. */
  file: nonEmpty,
  severity: severity.default('HIGH'),
  tags: z.array(z.string()).default([]),
});

const enrichSchema = z
  .strictObject({
    assets: z.array(assetSchema).default([]),
    intel: z.array(intelListSchema).default([]),
  })
  .prefault({});

const memorySchema = z
  .strictObject({
    /**
     * How far V8 lets a thread's JS heap grow past what is live before it collects, in percent
     * (V8's --heap-growing-percent, set at start for every thread): 50 lets a heap with 60 MiB
     * live grow to ~90 MiB. 0 leaves V8's own heuristic, which lets the ingest threads' heaps grow
     * to ~4× their live data under load (docs/90-bench.md, "Where the memory goes").
     */
    heap_growth_percent: z.number().int().min(0).max(1000).default(50),
    /**
     * The young generation of the worker threads' heaps (the writer's and the API's), in MiB:
     * where short-lived objects (a batch's rows, a page's events) are made and dropped. 0: V8's
     * own (up to 48). Smaller saves memory and costs speed: 12, with the main thread's set to
     * match (NODE_OPTIONS=--max-semi-space-size=4, which V8 reads only at start), measured ~60 MiB
     * less and 15–20 % fewer events/s (docs/90-bench.md, "Where the memory goes").
     */
    young_generation_mb: z.number().int().min(0).max(1024).default(0),
  })
  .prefault({});

const logSchema = z
  .strictObject({
    level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    format: z.enum(['json', 'text']).default('text'),
  })
  .prefault({});

export const configSchema = z
  .strictObject({
    kafka: kafkaSchema,
    storage: storageSchema,
    retention: retentionSchema,
    backup: backupSchema,
    enrich: enrichSchema,
    log: logSchema,
    memory: memorySchema,
    api: apiSchema,
    detection: detectionSchema,
    listeners: listenersSchema,
    notify: notifySchema,
    extract: extractSchema,
    forward: forwardSchema,
  })
  .superRefine((cfg, ctx) => {
    if (cfg.kafka.enabled && cfg.kafka.topics.length === 0 && cfg.kafka.topic_pattern === null) {
      ctx.addIssue({ code: 'custom', path: ['kafka', 'topics'], message: 'name at least one topic, or set kafka.topic_pattern' });
    }
    if (cfg.kafka.sasl.mechanism !== 'none' && cfg.kafka.sasl.username === '') {
      ctx.addIssue({ code: 'custom', path: ['kafka', 'sasl', 'username'], message: `required when kafka.sasl.mechanism is ${cfg.kafka.sasl.mechanism}` });
    }
    const names = new Set<string>();
    cfg.enrich.intel.forEach((l, i) => {
      if (names.has(l.name)) ctx.addIssue({ code: 'custom', path: ['enrich', 'intel', i, 'name'], message: `duplicate list name "${l.name}"` });
      names.add(l.name);
    });
  });

export type Config = z.output<typeof configSchema>;
export type KafkaConfig = Config['kafka'];
