/**
 * Sending one request to a channel's endpoint, and what its failure means. Nothing here puts a
 * URL, a routing key or a header value into a message: a failure is described by its status,
 * its network error code and the start of the answer's body, with every known secret of the
 * channel blanked out of that body (an endpoint may echo what it was sent).
 */
import type { HttpRequest } from './types.js';

/** Characters of an error answer's body kept in last_error. */
const MAX_ERROR_BODY = 300;

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** Whether the same request may succeed later (network trouble, 408, 425, 429, 5xx). */
    readonly retryable: boolean,
    /** The endpoint's HTTP status; null when no answer came. */
    readonly status: number | null = null,
    /** From Retry-After, ms from the answer; null when absent or unreadable. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Statuses after which the same request is tried again; other non-2xx answers are final. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

const MON = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** The three HTTP-date forms of RFC 9110 §5.6.7 (the last two obsolete, still to be accepted). */
const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} ${MON} \\d{4} ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \\d{2}-${MON}-\\d{2} ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MON} [ \\d]\\d ${TIME} \\d{4}$`);

/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns ms from `now`
 * (0 for a date in the past); null when absent or neither form.
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1000;
  let text: string;
  if (IMF_FIXDATE.test(v) || RFC850_DATE.test(v)) text = v;
  else if (ASCTIME_DATE.test(v)) text = `${v} GMT`; // asctime carries no zone; HTTP dates are UTC
  else return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/** Replaces each secret in `text` by ***, longest first (a URL before its path). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s !== '') out = out.split(s).join('***');
  }
  return out;
}

/** A network failure as words and its code: never the error's own message, which may hold the address. */
function describeNetworkError(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
    return e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'the request was cancelled (shutting down)';
  }
  const cause = e instanceof Error ? (e.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : null;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host name not found',
    EAI_AGAIN: 'host name lookup failed (temporary)',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    UND_ERR_SOCKET: 'the connection closed before the answer',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    UND_ERR_HEADERS_TIMEOUT: `no answer within ${timeoutMs} ms`,
    UND_ERR_BODY_TIMEOUT: `the answer stalled for ${timeoutMs} ms`,
  };
  if (code !== null) return `${words[code] ?? 'network error'} (${code})`;
  if (e instanceof TypeError && /invalid url|url/i.test(e.message)) return 'the URL is not usable';
  return 'network error';
}

export interface HttpSenderOptions {
  /** Per request, connect to last byte of the answer, ms. */
  timeoutMs: number;
  /** Blanked out of every error message. */
  secrets: readonly string[];
  /** Cancels requests in flight (shutdown). */
  signal?: AbortSignal;
  clock?: () => number;
}

/** Like a TransportContext, but send also tells the 2xx status it got. */
export interface HttpSender {
  send(url: string, request: HttpRequest): Promise<number>;
}

/** What the sender gives transports: fetch, a timeout, no redirects. */
export function httpSender(opts: HttpSenderOptions): HttpSender {
  const clock = opts.clock ?? Date.now;
  return {
    async send(url: string, req: HttpRequest): Promise<number> {
      const timeout = AbortSignal.timeout(opts.timeoutMs);
      const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
      let res: Response;
      try {
        // Redirects are not followed: a moved endpoint is a configuration problem, and following
        // one would send the body (and headers) somewhere nobody configured.
        res = await fetch(url, { method: req.method, headers: req.headers, body: req.body, signal, redirect: 'manual' });
      } catch (e) {
        const cancelled = opts.signal?.aborted === true && !timeout.aborted;
        throw new DeliveryError(describeNetworkError(cancelled ? Object.assign(new Error('cancelled'), { name: 'AbortError' }) : e, opts.timeoutMs), true);
      }
      let text = '';
      try {
        text = await res.text();
      } catch {
        // the status decides; a broken body is not worth a retry of a 2xx
      }
      if (res.status >= 200 && res.status < 300) return res.status;
      const snippet = redact(text.replace(/\s+/g, ' ').trim(), opts.secrets).slice(0, MAX_ERROR_BODY);
      const retryable = isRetryableStatus(res.status);
      const retryAfterMs = retryable ? parseRetryAfter(res.headers.get('retry-after'), clock()) : null;
      const what = res.status >= 300 && res.status < 400 ? ' (redirects are not followed; configure the final URL)' : '';
      throw new DeliveryError(`HTTP ${res.status}${what}${snippet ? `: ${snippet}` : ''}`, retryable, res.status, retryAfterMs);
    },
  };
}
