// The p95 that the rollups must report, computed from the raw values rather than a histogram:
// the exact 95th percentile by nearest rank, then rounded up to its whole percentage point
// (values <= 0 to 0) and capped by the largest value; over 100 it is the largest value.
export function expectedP95(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const exact = exactP95(sorted);
  const max = sorted[sorted.length - 1]!;
  if (exact > 100) return max;
  return Math.min(exact <= 0 ? 0 : Math.ceil(exact), max);
}

/** Nearest rank: the smallest value with at least 95 % of the values at or below it. */
export function exactP95(sorted: readonly number[]): number {
  return sorted[Math.max(1, Math.ceil((95 * sorted.length) / 100)) - 1]!;
}
