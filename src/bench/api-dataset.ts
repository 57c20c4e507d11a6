/**
 * The API benchmark's database: N realistic events (the message mix, normalized and enriched by
 * the real core, written by the real LogWriter in 5,000-event transactions like ingest), spread
 * evenly over 24 hours across 50 hosts. Generating 10 million takes many minutes, so the file is
 * cached under .bench/ keyed by N, the schema version and DATASET_GENERATOR; a run interrupted
 * half-way leaves only a `.partial` file, which is never reused. Not part of the appliance.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { enrich, EMPTY_ENRICH_CONTEXT } from '../core/enrich.js';
import type { NormalizedEvent } from '../core/event.js';
import { normalizeMessage } from '../core/normalize.js';
import { sqlOf } from '../store/connection.js';
import { latestVersion } from '../store/migrations.js';
import { LogWriter } from '../store/log-writer.js';
import { openStore } from '../store/store.js';
import { messageMix } from '../tools/message-mix.js';

/** Bump when the generated data changes, so older cached files are not reused. */
export const DATASET_GENERATOR = 2;
export const DATASET_HOSTS = 50;
export const DATASET_SPAN_MS = 86_400_000; // 24 hours
const CHUNK = 5000; // = kafka.batch.max_messages default
const PARTITIONS = 3;
const SEED = 20_240_501;
const PROGRESS_EVERY_MS = 10_000;

export interface DatasetMeta {
  events: number;
  schemaVersion: number;
  generator: number;
  hosts: number;
  /** Event time of the first and last event, epoch ms. */
  start: number;
  end: number;
  /** When it was generated (epoch ms), how long it took (s) and the file's size (bytes). */
  createdAt: number;
  seconds: number;
  bytes: number;
}

export interface Dataset {
  path: string;
  meta: DatasetMeta;
  /** true when a cached file was used. */
  reused: boolean;
}

export function datasetName(events: number, schemaVersion: number): string {
  return `api-${events}-s${schemaVersion}-g${DATASET_GENERATOR}`;
}

function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

function readMeta(file: string): DatasetMeta | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DatasetMeta;
  } catch {
    return null;
  }
}

/** The cached database for `events`, generated first when absent. */
export function ensureDataset(opts: { dir: string; events: number; log: (msg: string) => void; now?: number }): Dataset {
  const schemaVersion = latestVersion();
  const name = datasetName(opts.events, schemaVersion);
  const path = join(opts.dir, `${name}.db`);
  const metaFile = join(opts.dir, `${name}.json`);
  const cached = existsSync(path) ? readMeta(metaFile) : null;
  if (cached && cached.events === opts.events && cached.schemaVersion === schemaVersion && cached.generator === DATASET_GENERATOR) {
    return { path, meta: cached, reused: true };
  }
  mkdirSync(opts.dir, { recursive: true });
  const partial = join(opts.dir, `${name}.partial.db`);
  removeDb(partial);
  const meta = generate(partial, opts.events, opts.now ?? Date.now(), opts.log);
  removeDb(path);
  renameSync(partial, path);
  writeFileSync(metaFile, JSON.stringify(meta, null, 2) + '\n');
  return { path, meta, reused: false };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function generate(path: string, events: number, now: number, log: (msg: string) => void): DatasetMeta {
  const t0 = performance.now();
  // The newest event is a minute before now, so the last 24 h hold every event.
  const end = Math.floor(now / 60_000) * 60_000 - 60_000;
  const start = end - DATASET_SPAN_MS;
  const stepMs = events > 1 ? DATASET_SPAN_MS / (events - 1) : 0;
  const store = openStore(path);
  const writer = new LogWriter(store);
  const offsets = new Map<string, number>();
  let chunk: NormalizedEvent[] = [];
  let done = 0;
  let lastReport = performance.now();
  const flush = (): void => {
    writer.writeBatch({ events: chunk, offsets: [], now: end });
    done += chunk.length;
    chunk = [];
    const t = performance.now();
    if (t - lastReport >= PROGRESS_EVERY_MS || done === events) {
      lastReport = t;
      const rate = done / ((t - t0) / 1000);
      const eta = (events - done) / rate;
      log(`generated ${fmt(done)} / ${fmt(events)} events (${Math.floor((done / events) * 100)}%), ${fmt(rate)} events/s, ${Math.ceil(eta)} s to go`);
    }
  };
  try {
    let i = 0;
    for (const m of messageMix(events, { seed: SEED, start, stepMs, hosts: DATASET_HOSTS })) {
      const partition = i % PARTITIONS;
      const key = `${m.topic}/${partition}`;
      const offset = offsets.get(key) ?? 0;
      offsets.set(key, offset + 1);
      const ts = Math.round(start + i * stepMs);
      const event = normalizeMessage(Buffer.from(m.value), {
        source: { kind: 'kafka', topic: m.topic, partition, offset: String(offset) },
        // Read shortly after it happened; also the time of events whose own time is unusable.
        receivedAt: ts + 150,
        maxBytes: 256 * 1024,
      });
      chunk.push(enrich(event, EMPTY_ENRICH_CONTEXT));
      if (chunk.length === CHUNK) flush();
      i++;
    }
    if (chunk.length > 0) flush();
    // Fold the WAL into the file, so the cached database is one self-contained file.
    sqlOf(store).db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    store.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const bytes = statSync(path).size;
  log(`generated ${fmt(events)} events in ${seconds.toFixed(0)} s (${fmt(events / seconds)} events/s), ${fmt(bytes / 1024 / 1024)} MiB`);
  return { events, schemaVersion: latestVersion(), generator: DATASET_GENERATOR, hosts: DATASET_HOSTS, start, end, createdAt: now, seconds, bytes };
}
