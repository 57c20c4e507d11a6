// Runs the built CLI (bin/logagg -> lib/, built by `npm test`'s pretest) as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { deferCleanup } from './temp.js';
import { queryV1File } from './v1-rows.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/logagg');

export interface CliProcess {
  proc: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `logagg ARGS` with LOGAGG_* env; killed (SIGKILL) after the test if still running. */
export function startCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const proc = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  deferCleanup(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return { proc, output: () => out, exited };
}

/** Runs `logagg ARGS` to completion. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const c = startCli(args, env);
  const { code } = await c.exited;
  return { code, output: c.output() };
}

/**
 * Counts with a short-lived read-only connection (as `logagg query` does), 0 when the file is not
 * there yet. SQL naming columns of the v1 `logs` table (message, offset, attributes, …) runs over
 * every event read back (test/helpers/v1-rows.ts); other SQL runs on the database itself.
 */
export function countRows(dbPath: string, sql = 'SELECT count(*) FROM logs'): number {
  if (/\bFROM logs\b/.test(sql) && sql !== 'SELECT count(*) FROM logs') {
    const rows = queryV1File(dbPath, sql);
    return rows === null ? 0 : Number(Object.values(rows[0] as object)[0]);
  }
  let db: Database.Database | null = null;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    return Number(db.prepare(sql).pluck().get());
  } catch {
    return 0;
  } finally {
    db?.close();
  }
}

export async function waitFor(what: string, fn: () => boolean, timeoutMs = 60_000, everyMs = 200): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The URL from a `serve` child's "API listening" log line, once it is printed (throws if serve exits first). */
export async function apiUrl(cli: CliProcess, timeoutMs = 30_000): Promise<string> {
  let url: string | undefined;
  await waitFor(
    'API listening',
    () => {
      url = cli
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; url?: string })
        .find((l) => l.msg === 'API listening')?.url;
      return url !== undefined || cli.proc.exitCode !== null;
    },
    timeoutMs,
    50,
  );
  if (!url) throw new Error(`serve did not start:\n${cli.output().slice(-3000)}`);
  return url;
}
