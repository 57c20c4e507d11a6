/**
 * Trend analysis over a metric series (one value per time bucket). Pure: no clock, no I/O.
 *
 * - slope: ordinary least squares of value over time, in value units per hour;
 * - direction: the fitted change across the window compared with a tolerance, so noise around
 *   a level reads as `flat`;
 * - change: the window's mean against the previous window's mean, absolute and in percent.
 */

export interface SeriesPoint {
  /** Bucket start, epoch ms. */
  t: number;
  /** null when the bucket had no sample of the metric (it is left out of the fit). */
  v: number | null;
}

export type TrendDirection = 'rising' | 'falling' | 'flat';

export interface TrendTolerance {
  /** A fitted change within ± this many value units is flat (e.g. 1 percentage point of CPU). */
  absolute: number;
  /** …or within ± this fraction of the window's mean level, whichever is larger. */
  relative: number;
}

export interface Trend {
  /** Least-squares slope, value units per hour; null with fewer than two samples. */
  slope_per_hour: number | null;
  /** null when the slope is unknown. */
  direction: TrendDirection | null;
  /** Mean of this window's samples; null without samples. */
  mean: number | null;
  /** Mean of the previous window (same length, just before); null when unknown. */
  previous_mean: number | null;
  /** mean − previous_mean; null when either is unknown. */
  change: number | null;
  /** change as a percentage of previous_mean; null when unknown or previous_mean is 0. */
  change_pct: number | null;
}

export const HOUR_MS = 3_600_000;

function samples(points: readonly SeriesPoint[]): { t: number; v: number }[] {
  return points.filter((p): p is { t: number; v: number } => typeof p.v === 'number' && Number.isFinite(p.v) && Number.isFinite(p.t));
}

/** Least-squares slope of v over t (value units per ms); null with < 2 samples or all at one t. */
export function linearSlope(points: readonly SeriesPoint[]): number | null {
  const s = samples(points);
  if (s.length < 2) return null;
  // Centre t first: epoch ms squared would lose precision in doubles.
  const t0 = s[0]!.t;
  let mt = 0;
  let mv = 0;
  for (const p of s) {
    mt += p.t - t0;
    mv += p.v;
  }
  mt /= s.length;
  mv /= s.length;
  let num = 0;
  let den = 0;
  for (const p of s) {
    const dt = p.t - t0 - mt;
    num += dt * (p.v - mv);
    den += dt * dt;
  }
  return den === 0 ? null : num / den;
}

/** Mean of the samples; null when there are none. */
export function seriesMean(points: readonly SeriesPoint[]): number | null {
  const s = samples(points);
  if (s.length === 0) return null;
  return s.reduce((a, p) => a + p.v, 0) / s.length;
}

/**
 * rising / falling / flat from a slope (units per ms) over a window of `spanMs`, around a
 * level `mean`. The fitted change across the window must exceed the tolerance to count.
 */
export function trendDirection(slopePerMs: number | null, spanMs: number, mean: number | null, tol: TrendTolerance): TrendDirection | null {
  if (slopePerMs === null || !Number.isFinite(slopePerMs)) return null;
  const fitted = slopePerMs * Math.max(0, spanMs);
  const bound = Math.max(tol.absolute, tol.relative * Math.abs(mean ?? 0));
  if (Math.abs(fitted) <= bound) return 'flat';
  return fitted > 0 ? 'rising' : 'falling';
}

/** Current against previous: absolute change and percent of previous (null when undefined). */
export function windowChange(current: number | null, previous: number | null): { change: number | null; change_pct: number | null } {
  if (current === null || previous === null || !Number.isFinite(current) || !Number.isFinite(previous)) return { change: null, change_pct: null };
  const change = current - previous;
  return { change, change_pct: previous === 0 ? null : (change / Math.abs(previous)) * 100 };
}

/**
 * The whole trend of one metric over a window [from, to): slope, direction, and change
 * against the previous window. `mean`/`previousMean` may be given when a better (e.g.
 * sample-weighted) mean is known than the plain mean of the bucket values.
 */
export function describeTrend(
  points: readonly SeriesPoint[],
  window: { from: number; to: number },
  tol: TrendTolerance,
  means: { mean?: number | null; previousMean?: number | null } = {},
): Trend {
  const slope = linearSlope(points);
  const mean = means.mean !== undefined ? means.mean : seriesMean(points);
  const previous = means.previousMean ?? null;
  const { change, change_pct } = windowChange(mean, previous);
  return {
    slope_per_hour: slope === null ? null : slope * HOUR_MS,
    direction: trendDirection(slope, window.to - window.from, mean, tol),
    mean,
    previous_mean: previous,
    change,
    change_pct,
  };
}
