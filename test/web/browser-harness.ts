// The console in a real browser: a real `logagg serve` (the built CLI, or a given executable) on
// loopback over a seeded SQLite file, and Debian's chromium driven by playwright-core. No browser
// is ever downloaded: without /usr/bin/chromium (or LOGAGG_CHROMIUM) the tests are skipped
// locally and fail in CI (.ci/run installs it).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { NormalizedEvent } from '../../src/core/event.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { applyFindingsApart, type AlertWritten } from '../../src/store/alert-store.js';
import { openStore } from '../../src/store/store.js';
import { apiUrl, startCli, type CliProcess } from '../helpers/cli.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';
import { serveEnv, token } from '../api/harness.js';
import { makeEvent } from '../store/fixtures.js';

export const CHROMIUM = process.env.LOGAGG_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: CI must install chromium (.ci/run)`);

const MIN = 60_000;
export const ONE_MB = 1_000_000;

/** Lines a hostile log source could send: each must show as text and do nothing. */
export const HOSTILE = {
  script: '<script>window.__pwned = "script"</script> hostile-script',
  img: '"><img src=x onerror="window.__pwned = \'img\'"> hostile-img',
  ansi: '\u001b[31mhostile-ansi red\u001b[0m \u001b]0;title\u0007',
  rtl: 'hostile-rtl invoice\u202Egpj.exe',
  huge: `hostile-huge ${'A'.repeat(ONE_MB)}`,
};

export interface Seeded {
  /** The event "needle-7 payment declined", on web-2, with a HIGH threat and an alert. */
  needleId: number;
  alertId: number;
  hostileIds: Record<keyof typeof HOSTILE, number>;
}

/** Writes the data set: an hour of events on three hosts with CPU/memory, the needle, the hostile lines, one alert. */
export function seed(db: string, now = Date.now()): Seeded {
  const store = openStore(db);
  try {
    const writer = new LogWriter(store);
    const events: NormalizedEvent[] = [];
    const hosts = ['web-1', 'web-2', 'db-1'];
    for (let i = 0; i < 180; i++) {
      const host = hosts[i % 3]!;
      events.push(
        makeEvent({
          ts: now - 55 * MIN + i * 18_000,
          received_at: now - 55 * MIN + i * 18_000 + 5,
          host,
          message: `request ${i} served by ${host}`,
          metrics: { cpu_pct: 10 + ((i * 7) % 60), mem_pct: 30 + (i % 20) },
          raw: `{"host":"${host}","message":"request ${i}"}`,
        }),
      );
    }
    const needle = makeEvent({
      ts: now - 30 * MIN + 1,
      received_at: now - 30 * MIN + 6,
      host: 'web-2',
      level: 3,
      level_name: 'error',
      process: 'payments',
      message: 'needle-7 payment declined for order 42',
      threats: [{ name: 'card-testing', severity: 'HIGH', tags: ['fraud'], origin: 'message' }],
      attributes: { order: { id: 42, total: 99.5 }, gateway: 'acme' },
      raw: '<131>1 web-2 payments - - - needle-7 payment declined for order 42',
    });
    const hostile = Object.values(HOSTILE).map((message, i) =>
      makeEvent({ ts: now - 20 * MIN + i, received_at: now - 20 * MIN + i, host: 'evil-1', process: 'evil', message, raw: message }),
    );
    const ids = writer.writeBatch({ events: [...events, needle, ...hostile], offsets: [] }).ids.map((id) => id!);
    const needleId = ids[events.length]!;
    const hostileIds = Object.fromEntries(Object.keys(HOSTILE).map((k, i) => [k, ids[events.length + 1 + i]!])) as Seeded['hostileIds'];
    const written: AlertWritten[] = [];
    applyFindingsApart(
      store,
      { events: [{ ts: needle.ts }], ids: [needleId], now: needle.ts },
      [
        {
          finding: { rule_id: 'card-testing', rule_name: 'Card testing', severity: 'HIGH', host: 'web-2', title: 'Card testing on web-2', dedup_key: 'card-testing|web-2', ts: needle.ts, event_indexes: [0], count: 1 },
          suppressMs: 0,
        },
      ],
      { maxAlertsPerRulePerHour: 0 },
      written,
    );
    return { needleId, alertId: written[0]!.alertId, hostileIds };
  } finally {
    store.close();
  }
}

export interface Appliance {
  url: string;
  db: string;
  serve: CliProcess;
  seeded: Seeded;
}

/** `logagg serve` (Kafka off, HTTP ingest on, detection with the shipped rules) over a seeded file. */
export async function startAppliance(extraEnv: Record<string, string> = {}): Promise<Appliance> {
  const db = path.join(tempDir('logagg-console-'), 'logagg.db');
  const seeded = seed(db);
  const serve = startCli(['serve'], serveEnv(db, { LOGAGG_LISTENERS_HTTP_ENABLED: 'true', ...extraEnv }));
  const url = await apiUrl(serve);
  return { url, db, serve, seeded };
}

export async function launchBrowser(): Promise<Browser> {
  // --no-sandbox: the test machines run as root, where chromium's sandbox cannot start.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  deferCleanup(() => browser.close());
  return browser;
}

export const tokens = {
  viewer: () => token({ roles: ['viewer'], sub: 'vera' }),
  analyst: () => token({ roles: ['analyst'], sub: 'ana' }),
  admin: () => token({ roles: ['admin'], sub: 'adam' }),
  ingest: () => token({ roles: ['ingest'], sub: 'shipper' }),
};

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and dialogs (alert/confirm/prompt) seen so far. */
  errors: string[];
  dialogs: string[];
  /** Every URL the page requested. */
  requests: string[];
}

/** A fresh browser context signed in through the paste-a-token form. */
export async function signInWithToken(browser: Browser, url: string, jwt: string, viewport = { width: 1280, height: 800 }): Promise<Session> {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(90_000);
  const page = await context.newPage();
  const s: Session = { context, page, errors: [], dialogs: [], requests: [] };
  page.on('pageerror', (e) => s.errors.push(e.message));
  page.on('dialog', (d) => {
    s.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => s.requests.push(r.url()));
  await page.goto(`${url}/`);
  await page.getByRole('textbox', { name: 'Token' }).fill(jwt);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return s;
}

/**
 * How many pixels of each matching canvas carry the colour `rgb` (within a small tolerance):
 * axes and grid are drawn in other colours, so a count above zero means the series was drawn.
 */
export async function seriesPixels(page: Page, selector: string, rgb: [number, number, number]): Promise<number[]> {
  return page.$$eval(
    selector,
    (els, want) =>
      els.map((el) => {
        const c = el as HTMLCanvasElement;
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! > 0 && Math.abs(data[i]! - want[0]) < 12 && Math.abs(data[i + 1]! - want[1]) < 12 && Math.abs(data[i + 2]! - want[2]) < 12) n++;
        }
        return n;
      }),
    rgb,
  );
}
