#!/usr/bin/env node
// Screenshots of the web console for docs/console.md, into docs/img/: a real `logagg serve`
// (Kafka off, HTTP ingest on) in a temp folder, fed an hour of the sample producer's message mix
// over HTTP ingest, photographed by Debian's chromium (playwright-core; no browser download).
// Usage: npm run screenshots   (= npm run build && node scripts/screenshots.mjs)
// Environment: LOGAGG_CHROMIUM (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'docs/img');
const CHROMIUM = process.env.LOGAGG_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (or set LOGAGG_CHROMIUM)`);
const { mixMessages } = await import(path.join(ROOT, 'lib/tools/sample-producer.js'));

const dir = mkdtempSync(path.join(os.tmpdir(), 'logagg-shots-'));
const secret = randomBytes(32).toString('hex');
const sign = (roles, sub) => jwt.sign({ sub, roles }, secret, { algorithm: 'HS256', expiresIn: 600 });

const serve = spawn(process.execPath, [path.join(ROOT, 'bin/logagg'), 'serve'], {
  // the repository: the shipped rules (config/rules) are found from here
  cwd: ROOT,
  env: {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LOGAGG_KAFKA_ENABLED: 'false',
    LOGAGG_STORAGE_PATH: path.join(dir, 'logagg.db'),
    LOGAGG_API_PORT: '0',
    LOGAGG_API_AUTH_SECRET: secret,
    LOGAGG_API_RATE_LIMIT_ENABLED: 'false',
    LOGAGG_LISTENERS_HTTP_ENABLED: 'true',
    LOGAGG_LOG_FORMAT: 'json',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let log = '';
serve.stdout.on('data', (d) => (log += d));
serve.stderr.on('data', (d) => (log += d));

let browser;
try {
  const url = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not start:\n${log}`)), 30_000);
    serve.once('exit', () => reject(new Error(`serve exited:\n${log}`)));
    const check = setInterval(() => {
      const m = /"msg":"API listening"[^\n]*"url":"([^"]+)"/.exec(log);
      if (m) {
        clearTimeout(t);
        clearInterval(check);
        resolve(m[1]);
      }
    }, 50);
  });

  // An hour of traffic ending now, in batches of 500 lines.
  process.stdout.write(`serve at ${url}\n`);
  const count = 3600;
  const lines = [...mixMessages('default', count, { seed: 7, start: Date.now() - 3_600_000, stepMs: 1000 })].map((m) => m.value);
  for (let i = 0; i < lines.length; i += 500) {
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sign(['ingest'], 'screenshots')}`, 'Content-Type': 'text/plain' },
      body: lines.slice(i, i + 500).join('\n'),
    });
    if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  }
  process.stdout.write(`${count} messages ingested\n`);
  await new Promise((r) => setTimeout(r, 1500)); // detection and rollups settle

  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const token = sign(['admin'], 'admin');
  const shoot = async (name, { width = 1280, height = 800, theme = 'light', path: p = '/ui/logs', prepare } = {}) => {
    const context = await browser.newContext({ viewport: { width, height }, colorScheme: theme });
    const page = await context.newPage();
    await page.goto(`${url}${p}`);
    await page.getByRole('textbox', { name: 'Token' }).fill(token);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    if (prepare) await prepare(page);
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(OUT, `console-${name}.png`) });
    await context.close();
    process.stdout.write(`docs/img/console-${name}.png\n`);
  };
  const firstRowId = async (page, sel) => {
    await page.locator(`${sel} tbody tr`).first().waitFor();
    return page.locator(`${sel} tbody tr`).first().getAttribute('data-id');
  };
  await shoot('logs', { path: '/ui/logs?query=threats%3Atrue' });
  await shoot('event', {
    path: '/ui/logs?query=threats%3Atrue',
    prepare: async (page) => {
      await firstRowId(page, 'table.results');
      await page.locator('table.results tbody tr').first().click();
      await page.locator('.event-view pre.raw').waitFor();
    },
  });
  await shoot('alerts', {
    path: '/ui/alerts?state=all',
    prepare: async (page) => {
      await firstRowId(page, 'table.results');
      await page.locator('table.results tbody tr').first().click();
      await page.locator('.alert-view dl').waitFor();
    },
  });
  await shoot('metrics', { path: '/ui/metrics?range=1h', height: 900 });
  await shoot('rules', { path: '/ui/rules', height: 900 });
  await shoot('dark', { path: '/ui/metrics?range=1h', theme: 'dark' });
  await shoot('phone', { path: '/ui/logs', width: 390, height: 844 });
} finally {
  await browser?.close();
  serve.kill('SIGTERM');
  await new Promise((r) => serve.once('close', r));
  rmSync(dir, { recursive: true, force: true });
}
