#!/usr/bin/env node
/**
 * npm run fuzz:api — Schemathesis (`st run --checks all`, every operation, stateful links
 * included) against a real, seeded `logagg serve` on loopback. Exits non-zero on any finding.
 *
 *   1. a Python virtualenv with Schemathesis (SCHEMATHESIS_VERSION) under .venv-fuzz/, made once;
 *   2. a temp database, a test secret, `logagg serve` (Kafka off, HTTP ingest on) on 127.0.0.1:0;
 *   3. a token of every role (`logagg token`), events and alerts seeded through POST /api/v1/ingest
 *      (a CPU reading above the built-in threshold raises an alert);
 *   4. `st run` with a bounded number of examples per operation and a time budget, then the
 *      server is stopped (SIGTERM) and the temp directory removed.
 *
 * Flags: --max-examples N (default 40), --max-time S (default 120), --seed N, --keep (leave the
 * temp directory and the report). Needs `npm run build` first (lib/ and bin/logagg).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCHEMATHESIS_VERSION = '4.32.5';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VENV = resolve(ROOT, process.env.LOGAGG_FUZZ_VENV ?? '.venv-fuzz');
const START_TIMEOUT_MS = 60_000;

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const maxExamples = Number(flag('max-examples', '40'));
const maxTime = Number(flag('max-time', '120'));
const seed = flag('seed', undefined);
const keep = process.argv.includes('--keep');
const log = (msg) => process.stderr.write(`fuzz:api: ${msg}\n`);

/** The virtualenv with the pinned Schemathesis; made (or upgraded) only when missing. */
function ensureVenv() {
  const st = join(VENV, 'bin', 'st');
  const pip = join(VENV, 'bin', 'pip');
  if (existsSync(st)) {
    const v = spawnSync(join(VENV, 'bin', 'python'), ['-c', 'import importlib.metadata as m; print(m.version("schemathesis"))'], { encoding: 'utf8' });
    if (v.stdout.trim() === SCHEMATHESIS_VERSION) return st;
  }
  log(`installing schemathesis ${SCHEMATHESIS_VERSION} into ${VENV}`);
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
  };
  run('python3', ['-m', 'venv', VENV]);
  run(pip, ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`]);
  return st;
}

/** `logagg serve` as a child whose JSON log lines can be waited for. */
function startServe(env) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'logagg'), 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const recent = [];
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  const url = new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not listen within ${START_TIMEOUT_MS / 1000} s:\n${recent.join('\n')}`)), START_TIMEOUT_MS);
    void exited.then((code) => reject(new Error(`serve exited (${code}) before listening:\n${recent.join('\n')}`)));
    createInterface({ input: child.stderr }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      try {
        const rec = JSON.parse(line);
        if (rec.level === 'error') log(`serve: ${line}`);
        if (rec.msg === 'API listening') {
          clearTimeout(timer);
          resolveUrl(rec.url);
        }
      } catch {
        log(`serve: ${line}`);
      }
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  return { url, stop, recent };
}

/** Events of three hosts over the last hour, some with a CPU reading above the built-in threshold. */
async function seedData(url, token) {
  const now = Date.now();
  const lines = [];
  for (let i = 0; i < 300; i++) {
    const host = ['web-1', 'web-2', 'db-1'][i % 3];
    const ts = new Date(now - 3_600_000 + i * 10_000).toISOString();
    lines.push(JSON.stringify({ timestamp: ts, host, level: i % 7 === 0 ? 'error' : 'info', message: `request ${i} served by ${host}`, cpu_usage: i % 50 === 0 ? 99 : 20 + (i % 30), mem_usage: 50 }));
  }
  lines.push('<34>1 2024-05-01T12:00:00Z db-1 sshd 4242 - - Failed password for root from 203.0.113.7 port 52113 ssh2');
  lines.push('plain text line without any structure');
  const r = await fetch(`${url}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body: lines.join('\n') });
  if (r.status !== 200) throw new Error(`seeding failed: ${r.status} ${await r.text()}`);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const a = await fetch(`${url}/api/v1/alerts?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    const page = await a.json();
    if (a.status === 200 && page.items.length > 0) return { events: lines.length, alerts: true };
    if (Date.now() > deadline) return { events: lines.length, alerts: false };
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  if (!existsSync(join(ROOT, 'lib', 'cli', 'main.js'))) throw new Error('lib/ is missing: run `npm run build` first');
  const st = ensureVenv();
  const dir = mkdtempSync(join(tmpdir(), 'logagg-fuzz-'));
  const secretFile = join(dir, 'jwt-secret');
  writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('LOGAGG_')) env[k] = v;
  Object.assign(env, {
    LOGAGG_STORAGE_PATH: join(dir, 'logagg.db'),
    LOGAGG_API_HOST: '127.0.0.1',
    LOGAGG_API_PORT: '0',
    LOGAGG_API_AUTH_SECRET_FILE: secretFile,
    LOGAGG_API_RATE_LIMIT_ENABLED: 'false',
    LOGAGG_KAFKA_ENABLED: 'false',
    LOGAGG_LISTENERS_HTTP_ENABLED: 'true',
    LOGAGG_DETECTION_WATCH: 'false',
    LOGAGG_LOG_FORMAT: 'json',
    LOGAGG_LOG_LEVEL: 'info',
  });
  const tok = spawnSync(process.execPath, [join(ROOT, 'bin', 'logagg'), 'token', '--role', 'admin', '--role', 'ingest', '--sub', 'fuzzer', '--ttl', '2h'], { cwd: ROOT, env, encoding: 'utf8' });
  if (tok.status !== 0) throw new Error(`logagg token failed: ${tok.stderr}`);
  const token = tok.stdout.trim();

  const serve = startServe(env);
  let code = 1;
  try {
    const url = await serve.url;
    const seeded = await seedData(url, token);
    log(`serving ${url}; seeded ${seeded.events} events${seeded.alerts ? ' and alerts' : ' (no alert was raised)'}`);
    const schemaFile = join(dir, 'openapi.json');
    const doc = await fetch(`${url}/api/v1/openapi.json`, { headers: { authorization: `Bearer ${token}` } });
    if (doc.status !== 200) throw new Error(`GET /api/v1/openapi.json answered ${doc.status}`);
    writeFileSync(schemaFile, await doc.text());
    const args = [
      '--config-file', join(ROOT, 'scripts', 'fuzz-api.toml'),
      'run', schemaFile,
      '--url', url,
      '-H', `Authorization: Bearer ${token}`,
      '--checks', 'all',
      '--max-examples', String(maxExamples),
      '--max-time', String(maxTime),
      '--workers', '1',
      '--request-timeout', '10',
      '--report', 'junit', '--report-dir', join(dir, 'report'),
      ...(seed !== undefined ? ['--seed', seed] : []),
    ];
    log(`st ${args.map((a) => (a.startsWith('Authorization') ? 'Authorization: Bearer …' : a)).join(' ')}`);
    const started = Date.now();
    code = await new Promise((r) => spawn(st, args, { stdio: 'inherit', env: { ...process.env, SCHEMATHESIS_HOOKS: '' } }).once('exit', (c) => r(c ?? 1)));
    log(`st exited ${code} after ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    await serve.stop();
    if (keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  process.exitCode = code === 0 ? 0 : 1;
}

main().catch((e) => {
  log(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
