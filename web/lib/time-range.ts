/**
 * A time range as the URL carries it: relative (`range=15m`, to now) or absolute
 * (`from`/`to` ISO instants, as drag-to-zoom sets them). Pure.
 */
export const RELATIVE = ['15m', '1h', '6h', '24h', '7d', '30d'] as const;
const UNIT: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface Range {
  from: number;
  to: number;
  /** Relative ranges move with the clock. */
  relative: string | null;
}

export function durationMs(text: string): number | null {
  const m = /^(\d{1,6})([mhd])$/.exec(text);
  return m ? Number(m[1]) * UNIT[m[2]!]! : null;
}

export function readRange(p: URLSearchParams, now: number, fallback = '1h'): Range {
  const from = Date.parse(p.get('from') ?? '');
  const to = Date.parse(p.get('to') ?? '');
  if (Number.isFinite(from) && Number.isFinite(to) && from < to) return { from, to, relative: null };
  const rel = p.get('range') ?? fallback;
  const ms = durationMs(rel) ?? durationMs(fallback)!;
  return { from: now - ms, to: now, relative: durationMs(rel) ? rel : fallback };
}

/** The summary's bucket for a window: at most a few hundred bars. */
export function bucketFor(ms: number): string {
  if (ms <= 6 * UNIT.h!) return '1m';
  if (ms <= 3 * UNIT.d!) return '5m';
  if (ms <= 60 * UNIT.d!) return '1h';
  return '1d';
}
