/**
 * When to try a failed delivery again, or give up. Pure: the clock and the random source are
 * parameters.
 *
 * Exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * min(max, initial · 2^(n-1)), so retries of many notifications spread out while each still
 * waits longer than the one before. A Retry-After from the endpoint (429, 503…) replaces the
 * backoff: the next attempt is never earlier than it asks. A notification is given up, and
 * recorded as failed, when the endpoint refused it for good (a 4xx other than 408, 425, 429),
 * or when the next attempt would come later than `giveUpAfter` after it was enqueued (the last
 * attempt is made at that deadline when plain backoff would overshoot it).
 */

export interface RetryPolicy {
  /** First retry delay, ms. */
  initialMs: number;
  /** Largest retry delay, ms. */
  maxMs: number;
  /** Give up this long after the notification was enqueued, ms. */
  giveUpAfterMs: number;
}

export interface Failure {
  retryable: boolean;
  retryAfterMs: number | null;
}

export type RetryDecision = { retry: true; at: number } | { retry: false; reason: string };

/** The delay before retry number `attempt` (1 = the first retry), ms. `random` is in [0, 1). */
export function backoffDelay(attempt: number, p: Pick<RetryPolicy, 'initialMs' | 'maxMs'>, random: number): number {
  const exp = Math.min(p.maxMs, p.initialMs * 2 ** Math.min(Math.max(0, attempt - 1), 52));
  return Math.round(exp / 2 + (random * exp) / 2);
}

/**
 * After a failed attempt at `now` (the `attempts`-th, counting this one) of a notification
 * enqueued at `createdAt`: when to try again, or why not.
 */
export function afterFailure(f: Failure, now: number, createdAt: number, attempts: number, p: RetryPolicy, random: number): RetryDecision {
  if (!f.retryable) return { retry: false, reason: 'the endpoint refused it (not retried)' };
  const deadline = createdAt + p.giveUpAfterMs;
  const giveUp = { retry: false as const, reason: `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} over ${formatMs(now - createdAt)} (notify.sender.give_up_after)` };
  if (now >= deadline) return giveUp;
  if (f.retryAfterMs !== null) {
    const at = now + f.retryAfterMs;
    // Retrying earlier than asked would be refused again: give up rather than disobey.
    return at > deadline ? giveUp : { retry: true, at };
  }
  return { retry: true, at: Math.min(now + backoffDelay(attempts, p, random), deadline) };
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}
