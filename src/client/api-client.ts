/**
 * A small client of a remote appliance's REST API, for `logagg query --url`, `logagg silence
 * --url` and the remote source of `logagg tail` (src/tui/remote-source.ts): requests
 * with a bearer token, RFC 9457 problems turned back into LogaggErrors (so exit codes match
 * the local mode: a bad parameter is 2, the rest 1), 429/503 retried after Retry-After, and
 * keyset pages followed through `next_cursor` one at a time.
 */
import { badRequest, LogaggError } from '../errors.js';
import type { RawQuery } from '../query/params.js';

export interface RemoteOptions {
  /** The appliance's address, e.g. http://127.0.0.1:8080 (a trailing /api/v1 is accepted). */
  url: string;
  token?: string | undefined;
  /** Per request, ms. */
  timeoutMs?: number;
  /** Retries of a 429 or 503 answer. */
  maxRetries?: number;
  /** Longest wait between retries, ms (Retry-After is capped at it). */
  maxRetryWaitMs?: number;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Largest page the API accepts by default (api.limits.max_page). */
export const REMOTE_PAGE = 1000;

const DEFAULTS = { timeoutMs: 30_000, maxRetries: 5, maxRetryWaitMs: 10_000 };

/** The API root for a user-given address: http(s) only, `/api/v1` appended unless present. */
export function apiBase(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new LogaggError('USAGE', `--url ${url}: not a URL; give the appliance's address, e.g. http://127.0.0.1:8080`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new LogaggError('USAGE', `--url ${url}: use http:// or https://`);
  if (u.search !== '' || u.hash !== '') throw new LogaggError('USAGE', `--url ${url}: give the address without a query or fragment`);
  const path = u.pathname.replace(/\/+$/, '');
  return u.origin + (path.endsWith('/api/v1') ? path : `${path}/api/v1`);
}

export function queryString(params: RawQuery): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) sp.append(k, one);
  }
  const s = sp.toString();
  return s === '' ? '' : `?${s}`;
}

interface Problem {
  type?: string;
  detail?: string;
  param?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RemoteClient {
  readonly base: string;
  private readonly opts: Required<Omit<RemoteOptions, 'token'>> & { token?: string | undefined };

  constructor(opts: RemoteOptions) {
    this.base = apiBase(opts.url);
    this.opts = { ...DEFAULTS, ...opts };
  }

  async get<T>(path: string, params: RawQuery = {}): Promise<T> {
    return this.request<T>('GET', path + queryString(params));
  }

  /** POST a JSON body. */
  async post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  private async request<T>(method: 'GET' | 'POST', pathAndQuery: string, body?: unknown): Promise<T> {
    const url = this.base + pathAndQuery;
    for (let attempt = 0; ; attempt++) {
      const res = await this.fetch(url, method, body);
      if (res.ok) {
        try {
          return (await res.json()) as T;
        } catch (e) {
          throw new LogaggError('INTERNAL', `${url}: the answer is not JSON; is --url the address of a logagg appliance?`, { cause: e });
        }
      }
      const problem = await readProblem(res);
      // A 429 was refused before anything was done: safe to send again. A 503 may come after a
      // POST took effect (an ingest side that answered late), so only reads retry it.
      const retryable = res.status === 429 || (method !== 'POST' && res.status === 503 && !problem.type?.endsWith(':query-timeout'));
      if (retryable && attempt < this.opts.maxRetries) {
        await sleep(retryWait(res.headers.get('retry-after'), attempt, this.opts.maxRetryWaitMs));
        continue;
      }
      throw toError(res.status, problem, url);
    }
  }

  /**
   * Pages of `path` in order, following next_cursor; `limit` items in all (0 = every item).
   * Each page is fetched only after the caller has taken the previous one.
   */
  async *pages<T>(path: string, params: RawQuery, limit: number): AsyncGenerator<T[]> {
    let cursor: string | null = null;
    let remaining = limit === 0 ? Infinity : limit;
    // null: let the server choose (its api.limits.max_page is below ours).
    let pageSize: number | null = REMOTE_PAGE;
    while (remaining > 0) {
      const want: number | null = pageSize === null ? null : Math.min(pageSize, remaining);
      const query: RawQuery = { ...params, ...(want !== null ? { limit: String(want) } : {}), ...(cursor !== null ? { cursor } : {}) };
      let page: Page<T>;
      try {
        page = await this.get<Page<T>>(path, query);
      } catch (e) {
        if (pageSize !== null && e instanceof LogaggError && e.code === 'BAD_REQUEST' && e.details.param === 'limit') {
          pageSize = null;
          continue;
        }
        throw e;
      }
      if (!Array.isArray(page.items)) throw new LogaggError('INTERNAL', `${this.base}${path}: unexpected answer (no items list)`);
      const items = page.items.length > remaining ? page.items.slice(0, remaining) : page.items;
      remaining -= items.length;
      if (items.length > 0) yield items;
      if (!page.next_cursor || page.items.length === 0) return;
      cursor = page.next_cursor;
    }
  }

  private async fetch(url: string, method: string, body: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(this.opts.timeoutMs) });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError') {
        throw new LogaggError('QUERY_TIMEOUT', `${url}: no answer within ${this.opts.timeoutMs} ms`, { canRetry: true, cause: e });
      }
      const why = err.cause?.code ?? err.cause?.message ?? err.message;
      throw new LogaggError('STORE_UNAVAILABLE', `cannot reach ${this.base} (${why}); is \`logagg serve\` running there, and is --url right?`, {
        canRetry: true,
        cause: e,
      });
    }
  }
}

async function readProblem(res: Response): Promise<Problem> {
  try {
    const body = (await res.json()) as unknown;
    return body !== null && typeof body === 'object' ? (body as Problem) : {};
  } catch {
    return {};
  }
}

/** Retry-After in seconds (or an HTTP date), else exponential from 250 ms; capped. */
function retryWait(header: string | null, attempt: number, capMs: number): number {
  let ms = 250 * 2 ** attempt;
  if (header !== null) {
    const secs = Number(header);
    if (Number.isFinite(secs) && secs >= 0) ms = secs * 1000;
    else {
      const at = Date.parse(header);
      if (!Number.isNaN(at)) ms = at - Date.now();
    }
  }
  return Math.max(0, Math.min(capMs, ms));
}

function toError(status: number, p: Problem, url: string): LogaggError {
  const detail = p.detail ?? `HTTP ${status}`;
  switch (status) {
    case 400:
      return p.param ? badRequest(p.param, detail.startsWith(`${p.param}: `) ? detail.slice(p.param.length + 2) : detail) : new LogaggError('BAD_REQUEST', detail);
    case 401:
      return new LogaggError('UNAUTHORIZED', `the appliance refused the token: ${detail}; pass one with --token or LOGAGG_TOKEN (\`logagg token --role viewer\` on the appliance mints one)`);
    case 403:
      return new LogaggError('FORBIDDEN', `the token may not do this: ${detail}`);
    case 404:
      // A record that is not there names its parameter (`id`); a wrong address does not.
      if (p.param) return new LogaggError('NOT_FOUND', detail, { details: { param: p.param } });
      return new LogaggError('NOT_FOUND', `${new URL(url).pathname}: not found (${detail}); --url should be the appliance's address, e.g. http://127.0.0.1:8080`);
    case 422:
      return new LogaggError('UNPROCESSABLE', detail, { details: p.param ? { param: p.param } : {} });
    case 429:
      return new LogaggError('RATE_LIMITED', `the appliance is rate-limiting this token: ${detail}; try again shortly`, { canRetry: true });
    case 503:
      return p.type?.endsWith(':query-timeout')
        ? new LogaggError('QUERY_TIMEOUT', `${detail}; narrow the search (a shorter --from/--to range, a --host)`)
        : new LogaggError('STORE_UNAVAILABLE', detail, { canRetry: true });
    default:
      return new LogaggError('INTERNAL', `the appliance answered HTTP ${status}: ${detail}`);
  }
}
