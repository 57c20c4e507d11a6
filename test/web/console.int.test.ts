// The web console in Debian's chromium against a real `logagg serve` over a seeded database:
// signing in, searching and opening an event, live logs while events arrive over HTTP ingest,
// acknowledging an alert, the charts, rules as admin and as others, and hostile log lines.
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, test } from 'vitest';
import { BIN } from '../helpers/cli.js';
import type { Browser } from 'playwright-core';
import {
  HAVE_CHROMIUM,
  HOSTILE,
  launchBrowser,
  ONE_MB,
  seriesPixels,
  signInWithToken,
  startAppliance,
  tokens,
  type Appliance,
} from './browser-harness.js';

let app: Appliance;
let browser: Browser;

/**
 * Types a query into the Logs page's box and submits it, until the URL holds it: on a loaded
 * machine an Enter pressed right after typing can reach the form before its state has the text
 * (seen once in CI: the search never ran). What the page then shows is what the tests check.
 */
async function search(page: import('playwright-core').Page, query: string): Promise<void> {
  const box = page.getByRole('searchbox', { name: 'Query' });
  await box.fill(query);
  const inUrl = () => new URL(page.url()).searchParams.get('query') === query;
  for (let i = 0; i < 5 && !inUrl(); i++) {
    await box.press('Enter');
    await page.waitForURL(() => inUrl(), { timeout: 5_000 }).catch(() => undefined);
  }
  expect(new URL(page.url()).searchParams.get('query')).toBe(query);
}

async function api<T>(path: string, jwt: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(app.url + path, { ...init, headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
  return { status: res.status, body: (await res.json()) as T };
}

// Generous limits: on two busy cores (CI runs the suites in parallel) a 1 MB event takes a while to draw.
describe.skipIf(!HAVE_CHROMIUM)('the web console in chromium', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    [app, browser] = await Promise.all([startAppliance(), launchBrowser()]);
  }, 120_000);

  test('sign in with a pasted token: kept in memory only, gone after a reload; a bad token is refused with the API\'s reason', async () => {
    const s = await signInWithToken(browser, app.url, tokens.viewer());
    const { page } = s;
    expect(await page.getByRole('navigation', { name: 'Main' }).innerText()).toContain('vera (viewer, token)');
    expect(page.url()).toBe(`${app.url}/ui/logs`);
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
    expect(stored).not.toMatch(/eyJ/);
    await page.reload();
    await page.getByRole('button', { name: 'Use token' }).waitFor();

    await page.getByRole('textbox', { name: 'Token' }).fill(tokens.viewer().replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(/^401 .*invalid signature/i);
    expect(s.errors).toEqual([]);
    await s.context.close();
  });

  test('search with text and a field filter, open the event: every field, raw, threats, related alert and context on its host', async () => {
    const s = await signInWithToken(browser, app.url, tokens.viewer());
    const { page } = s;
    await search(page, 'needle-7 host:web-2');
    await page.waitForFunction(() => document.querySelectorAll('table.results tbody tr').length === 1);
    expect(page.url()).toContain('query=needle-7+host%3Aweb-2');
    const row = page.locator('table.results tbody tr').first();
    expect(await row.innerText()).toMatch(/error\s+web-2\s+payments\s+HIGH\s*needle-7 payment declined for order 42/);
    await row.click();
    const view = page.getByRole('complementary', { name: `Event ${app.seeded.needleId}` });
    await view.getByText('Related alerts').waitFor();
    await view.locator('table.context tr').nth(5).waitFor();
    const text = await view.innerText();
    expect(text).toContain('<131>1 web-2 payments - - - needle-7 payment declined for order 42');
    expect(text).toMatch(/HIGH\s+card-testing/);
    expect(text).toMatch(/attributes\.order\.id\s+42/);
    expect(text).toMatch(/attributes\.gateway\s+acme/);
    expect(await view.getByRole('link', { name: /Card testing on web-2/ }).getAttribute('href')).toBe(`/ui/alerts?alert=${app.seeded.alertId}`);
    // Context: five before and five after on web-2, the event itself highlighted.
    const context = await view.locator('table.context tr').allInnerTexts();
    expect(context.length).toBeGreaterThanOrEqual(10);
    expect(context.filter((t) => t.includes('needle-7'))).toHaveLength(1);
    expect(context.filter((t) => / served by web-2/.test(t)).length).toBeGreaterThanOrEqual(9);
    // The URL carries the selection: a reload would open the same event; Escape closes it.
    expect(page.url()).toContain(`event=${app.seeded.needleId}`);
    await page.keyboard.press('Escape');
    await view.waitFor({ state: 'detached' });
    expect(page.url()).not.toContain('event=');
    expect(s.errors).toEqual([]);
    await s.context.close();
  });

  test('live mode shows events as they are ingested; paused, it holds them back and counts them', async () => {
    const s = await signInWithToken(browser, app.url, tokens.viewer());
    const { page } = s;
    await search(page, 'livemark');
    await page.getByText('No events in this range.').waitFor();
    await page.getByRole('checkbox', { name: 'Live' }).check();
    await page.locator('.live-state[data-state="live"]').waitFor();
    const ingest = async (n: string) => {
      const res = await fetch(`${app.url}/api/v1/ingest`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tokens.ingest()}`, 'Content-Type': 'application/x-ndjson' },
        body: `${JSON.stringify({ host: 'stream-1', message: `livemark ${n}` })}\n`,
      });
      expect(res.status).toBe(200);
    };
    await ingest('one');
    await page.getByText('livemark one').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Pause' }).click();
    await ingest('two');
    await ingest('three');
    await page.getByRole('button', { name: 'Resume (2 new)' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('table.results tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: 'Resume (2 new)' }).click();
    expect(await page.locator('table.results tbody td.msg').allInnerTexts()).toEqual(['livemark three', 'livemark two', 'livemark one']);
    expect(s.errors).toEqual([]);
    await s.context.close();
  });

  test('alert counts by state, rule and host; a click on one filters the list by it', async () => {
    const s = await signInWithToken(browser, app.url, tokens.viewer());
    const { page } = s;
    await page.goto(`${app.url}/ui/alerts?state=all`);
    // (a fresh load: the pasted token is gone, so sign in again on this page)
    await page.getByRole('textbox', { name: 'Token' }).fill(tokens.viewer());
    await page.getByRole('button', { name: 'Use token' }).click();
    const facets = page.locator('.facets');
    await facets.getByRole('button', { name: 'card-testing' }).waitFor();
    const stats = await api<{ by_rule: { rule_id: string; count: number }[] }>('/api/v1/alert-stats', tokens.viewer());
    const card = stats.body.by_rule.find((r) => r.rule_id === 'card-testing')!;
    expect(await facets.getByRole('button', { name: 'card-testing' }).locator('xpath=..').innerText()).toContain(String(card.count));
    await facets.getByRole('button', { name: 'card-testing' }).click();
    await page.waitForURL(/rule=card-testing/);
    await page.locator('table.results td', { hasText: 'card-testing' }).first().waitFor();
    expect(s.errors).toEqual([]);
    await s.context.close();
  });

  test('an analyst acknowledges an alert with a comment; a viewer trying the same sees the API\'s refusal', async () => {
    const viewer = await signInWithToken(browser, app.url, tokens.viewer());
    await viewer.page.goto(`${app.url}/ui/alerts?alert=${app.seeded.alertId}`);
    // (a fresh load: the pasted token is gone, so sign in again on this page)
    await viewer.page.getByRole('textbox', { name: 'Token' }).fill(tokens.viewer());
    await viewer.page.getByRole('button', { name: 'Use token' }).click();
    const vview = viewer.page.getByRole('complementary', { name: `Alert ${app.seeded.alertId}` });
    await vview.getByRole('button', { name: 'Acknowledge' }).click();
    await vview.getByRole('alert').waitFor();
    expect(await vview.getByRole('alert').innerText()).toMatch(/^403 .*analyst/);
    await viewer.context.close();

    const s = await signInWithToken(browser, app.url, tokens.analyst());
    const { page } = s;
    await page.getByRole('link', { name: 'Alerts' }).click();
    const row = page.locator(`table.results tr[data-id="${app.seeded.alertId}"]`);
    expect(await row.innerText()).toMatch(/HIGH\s+card-testing\s+web-2\s+Card testing on web-2\s+1\s+open/);
    await row.click();
    const view = page.getByRole('complementary', { name: `Alert ${app.seeded.alertId}` });
    expect(await view.getByRole('link', { name: `event ${app.seeded.needleId}` }).getAttribute('href')).toContain(`event=${app.seeded.needleId}`);
    await view.getByRole('textbox', { name: 'Comment' }).fill('looking into it');
    await view.getByRole('button', { name: 'Acknowledge' }).click();
    await view.locator('dd.state', { hasText: 'acknowledged' }).waitFor();
    await view.locator('.history li', { hasText: 'open → acknowledged by ana — “looking into it”' }).waitFor();
    const stored = await api<{ state: string; state_changed_by: string; comment: string }>(`/api/v1/alerts/${app.seeded.alertId}`, tokens.viewer());
    expect(stored.body).toMatchObject({ state: 'acknowledged', state_changed_by: 'ana', comment: 'looking into it' });
    // The sample link leads into Logs with that event open.
    await view.getByRole('link', { name: `event ${app.seeded.needleId}` }).click();
    await page.getByRole('complementary', { name: `Event ${app.seeded.needleId}` }).getByText('needle-7 payment declined').first().waitFor();
    expect(s.errors).toEqual([]);
    await s.context.close();
  });

  test('every chart draws its series: the histogram, CPU, memory and counts', async () => {
    const s = await signInWithToken(browser, app.url, tokens.viewer());
    const { page } = s;
    await page.waitForFunction(() => document.querySelectorAll('table.results tbody tr').length > 0);
    await page.waitForTimeout(300);
    const blue: [number, number, number] = [0x3b, 0x82, 0xf6];
    expect((await seriesPixels(page, '.histogram canvas', blue))[0]).toBeGreaterThan(50);
    await page.getByRole('link', { name: 'Metrics' }).click();
    await page.locator('.charts canvas').nth(2).waitFor();
    await page.waitForTimeout(300);
    const [cpu] = await seriesPixels(page, '.charts figure:nth-child(1) canvas', blue);
    const [mem] = await seriesPixels(page, '.charts figure:nth-child(2) canvas', [0x10, 0xb9, 0x81]);
    const [counts] = await seriesPixels(page, '.charts figure:nth-child(3) canvas', blue);
    expect({ cpu: cpu! > 50, mem: mem! > 50, counts: counts! > 50 }).toEqual({ cpu: true, mem: true, counts: true });
    // The host table sorts by a column, and the URL says so.
    await page.getByRole('button', { name: /^CPU max/ }).click();
    expect(page.url()).toContain('sort=cpu_max');
    const hosts = await page.locator('table.hosts tbody tr td:first-child').allInnerTexts();
    expect(hosts).toEqual(expect.arrayContaining(['web-1', 'web-2', 'db-1']));
    const cpuMax = (await page.locator('table.hosts tbody tr td:nth-child(7)').allInnerTexts()).map((t) => (t === '—' ? -1 : Number(t)));
    expect(cpuMax).toEqual(cpuMax.slice().sort((a, b) => b - a));
    expect(cpuMax[0]).toBeGreaterThan(0);
    expect(s.errors).toEqual([]);
    await s.context.close();
  });

  test('rules: an admin disables and enables a rule; an analyst is refused by the API, a viewer cannot list them', async () => {
    const admin = await signInWithToken(browser, app.url, tokens.admin());
    await admin.page.getByRole('link', { name: 'Rules & status' }).click();
    const sw = admin.page.getByRole('switch', { name: 'Rule cpu-high enabled' });
    await sw.waitFor();
    expect(await sw.getAttribute('aria-checked')).toBe('true');
    expect(await admin.page.locator('tr[data-rule="cpu-high"]').innerText()).toMatch(/cpu-high.*\s+threshold\s+HIGH/);
    await sw.click();
    await admin.page.locator('[role=switch][aria-label="Rule cpu-high enabled"][aria-checked=false]').waitFor();
    const rules = await api<{ items: { id: string; enabled: boolean }[] }>('/api/v1/rules', tokens.analyst());
    expect(rules.body.items.find((r) => r.id === 'cpu-high')?.enabled).toBe(false);
    await sw.click();
    await admin.page.locator('[role=switch][aria-label="Rule cpu-high enabled"][aria-checked=true]').waitFor();
    // Status reads as the admin sees it.
    await admin.page.getByText('Notification deliveries').waitFor();
    expect(await admin.page.locator('.card').first().innerText()).toMatch(/status\s+(ready|degraded)/);
    // The database and retention (serveEnv keeps logs forever: LOGAGG_RETENTION_DAYS=0).
    const db = admin.page.getByLabel('Database');
    await db.waitFor();
    expect(await db.innerText()).toMatch(/database size \(WAL \/ free\)\s+\d+(\.\d)? (KiB|MiB)/);
    expect(await db.innerText()).toMatch(/retention: logs \/ 1m \/ 1h rollups\s+forever \/ 14 d \/ 400 d/);
    await admin.context.close();

    const analyst = await signInWithToken(browser, app.url, tokens.analyst());
    await analyst.page.getByRole('link', { name: 'Rules & status' }).click();
    const refusal = analyst.page.locator('.rule-error [role=alert]');
    await analyst.page.getByRole('switch', { name: 'Rule cpu-high enabled' }).waitFor();
    expect(await refusal.count()).toBe(0);
    await analyst.page.getByRole('switch', { name: 'Rule cpu-high enabled' }).click();
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/^403 Forbidden: .*admin/);
    expect(await analyst.page.getByRole('switch', { name: 'Rule cpu-high enabled' }).getAttribute('aria-checked')).toBe('true');
    await analyst.context.close();

    const viewer = await signInWithToken(browser, app.url, tokens.viewer());
    await viewer.page.getByRole('link', { name: 'Rules & status' }).click();
    await viewer.page.getByRole('alert').filter({ hasText: /^403 .*needs the analyst role/ }).waitFor();
    expect(await viewer.page.getByRole('switch').count()).toBe(0);
    await viewer.context.close();
  });

  test('hostile lines are inert: no script runs, no image is fetched, the text shows as typed, a 1 MB line is cut in the list and whole in the event', async () => {
    const s = await signInWithToken(browser, app.url, tokens.viewer());
    const { page } = s;
    await search(page, 'host:evil-1');
    await page.waitForFunction(() => document.querySelectorAll('table.results tbody tr').length === 5);
    const msgs = await page.locator('table.results tbody td.msg').allInnerTexts();
    expect(msgs).toContain(HOSTILE.script);
    expect(msgs).toContain(HOSTILE.img);
    expect(msgs).toContain('\u241b[31mhostile-ansi red\u241b[0m \u241b]0;title\u2407');
    expect(msgs).toContain('hostile-rtl invoice⟦U+202E⟧gpj.exe');
    const huge = msgs.find((m) => m.startsWith('hostile-huge'))!;
    expect(huge).toMatch(/^hostile-huge A{487}… \(1,000,013 characters\)$/);
    // Open every hostile event: the event view shows message and raw as text too.
    for (const id of Object.values(app.seeded.hostileIds)) {
      await page.goto(`${app.url}/ui/logs?query=host%3Aevil-1&event=${id}`);
      if (await page.getByRole('button', { name: 'Use token' }).isVisible()) {
        await page.getByRole('textbox', { name: 'Token' }).fill(tokens.viewer());
        await page.getByRole('button', { name: 'Use token' }).click();
      }
      await page.getByRole('complementary', { name: `Event ${id}` }).locator('pre.raw').waitFor();
    }
    // The last one opened is the 1 MB line: whole in the raw view.
    expect(await page.locator('pre.raw').evaluate((el) => el.textContent!.length)).toBe(HOSTILE.huge.length);
    expect(HOSTILE.huge.length).toBeGreaterThan(ONE_MB);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null)).toBeNull();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
    expect(s.requests.filter((u) => /\/x$/.test(u))).toEqual([]);
    expect(s.dialogs).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.context.close();
  });

  test('sign in with an account: an HttpOnly SameSite=Strict cookie the page cannot read, kept across a reload, cleared by sign-out', async () => {
    const password = 'correct horse battery staple';
    const added = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn(process.execPath, [BIN, 'user', 'add', 'alice', '--role', 'analyst', '--password-stdin'], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOGAGG_STORAGE_PATH: app.db },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (out += d.toString()));
      p.on('close', (code) => resolve({ code, out }));
      p.stdin.end(`${password}\n`);
    });
    expect(added.code, added.out).toBe(0);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    await page.getByRole('textbox', { name: 'User name' }).fill('alice');
    await page.getByLabel('Password').fill('wrong password here');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(/^401/);

    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByText('alice (analyst, cookie)').waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'logagg_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('logagg_session');

    // A reload keeps the session (the cookie), and a state change carries X-Requested-With.
    await page.goto(`${app.url}/ui/alerts?state=all&alert=${app.seeded.alertId}`);
    const view = page.getByRole('complementary', { name: `Alert ${app.seeded.alertId}` });
    await view.getByRole('button', { name: 'Resolve' }).click();
    await view.locator('dd.state', { hasText: 'resolved' }).waitFor();
    await view.getByRole('button', { name: 'Reopen' }).click();
    await view.locator('dd.state', { hasText: 'open' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Use token' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Use token' }).waitFor();
    await context.close();
  });
});
