/**
 * Events per second over a sliding window, from samples of a growing total (the newest log id
 * in local mode, the count of events received in remote mode). Pure: times are passed in.
 */
export class RateWindow {
  private readonly samples: { t: number; total: number }[] = [];

  /** windowMs: how far back the rate looks, ms. */
  constructor(private readonly windowMs = 5_000) {}

  /** Records the total at time t (epoch ms). A total that goes down (a new count) restarts the window. */
  sample(t: number, total: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && (total < last.total || t < last.t)) this.samples.length = 0;
    this.samples.push({ t, total });
    // Keep one sample at or before the window's start, so the rate spans the whole window.
    while (this.samples.length > 2 && this.samples[1]!.t <= t - this.windowMs) this.samples.shift();
  }

  /** Events per second, or null before two samples a moment apart. */
  rate(): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.t <= first.t) return null;
    return ((last.total - first.total) * 1000) / (last.t - first.t);
  }

  reset(): void {
    this.samples.length = 0;
  }
}
