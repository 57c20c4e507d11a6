/**
 * `npm run bench`: ingest throughput against a real Kafka broker, measured in one run so the
 * figures can be compared as ratios (these machines are noisy):
 *   (a) end-to-end: the real ingest service (decode, normalize, enrich, detect, store) — a child process
 *   (b) store-only ceiling: the same normalized events straight into the same schema
 *   (c) consume-only ceiling: kafkajs reading the topic and doing nothing else
 *   (d) kcat -C reading the topic, when kcat is installed (librdkafka, for reference)
 * Options: --count N (default 1,000,000), --brokers host:port (else a broker is started with
 * scripts/kafka.sh), --partitions P (3), --skip kcat,store,…, --mix default|real (the formats mix,
 * or real-shaped text lines: src/tools/real-mix.ts), --baseline DIR (pair every end-to-end run with
 * the same run of another build, e.g. a worktree of an earlier commit). Not part of the appliance.
 * `--suite api` runs the API latency benchmark instead (api-bench.ts, docs/bench-api.md);
 * `--suite all` (the default) runs both on one broker.
 * When VictoriaLogs is installed (~/go/bin/victoria-logs, PATH or --victoria-logs), the ingest suite adds
 * (e): the same messages sent to it over HTTP (peer-victorialogs.ts); --skip peer leaves it out.
 * `--suite storage` needs no broker: where a database's bytes go and what the storage v2
 * candidates would take for the same events (storage-suite.ts; --count, --mix).
 */
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { Command } from 'commander';
import { ensureTopics, MIXES, produceSample, type MixName } from '../tools/sample-producer.js';
import { openStore } from '../store/store.js';
import type { ChildResult, MemorySample } from './e2e-child.js';
import { writeMix } from './write-mix.js';
import { benchSigmaRules } from './sigma-rules.js';
import { runApiBench } from './api-bench.js';
import type { Phase } from './api-report.js';
import type { ServerMode } from './api-server.js';
import { formatStorageReport, runStorageSuite } from './storage-suite.js';
import { findVictoriaLogs, runVictoriaLogs, type PeerResult } from './peer-victorialogs.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Options {
  count: number;
  brokers?: string;
  partitions: number;
  skip: Set<string>;
  /** End-to-end runs (a, a1, a2) are repeated this many times, in rotating order; medians are reported. */
  rounds: number;
  /** The ingest suite's messages: the formats mix or real-shaped text lines. */
  mix: MixName;
  /** A directory holding another build of logagg (its lib/ and config/rules): its end-to-end runs are paired with ours. */
  baseline?: string;
  /** The victoria-logs executable for the peer column; found on PATH or in ~/go/bin when not given. */
  victoriaLogs?: string;
  suite: 'ingest' | 'api' | 'all' | 'storage';
  /** Config settings (dotted keys) for every end-to-end run, e.g. kafka.batch.max_messages: 2000. */
  ingestSet: Record<string, unknown>;
  api: {
    events: number; connections: number; durationS: number; warmupS: number; phases: Phase[]; modes: ServerMode[];
    settings: Record<string, string>; walkPages: number; only: string[];
  };
}

function log(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}

async function withBroker<T>(given: string | undefined, fn: (brokers: string) => Promise<T>): Promise<T> {
  if (given) return fn(given);
  const dir = mkdtempSync(join(tmpdir(), 'logagg-bench-kafka-'));
  const script = join(ROOT, 'scripts', 'kafka.sh');
  execFileSync(script, ['fetch'], { stdio: 'inherit' });
  const out = execFileSync(script, ['start', '--dir', dir], { encoding: 'utf8' });
  const brokers = /KAFKA_BROKERS=(\S+)/.exec(out)?.[1];
  if (!brokers) throw new Error(`could not start Kafka:\n${out}`);
  log(`broker ${brokers} (${dir})`);
  try {
    return await fn(brokers);
  } finally {
    spawnSync(script, ['stop', '--dir', dir], { stdio: 'inherit' });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every message of the mix to one topic, 2000 a batch, up to 8 batches in flight, leader acks. */
async function produceAll(brokers: string, topic: string, count: number, mix: MixName): Promise<{ rate: number; bytes: number }> {
  const r = await produceSample({ brokers: [brokers], topic, count, rate: 0, batchSize: 2000, inFlight: 8, acks: 1, seed: 7, start: Date.now() - count, mix });
  return { rate: count / r.seconds, bytes: r.bytes };
}

/** (c) kafkajs reading the topic with the consumer settings logagg uses by default, doing nothing. */
async function consumeOnly(brokers: string, topic: string, count: number): Promise<number> {
  const consumer = new Kafka({ clientId: 'logagg-bench-c', brokers: [brokers], logLevel: logLevel.NOTHING }).consumer({
    groupId: `bench-consume-only-${Date.now()}`,
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxBytes: 16 * 1024 * 1024,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let n = 0;
  let t0 = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    t0 = Date.now();
  });
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        n += batch.messages.length;
        if (n >= count) resolve(n / ((Date.now() - t0) / 1000));
      },
    });
  });
  const rate = await done;
  await consumer.disconnect();
  return rate;
}

/** (d) kcat, if installed: reads the whole topic and exits at its end. */
function kcat(brokers: string, topic: string, count: number): number | null {
  if (spawnSync('kcat', ['-V']).status !== 0) return null;
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', `kcat -C -b ${brokers} -t ${topic} -o beginning -e -q -f '%o\\n' | wc -l`], { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  const got = Number(r.stdout.trim());
  if (got < count) log(`kcat read ${got} of ${count}`);
  return got / seconds;
}

/** (b) the same messages, normalized and enriched outside the clock, written by the same LogWriter. */
function storeOnly(count: number, mix: MixName): { rate: number; dbMb: number; rawBytes: number } {
  const dir = mkdtempSync(join(tmpdir(), 'logagg-bench-store-'));
  const path = join(dir, 'store.db');
  const store = openStore(path);
  let rawBytes = 0;
  const timed = writeMix(store, mix, count, { start: Date.now() - count, onMessage: (v) => (rawBytes += Buffer.byteLength(v)) });
  store.close();
  const dbMb = statSync(path).size / 1024 / 1024;
  rmSync(dir, { recursive: true, force: true });
  return { rate: count / (timed / 1000), dbMb, rawBytes };
}

/** (a) the real ingest service in a child process. */
function endToEnd(root: string, brokers: string, topic: string, count: number, overrides: Record<string, unknown> = {}): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'logagg-bench-e2e-'));
  const args = { brokers, topic, group: `bench-e2e-${Date.now()}`, db: join(dir, 'e2e.db'), count, overrides };
  return new Promise((resolve, reject) => {
    // Node's own flags (NODE_OPTIONS reaches it too, e.g. --max-semi-space-size=4).
    const child = spawn(process.execPath, [join(root, 'lib', 'bench', 'e2e-child.js'), JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop() as string) as ChildResult);
      else reject(new Error(`e2e child exited with ${code}`));
    });
  });
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Where the child's memory was when its RSS was highest (a baseline build may not say). */
function memoryNote(m: MemorySample): string {
  const rest = m.rss - m.heapTotal - m.external;
  return `at the highest sample: main thread's V8 heap ${fmt(m.heapTotal)} MiB (${fmt(m.heapUsed)} in use), Buffers and other memory outside it ${fmt(m.external)}, the rest ${fmt(rest)}: the writer thread, SQLite, code`;
}

type RunKey = 'a' | 'a1' | 'a2' | 'a@base' | 'a1@base' | 'a2@base';

export async function runBench(opts: Options): Promise<void> {
  if (opts.suite === 'storage') {
    const report = runStorageSuite({ count: opts.count, mix: opts.mix, log });
    process.stdout.write(`command: npm run bench -- ${process.argv.slice(2).join(' ')}\n\n${formatStorageReport(report)}`);
    return;
  }
  await withBroker(opts.brokers, async (brokers) => {
    if (opts.suite !== 'api') await ingestSuite(opts, brokers);
    if (opts.suite !== 'ingest') {
      const report = await runApiBench({ root: ROOT, brokers, ...opts.api, command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(), log });
      process.stdout.write(report);
    }
  });
}

async function ingestSuite(opts: Options, brokers: string): Promise<void> {
  const topic = `bench-${Date.now()}`;
  await ensureTopics([brokers], [topic], opts.partitions);
  log(`producing ${fmt(opts.count)} messages of the ${opts.mix} mix to ${topic} (${opts.partitions} partitions)…`);
  const produced = await produceAll(brokers, topic, opts.count, opts.mix);
  log(`produced at ${fmt(produced.rate)} msg/s, average ${Math.round(produced.bytes / opts.count)} bytes`);

  const rows: [string, number | null, string][] = [];
  log('(c) consume-only ceiling (kafkajs)…');
  const c = await consumeOnly(brokers, topic, opts.count);
  const d = opts.skip.has('kcat') ? null : (log('(d) kcat…'), kcat(brokers, topic, opts.count));
  log('(b) store-only ceiling…');
  const b = storeOnly(opts.count, opts.mix);
  const peerExe = opts.skip.has('peer') ? null : findVictoriaLogs(opts.victoriaLogs);
  if (peerExe === null && !opts.skip.has('peer')) log('(e) peer skipped: no victoria-logs executable (go install github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@v1.52.2)');
  let e: PeerResult | null = null;
  if (peerExe !== null) {
    log(`(e) peer: ${peerExe} over /insert/jsonline…`);
    e = await runVictoriaLogs(peerExe, opts.mix, opts.count, Date.now() - opts.count);
    log(`  ${fmt(e.rate)} events/s, ${(e.diskBytes / opts.count).toFixed(1)} B/event`);
  }
  // The end-to-end runs, repeated `rounds` times in rotating order (a a1 a2, a1 a2 a, …) so that
  // a drift in the machine's load does not always fall on the same run; medians are reported.
  // With --baseline, every end-to-end run has a twin run by the baseline's build (its own
  // default rules), interleaved in the same rounds: a paired comparison on the same topic.
  const roots: { suffix: '' | '@base'; root: string; name: string }[] = [{ suffix: '', root: ROOT, name: '' }];
  if (opts.baseline !== undefined) roots.push({ suffix: '@base', root: opts.baseline, name: ' [baseline]' });
  const runs: { key: RunKey; label: string; root: string; overrides: () => Record<string, unknown>; results: ChildResult[] }[] = [];
  const rulesDirs: string[] = [];
  for (const r of roots) {
    runs.push({ key: `a${r.suffix}`, label: `(a) end-to-end logagg consume, detection off${r.name}`, root: r.root, overrides: () => ({ 'detection.enabled': false }), results: [] });
    if (opts.skip.has('detect')) continue;
    // Each build's own default rules (a rule file of one build may not load in another).
    const plain = mkdtempSync(join(tmpdir(), 'logagg-bench-rules-'));
    const dir = mkdtempSync(join(tmpdir(), 'logagg-bench-rules-'));
    rulesDirs.push(plain, dir);
    cpSync(join(r.root, 'config', 'rules'), plain, { recursive: true });
    cpSync(join(r.root, 'config', 'rules'), dir, { recursive: true });
    benchSigmaRules(100).forEach((text, i) => writeFileSync(join(dir, `bench-sigma-${String(i).padStart(3, '0')}.yml`), text));
    runs.push({ key: `a1${r.suffix}`, label: `(a1) end-to-end, default rule set${r.name}`, root: r.root, overrides: () => ({ 'detection.enabled': true, 'detection.rules_dir': plain }), results: [] });
    runs.push({ key: `a2${r.suffix}`, label: `(a2) end-to-end, default rule set + 100 Sigma rules${r.name}`, root: r.root, overrides: () => ({ 'detection.enabled': true, 'detection.rules_dir': dir }), results: [] });
  }
  for (let round = 0; round < opts.rounds; round++) {
    for (let j = 0; j < runs.length; j++) {
      const run = runs[(j + round) % runs.length] as (typeof runs)[number];
      log(`${run.label}${opts.rounds > 1 ? ` (round ${round + 1}/${opts.rounds})` : ''}…`);
      const r = await endToEnd(run.root, brokers, topic, opts.count, { ...run.overrides(), ...opts.ingestSet });
      log(`  ${fmt(r.rate)} events/s, peak RSS ${fmt(r.peakRssMb)} MiB${r.memoryAtPeak ? ` (${memoryNote(r.memoryAtPeak)})` : ''}`);
      run.results.push(r);
    }
  }
  for (const dir of rulesDirs) rmSync(dir, { recursive: true, force: true });
  const median = (key: RunKey): ChildResult | null => {
    const list = runs.find((r) => r.key === key)?.results.slice().sort((x, y) => x.rate - y.rate);
    if (!list || list.length === 0) return null;
    const mid = list.length >> 1;
    if (list.length % 2 === 1) return list[mid] as ChildResult;
    const lo = list[mid - 1] as ChildResult;
    const hi = list[mid] as ChildResult;
    return { ...hi, rate: (lo.rate + hi.rate) / 2, peakRssMb: Math.max(lo.peakRssMb, hi.peakRssMb) };
  };
  const a = median('a') as ChildResult;
  const a1 = median('a1');
  const a2 = median('a2');

  rows.push(['(a) end-to-end `logagg consume`, detection off (decode, normalize, enrich, store)', a.rate, `peak RSS ${Math.round(a.peakRssMb)} MiB`]);
  if (a1) rows.push(['(a1) end-to-end, default rule set (13 rules)', a1.rate, `peak RSS ${Math.round(a1.peakRssMb)} MiB`]);
  if (a2) rows.push(['(a2) end-to-end, default rule set + 100 Sigma rules', a2.rate, `peak RSS ${Math.round(a2.peakRssMb)} MiB`]);
  const bBytes = b.dbMb * 1024 * 1024;
  rows.push(['(b) store-only ceiling (same events, same schema, FTS5 + rollups)', b.rate, `DB ${Math.round(b.dbMb)} MiB = ${(bBytes / opts.count).toFixed(1)} B/event, ${(bBytes / b.rawBytes).toFixed(2)}× raw`]);
  rows.push(['(c) consume-only ceiling (kafkajs, no work)', c, '']);
  rows.push(['(d) kcat -C (librdkafka), reading the same topic', d, d === null ? 'kcat not installed' : '']);
  if (e !== null) {
    rows.push([
      `(e) peer: ${e.name} ${e.version}, the same messages over HTTP /insert/jsonline (each as _msg)`,
      e.rate,
      `${(e.diskBytes / opts.count).toFixed(1)} B/event, ${(e.diskBytes / e.rawBytes).toFixed(2)}× raw; peak RSS ${Math.round(e.peakRssMb)} MiB; holds ${fmt(e.stored)} events`,
    ]);
  }
  const out: string[] = [];
  out.push(`messages: ${fmt(opts.count)} (${opts.mix === 'real' ? 'real-shaped text lines' : 'mixed formats'}, avg ${Math.round(produced.bytes / opts.count)} B), partitions: ${opts.partitions}, node ${process.versions.node}`);
  if (opts.rounds > 1) {
    out.push(`end-to-end runs: median of ${opts.rounds} rounds each; per round: ${runs.map((r) => `${r.key} ${r.results.map((x) => fmt(x.rate)).join(' / ')}`).join('; ')}`);
  }
  out.push('');
  out.push('| run | events/s | note |');
  out.push('|---|---:|---|');
  for (const [name, rate, note] of rows) out.push(`| ${name} | ${rate === null ? '—' : fmt(rate)} | ${note} |`);
  out.push('');
  out.push(`| ratio | value |`);
  out.push('|---|---:|');
  out.push(`| a / b (end-to-end vs store ceiling) | ${(a.rate / b.rate).toFixed(2)} |`);
  out.push(`| a / c (end-to-end vs consume ceiling) | ${(a.rate / c).toFixed(2)} |`);
  if (a1) out.push(`| a1 / a (default rules vs detection off) | ${(a1.rate / a.rate).toFixed(2)} |`);
  if (a2) out.push(`| a2 / a (default + 100 Sigma rules vs detection off) | ${(a2.rate / a.rate).toFixed(2)} |`);
  if (d !== null) out.push(`| c / d (kafkajs vs kcat) | ${(c / d).toFixed(2)} |`);
  if (e !== null) {
    out.push(`| a / e (logagg end-to-end vs the peer's HTTP ingest) | ${(a.rate / e.rate).toFixed(2)} |`);
    out.push(`| bytes on disk: logagg (b) / the peer | ${(bBytes / e.diskBytes).toFixed(2)} |`);
  }
  if (opts.baseline !== undefined) {
    for (const key of ['a', 'a1', 'a2'] as const) {
      const mine = median(key);
      const base = median(`${key}@base`);
      if (mine && base) out.push(`| ${key} / ${key} of the baseline (${opts.baseline}) | ${(mine.rate / base.rate).toFixed(2)} |`);
    }
    for (const key of ['a', 'a1', 'a2'] as const) {
      const base = median(`${key}@base`);
      if (base) out.push(`| baseline ${key}: events/s, peak RSS | ${fmt(base.rate)}, ${Math.round(base.peakRssMb)} MiB |`);
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}

/** The --baseline directory, checked: it must hold a built logagg. */
function resolveBaseline(dir: string): string {
  const root = resolve(dir);
  for (const need of [join('lib', 'bench', 'e2e-child.js'), join('config', 'rules')]) {
    try {
      statSync(join(root, need));
    } catch {
      throw new Error(`--baseline ${dir}: no ${need} there (build it: npm run build in that directory)`);
    }
  }
  return root;
}

/** The values of a repeatable `--flag key=value` option, by key. */
function keyValues(flag: string, list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const eq = kv.indexOf('=');
    if (eq < 1) throw new Error(`${flag} takes key=value, not ${kv}`);
    out[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
  }
  return out;
}

async function cli(argv: string[]): Promise<void> {
  const program = new Command('bench')
    .option('--count <n>', 'messages', '1000000')
    .option('--brokers <host:port>', 'use this broker instead of starting one (also KAFKA_BROKERS)')
    .option('--partitions <n>', 'partitions of the benchmark topic', '3')
    .option('--skip <list>', 'comma-separated: kcat, detect, peer', '')
    .option('--victoria-logs <path>', 'ingest benchmark: the victoria-logs executable for the peer column (default: PATH, then ~/go/bin)')
    .option('--rounds <n>', 'ingest benchmark: repeat the end-to-end runs this many times (medians reported)', '1')
    .option('--suite <name>', 'ingest | api | all | storage (no broker: where the bytes go)', 'all')
    .option('--baseline <dir>', 'ingest benchmark: also run the end-to-end runs with the build in <dir> (e.g. a git worktree of an earlier commit, built), interleaved, and report the ratios')
    .option('--mix <name>', 'ingest benchmark messages: default (the formats mix) | real (syslog files, access logs, app lines, envelopes)', 'default')
    .option('--ingest-set <key=value>', 'ingest benchmark: a config setting for every end-to-end run (repeatable; the value read as JSON when it is, e.g. storage.block_events=256)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--api-events <n>', 'API benchmark: events in the database (cached under .bench/)', '10000000')
    .option('--api-connections <n>', 'API benchmark: concurrent connections', '1')
    .option('--api-duration <s>', 'API benchmark: measured seconds per request and phase', '10')
    .option('--api-warmup <s>', 'API benchmark: unmeasured seconds before each measurement', '2')
    .option('--api-phases <list>', 'API benchmark: idle, ingest', 'idle,ingest')
    .option('--api-server <list>', 'API benchmark: serve (ingest and API in one process, API on a worker thread), split (API in its own process)', 'serve,split')
    .option('--api-set <key=value>', 'API benchmark: a config setting for the server (repeatable), e.g. kafka.batch.max_messages=1000', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--api-walk <pages>', 'API benchmark: pages followed by next_cursor (0 = none)', '300')
    .option('--api-only <list>', 'API benchmark: only requests whose name starts with one of these', '')
    .parse(argv);
  const o = program.opts<{
    count: string; brokers?: string; victoriaLogs?: string; ingestSet: string[]; partitions: string; skip: string; rounds: string; suite: string; mix: string; baseline?: string;
    apiEvents: string; apiConnections: string; apiDuration: string; apiWarmup: string; apiPhases: string; apiServer: string; apiSet: string[]; apiWalk: string; apiOnly: string;
  }>();
  const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
  const positive = (name: string, v: string, min = 1): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, not ${v}`);
    return n;
  };
  if (!['ingest', 'api', 'all', 'storage'].includes(o.suite)) throw new Error(`--suite must be ingest, api, all or storage, not ${o.suite}`);
  if (!(MIXES as readonly string[]).includes(o.mix)) throw new Error(`--mix must be ${MIXES.join(' or ')}, not ${o.mix}`);
  const phases = list(o.apiPhases);
  const badPhase = phases.find((p) => p !== 'idle' && p !== 'ingest');
  if (badPhase !== undefined || phases.length === 0) throw new Error(`--api-phases takes idle and/or ingest, not ${o.apiPhases}`);
  const settings = keyValues('--api-set', o.apiSet);
  const ingestSet: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(keyValues('--ingest-set', o.ingestSet))) {
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    ingestSet[key] = value;
  }
  const modes = list(o.apiServer);
  if (modes.length === 0 || modes.some((m) => m !== 'serve' && m !== 'split')) throw new Error(`--api-server takes serve and/or split, not ${o.apiServer}`);
  await runBench({
    count: Number(o.count),
    brokers: o.brokers ?? process.env.KAFKA_BROKERS,
    partitions: Number(o.partitions),
    skip: new Set(o.skip.split(',').filter(Boolean)),
    rounds: positive('--rounds', o.rounds),
    mix: o.mix as MixName,
    ...(o.baseline === undefined ? {} : { baseline: resolveBaseline(o.baseline) }),
    ...(o.victoriaLogs === undefined ? {} : { victoriaLogs: o.victoriaLogs }),
    suite: o.suite as Options['suite'],
    ingestSet,
    api: {
      events: positive('--api-events', o.apiEvents),
      connections: positive('--api-connections', o.apiConnections),
      durationS: positive('--api-duration', o.apiDuration),
      warmupS: positive('--api-warmup', o.apiWarmup, 0),
      phases: phases as Phase[],
      modes: modes as ServerMode[],
      settings,
      walkPages: positive('--api-walk', o.apiWalk, 0),
      only: list(o.apiOnly),
    },
  });
}

cli(process.argv).catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
