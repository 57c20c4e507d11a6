/**
 * `npm run soak -- --minutes N`: the appliance under a fixed load with faults, then checked.
 *
 * What runs, all on loopback and stopping by itself after N minutes:
 *  - a Kafka broker of its own (scripts/kafka.sh, in a temp dir) and a topic of P partitions;
 *  - `logagg serve` (the built CLI) with its database on a tmpfs of its own (root needed, to
 *    fill it; --no-disk-full runs without), Kafka ingest, detection with the default rules plus a
 *    marker rule (one alert per marker value), the API;
 *  - a producer at a fixed rate (JSON events; one in 500 carries a marker);
 *  - faults, one at a time at random moments: SIGKILL of logagg (restarted 1–3 s later), a
 *    broker restart (stop, start in the same directory), and once, mid-run, a full disk (a file
 *    fills the tmpfs for 20 s, then is removed);
 *  - API load: a fixed rate of requests (log pages, a full-text page, stats, metrics summary,
 *    alerts), latencies kept for the ones answered while logagg was up;
 *  - logagg's RSS sampled every 2 s.
 * At the end (producer stopped, logagg drained to lag 0): the whole topic read back with a fresh
 * consumer, every stored event read through the API, and checked: each (partition, offset) of
 * the topic stored exactly once, nothing else stored; each marker's alert exists once with
 * count equal to the marker's messages; RSS in the second half not above the first half's by
 * more than 20 % + 32 MiB. A table of figures and PASS or FAIL (exit 1) are printed.
 * Not part of the appliance.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { mintToken } from '../auth/token-signer.js';
import { ensureTopics } from './sample-producer.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const KAFKA_SH = join(ROOT, 'scripts', 'kafka.sh');
const BIN = join(ROOT, 'bin', 'logagg');
const MARKER_EVERY = 500;
const SECRET = 'soak-secret-' + Math.random().toString(36).slice(2) + '-0123456789abcdef';

interface SoakOptions {
  minutes: number;
  rate: number;
  partitions: number;
  killEverySec: number;
  brokerEverySec: number;
  diskFull: boolean;
  tmpfsMb: number;
  apiRps: number;
  keep: boolean;
}

const log = (msg: string): void => {
  process.stderr.write(`soak ${new Date().toISOString().slice(11, 19)}: ${msg}\n`);
};
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const rand = (lo: number, hi: number): number => lo + Math.random() * (hi - lo);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

const MARKER_RULE = `# The soak's marker rule: one alert per marker value, every occurrence counted.
id: soak-marker
name: Soak marker
kind: match
severity: LOW
match:
  attributes.soak_marker: { exists: true }
group_by: attributes.soak_marker
suppress: 30d
title: soak marker {attributes.soak_marker}
`;

class Appliance {
  proc: ChildProcess | null = null;
  kills = 0;
  private readonly rss: { t: number; mb: number }[] = [];
  private sampler: NodeJS.Timeout | null = null;
  constructor(private readonly env: Record<string, string>, readonly url: string, private readonly logFile: string) {}

  async start(): Promise<void> {
    const out = openSync(this.logFile, 'a');
    this.proc = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env: this.env, stdio: ['ignore', out, out] });
    closeSync(out);
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      if (this.proc.exitCode !== null) throw new Error(`logagg serve exited with ${this.proc.exitCode} (see ${this.logFile})`);
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) break;
      } catch {
        // not yet
      }
      await sleep(100);
    }
    if (!this.sampler) {
      this.sampler = setInterval(() => {
        const pid = this.proc?.pid;
        if (pid === undefined || this.proc?.exitCode !== null) return;
        try {
          const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
          if (m) this.rss.push({ t: Date.now(), mb: Number(m[1]) / 1024 });
        } catch {
          // between processes
        }
      }, 2000);
    }
  }

  async kill9(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    this.kills++;
  }

  async stop(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  }

  rssHalves(start: number, end: number): { first: number; second: number } {
    const mid = (start + end) / 2;
    const max = (xs: number[]) => (xs.length === 0 ? 0 : Math.max(...xs));
    return { first: max(this.rss.filter((s) => s.t < mid).map((s) => s.mb)), second: max(this.rss.filter((s) => s.t >= mid).map((s) => s.mb)) };
  }
}

/** The producer: `rate` messages a second in 100 ms ticks; a failed send is retried (idempotent producer). */
class Load {
  produced = 0;
  private stopped = false;
  private done: Promise<void> = Promise.resolve();
  constructor(private readonly producer: Producer, private readonly topic: string, private readonly rate: number) {}

  start(): void {
    this.done = this.run();
  }

  private async run(): Promise<void> {
    const perTick = Math.max(1, Math.round(this.rate / 10));
    let next = Date.now();
    let seq = 0;
    while (!this.stopped) {
      const messages = [];
      for (let i = 0; i < perTick; i++, seq++) {
        const doc: Record<string, unknown> = { ts: new Date().toISOString(), host: `soak-${seq % 7}`, level: seq % 50 === 0 ? 'error' : 'info', message: `soak event seq=${seq} ${'payload '.repeat(8)}`, seq };
        if (seq % MARKER_EVERY === 0) doc.soak_marker = `m${seq}`;
        messages.push({ key: String(seq % 97), value: JSON.stringify(doc) });
      }
      for (;;) {
        try {
          await this.producer.send({ topic: this.topic, messages, acks: -1 });
          break;
        } catch (e) {
          if (this.stopped) return;
          log(`produce failed (${e instanceof Error ? e.message : String(e)}); retrying`);
          await sleep(500);
        }
      }
      this.produced += messages.length;
      next += 100;
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
      else next = Date.now();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }
}

/** API requests at a fixed rate; latencies of the answered ones. */
class ApiLoad {
  readonly latencies: number[] = [];
  failures = 0;
  /** Failed requests by status code ('down': no answer in 10 s or connection refused). */
  readonly failedBy = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private i = 0;
  private readonly paths = ['/api/v1/logs?limit=50', '/api/v1/logs?limit=50&q=payload', '/api/v1/logs/stats', '/api/v1/metrics/summary', '/api/v1/alerts?limit=50', '/api/v1/logs?limit=50&host=soak-3'];
  constructor(private readonly url: string, private readonly token: string, private readonly rps: number) {}

  start(): void {
    if (this.rps <= 0) return;
    this.timer = setInterval(() => void this.one(), 1000 / this.rps);
  }

  private async one(): Promise<void> {
    const path = this.paths[this.i++ % this.paths.length]!;
    const t0 = performance.now();
    try {
      const res = await fetch(`${this.url}${path}`, { headers: { Authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (res.ok) this.latencies.push(performance.now() - t0);
      else this.fail(`${res.status} ${path.split('?')[0]}`);
    } catch {
      this.fail('down'); // logagg was down (killed) or did not answer in 10 s
    }
  }

  private fail(why: string): void {
    this.failures++;
    this.failedBy.set(why, (this.failedBy.get(why) ?? 0) + 1);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4 * 1024 * 1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

/** Every message of the topic: "partition/offset" → its marker ('' when none). */
async function readTopic(brokers: string, topic: string): Promise<Map<string, string>> {
  const kafka = new Kafka({ clientId: 'soak-check', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
  const out = new Map<string, string>();
  if (total === 0) return out;
  const consumer = kafka.consumer({ groupId: `soak-check-${Date.now()}`, maxBytes: 16 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const doc = JSON.parse(m.value?.toString() ?? '{}') as { soak_marker?: string };
          out.set(`${batch.partition}/${m.offset}`, doc.soak_marker ?? '');
        }
        if (out.size >= total) resolve();
      },
    });
  });
  await consumer.disconnect();
  return out;
}

interface StoredRef {
  key: string;
}

async function getJson<T>(url: string, token: string): Promise<T> {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Every stored event's source coordinates, through the API's keyset pages. */
async function storedEvents(url: string, token: string): Promise<StoredRef[]> {
  const out: StoredRef[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ limit: '1000', sort: 'asc', ...(cursor === null ? {} : { cursor }) });
    const page: { items: { source: { partition: number; offset: string | null } }[]; next_cursor: string | null } = await getJson(`${url}/api/v1/logs?${q}`, token);
    for (const e of page.items) out.push({ key: `${e.source.partition}/${e.source.offset}` });
    cursor = page.next_cursor;
  } while (cursor !== null);
  return out;
}

async function markerAlerts(url: string, token: string): Promise<{ host: string | null; title: string; count: number }[]> {
  const out: { host: string | null; title: string; count: number }[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ limit: '500', rule: 'soak-marker', ...(cursor === null ? {} : { cursor }) });
    const page: { items: { host: string | null; title: string; count: number }[]; next_cursor: string | null } = await getJson(`${url}/api/v1/alerts?${q}`, token);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return out;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export async function soak(o: SoakOptions): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'logagg-soak-'));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  let mounted = false;
  const kafkaDir = join(dir, 'kafka');
  let app: Appliance | null = null;
  let producer: Producer | null = null;
  try {
    if (o.diskFull) {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${o.tmpfsMb}m`, 'tmpfs', dataDir]);
      mounted = true;
    }
    execFileSync(KAFKA_SH, ['fetch'], { stdio: 'inherit' });
    const started = execFileSync(KAFKA_SH, ['start', '--dir', kafkaDir], { encoding: 'utf8' });
    const brokers = /KAFKA_BROKERS=(\S+)/.exec(started)?.[1];
    if (!brokers) throw new Error(`could not start Kafka:\n${started}`);
    const topic = 'soak';
    await ensureTopics([brokers], [topic], o.partitions);
    const rulesDir = join(dir, 'rules');
    cpSync(join(ROOT, 'config', 'rules'), rulesDir, { recursive: true });
    writeFileSync(join(rulesDir, 'soak-marker.yaml'), MARKER_RULE);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      LOGAGG_KAFKA_BROKERS: brokers,
      LOGAGG_KAFKA_TOPICS: topic,
      LOGAGG_KAFKA_GROUP_ID: 'soak',
      LOGAGG_STORAGE_PATH: join(dataDir, 'logagg.db'),
      LOGAGG_API_PORT: String(port),
      LOGAGG_API_AUTH_SECRET: SECRET,
      LOGAGG_API_RATE_LIMIT_ENABLED: 'false',
      LOGAGG_LOG_FORMAT: 'json',
      LOGAGG_RETENTION_DAYS: '0',
      LOGAGG_RETENTION_BUDGET_INTERVAL: '2s',
      LOGAGG_DETECTION_RULES_DIR: rulesDir,
      LOGAGG_DETECTION_MAX_ALERTS_PER_RULE_PER_HOUR: '0',
    };
    const token = mintToken({ secret: Buffer.from(SECRET, 'utf8'), subject: 'soak', roles: ['admin'], ttlMs: (o.minutes + 60) * 60_000, now: Date.now() });
    app = new Appliance(env, url, join(dir, 'logagg.log'));
    await app.start();
    log(`logagg serve up at ${url}; broker ${brokers}; work dir ${dir}`);

    producer = new Kafka({ clientId: 'soak-producer', brokers: [brokers], logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const load = new Load(producer, topic, o.rate);
    const api = new ApiLoad(url, token, o.apiRps);
    const t0 = Date.now();
    const end = t0 + o.minutes * 60_000;
    load.start();
    api.start();

    let brokerRestarts = 0;
    let diskFullEpisodes = 0;
    let pausedSeen = 0;
    let diskFullDone = !o.diskFull;
    let nextKill = t0 + rand(0.5, 1.5) * o.killEverySec * 1000;
    let nextBroker = t0 + rand(0.5, 1.5) * o.brokerEverySec * 1000;
    while (Date.now() < end) {
      const now = Date.now();
      if (!diskFullDone && now >= t0 + (end - t0) / 2) {
        diskFullDone = true;
        log('fault: filling the disk for 20 s');
        const filler = join(dataDir, 'filler');
        fillDisk(filler);
        const until = Date.now() + 20_000;
        while (Date.now() < until) {
          const res = await fetch(`${url}/readyz`, { headers: { Authorization: `Bearer ${token}` } }).catch(() => null);
          if (res !== null) {
            const body = (await res.json().catch(() => ({}))) as { ingest_paused?: unknown };
            if (res.status === 503 && body.ingest_paused) pausedSeen++;
          }
          await sleep(1000);
        }
        rmSync(filler);
        diskFullEpisodes++;
        log(`disk space back (readyz said paused ${pausedSeen} times)`);
      } else if (now >= nextKill) {
        log('fault: SIGKILL logagg');
        await app.kill9();
        await sleep(rand(1000, 3000));
        await app.start();
        nextKill = Date.now() + rand(0.5, 1.5) * o.killEverySec * 1000;
      } else if (now >= nextBroker) {
        log('fault: restarting the broker');
        execFileSync(KAFKA_SH, ['stop', '--dir', kafkaDir], { stdio: 'ignore' });
        await sleep(rand(1000, 3000));
        execFileSync(KAFKA_SH, ['start', '--dir', kafkaDir], { stdio: 'ignore' });
        brokerRestarts++;
        nextBroker = Date.now() + rand(0.5, 1.5) * o.brokerEverySec * 1000;
      }
      await sleep(500);
    }
    await load.stop();
    api.stop();
    log(`load stopped: ${load.produced} messages produced; waiting for logagg to catch up`);

    const expected = await readTopic(brokers, topic);
    let stored: StoredRef[] = [];
    const drainUntil = Date.now() + 10 * 60_000;
    for (;;) {
      const stats = await getJson<{ total: number }>(`${url}/api/v1/logs/stats`, token);
      if (stats.total >= expected.size || Date.now() > drainUntil) break;
      await sleep(2000);
    }
    await sleep(3000); // a last batch in flight
    stored = await storedEvents(url, token);
    const alerts = await markerAlerts(url, token);
    const rss = app.rssHalves(t0, end);
    await app.stop();

    // Checks.
    const seen = new Map<string, number>();
    for (const s of stored) seen.set(s.key, (seen.get(s.key) ?? 0) + 1);
    const missing = [...expected.keys()].filter((k) => !seen.has(k)).length;
    const doubled = [...seen.values()].filter((n) => n > 1).length;
    const foreign = [...seen.keys()].filter((k) => !expected.has(k)).length;
    const markers = new Map<string, number>();
    for (const m of expected.values()) if (m !== '') markers.set(m, (markers.get(m) ?? 0) + 1);
    const alertByMarker = new Map<string, number[]>();
    for (const a of alerts) {
      const m = /soak marker (\S+)/.exec(a.title)?.[1] ?? '?';
      alertByMarker.set(m, [...(alertByMarker.get(m) ?? []), a.count]);
    }
    const alertsMissing = [...markers.keys()].filter((m) => !alertByMarker.has(m)).length;
    const alertsDoubled = [...alertByMarker.values()].filter((c) => c.length > 1).length;
    const alertsMiscounted = [...markers].filter(([m, n]) => (alertByMarker.get(m)?.[0] ?? n) !== n).length;
    const rssOk = rss.second <= rss.first * 1.2 + 32;
    const lat = api.latencies.slice().sort((a, b) => a - b);
    const ok = missing === 0 && doubled === 0 && foreign === 0 && alertsMissing === 0 && alertsDoubled === 0 && alertsMiscounted === 0 && rssOk && (!o.diskFull || pausedSeen > 0);

    const rows: [string, string][] = [
      ['duration', `${o.minutes} min at ${o.rate} messages/s, ${o.partitions} partitions`],
      ['messages in the topic', String(expected.size)],
      ['stored events', `${stored.length}: ${missing} missing, ${doubled} stored twice, ${foreign} not in the topic`],
      ['marker alerts', `${markers.size} expected, ${alerts.length} found: ${alertsMissing} missing, ${alertsDoubled} doubled, ${alertsMiscounted} with a wrong count`],
      ['faults', `${app.kills} SIGKILLs of logagg, ${brokerRestarts} broker restarts, ${diskFullEpisodes} full-disk episodes (readyz reported the pause ${pausedSeen} times)`],
      ['API requests', `${lat.length} answered, ${api.failures} failed (${[...api.failedBy].map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'}); p50 ${percentile(lat, 0.5).toFixed(1)} ms, p95 ${percentile(lat, 0.95).toFixed(1)} ms, p99 ${percentile(lat, 0.99).toFixed(1)} ms, max ${(lat[lat.length - 1] ?? NaN).toFixed(1)} ms`],
      ['peak RSS of logagg', `first half ${Math.round(rss.first)} MiB, second half ${Math.round(rss.second)} MiB (${rssOk ? 'no growth' : 'GREW'})`],
      ['verdict', ok ? 'PASS' : 'FAIL'],
    ];
    process.stdout.write(`command: npm run soak -- ${process.argv.slice(2).join(' ')}\n\n| | |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`);
    return ok;
  } finally {
    await producer?.disconnect().catch(() => undefined);
    await app?.stop().catch(() => undefined);
    try {
      execFileSync(KAFKA_SH, ['stop', '--dir', kafkaDir], { stdio: 'ignore' });
    } catch {
      // not started
    }
    if (mounted) execFileSync('umount', [dataDir]);
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

async function cli(argv: string[]): Promise<void> {
  const p = new Command('soak')
    .option('--minutes <n>', 'how long the load and faults run', '10')
    .option('--rate <n>', 'messages produced per second', '1000')
    .option('--partitions <n>', 'partitions of the topic', '3')
    .option('--kill-every <s>', 'mean seconds between SIGKILLs of logagg', '60')
    .option('--broker-every <s>', 'mean seconds between broker restarts', '180')
    .option('--no-disk-full', 'no full-disk episode (it needs root to mount a tmpfs)')
    .option('--tmpfs-mb <n>', 'size of the tmpfs holding the database, MiB', '2048')
    .option('--api-rps <n>', 'API requests per second', '10')
    .option('--keep', 'keep the work directory (logs, database)', false)
    .parse(argv);
  const v = p.opts<{ minutes: string; rate: string; partitions: string; killEvery: string; brokerEvery: string; diskFull: boolean; tmpfsMb: string; apiRps: string; keep: boolean }>();
  const num = (name: string, s: string, min: number): number => {
    const n = Number(s);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}, not ${s}`);
    return n;
  };
  const ok = await soak({
    minutes: num('minutes', v.minutes, 0.5),
    rate: num('rate', v.rate, 1),
    partitions: num('partitions', v.partitions, 1),
    killEverySec: num('kill-every', v.killEvery, 5),
    brokerEverySec: num('broker-every', v.brokerEvery, 10),
    diskFull: v.diskFull,
    tmpfsMb: num('tmpfs-mb', v.tmpfsMb, 64),
    apiRps: num('api-rps', v.apiRps, 0),
    keep: v.keep,
  });
  process.exit(ok ? 0 : 1);
}

cli(process.argv).catch((e: unknown) => {
  process.stderr.write(`soak: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
