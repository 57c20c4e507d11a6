/**
 * RFC 9457 problem details: every error the API sends has this body, with
 * Content-Type application/problem+json. `type` is a stable URN per kind of problem
 * (docs/api.md lists them); `param` names the request parameter that was wrong; `request_id`
 * is the same as the X-Request-Id response header and appears in the server log.
 */
import { STATUS_CODES } from 'node:http';
import { isLogaggError, type ErrorCode } from '../errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The request path. */
  instance: string;
  request_id: string;
  /** The parameter (query key, path segment or body field) that was wrong. */
  param?: string;
}

export interface ProblemResponse {
  status: number;
  body: ProblemBody;
  headers: Record<string, string>;
  /** True for failures of ours (5xx but not overload): logged with the request id. */
  internal: boolean;
}

/** Kinds of problems: slug and title. The slug is the last part of the type URN. */
export const PROBLEMS = {
  'bad-request': 'Bad request',
  unauthorized: 'Authentication required',
  'invalid-token': 'Invalid token',
  'invalid-credentials': 'Wrong user name or password',
  csrf: 'Cross-site request refused',
  forbidden: 'Forbidden',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  'not-acceptable': 'Not acceptable',
  conflict: 'Conflict',
  'idempotency-key-reused': 'Idempotency key reused',
  unprocessable: 'Unprocessable request',
  'payload-too-large': 'Request body too large',
  'unsupported-media-type': 'Unsupported media type',
  'rate-limited': 'Too many requests',
  'locked-out': 'Too many failed sign-ins',
  'query-timeout': 'Query took too long',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
  'not-implemented': 'Not implemented',
} as const;
export type ProblemKind = keyof typeof PROBLEMS;

export function problemType(kind: ProblemKind): string {
  return `urn:logagg:problem:${kind}`;
}

/** An error the API raises on purpose with an HTTP status of its own (401, 403, 409, 413, …). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly kind: ProblemKind,
    message: string,
    readonly extra: { param?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

const CODE_KIND: Record<ErrorCode, ProblemKind> = {
  CONFIG_INVALID: 'internal',
  USAGE: 'bad-request',
  BAD_REQUEST: 'bad-request',
  NOT_FOUND: 'not-found',
  CONFLICT: 'conflict',
  IDEMPOTENCY_KEY_REUSED: 'idempotency-key-reused',
  UNPROCESSABLE: 'unprocessable',
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  RATE_LIMITED: 'rate-limited',
  QUERY_TIMEOUT: 'query-timeout',
  STORE_UNAVAILABLE: 'unavailable',
  STORE_FAILED: 'internal',
  KAFKA_FAILED: 'unavailable',
  RULE_INVALID: 'bad-request',
  INTERNAL: 'internal',
};

const STATUS_KIND: Record<number, ProblemKind> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'idempotency-key-reused',
  429: 'rate-limited',
  501: 'not-implemented',
  503: 'unavailable',
};

/** Seconds a client should wait before retrying a 503, when the cause is passing. */
const RETRY_AFTER_S = '1';

/** A problem for an HTTP status with no error behind it (404 of an unknown route, 405, …). */
export function problemForStatus(status: number, detail: string, instance: string, requestId: string): ProblemResponse {
  const kind = STATUS_KIND[status] ?? (status >= 500 ? 'internal' : 'bad-request');
  return {
    status,
    body: { type: problemType(kind), title: PROBLEMS[kind], status, detail, instance, request_id: requestId },
    headers: {},
    internal: status >= 500 && status !== 503,
  };
}

/**
 * The problem for anything thrown while handling a request. Only what is safe to show leaves:
 * our own errors' messages (written for users), the messages of exposed 4xx http-errors
 * (Koa's and the routers'), and for everything else a generic text and the request id.
 */
export function problemFromError(err: unknown, instance: string, requestId: string): ProblemResponse {
  const make = (status: number, kind: ProblemKind, detail: string, extra: { param?: string; headers?: Record<string, string> } = {}): ProblemResponse => {
    const body: ProblemBody = { type: problemType(kind), title: PROBLEMS[kind], status, detail, instance, request_id: requestId };
    if (extra.param !== undefined) body.param = extra.param;
    return { status, body, headers: extra.headers ?? {}, internal: status >= 500 && kind !== 'unavailable' && kind !== 'query-timeout' };
  };

  if (err instanceof HttpProblem) return make(err.status, err.kind, err.message, err.extra);

  if (isLogaggError(err)) {
    const kind = CODE_KIND[err.code];
    const status = err.httpStatus;
    if (kind === 'internal') return make(500, 'internal', internalDetail(requestId));
    const param = typeof err.details.param === 'string' ? err.details.param : undefined;
    const headers: Record<string, string> = status === 503 || status === 429 ? { 'Retry-After': RETRY_AFTER_S } : {};
    return make(status, kind, err.message, { ...(param !== undefined ? { param } : {}), headers });
  }

  // http-errors from Koa, the router and middleware: `expose` is true for 4xx.
  const e = err as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown; headers?: unknown } | null;
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500 && e?.expose === true) {
    const kind = STATUS_KIND[status] ?? 'bad-request';
    const detail = typeof e.message === 'string' && e.message !== '' ? e.message : (STATUS_CODES[status] ?? 'bad request');
    return make(status, kind, detail);
  }
  if (status === 501) return make(501, 'not-implemented', 'this method is not implemented by the API');
  return make(500, 'internal', internalDetail(requestId));
}

function internalDetail(requestId: string): string {
  return `the server failed to answer this request; the error is logged under request id ${requestId}`;
}
