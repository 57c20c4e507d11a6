/**
 * The peer column of the ingest benchmark: VictoriaLogs (a single-binary log store) on the same
 * machine, sent the same messages over its JSON-lines endpoint, measured for rate, bytes on disk
 * and peak memory. Run only when its executable is found (`go install
 * github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@v1.52.2` puts it in ~/go/bin).
 *
 * What it is sent: each message of the mix as the `_msg` field of one JSON line, nothing else
 * (time = ingestion time, no stream fields), in 10,000-line requests, 4 in flight: VictoriaLogs
 * keeps the text and its own indexes; it does not parse syslog or JSON the way logagg does, so
 * this compares storage engines, not pipelines. Rate is counted from the first request to the
 * last answer; bytes are the storage directory after a forced flush and merge. Not part of the
 * appliance.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { mixMessages, type MixName } from '../tools/sample-producer.js';

export interface PeerResult {
  name: string;
  version: string;
  /** Events per second accepted over HTTP. */
  rate: number;
  /** Events the peer reports holding after the run (a check that nothing was dropped). */
  stored: number;
  diskBytes: number;
  rawBytes: number;
  peakRssMb: number;
}

const LINES_PER_REQUEST = 10_000;
const IN_FLIGHT = 4;

/** The victoria-logs executable: the given path, then PATH, then ~/go/bin; null when absent. */
export function findVictoriaLogs(given?: string): string | null {
  if (given !== undefined) return existsSync(given) ? given : null;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), join(homedir(), 'go', 'bin')];
  for (const d of dirs) {
    const p = join(d, 'victoria-logs');
    if (d !== '' && existsSync(p)) return p;
  }
  return null;
}

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

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += dirBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

/** VmHWM of a process, MiB (Linux); 0 when unreadable. */
function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function waitHealthy(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`victoria-logs exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('victoria-logs did not become healthy in 30 s');
}

/** The same messages the ingest suite produced (same mix, seed and count) as request bodies. */
function requestBodies(mix: MixName, count: number, start: number): { bodies: Buffer[]; rawBytes: number } {
  const bodies: Buffer[] = [];
  let lines: string[] = [];
  let rawBytes = 0;
  for (const m of mixMessages(mix, count, { seed: 7, start })) {
    rawBytes += Buffer.byteLength(m.value);
    lines.push(JSON.stringify({ _msg: m.value }));
    if (lines.length === LINES_PER_REQUEST) {
      bodies.push(Buffer.from(lines.join('\n') + '\n'));
      lines = [];
    }
  }
  if (lines.length > 0) bodies.push(Buffer.from(lines.join('\n') + '\n'));
  return { bodies, rawBytes };
}

/** `-version` (release builds), else the module version Go stamped into a `go install` build. */
function peerVersion(exe: string): string {
  const own = (spawnSync(exe, ['-version'], { encoding: 'utf8' }).stdout ?? '').trim();
  if (own !== '') return own.split('\n')[0]!;
  const mod = /^\s+mod\s+\S+\s+(v\S+)/m.exec(spawnSync('go', ['version', '-m', exe], { encoding: 'utf8' }).stdout ?? '');
  return mod ? mod[1]! : 'version unknown';
}

export async function runVictoriaLogs(exe: string, mix: MixName, count: number, start: number): Promise<PeerResult> {
  const version = peerVersion(exe);
  const dir = mkdtempSync(join(tmpdir(), 'logagg-bench-vl-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(exe, [`-storageDataPath=${join(dir, 'data')}`, `-httpListenAddr=127.0.0.1:${port}`, '-loggerLevel=ERROR', '-retentionPeriod=100y'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitHealthy(base, child);
    const { bodies, rawBytes } = requestBodies(mix, count, start);
    let next = 0;
    const t0 = performance.now();
    const worker = async (): Promise<void> => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const r = await fetch(`${base}/insert/jsonline`, { method: 'POST', body, headers: { 'content-type': 'application/stream+json' } });
        if (!r.ok) throw new Error(`victoria-logs /insert/jsonline: ${r.status} ${await r.text()}`);
        await r.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const seconds = (performance.now() - t0) / 1000;
    await fetch(`${base}/internal/force_flush`);
    await fetch(`${base}/internal/force_merge`);
    // force_merge returns before the merge ends: wait until the size settles.
    let size = dirBytes(dir);
    for (let i = 0; i < 60; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = dirBytes(dir);
      if (now === size) break;
      size = now;
    }
    const q = await fetch(`${base}/select/logsql/query?query=${encodeURIComponent('* | stats count() n')}`);
    const stored = Number(((await q.text()).match(/"n":"?(\d+)/) ?? [])[1] ?? NaN);
    return { name: 'VictoriaLogs', version, rate: count / seconds, stored, diskBytes: size, rawBytes, peakRssMb: peakRssMb(child.pid) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}
