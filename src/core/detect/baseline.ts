/**
 * Rolling baselines for anomaly rules: what "normal" is for one host and metric, and how far a
 * new value is from it. A value is scored against the baseline before it joins it.
 */

export interface Baseline {
  /** Samples the baseline has absorbed. */
  readonly samples: number;
  /** (value - centre) / spread, with spread floored at `minSpread`. NaN before the first sample. */
  score(x: number, minSpread: number): number;
  add(x: number, ts: number): void;
  /** Centre and spread for an analyst, named by method. */
  describe(): Record<string, number>;
}

/**
 * Exponentially weighted mean and variance (West 1979 / Finch 2009 incremental form). The
 * weight of a new sample is `alpha`, or, with a half-life, 1 - 2^(-dt/halfLife) where dt is the
 * event time since the previous sample: irregular sampling decays by time, not by count. A
 * sample not newer than the previous one (dt <= 0) is scored but does not move the baseline.
 *
 * The variance starts at 0, so early on it underestimates by the factor 1 - Π(1 - a_i) (the
 * weight the samples have had so far); it is divided by that factor, as Adam does for its
 * moments, or a small alpha would make the first hundreds of samples look anomalous.
 */
export class Ewma implements Baseline {
  private mean = 0;
  private variance = 0;
  /** Π(1 - a_i) over the updates so far: the weight still held by the initial zero variance. */
  private decay = 1;
  private lastTs = Number.NEGATIVE_INFINITY;
  samples = 0;

  constructor(private readonly weight: { alpha: number } | { halfLifeMs: number }) {}

  score(x: number, minSpread: number): number {
    if (this.samples === 0) return Number.NaN;
    return (x - this.mean) / Math.max(Math.sqrt(this.correctedVariance()), minSpread);
  }

  private correctedVariance(): number {
    return this.decay < 1 ? this.variance / (1 - this.decay) : 0;
  }

  add(x: number, ts: number): void {
    if (this.samples === 0) {
      this.mean = x;
      this.variance = 0;
      this.lastTs = ts;
      this.samples = 1;
      return;
    }
    let a: number;
    if ('alpha' in this.weight) a = this.weight.alpha;
    else {
      const dt = ts - this.lastTs;
      a = dt > 0 ? 1 - 2 ** (-dt / this.weight.halfLifeMs) : 0;
    }
    if (ts > this.lastTs) this.lastTs = ts;
    const diff = x - this.mean;
    const incr = a * diff;
    this.mean += incr;
    this.variance = (1 - a) * (this.variance + diff * incr);
    this.decay *= 1 - a;
    this.samples++;
  }

  describe(): Record<string, number> {
    return { baseline_mean: this.mean, stddev: Math.sqrt(this.correctedVariance()) };
  }
}

/** MAD × 1.4826 estimates the standard deviation of normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;

/**
 * Median and median absolute deviation over the last `size` samples. The window is kept both
 * in arrival order (a ring) and sorted, so the median costs O(1) and the MAD O(size/2) per sample,
 * and an update O(size) moves of a small array.
 */
export class RollingMad implements Baseline {
  private readonly ring: number[] = [];
  private head = 0;
  private readonly sorted: number[] = [];
  samples = 0;

  constructor(private readonly size: number) {}

  score(x: number, minSpread: number): number {
    if (this.sorted.length === 0) return Number.NaN;
    return (x - this.median()) / Math.max(this.mad() * MAD_TO_SIGMA, minSpread);
  }

  add(x: number): void {
    if (this.ring.length < this.size) this.ring.push(x);
    else {
      const old = this.ring[this.head] as number;
      this.ring[this.head] = x;
      this.head = (this.head + 1) % this.size;
      this.sorted.splice(lowerBound(this.sorted, old), 1);
    }
    this.sorted.splice(lowerBound(this.sorted, x), 0, x);
    this.samples++;
  }

  median(): number {
    return medianOfSorted(this.sorted);
  }

  /** Median of |v - median|: merges the two sides of the sorted window outward from the median. */
  mad(): number {
    const a = this.sorted;
    const n = a.length;
    if (n === 0) return Number.NaN;
    const m = this.median();
    // Deviations left of the split grow leftwards, right of it grow rightwards.
    let l = lowerBound(a, m) - 1;
    let r = l + 1;
    const k = n >> 1; // the (k)th and, for even n, (k-1)th smallest deviations make the median
    let prev = 0;
    let cur = 0;
    for (let taken = 0; taken <= k; taken++) {
      prev = cur;
      const dl = l >= 0 ? m - (a[l] as number) : Number.POSITIVE_INFINITY;
      const dr = r < n ? (a[r] as number) - m : Number.POSITIVE_INFINITY;
      if (dl <= dr) {
        cur = dl;
        l--;
      } else {
        cur = dr;
        r++;
      }
    }
    return n % 2 === 1 ? cur : (prev + cur) / 2;
  }

  describe(): Record<string, number> {
    return { baseline_median: this.median(), mad: this.mad() };
  }
}

export function medianOfSorted(a: readonly number[]): number {
  const n = a.length;
  if (n === 0) return Number.NaN;
  const h = n >> 1;
  return n % 2 === 1 ? (a[h] as number) : ((a[h - 1] as number) + (a[h] as number)) / 2;
}

/** First index whose value is >= x. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
