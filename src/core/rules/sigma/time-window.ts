/**
 * Event times of one group, oldest first, as a deque over an array (a head index instead of
 * shift(), compacted when half the array is dead). Insertions are nearly always at the end;
 * an out-of-order time is inserted in place.
 */
export class TimeWindow {
  private times: number[] = [];
  private head = 0;

  get size(): number {
    return this.times.length - this.head;
  }

  add(ts: number): void {
    const t = this.times;
    let i = t.length;
    while (i > this.head && (t[i - 1] as number) > ts) i--;
    if (i === t.length) t.push(ts);
    else t.splice(i, 0, ts);
  }

  /** Drops times at or before `limit`. */
  dropUpTo(limit: number): void {
    const t = this.times;
    while (this.head < t.length && (t[this.head] as number) <= limit) this.head++;
    this.compact();
  }

  /** Keeps only the newest n times. */
  keepNewest(n: number): void {
    if (this.size > n) this.head = this.times.length - n;
    this.compact();
  }

  private compact(): void {
    if (this.head === this.times.length) {
      this.times = [];
      this.head = 0;
    } else if (this.head > 32 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
