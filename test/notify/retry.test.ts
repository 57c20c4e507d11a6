import { describe, expect, test } from 'vitest';
import { afterFailure, backoffDelay, formatMs, type RetryPolicy } from '../../src/notify/retry.js';

const P: RetryPolicy = { initialMs: 1000, maxMs: 60_000, giveUpAfterMs: 3_600_000 };

describe('backoffDelay: doubling, capped, with equal jitter', () => {
  test.each<[number, number, number]>([
    // attempt, random, delay
    [1, 0, 500],
    [1, 0.999999, 1000],
    [2, 0, 1000],
    [3, 0.5, 3000],
    [7, 0, 30_000], // 64 s capped at 60 s, half of it
    [7, 0.999999, 60_000],
    [1000, 0.5, 45_000], // huge attempt numbers do not overflow
    [0, 0, 500], // attempt 0 is treated as the first
  ])('attempt %i, random %f -> %i ms', (attempt, random, want) => {
    expect(backoffDelay(attempt, P, random)).toBe(want);
  });

  test('grows with the attempt while below the cap, whatever the jitter', () => {
    for (let n = 1; n < 6; n++) expect(backoffDelay(n + 1, P, 0)).toBeGreaterThanOrEqual(backoffDelay(n, P, 0.999999));
  });
});

describe('afterFailure', () => {
  const T = 1_000_000;
  const retryable = { retryable: true, retryAfterMs: null };
  test.each<[string, { retryable: boolean; retryAfterMs: number | null }, number, number, unknown]>([
    ['a final refusal gives up at once', { retryable: false, retryAfterMs: null }, T, 1, { retry: false, reason: expect.stringMatching(/refused/) }],
    ['a retryable failure retries after the backoff', retryable, T, 1, { retry: true, at: T + 500 }],
    ['the third failure waits longer', retryable, T, 3, { retry: true, at: T + 2000 }],
    ['Retry-After replaces the backoff', { retryable: true, retryAfterMs: 7000 }, T, 1, { retry: true, at: T + 7000 }],
    ['Retry-After: 0 retries at once', { retryable: true, retryAfterMs: 0 }, T, 1, { retry: true, at: T }],
    ['at the deadline: give up', retryable, T + P.giveUpAfterMs, 9, { retry: false, reason: expect.stringMatching(/gave up after 9 attempts over 60 min/) }],
    ['backoff past the deadline: one last try at the deadline', retryable, T + P.giveUpAfterMs - 100, 2, { retry: true, at: T + P.giveUpAfterMs }],
    ['Retry-After past the deadline: give up rather than disobey', { retryable: true, retryAfterMs: 200 }, T + P.giveUpAfterMs - 100, 2, { retry: false, reason: expect.stringMatching(/gave up/) }],
  ])('%s', (_n, f, now, attempts, want) => {
    expect(afterFailure(f, now, T, attempts, P, 0)).toEqual(want);
  });
});

test.each<[number, string]>([
  [-5, '0 ms'],
  [999, '999 ms'],
  [1500, '1.5 s'],
  [300_000, '5 min'],
  [86_400_000, '24 h'],
])('formatMs(%i) = %s', (ms, want) => {
  expect(formatMs(ms)).toBe(want);
});
