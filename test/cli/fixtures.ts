// Shared by the CLI command tests: a seeded database on a real SQLite file (written through
// LogWriter, as ingest does), a real API server over it, tokens, and a strict CSV reader.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { resolveHsSecret } from '../../src/auth/keys.js';
import { mintToken } from '../../src/auth/token-signer.js';
import type { Role } from '../../src/auth/roles.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import type { NormalizedEvent, Severity } from '../../src/core/event.js';
import { createLogger } from '../../src/logger.js';
import { SqliteAlertsPort } from '../../src/store/alert-port.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { openStore, type Store } from '../../src/store/store.js';
import { apiConfig } from '../api/harness.js';
import { makeEvent } from '../store/fixtures.js';
import { BIN } from '../helpers/cli.js';
import { deferCleanup, tempDir } from '../helpers/temp.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (`npm run build` first) with stdout and stderr apart, stdin closed, and
 * only the environment given (plus PATH and HOME): no LOGAGG_* of the developer's shell leaks in.
 */
export function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const proc = spawn(process.execPath, [BIN, ...args], {
    cwd: path.resolve(path.dirname(BIN), '..'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  deferCleanup(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}

export const MIN = 60_000;
export const HOUR = 3_600_000;

const HOSTS = ['web-1', 'web-2', 'db-1', 'edge-9', null] as const;
const WORDS = ['timeout', 'refused', 'accepted', 'login', 'failed', 'disk', 'upstream'];
const SEVS: Severity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const LEVELS = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;

/**
 * `n` varied events over the last ~50 hours (newest first by index), with every field a filter
 * can select on: hosts (one null), levels, topics, formats, tags, threats, attributes, parse
 * errors, words for full-text search, and messages that need CSV quoting or carry escapes.
 * Times sit 7m13s apart from a point 90 s in the past, so relative bounds (1h, 24h) never fall
 * within a second of an event.
 */
export function variedEvents(n: number, now = Date.now()): NormalizedEvent[] {
  const out: NormalizedEvent[] = [];
  for (let i = 0; i < n; i++) {
    const level = i % 8;
    const hasThreat = i % 5 === 0;
    const word = WORDS[i % WORDS.length]!;
    const tricky = i % 11 === 0 ? ', "quoted" \x1b[31mred\x1b[0m\nsecond line' : '';
    out.push(
      makeEvent({
        ts: now - 90_000 - i * (7 * MIN + 13_000),
        received_at: now,
        source: { kind: 'kafka', topic: i % 3 === 0 ? 'threat-logs' : 'system-metrics', partition: i % 2, offset: String(1000 + i) },
        format: (['json', 'syslog5424', 'cef', 'logfmt'] as const)[i % 4],
        host: HOSTS[i % HOSTS.length]!,
        level,
        level_name: LEVELS[level],
        message: `event ${i} ${word} from service${tricky}`,
        threats: hasThreat ? [{ name: `threat-${i}`, severity: SEVS[i % 4]!, tags: ['malware'], origin: 'message' }] : [],
        tags: i % 4 === 0 ? ['pci', 'prod'] : i % 4 === 1 ? ['prod'] : [],
        attributes: { seq: i, http: { status: i % 6 === 0 ? 500 : 200, method: i % 2 ? 'GET' : 'POST' } },
        parse_error: i % 13 === 0 ? 'unexpected end of JSON' : null,
        metrics: i % 2 ? { cpu_pct: i % 100 } : {},
      }),
    );
  }
  return out;
}

export interface SeededDb {
  path: string;
  /** The writer connection, open until the file's tests end. */
  store: Store;
  writer: LogWriter;
}

/** A database file in a temp dir holding `events`, and the offsets given. */
export function seedDb(events: readonly NormalizedEvent[], offsets: { group: string; topic: string; partition: number; nextOffset: string }[] = []): SeededDb {
  const file = path.join(tempDir('logagg-cli-'), 'logagg.db');
  const store = openStore(file);
  deferCleanup(() => store.close());
  const writer = new LogWriter(store);
  for (let i = 0; i < events.length; i += 1000) {
    writer.writeBatch({ events: events.slice(i, i + 1000), offsets: i + 1000 >= events.length ? offsets : [] });
  }
  if (events.length === 0 && offsets.length > 0) writer.writeBatch({ events: [], offsets });
  return { path: file, store, writer };
}

export interface CliApi {
  url: string;
  server: ApiServer;
  token(roles?: Role[]): string;
  /** GET with a viewer token; the parsed JSON body and status. */
  get(pathAndQuery: string): Promise<{ status: number; body: any }>;
}

/** The real API over `dbPath` (its own read-only connection), on 127.0.0.1, port 0. */
export async function startApiOver(dbPath: string, config: Record<string, unknown> = {}): Promise<CliApi> {
  const cfg = apiConfig(config);
  const readStore = openStore(dbPath, { readonly: true });
  deferCleanup(() => readStore.close());
  const server = await startApiServer({
    config: cfg,
    store: readStore,
    logger: createLogger({ level: 'silent', format: 'text' }),
    alerts: new SqliteAlertsPort(readStore, null),
  });
  deferCleanup(() => server.close());
  const secret = resolveHsSecret(cfg.auth);
  const token = (roles: Role[] = ['viewer']) => mintToken({ secret, subject: 'cli-test', roles, ttlMs: HOUR, now: Date.now() });
  const viewer = token();
  return {
    url: server.url,
    server,
    token,
    async get(pathAndQuery) {
      const res = await fetch(server.url + pathAndQuery, { headers: { authorization: `Bearer ${viewer}` } });
      return { status: res.status, body: await res.json() };
    },
  };
}

/** Every item of an API list, following next_cursor. */
export async function allPages(api: CliApi, pathAndQuery: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  for (;;) {
    const sep = pathAndQuery.includes('?') ? '&' : '?';
    const page = await api.get(pathAndQuery + (cursor === null ? '' : `${sep}cursor=${encodeURIComponent(cursor)}`));
    if (page.status !== 200) throw new Error(`${pathAndQuery}: HTTP ${page.status} ${JSON.stringify(page.body)}`);
    items.push(...page.body.items);
    if (page.body.next_cursor === null) return items;
    cursor = page.body.next_cursor;
  }
}

/** RFC 4180 reader (strict: CRLF record ends, quotes only around whole fields). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  if (text === '') return rows;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field');
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const m = /[,\r\n"]/.exec(text.slice(i));
      const end = m ? i + m.index : text.length;
      if (m && m[0] === '"') throw new Error(`a quote inside an unquoted field at ${end}`);
      field = text.slice(i, end);
      i = end;
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
      if (i === text.length) return rows;
      continue;
    }
    throw new Error(`expected , or CRLF at ${i}, found ${JSON.stringify(text.slice(i, i + 10))}`);
  }
}
