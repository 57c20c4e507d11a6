import { describe, expect, test } from 'vitest';
import { RateLimiter } from '../../src/api/rate-limit.js';

function limiter(rate: number, burst: number, maxKeys = 100) {
  let now = 0;
  const l = new RateLimiter({ rate, burst, maxKeys, clock: () => now });
  return { l, advance: (ms: number) => (now += ms) };
}

describe('RateLimiter (token buckets)', () => {
  test('a full bucket allows `burst` requests, then refuses with the wait for one token', () => {
    const { l } = limiter(2, 3);
    expect([1, 2, 3].map(() => l.take('a').ok)).toEqual([true, true, true]);
    const r = l.take('a');
    expect(r).toEqual({ ok: false, retryAfterMs: 500 });
  });

  test('refills at `rate` per second, never above `burst`', () => {
    const { l, advance } = limiter(2, 3);
    for (let i = 0; i < 3; i++) l.take('a');
    advance(500);
    expect(l.take('a').ok).toBe(true);
    expect(l.take('a').ok).toBe(false);
    advance(60_000);
    expect([1, 2, 3, 4].map(() => l.take('a').ok)).toEqual([true, true, true, false]);
  });

  test('refusals do not spend tokens (a client that keeps trying is not locked out for longer)', () => {
    const { l, advance } = limiter(1, 1);
    l.take('a');
    for (let i = 0; i < 10; i++) l.take('a');
    advance(1000);
    expect(l.take('a').ok).toBe(true);
  });

  test('keys are independent', () => {
    const { l } = limiter(1, 1);
    expect(l.take('a').ok).toBe(true);
    expect(l.take('a').ok).toBe(false);
    expect(l.take('b').ok).toBe(true);
  });

  test('memory is bounded: the least recently used key is forgotten first', () => {
    const { l } = limiter(0.001, 1, 3);
    for (const k of ['a', 'b', 'c']) l.take(k);
    l.take('a'); // a is now most recent (and refused)
    l.take('d'); // evicts b
    expect(l.size).toBe(3);
    expect(l.take('b').ok).toBe(true); // b starts with a full bucket again (evicting c)
    expect(l.take('a').ok).toBe(false);
  });

  test('a backwards clock does not mint tokens', () => {
    let now = 10_000;
    const l = new RateLimiter({ rate: 1, burst: 1, maxKeys: 10, clock: () => now });
    l.take('a');
    now = 0;
    expect(l.take('a').ok).toBe(false);
  });
});
