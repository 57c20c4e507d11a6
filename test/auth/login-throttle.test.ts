import { describe, expect, test } from 'vitest';
import { LoginThrottle } from '../../src/auth/login-throttle.js';

const MIN = 60_000;

function throttle(max = 5, windowMs = 15 * MIN, maxKeys = 1000) {
  let now = 1_000_000;
  const t = new LoginThrottle({ maxFailures: max, windowMs, maxKeys, clock: () => now });
  return { t, advance: (ms: number) => (now += ms) };
}

describe('LoginThrottle', () => {
  test('4 failures allowed to try again; the 5th locks the name until the first leaves the window', () => {
    const { t, advance } = throttle();
    for (let i = 0; i < 4; i++) {
      t.failed('alice', `10.0.0.${i}`);
      advance(MIN);
    }
    expect(t.check('alice', '10.0.0.9')).toEqual({ allowed: true });
    t.failed('alice', '10.0.0.9'); // at 4 min; the first was at 0
    expect(t.check('alice', '10.0.0.10')).toEqual({ allowed: false, by: 'user', retryAfterMs: 11 * MIN });
    advance(11 * MIN - 1);
    expect(t.check('alice', '10.0.0.10').allowed).toBe(false);
    advance(1);
    expect(t.check('alice', '10.0.0.10')).toEqual({ allowed: true });
  });

  test('per address: failures against different names from one peer lock the peer, not the names elsewhere', () => {
    const { t } = throttle(3);
    for (const name of ['a', 'b', 'c']) t.failed(name, '192.0.2.1');
    expect(t.check('d', '192.0.2.1')).toMatchObject({ allowed: false, by: 'peer' });
    expect(t.check('a', '192.0.2.2')).toEqual({ allowed: true });
  });

  test('names are counted case-insensitively', () => {
    const { t } = throttle(2);
    t.failed('Alice', '1.1.1.1');
    t.failed('alice', '2.2.2.2');
    expect(t.check('ALICE', '3.3.3.3')).toMatchObject({ allowed: false, by: 'user' });
  });

  test('a success clears the name but not the address', () => {
    const { t } = throttle(2);
    t.failed('alice', '1.1.1.1');
    t.failed('bob', '1.1.1.1');
    t.succeeded('alice');
    expect(t.check('alice', '2.2.2.2')).toEqual({ allowed: true });
    expect(t.check('alice', '1.1.1.1')).toMatchObject({ allowed: false, by: 'peer' });
  });

  test('failures older than the window are forgotten', () => {
    const { t, advance } = throttle(2, 10 * MIN);
    t.failed('alice', '1.1.1.1');
    advance(10 * MIN);
    t.failed('alice', '1.1.1.1');
    expect(t.check('alice', '1.1.1.1')).toEqual({ allowed: true });
  });

  test('at most maxKeys keys are kept: the least recently failed are forgotten', () => {
    const { t } = throttle(1, 15 * MIN, 2);
    t.failed('a', 'p');
    t.failed('b', 'p');
    // keys: u:a, p:p, u:b → u:a is dropped
    expect(t.check('a', 'other')).toEqual({ allowed: true });
    expect(t.check('b', 'other')).toMatchObject({ allowed: false });
  });
});
