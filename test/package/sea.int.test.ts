// The single executable (dist/logagg, `npm run package`) on a "machine" without the source
// tree: the binary copied alone into a temp folder, run from an empty working folder with a
// fresh HOME (so a fresh cache dir), no node_modules anywhere it could look. SQLite must then
// come from the addon inside the binary.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, test } from 'vitest';
import { VERSION } from '../../src/version.js';
import { countRows, waitFor } from '../helpers/cli.js';
import { createTopic, describeKafka, produce, requireKafka, uniqueTopic } from '../helpers/kafka.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';
import { HAVE_CHROMIUM, launchBrowser, signInWithToken } from '../web/browser-harness.js';
import { v1File } from '../helpers/v1-rows.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(ROOT, 'dist', 'logagg');
/** What the binary is built from: when any is newer than it, it is built again. */
const INPUTS = ['lib', 'scripts/package', 'config/rules'];
const WEB = path.join(ROOT, 'lib', 'web');

function newestMtime(p: string): number {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(p).reduce((m, name) => Math.max(m, newestMtime(path.join(p, name))), st.mtimeMs);
}

function needsBuild(): string | null {
  if (process.env.CI === 'true') return 'CI always builds';
  if (!existsSync(DIST)) return 'dist/logagg is missing';
  const built = statSync(DIST).mtimeMs;
  const stale = INPUTS.find((p) => newestMtime(path.join(ROOT, p)) > built);
  return stale ? `${stale} is newer than dist/logagg` : null;
}

let BIN = '';

beforeAll(() => {
  const why = needsBuild();
  if (why) {
    // lib/ is compiled by `npm test`'s pretest (npm run build); this is the rest of `npm run package`.
    const r = spawnSync(process.execPath, ['scripts/package/build.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    if (r.status !== 0) throw new Error(`building dist/logagg (${why}) failed:\n${r.stdout}${r.stderr}`);
  }
  // The binary alone in a folder of its own, away from the source tree.
  BIN = path.join(tempDir('logagg-sea-bin-'), 'logagg');
  copyFileSync(DIST, BIN);
}, 300_000);

interface Machine {
  /** The empty working folder. */
  cwd: string;
  home: string;
  /** Where this build unpacks its files: ~/.cache/logagg/<version>-<hash>. */
  cacheDirs(): string[];
}

function machine(): Machine {
  const cwd = tempDir('logagg-sea-cwd-');
  const home = tempDir('logagg-sea-home-');
  const root = path.join(home, '.cache', 'logagg');
  return { cwd, home, cacheDirs: () => (existsSync(root) ? readdirSync(root).map((d) => path.join(root, d)) : []) };
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the binary with nothing from this process's environment but PATH. */
function start(m: Machine, args: string[], env: Record<string, string> = {}) {
  const proc = spawn(BIN, args, {
    cwd: m.cwd,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: m.home, KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Run>((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  deferCleanup(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return { proc, exited, output: () => stdout + stderr };
}

const run = (m: Machine, args: string[], env: Record<string, string> = {}) => start(m, args, env).exited;

/** Every file under dir, relative, with its inode and mtime: to see whether a run rewrote any. */
function snapshot(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ent of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, ent.name);
    if (ent.isDirectory()) Object.assign(out, snapshot(dir, rel));
    else {
      const st = statSync(path.join(dir, rel));
      out[rel] = `${st.ino}:${st.mtimeMs}:${st.size}`;
    }
  }
  return out;
}

describe('dist/logagg from an empty folder', () => {
  test('version: logagg, node, and SQLite with FTS5 from the addon inside the binary; files unpacked once, privately', async () => {
    const m = machine();
    const r = await run(m, ['version']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([`logagg ${VERSION}`, `node ${process.versions.node}`, expect.stringMatching(/^sqlite 3\.\d+\.\d+ \(FTS5\)$/)]);
    // nothing written where it was run
    expect(readdirSync(m.cwd)).toEqual([]);

    const dirs = m.cacheDirs();
    expect(dirs).toHaveLength(1);
    const cache = dirs[0]!;
    expect(path.basename(cache)).toMatch(new RegExp(`^${VERSION.replace(/\./g, '\\.')}-[0-9a-f]{16}$`));
    expect(Object.keys(snapshot(cache)).sort()).toEqual([path.join('addons', 'better-sqlite3.node'), path.join('lib', 'cli', 'logagg.mjs')]);
    for (const d of [path.dirname(cache), cache]) expect(statSync(d).mode & 0o777).toBe(0o700);
    for (const f of Object.keys(snapshot(cache))) expect(statSync(path.join(cache, f)).mode & 0o077).toBe(0);

    // a second start reuses the unpacked files as they are
    const before = snapshot(cache);
    const again = await run(m, ['version']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(r.stdout);
    expect(snapshot(cache)).toEqual(before);
  });

  test('--help lists the commands and exits 0, without unpacking the SQLite addon it does not need', async () => {
    const m = machine();
    const r = await run(m, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: logagg/);
    for (const cmd of ['consume', 'serve', 'version']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    expect(existsSync(path.join(m.cacheDirs()[0]!, 'addons'))).toBe(false);
  });

  test.each<[string, string[], Record<string, string>, RegExp]>([
    ['a config file with a wrong type', ['-c', 'bad.yaml', 'consume'], {}, /storage\.cache_mb: expected number/],
    ['an unknown LOGAGG_ variable', ['consume'], { LOGAGG_KAFKA_BROKERZ: '127.0.0.1:1' }, /LOGAGG_KAFKA_BROKERZ: not a logagg setting; did you mean LOGAGG_KAFKA_BROKERS/],
    ['an unknown option', ['consume', '--no-such-flag'], {}, /unknown option '--no-such-flag'/],
  ])('%s: exit 2 with the reason', async (_, args, env, reason) => {
    const m = machine();
    writeFileSync(path.join(m.cwd, 'bad.yaml'), 'storage:\n  cache_mb: lots\n');
    const r = await run(m, args, env);
    expect(r.stderr).toMatch(reason);
    expect(r.code).toBe(2);
  });

  test('several first starts at once share one cache dir and all succeed', async () => {
    const m = machine();
    const runs = await Promise.all(Array.from({ length: 4 }, () => run(m, ['version'])));
    for (const r of runs) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(runs[0]!.stdout);
    }
    const dirs = m.cacheDirs();
    expect(dirs).toHaveLength(1);
    // every writer renamed its temp file into place; none is left behind
    expect(Object.keys(snapshot(dirs[0]!)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('an unusable XDG_CACHE_HOME: the next cache root (~/.cache) is used', async () => {
    const m = machine();
    writeFileSync(path.join(m.home, 'not-a-dir'), 'x');
    const r = await run(m, ['version'], { XDG_CACHE_HOME: path.join(m.home, 'not-a-dir') });
    expect(r.code).toBe(0);
    expect(m.cacheDirs()).toHaveLength(1);
  });
});

describe('dist/logagg serve: the web console from an empty folder', () => {
  test('the console embedded in the binary is served (the same files as lib/web) and works in chromium', async () => {
    const m = machine();
    const secretFile = path.join(m.cwd, 'jwt.secret');
    writeFileSync(secretFile, 'a-test-secret-that-is-long-enough-for-hs256-0123456789', { mode: 0o600 });
    const env = {
      LOGAGG_KAFKA_ENABLED: 'false',
      LOGAGG_LISTENERS_HTTP_ENABLED: 'true',
      LOGAGG_STORAGE_PATH: 'data/logagg.db',
      LOGAGG_API_PORT: '0',
      LOGAGG_API_AUTH_SECRET_FILE: secretFile,
      LOGAGG_API_RATE_LIMIT_ENABLED: 'false',
    };
    const serve = start(m, ['serve'], env);
    await waitFor('API listening', () => /API listening url=/.test(serve.output()), 30_000, 50).catch((err: Error) => {
      throw new Error(`${err.message}; the binary said:\n${serve.output().slice(-3000)}`);
    });
    const url = /API listening url=(\S+)/.exec(serve.output())![1]!;

    const index = await fetch(`${url}/`, { headers: { Accept: 'text/html' } });
    expect(index.status).toBe(200);
    const html = await index.text();
    expect(html).toBe(readFileSync(path.join(WEB, 'index.html'), 'utf8'));
    for (const asset of readdirSync(path.join(WEB, 'assets'))) {
      const res = await fetch(`${url}/ui/assets/${asset}`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(path.join(WEB, 'assets', asset)))).toBe(true);
    }
    // Unpacked once into the private cache dir, nothing written to the working folder but data/.
    expect(readdirSync(m.cwd).sort()).toEqual(['data', 'jwt.secret']);
    expect(m.cacheDirs().some((d) => existsSync(path.join(d, 'lib', 'web', 'index.html')))).toBe(true);
    if (!HAVE_CHROMIUM) return;

    const ingest = (await run(m, ['token', '--role', 'ingest', '--ttl', '10m'], env)).stdout.trim();
    const res = await fetch(`${url}/api/v1/ingest`, { method: 'POST', headers: { Authorization: `Bearer ${ingest}`, 'Content-Type': 'text/plain' }, body: 'from-the-binary console check on sea-1\n' });
    expect(res.status).toBe(200);
    const viewer = (await run(m, ['token', '--role', 'viewer', '--ttl', '10m'], env)).stdout.trim();
    const browser = await launchBrowser();
    const s = await signInWithToken(browser, url, viewer);
    await s.page.getByText('from-the-binary console check on sea-1').waitFor();
    expect(s.errors).toEqual([]);
    await s.context.close();
    serve.proc.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  });
});

describeKafka('dist/logagg consume (real broker)', () => {
  test('stores messages into SQLite through the shipped addon; FTS5 finds them', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('sea');
    await createTopic(brokers, topic, 1);
    const messages = [
      JSON.stringify({ timestamp: '2024-01-01T12:00:00Z', host: 'web-01', message: 'disk almost full on /var', cpu_usage: 97, process: 'mimikatz' }),
      '<38>Jan  1 12:00:02 edge-01 sshd[1234]: Failed password for root from 192.0.2.10 port 4242 ssh2',
      'ts=2024-01-01T12:00:03Z level=error host=api-01 msg="disk write failed"',
      'plain text line without structure',
    ];
    await produce(brokers, topic, messages);

    const m = machine();
    // A relative storage path: resolved against the working folder, as documented.
    const db = path.join(m.cwd, 'data', 'logagg.db');
    const cli = start(m, ['consume'], {
      LOGAGG_KAFKA_BROKERS: brokers,
      LOGAGG_KAFKA_TOPICS: topic,
      LOGAGG_KAFKA_GROUP_ID: `g-${topic}`,
      LOGAGG_STORAGE_PATH: 'data/logagg.db',
      LOGAGG_KAFKA_BATCH_LINGER: '50ms',
      LOGAGG_RETENTION_DAYS: '0',
      // The empty folder has no config/rules: the default rules shipped inside the binary apply.
    });
    await waitFor('4 stored rows', () => countRows(db) === messages.length, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; the binary said:\n${cli.output().slice(-3000)}`);
    });
    cli.proc.kill('SIGTERM');
    const r = await cli.exited;
    expect(r.code).toBe(0);

    const conn = new Database(db, { readonly: true });
    try {
      const events = v1File(db);
      const rows = events.prepare('SELECT format, host FROM logs ORDER BY offset').all();
      events.close();
      expect(rows).toEqual([
        { format: 'json', host: 'web-01' },
        { format: 'syslog3164', host: 'edge-01' },
        { format: 'logfmt', host: 'api-01' },
        { format: 'text', host: null },
      ]);
      const match = (q: string) => conn.prepare('SELECT count(*) FROM logs_fts WHERE logs_fts MATCH ?').pluck().get(q);
      expect(match('disk')).toBe(2);
      expect(match('password')).toBe(1);
      expect(match('nothinglikethis')).toBe(0);
      // the seed's two example rules, from the rule set carried inside the binary
      const alerts = conn.prepare('SELECT rule_id, severity FROM alerts ORDER BY rule_id').all();
      expect(alerts).toEqual(
        expect.arrayContaining([
          { rule_id: 'cpu-high', severity: 'HIGH' },
          { rule_id: 'malicious-process', severity: 'CRITICAL' },
        ]),
      );
    } finally {
      conn.close();
    }
  });
});

describeKafka('dist/logagg consume, encrypted database (real broker)', () => {
  test('the writer thread loads the cipher addon from the binary: stored encrypted, read back by `query`', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('sea-enc');
    await createTopic(brokers, topic, 1);
    const messages = Array.from({ length: 20 }, (_, i) => JSON.stringify({ timestamp: '2024-01-01T12:00:00Z', host: 'enc-01', message: `secret canary ${i}` }));
    await produce(brokers, topic, messages);
    const m = machine();
    const env = {
      LOGAGG_KAFKA_BROKERS: brokers,
      LOGAGG_KAFKA_TOPICS: topic,
      LOGAGG_KAFKA_GROUP_ID: `g-${topic}`,
      LOGAGG_STORAGE_PATH: 'data/logagg.db',
      LOGAGG_STORAGE_ENCRYPTION_ENABLED: 'true',
      LOGAGG_STORAGE_ENCRYPTION_KEY: '17941db074e01a65865a11c2fe9d7ccab5a1fdb7b3df7cb6b59f78470c40ff6c',
      LOGAGG_KAFKA_BATCH_LINGER: '50ms',
      LOGAGG_RETENTION_DAYS: '0',
    };
    const cli = start(m, ['consume'], env);
    const stored = async () => {
      const r = await run(m, ['query', '--host', 'enc-01', '--limit', '0', '--output', 'ndjson'], env);
      return r.code === 0 ? r.stdout.trim().split('\n').filter(Boolean).length : -1;
    };
    const deadline = Date.now() + 60_000;
    let n = await stored();
    while (n < messages.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      n = await stored();
    }
    expect(n, cli.output()).toBe(messages.length);
    cli.proc.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    // Encrypted at rest: the plain driver cannot read it and the text is not in the file.
    expect(readFileSync(path.join(m.cwd, 'data', 'logagg.db')).includes(Buffer.from('secret canary'))).toBe(false);
  }, 120_000);
});

describeKafka('dist/logagg serve, API and query (real broker)', () => {
  test('serve stores and detects; the API and `query` from the binary give the same logs', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('sea-serve');
    await createTopic(brokers, topic, 1);
    const messages = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({ timestamp: new Date(Date.now() - (50 - i) * 1000).toISOString(), host: `web-0${i % 3}`, cpu_usage: i === 7 ? 99 : 10, message: `request ${i} served` }),
    );
    await produce(brokers, topic, messages);

    const m = machine();
    const secretFile = path.join(m.cwd, 'jwt.secret');
    writeFileSync(secretFile, 'a-test-secret-that-is-long-enough-for-hs256-0123456789', { mode: 0o600 });
    const env = {
      LOGAGG_KAFKA_BROKERS: brokers,
      LOGAGG_KAFKA_TOPICS: topic,
      LOGAGG_KAFKA_GROUP_ID: `g-${topic}`,
      LOGAGG_STORAGE_PATH: 'data/logagg.db',
      LOGAGG_API_PORT: '0',
      LOGAGG_API_AUTH_SECRET_FILE: secretFile,
    };
    const serve = start(m, ['serve'], env);
    const db = path.join(m.cwd, 'data', 'logagg.db');
    await waitFor('50 stored rows', () => countRows(db) === 50, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; the binary said:\n${serve.output().slice(-3000)}`);
    });
    // The API starts on its own thread beside ingest: it may listen after the rows are stored.
    await waitFor('API listening', () => /API listening url=/.test(serve.output()), 30_000, 50).catch(() => {});
    const url = /API listening url=(\S+)/.exec(serve.output())?.[1];
    expect(url, serve.output()).toBeDefined();

    const token = (await run(m, ['token', '--role', 'viewer', '--ttl', '10m'], env)).stdout.trim();
    const api = (await (await fetch(`${url}/api/v1/logs?host=web-01&limit=100&sort=asc`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      items: { id: number }[];
    };
    const local = await run(m, ['query', '--host', 'web-01', '--limit', '0', '--order', 'asc', '--output', 'ndjson'], env);
    expect(local.code, local.stderr).toBe(0);
    const remote = await run(m, ['query', '--url', url!, '--token', token, '--host', 'web-01', '--limit', '0', '--order', 'asc', '--output', 'ndjson'], env);
    expect(remote.code, remote.stderr).toBe(0);
    const ids = (out: string) => out.trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id);
    expect(api.items.map((r) => r.id)).toHaveLength(17);
    expect(ids(local.stdout)).toEqual(api.items.map((r) => r.id));
    expect(ids(remote.stdout)).toEqual(api.items.map((r) => r.id));

    const alerts = await run(m, ['query', '--alerts', '--output', 'json'], env);
    expect(alerts.code, alerts.stderr).toBe(0);
    expect(JSON.parse(alerts.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ rule_id: 'cpu-high', severity: 'HIGH' })]));

    // The API runs on a worker thread started from the same bundle: the rules and alert state
    // changes it asks the main thread for work from the binary too.
    const analyst = (await run(m, ['token', '--role', 'analyst', '--ttl', '10m'], env)).stdout.trim();
    const asAnalyst = { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' };
    const rules = (await (await fetch(`${url}/api/v1/rules`, { headers: asAnalyst })).json()) as { items: { id: string; enabled: boolean }[] };
    expect(rules.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'cpu-high', enabled: true })]));
    const cpu = (JSON.parse(alerts.stdout) as { id: number; rule_id: string }[]).find((a) => a.rule_id === 'cpu-high')!;
    const ack = await fetch(`${url}/api/v1/alerts/${cpu.id}`, { method: 'PATCH', headers: asAnalyst, body: JSON.stringify({ state: 'acknowledged', comment: 'from the binary' }) });
    expect(ack.status).toBe(200);
    const after = await run(m, ['query', '--alerts', '--output', 'json'], env);
    expect((JSON.parse(after.stdout) as { id: number; state: string }[]).find((a) => a.id === cpu.id)).toMatchObject({ state: 'acknowledged' });

    serve.proc.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  }, 120_000);
});
