/**
 * The API latency benchmark (`npm run bench -- --suite api`, docs/bench-api.md): the server on
 * a copy of a database of N events (10 million by default; cached under .bench/), loaded with
 * autocannon from this process, first idle, then while its own ingest runs flat out (a producer
 * child keeps the topic ahead of what the server has stored). Per request: p50/p90/p99 and
 * answers per second; under ingest also the ingest rate reached meanwhile (database row growth)
 * and the mean batch time (the server's /metrics). Loopback only; bounded in requests and time;
 * everything it starts it stops and removes. Not part of the appliance.
 */
import { spawn } from 'node:child_process';
import { constants, copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { sqlOf } from '../store/connection.js';
import { maxLogId } from '../store/log-follow.js';
import { openStore, type Store } from '../store/store.js';
import { ensureTopics } from '../tools/sample-producer.js';
import { ensureDataset } from './api-dataset.js';
import { runLoad } from './api-load.js';
import type { ProducerArgs, ProducerResult } from './api-producer.js';
import { benchQueries, deepCursorAt, DEEP_FRACTION, DEFAULT_QUERY_INPUTS, ftsMatches, type BenchQuery } from './api-queries.js';
import { renderReport, type ModeFigures, type Phase, type QueryFigures, type WalkFigures } from './api-report.js';
import { batchCounters, getJson, startServer, type ServerMode, type ServerUnderTest } from './api-server.js';
import { LogReader } from '../store/log-reader.js';

export interface ApiBenchOptions {
  root: string;
  brokers: string;
  /** Events in the database. */
  events: number;
  /** Concurrent connections of the load generator. */
  connections: number;
  /** Measured seconds per request and phase (after `warmupS` unmeasured). */
  durationS: number;
  warmupS: number;
  phases: readonly Phase[];
  /** serve: `logagg serve` as shipped; split: the API in a process of its own (measured under ingest only). */
  modes: readonly ServerMode[];
  /** Config for the server's processes, dotted key → value (e.g. kafka.batch.max_messages). */
  settings: Readonly<Record<string, string>>;
  /** Pages followed by next_cursor in the paging run. */
  walkPages: number;
  /** Only requests whose name starts with one of these (empty = all). */
  only: readonly string[];
  command: string;
  log: (msg: string) => void;
}

/** Messages the producer keeps ahead of what the server stored: a few seconds of ingest. */
const BACKLOG = 100_000;
const WALK_SAMPLE = 10;

interface Prepared {
  queries: BenchQuery[];
  /** Events each request matches in the dataset, where cheap to count. */
  matches: Map<string, number>;
}

/** Reads what the requests need from the dataset: the deep cursor, match counts. */
function prepare(dbPath: string, start: number, end: number, only: readonly string[]): Prepared {
  const store = openStore(dbPath, { readonly: true });
  try {
    const inputs = { ...DEFAULT_QUERY_INPUTS, start, end, deepCursor: deepCursorAt(store, start, end, DEEP_FRACTION) };
    const queries = benchQueries(inputs).filter((q) => only.length === 0 || only.some((p) => q.name.startsWith(p)));
    const filtered = new LogReader(store).countLogs({ hosts: [inputs.host], minLevel: 4 });
    const matches = new Map([
      ['logs.filtered.first', filtered],
      ['logs.filtered.deep', filtered],
      ['logs.fts.word', ftsMatches(store, inputs.word)],
      ['logs.fts.phrase', ftsMatches(store, `"${inputs.phrase}"`)],
    ]);
    return { queries, matches };
  } finally {
    store.close();
  }
}

/**
 * One request of each kind before measuring. A page must hold rows, or the dataset does not
 * exercise the request. An error answer (e.g. 503 when a query exceeds api.limits.query_budget)
 * is reported and measured anyway: the table then shows the failures.
 */
async function checkQueries(server: ServerUnderTest, prepared: Prepared, log: (msg: string) => void): Promise<QueryFigures[]> {
  const figures: QueryFigures[] = [];
  for (const q of prepared.queries) {
    const r = await fetch(server.url + q.path, { headers: { authorization: `Bearer ${server.token}` } });
    const text = await r.text();
    let pageRows: number | null = null;
    if (r.ok) {
      const body = JSON.parse(text) as { items?: unknown[] };
      if (Array.isArray(body.items) && body.items.length === 0) throw new Error(`${q.name}: the first page is empty; the dataset does not exercise this request`);
      if (Array.isArray(body.items)) pageRows = body.items.length;
    } else {
      log(`${q.name}: answered ${r.status} ${text.slice(0, 300)}`);
    }
    figures.push({ query: q, pageRows, matches: prepared.matches.get(q.name) ?? null });
  }
  return figures;
}

/** Follows next_cursor of the filtered request from the first page, one request at a time. */
async function walk(server: ServerUnderTest, phase: Phase, path: string, pages: number): Promise<WalkFigures> {
  const times: number[] = [];
  let rows = 0;
  let cursor: string | null = null;
  for (let i = 0; i < pages; i++) {
    const t0 = performance.now();
    const url: string = server.url + path + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
    const page: { items: unknown[]; next_cursor: string | null } = await getJson(url, server.token);
    times.push(performance.now() - t0);
    rows += page.items.length;
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const sample = Math.max(1, Math.min(WALK_SAMPLE, Math.floor(times.length / 2)));
  return { phase, pages: times.length, rows, firstMs: median(times.slice(0, sample)), lastMs: median(times.slice(-sample)), sample };
}

function startProducer(root: string, args: ProducerArgs): { stop(): Promise<ProducerResult> } {
  const child = spawn(process.execPath, [join(root, 'lib', 'bench', 'api-producer.js'), JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`api producer exited with ${code}`);
      return JSON.parse(out.trim().split('\n').pop()!) as ProducerResult;
    },
  };
}

/** Events stored so far: ids are AUTOINCREMENT and only the benchmark topic is ingested. */
class RowCounter {
  constructor(private readonly store: Store) {}
  sample(): { n: number; t: number } {
    return { n: maxLogId(this.store), t: performance.now() };
  }
  static rate(a: { n: number; t: number }, b: { n: number; t: number }): number {
    return (b.n - a.n) / ((b.t - a.t) / 1000);
  }
}

/** Waits until `atLeast` more events are stored, so ingest is in full flow. */
async function waitIngesting(rows: RowCounter, atLeast: number, timeoutMs: number): Promise<void> {
  const base = rows.sample().n;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (rows.sample().n - base >= atLeast) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the server stored fewer than ${atLeast} events in ${timeoutMs / 1000} s of ingest`);
}

async function measurePhase(o: ApiBenchOptions, server: ServerUnderTest, figures: QueryFigures[], phase: Phase, rows: RowCounter, walks: WalkFigures[]): Promise<void> {
  for (const f of figures) {
    const q = f.query;
    const run = { url: server.url + q.path, token: server.token, connections: o.connections };
    if (o.warmupS > 0) await runLoad({ ...run, durationS: o.warmupS });
    const before = rows.sample();
    const r = await runLoad({ ...run, durationS: o.durationS });
    f[phase] = r;
    let extra = '';
    if (phase === 'ingest') {
      f.ingestRate = RowCounter.rate(before, rows.sample());
      extra = `, ingest ${Math.round(f.ingestRate)} events/s`;
    }
    o.log(`${phase} ${q.name}: p50 ${r.p50.toFixed(1)} p90 ${r.p90.toFixed(1)} p99 ${r.p99.toFixed(1)} ms, ${Math.round(r.rps)} req/s${r.failed ? `, ${r.failed} failed (${r.failedStatus})` : ''}${extra}`);
  }
  const filtered = figures.find((f) => f.query.name === 'logs.filtered.first');
  if (filtered && o.walkPages > 0) {
    const w = await walk(server, phase, filtered.query.path, o.walkPages);
    walks.push(w);
    o.log(`${phase} paging: ${w.pages} pages, ${w.rows} rows; first pages ${w.firstMs.toFixed(1)} ms, last pages ${w.lastMs.toFixed(1)} ms (medians)`);
  }
}

const MODE_TITLES: Record<ServerMode, string> = {
  serve: '`logagg serve`: ingest and API in one process, the API on a worker thread (as shipped)',
  split: 'API in a process of its own beside `logagg consume`; under ingest only',
};

/** One server mode on a fresh copy of the dataset: its phases, then everything stopped and removed. */
async function runMode(o: ApiBenchOptions, mode: ServerMode, datasetPath: string, prepared: Prepared): Promise<ModeFigures> {
  const phases = mode === 'split' ? o.phases.filter((p) => p === 'ingest') : o.phases;
  // A copy: ingest adds rows, and the cached database must stay as generated.
  const runDir = join(o.root, '.bench', `run-${process.pid}-${Date.now()}`);
  mkdirSync(runDir, { recursive: true });
  const db = join(runDir, 'bench.db');
  let server: ServerUnderTest | null = null;
  let producer: { stop(): Promise<ProducerResult> } | null = null;
  let reader: Store | null = null;
  const walks: WalkFigures[] = [];
  let ingest: ModeFigures['ingest'] = null;
  try {
    const t0 = performance.now();
    copyFileSync(datasetPath, db, constants.COPYFILE_FICLONE);
    o.log(`${mode}: copied the database in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const topic = `bench-api-${mode}-${Date.now()}`;
    await ensureTopics([o.brokers], [topic], 3);
    server = await startServer({ mode, root: o.root, db, brokers: o.brokers, topic, group: topic, workDir: runDir, settings: o.settings, log: o.log });
    o.log(`${mode}: API (pid ${server.apiPid}) at ${server.url}`);
    reader = openStore(db, { readonly: true, cacheMb: 2 });
    const rows = new RowCounter(reader);
    const figures = await checkQueries(server, prepared, o.log);
    if (phases.includes('idle')) await measurePhase(o, server, figures, 'idle', rows, walks);
    if (phases.includes('ingest')) {
      producer = startProducer(o.root, { brokers: o.brokers, topic, db, backlog: BACKLOG });
      await waitIngesting(rows, 20_000, 120_000);
      o.log(`${mode}: ingest is running flat out`);
      const first = rows.sample();
      const batches0 = await batchCounters(server.url, server.token);
      await measurePhase(o, server, figures, 'ingest', rows, walks);
      const last = rows.sample();
      const batches1 = await batchCounters(server.url, server.token);
      const p = await producer.stop();
      producer = null;
      const batchMs = batches0 && batches1 && batches1.batches > batches0.batches ? ((batches1.seconds - batches0.seconds) / (batches1.batches - batches0.batches)) * 1000 : null;
      ingest = { rate: RowCounter.rate(first, last), produced: p.produced, seconds: (last.t - first.t) / 1000, batchMs };
    }
    const settings = Object.entries(o.settings).map(([k, v]) => `${k}=${v}`);
    const title = MODE_TITLES[mode] + (settings.length > 0 ? `; settings: ${settings.join(', ')}` : '');
    return { title, queries: figures, walks, ingest };
  } finally {
    if (producer) await producer.stop().catch(() => undefined);
    reader?.close();
    if (server) await server.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** Removes database copies left by runs that were killed (their process is gone): 8 GB each at 10M. */
function removeStaleRuns(cacheDir: string, log: (msg: string) => void): void {
  let entries: string[];
  try {
    entries = readdirSync(cacheDir);
  } catch {
    return;
  }
  for (const name of entries) {
    const pid = Number(/^run-(\d+)-\d+$/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
      continue; // still running
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') continue;
    }
    log(`removing ${name}, left by a run that did not finish`);
    rmSync(join(cacheDir, name), { recursive: true, force: true });
  }
}

export async function runApiBench(o: ApiBenchOptions): Promise<string> {
  removeStaleRuns(join(o.root, '.bench'), o.log);
  const dataset = ensureDataset({ dir: join(o.root, '.bench'), events: o.events, log: o.log });
  o.log(`${dataset.reused ? 'reusing' : 'generated'} ${dataset.path} (${o.events.toLocaleString('en-US')} events)`);
  const prepared = prepare(dataset.path, dataset.meta.start, dataset.meta.end, o.only);
  const load: [number, number] = [loadavg()[0]!, 0];
  const modes: ModeFigures[] = [];
  for (const mode of o.modes) modes.push(await runMode(o, mode, dataset.path, prepared));
  load[1] = loadavg()[0]!;
  return renderReport({
    events: o.events,
    dbMiB: dataset.meta.bytes / 1024 / 1024,
    generatedSeconds: dataset.reused ? null : dataset.meta.seconds,
    cachedSeconds: dataset.meta.seconds,
    connections: o.connections,
    durationS: o.durationS,
    node: process.versions.node,
    cpus: cpus().length,
    load,
    command: o.command,
    modes,
  });
}
