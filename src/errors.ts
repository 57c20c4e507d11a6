/**
 * One errors module: every error logagg raises on purpose has a code from this list,
 * the exit code it maps to on the CLI and the HTTP status it maps to in the API.
 * Messages say what was wrong and what to do.
 */

export const ERROR_CODES = {
  CONFIG_INVALID: { exit: 2, http: 500 },
  USAGE: { exit: 2, http: 400 },
  BAD_REQUEST: { exit: 2, http: 400 },
  NOT_FOUND: { exit: 1, http: 404 },
  /** The resource's current state forbids the change asked for (e.g. acknowledging a resolved alert). */
  CONFLICT: { exit: 1, http: 409 },
  /** An Idempotency-Key sent again with a different request (RFC draft httpapi-idempotency-key: 422). */
  IDEMPOTENCY_KEY_REUSED: { exit: 1, http: 422 },
  /** Well-formed, as the API document allows, but not possible now (e.g. a silence that would end in the past). */
  UNPROCESSABLE: { exit: 2, http: 422 },
  UNAUTHORIZED: { exit: 1, http: 401 },
  FORBIDDEN: { exit: 1, http: 403 },
  RATE_LIMITED: { exit: 1, http: 429 },
  QUERY_TIMEOUT: { exit: 1, http: 503 },
  STORE_UNAVAILABLE: { exit: 1, http: 503 },
  STORE_FAILED: { exit: 1, http: 500 },
  KAFKA_FAILED: { exit: 1, http: 503 },
  RULE_INVALID: { exit: 2, http: 400 },
  INTERNAL: { exit: 1, http: 500 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class LogaggError extends Error {
  readonly code: ErrorCode;
  /** Extra, client-safe details (e.g. the offending parameter or config key). */
  readonly details: Record<string, unknown>;
  /** True when retrying the same operation later may succeed (locked DB, broker down). */
  readonly canRetry: boolean;

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; canRetry?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LogaggError';
    this.code = code;
    this.details = options.details ?? {};
    this.canRetry = options.canRetry ?? false;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }
}

/** A config problem: names the key and the fix. */
export class ConfigError extends LogaggError {
  constructor(readonly problems: { key: string; message: string }[]) {
    super('CONFIG_INVALID', 'invalid configuration:\n' + problems.map((p) => `  ${p.key}: ${p.message}`).join('\n'), {
      details: { problems },
    });
    this.name = 'ConfigError';
  }
}

/** A request problem: names the parameter. */
export function badRequest(param: string, message: string): LogaggError {
  return new LogaggError('BAD_REQUEST', `${param}: ${message}`, { details: { param } });
}

export function isLogaggError(e: unknown): e is LogaggError {
  return e instanceof LogaggError;
}
