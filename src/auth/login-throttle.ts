/**
 * Lockout after repeated failed sign-ins, per account name and per peer address: after
 * `maxFailures` failures within `windowMs`, further attempts are refused until the oldest of
 * them leaves the window (a sliding window). A refused attempt is not a failure (it would
 * extend the lockout forever); a success clears the name's failures but not the peer's, so one
 * good account does not reset the count of a peer guessing at others. Pure apart from the
 * clock it is given; kept in memory (a restart forgets it; the audit table keeps the record).
 */

export interface ThrottleOptions {
  maxFailures: number;
  windowMs: number;
  /** Keys remembered at most; the least recently failed are forgotten first. */
  maxKeys: number;
  clock: () => number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number; by: 'user' | 'peer' };

export class LoginThrottle {
  /** key → failure times, oldest first; Map order = least recently failed first. */
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly opts: ThrottleOptions) {}

  /** Whether an attempt for `name` from `peer` may be tried now. */
  check(name: string, peer: string): ThrottleVerdict {
    const now = this.opts.clock();
    for (const [by, key] of [['user', userKey(name)], ['peer', peerKey(peer)]] as const) {
      const times = this.recent(key, now);
      if (times.length >= this.opts.maxFailures) {
        // Allowed again once enough of them are older than the window to leave maxFailures - 1.
        const freeAt = times[times.length - this.opts.maxFailures]! + this.opts.windowMs;
        return { allowed: false, retryAfterMs: Math.max(1, freeAt - now), by };
      }
    }
    return { allowed: true };
  }

  failed(name: string, peer: string): void {
    const now = this.opts.clock();
    for (const key of [userKey(name), peerKey(peer)]) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    while (this.failures.size > this.opts.maxKeys) this.failures.delete(this.failures.keys().next().value as string);
  }

  succeeded(name: string): void {
    this.failures.delete(userKey(name));
  }

  private recent(key: string, now: number): number[] {
    const times = this.failures.get(key) ?? [];
    const cut = now - this.opts.windowMs;
    let i = 0;
    while (i < times.length && times[i]! <= cut) i++;
    return i === 0 ? times : times.slice(i);
  }
}

// Names are case-insensitive here so Alice and alice share one count (names are unique as typed).
const userKey = (name: string): string => `u:${name.toLowerCase()}`;
const peerKey = (peer: string): string => `p:${peer}`;
