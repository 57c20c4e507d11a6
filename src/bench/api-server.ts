/**
 * The server under test, in child processes configured only through LOGAGG_* variables (the
 * benchmark database, an ephemeral loopback port, an HS256 secret file, the benchmark topic):
 *   serve — `logagg serve`: ingest and the API in one process, as shipped;
 *   split — `logagg consume` plus the same API in a process of its own (api-standalone.ts),
 *           which is what moving the API off the ingest event loop (a worker thread) would give.
 * Rate limiting is off (api.rate_limit.enabled: false): the load generator is one client sending
 * hundreds of requests a second, which the default buckets (20/s, burst 100) would answer with 429.
 * Not part of the appliance.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { mintToken } from '../auth/token-signer.js';
import { envName } from '../config/load.js';

export type ServerMode = 'serve' | 'split';

export interface ServerOptions {
  mode: ServerMode;
  root: string;
  db: string;
  brokers: string;
  topic: string;
  group: string;
  /** A directory for the secret file. */
  workDir: string;
  /** More config for the children, dotted key → value (`kafka.batch.max_messages` → `1000`). */
  settings: Readonly<Record<string, string>>;
  log: (msg: string) => void;
  /** Give up waiting for the API to listen and the consumer to join after this long, ms. */
  startTimeoutMs?: number;
}

export interface ServerUnderTest {
  url: string;
  /** A viewer token without host scope (the routes measured and /metrics need no more). */
  token: string;
  /** The process serving the API. */
  apiPid: number;
  /** Ends every child with SIGTERM (SIGKILL after a grace period). */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 20_000;

/** The children's environment: the parent's minus any LOGAGG_* setting, plus the benchmark's and `settings`. */
export function serverEnv(
  o: { db: string; brokers: string; topic: string; group: string; secretFile: string; settings: Readonly<Record<string, string>> },
  parent: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(parent)) if (!k.startsWith('LOGAGG_')) env[k] = v;
  return {
    ...env,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    LOGAGG_STORAGE_PATH: o.db,
    LOGAGG_API_HOST: '127.0.0.1',
    LOGAGG_API_PORT: '0',
    LOGAGG_API_AUTH_SECRET_FILE: o.secretFile,
    LOGAGG_API_RATE_LIMIT_ENABLED: 'false',
    LOGAGG_KAFKA_BROKERS: o.brokers,
    LOGAGG_KAFKA_TOPICS: o.topic,
    LOGAGG_KAFKA_GROUP_ID: o.group,
    // The cached events are days old on a rerun; retention must not start deleting them mid-run.
    LOGAGG_RETENTION_DAYS: '0',
    LOGAGG_DETECTION_WATCH: 'false',
    LOGAGG_LOG_FORMAT: 'json',
    LOGAGG_LOG_LEVEL: 'info',
    ...Object.fromEntries(Object.entries(o.settings).map(([k, v]) => [envName(k), v])),
  };
}

interface LogRecord {
  level?: string;
  msg?: string;
  url?: string;
}

/** A child whose JSON log lines on stderr can be waited for. */
class WatchedChild {
  private readonly seen: LogRecord[] = [];
  private readonly waiters: { msg: string; resolve: (r: LogRecord) => void }[] = [];
  private readonly recent: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    log: (msg: string) => void,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.recent.push(line);
      if (this.recent.length > 40) this.recent.shift();
      let rec: LogRecord;
      try {
        rec = JSON.parse(line) as LogRecord;
      } catch {
        log(`${name}: ${line}`);
        return;
      }
      if (rec.level === 'warn' || rec.level === 'error') log(`${name} ${rec.level}: ${line}`);
      this.seen.push(rec);
      for (const w of this.waiters.filter((x) => x.msg === rec.msg)) w.resolve(rec);
    });
  }

  /** The first log record with this message (already seen or to come). */
  waitFor(msg: string, timeoutMs: number): Promise<LogRecord> {
    const hit = this.seen.find((r) => r.msg === msg);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no "${msg}" within ${timeoutMs / 1000} s:\n${this.recent.join('\n')}`)), timeoutMs);
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited with ${code} before "${msg}":\n${this.recent.join('\n')}`));
      });
      this.waiters.push({
        msg,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

export async function startServer(o: ServerOptions): Promise<ServerUnderTest> {
  const timeout = o.startTimeoutMs ?? 120_000;
  const secret = randomBytes(32).toString('hex');
  const secretFile = join(o.workDir, 'jwt-secret');
  writeFileSync(secretFile, secret, { mode: 0o600 });
  const token = mintToken({ secret: Buffer.from(secret, 'utf8'), subject: 'bench', roles: ['viewer'], ttlMs: 6 * 3_600_000, now: Date.now() });
  const env = serverEnv({ ...o, secretFile }, process.env);
  const start = (name: string, script: string, args: string[]) =>
    new WatchedChild(name, spawn(process.execPath, [join(o.root, script), ...args], { cwd: o.root, env, stdio: ['ignore', 'ignore', 'pipe'] }), o.log);

  const children: WatchedChild[] = [];
  const stop = async () => {
    for (const c of children.reverse()) await c.stop();
  };
  try {
    let api: WatchedChild;
    if (o.mode === 'serve') {
      api = start('serve', 'bin/logagg', ['serve']);
      children.push(api);
      await api.waitFor('partitions assigned', timeout);
    } else {
      const ingest = start('consume', 'bin/logagg', ['consume']);
      children.push(ingest);
      await ingest.waitFor('partitions assigned', timeout);
      api = start('api', 'lib/bench/api-standalone.js', []);
      children.push(api);
    }
    const url = (await api.waitFor('API listening', timeout)).url!;
    await waitReady(url, token, timeout);
    return { url, token, apiPid: api.child.pid!, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Waits for /readyz to answer 200 (store readable; in serve, the consumer connected). */
async function waitReady(url: string, token: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${url}/readyz`, { headers: { authorization: `Bearer ${token}` } });
      last = `${r.status} ${await r.text()}`;
      if (r.status === 200) return;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the API was not ready within ${timeoutMs / 1000} s: ${last}`);
}

/** GET with the token; the parsed JSON body, throwing on a non-2xx answer. */
export async function getJson<T>(url: string, token: string): Promise<T> {
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await r.text();
  if (!r.ok) throw new Error(`GET ${url}: ${r.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** Ingest batch counters from `logagg serve`'s /metrics: batches stored and seconds spent on them. */
export async function batchCounters(url: string, token: string): Promise<{ batches: number; seconds: number } | null> {
  const r = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!r.ok) return null;
  const text = await r.text();
  const value = (name: string) => {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  const batches = value('logagg_ingest_batches_total');
  const seconds = value('logagg_ingest_batch_duration_seconds_total');
  return batches === null || seconds === null ? null : { batches, seconds };
}
