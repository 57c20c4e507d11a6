/**
 * Sliding windows over event time for count rules. The window ends at the newest event time
 * seen (`newest`) and is half-open: an event at time t counts while `newest - t < windowMs`.
 * Events arriving late still count if they fall inside the window; older ones are refused.
 * Memory per window is capped (`cap` entries, the oldest dropped): the caller picks a cap of
 * at least the threshold, so decisions are exact and only reported counts saturate at `cap`.
 */

/** Event times in the window, kept sorted. */
export class TimestampWindow {
  private times: number[] = [];
  newest = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly windowMs: number,
    private readonly cap: number,
  ) {}

  /** Adds an event time; the count in the window after it, or -1 when t is already outside. */
  add(t: number): number {
    if (t > this.newest) this.newest = t;
    const cutoff = this.newest - this.windowMs;
    if (t <= cutoff) return -1;
    const a = this.times;
    if (a.length === 0 || t >= (a[a.length - 1] as number)) a.push(t);
    else a.splice(upperBound(a, t), 0, t);
    let drop = 0;
    while (drop < a.length && (a[drop] as number) <= cutoff) drop++;
    if (a.length - drop > this.cap) drop = a.length - this.cap;
    if (drop > 0) a.splice(0, drop);
    return a.length;
  }

  get count(): number {
    return this.times.length;
  }

  /** Times in the window that ends at t: newer than t - windowMs and not after t. */
  countEndingAt(t: number): number {
    const cutoff = t - this.windowMs;
    let n = 0;
    for (const x of this.times) if (x > cutoff && x <= t) n++;
    return n;
  }
}

/** Distinct values in the window, each with the time it was last seen. */
export class DistinctWindow {
  /** value → last seen; Map order is by update, which is by time unless events came late. */
  private readonly seen = new Map<string, number>();
  private tail = Number.NEGATIVE_INFINITY;
  private disordered = false;
  newest = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly windowMs: number,
    private readonly cap: number,
  ) {}

  /** Adds a value seen at t; the distinct count in the window after it, or -1 when t is outside. */
  add(value: string, t: number): number {
    if (t > this.newest) this.newest = t;
    const cutoff = this.newest - this.windowMs;
    if (t <= cutoff) return -1;
    const prev = this.seen.get(value);
    if (prev === undefined || t >= prev) {
      if (prev !== undefined) this.seen.delete(value);
      this.seen.set(value, t);
      if (t < this.tail) this.disordered = true;
      else this.tail = t;
    }
    // Oldest first: drop what left the window, then what exceeds the cap.
    for (const [v, last] of this.seen) {
      if (last > cutoff) break;
      this.seen.delete(v);
    }
    while (this.seen.size > this.cap) this.seen.delete(this.seen.keys().next().value as string);
    if (this.disordered) this.sweep(cutoff);
    return this.seen.size;
  }

  /** Late entries sit out of order: remove every expired one and check whether order is back. */
  private sweep(cutoff: number): void {
    let ordered = true;
    let prev = Number.NEGATIVE_INFINITY;
    for (const [v, last] of this.seen) {
      if (last <= cutoff) {
        this.seen.delete(v);
        continue;
      }
      if (last < prev) ordered = false;
      prev = last;
    }
    this.disordered = !ordered;
    this.tail = prev;
  }

  get count(): number {
    return this.seen.size;
  }

  /** Up to n values, most recently seen first. */
  recent(n: number): string[] {
    const all = [...this.seen.keys()];
    return all.slice(Math.max(0, all.length - n)).reverse();
  }
}

/** First index whose value is greater than t (a is sorted ascending). */
function upperBound(a: readonly number[], t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
