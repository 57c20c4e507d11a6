/**
 * Token-bucket rate limiting, one bucket per key (client address or token). A bucket holds at
 * most `burst` tokens and refills at `rate` per second; a request takes one. Buckets live in a
 * Map used as an LRU, bounded by `maxKeys`, so a flood of new addresses cannot grow memory.
 */
import type { Middleware } from 'koa';
import { HttpProblem } from './problem.js';

export interface BucketOptions {
  /** Tokens per second. */
  rate: number;
  burst: number;
  maxKeys: number;
  /** ms clock (performance.now in production; a fake in tests). */
  clock: () => number;
}

export type TakeResult = { ok: true; remaining: number } | { ok: false; retryAfterMs: number };

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly o: BucketOptions) {}

  take(key: string): TakeResult {
    const now = this.o.clock();
    const b = this.buckets.get(key);
    let tokens: number;
    if (b) {
      tokens = Math.min(this.o.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * this.o.rate);
      this.buckets.delete(key); // re-inserted below: most recently used last
    } else {
      tokens = this.o.burst;
      if (this.buckets.size >= this.o.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    }
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return { ok: true, remaining: Math.floor(tokens - 1) };
    }
    this.buckets.set(key, { tokens, at: now });
    return { ok: false, retryAfterMs: ((1 - tokens) / this.o.rate) * 1000 };
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** A middleware taking one token per request from the bucket of `keyOf(ctx)`; 429 when empty. */
export function rateLimit(limiter: RateLimiter, what: 'address' | 'token', keyOf: (ctx: Parameters<Middleware>[0]) => string): Middleware {
  return async (ctx, next) => {
    const r = limiter.take(keyOf(ctx));
    if (!r.ok) {
      const seconds = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
      throw new HttpProblem(429, 'rate-limited', `too many requests from this ${what}; retry in ${seconds} s`, {
        headers: { 'Retry-After': String(seconds) },
      });
    }
    await next();
  };
}
