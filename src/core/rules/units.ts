/**
 * Quantities with units in rule files, converted to base units: bytes, bytes per second,
 * milliseconds, percent. Byte prefixes K/M/G/T/P are decimal (1 KB = 1000 B); KiB/MiB/GiB/TiB/PiB
 * are binary (1 KiB = 1024 B). Bit rates (`bps`, `Mbps`, `Mbit/s`) are converted to bytes/s.
 * Unit names are case-insensitive: `50mb/s` = `50MB/s`.
 */

export type UnitKind = 'none' | 'pct' | 'bytes' | 'bytes/s' | 'ms';

export interface Quantity {
  value: number;
  unit: UnitKind;
}

const BYTE_FACTOR: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50,
};
const BIT_RATE_FACTOR: Readonly<Record<string, number>> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 };
const DURATION_FACTOR: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*([a-z%/]*)$/i;

/** `90%`, `1.5GB`, `50MB/s`, `100Mbps`, `500ms`, `42`, or a number. Null when not understood. */
export function parseQuantity(v: unknown): Quantity | null {
  if (typeof v === 'number') return Number.isFinite(v) ? { value: v, unit: 'none' } : null;
  if (typeof v !== 'string') return null;
  const m = QUANTITY.exec(v.trim());
  if (m === null) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const q = withUnit(n, unit);
  return q !== null && Number.isFinite(q.value) ? q : null;
}

function withUnit(n: number, unit: string): Quantity | null {
  if (unit === '') return { value: n, unit: 'none' };
  if (unit === '%') return { value: n, unit: 'pct' };
  const df = DURATION_FACTOR[unit];
  if (df !== undefined) return { value: n * df, unit: 'ms' };
  const bf = BYTE_FACTOR[unit];
  if (bf !== undefined) return { value: n * bf, unit: 'bytes' };
  if (unit.endsWith('/s')) {
    const f = BYTE_FACTOR[unit.slice(0, -2)];
    if (f !== undefined) return { value: n * f, unit: 'bytes/s' };
    const bits = /^([kmgt]?)bit\/s$/.exec(unit);
    if (bits !== null) return { value: (n * (BIT_RATE_FACTOR[bits[1] ?? ''] as number)) / 8, unit: 'bytes/s' };
    return null;
  }
  const bps = /^([kmgt]?)bps$/.exec(unit);
  if (bps !== null) return { value: (n * (BIT_RATE_FACTOR[bps[1] ?? ''] as number)) / 8, unit: 'bytes/s' };
  return null;
}

export interface DurationOptions {
  /**
   * What a number without a unit (`60`, `"1500"`) is: 'refuse' (rule files: is `60` seconds or
   * milliseconds? only the number 0 passes) or 'ms' (config and command-line flags, where a
   * bare number has always meant milliseconds). Default 'refuse'.
   */
  bare?: 'refuse' | 'ms';
}

/**
 * A duration: `500ms`, `30s`, `5m` (or `5min`), `1h`, `7d`, `1w`, units in any case, a decimal
 * number (`1.5s`); a bare number as `opts.bare` says. The one duration parser: rule files use
 * it as it is, config and command-line flags through src/config/units.ts. Milliseconds
 * (rounded), or null when not a duration or negative.
 */
export function parseDuration(v: unknown, opts: DurationOptions = {}): number | null {
  const bareMs = opts.bare === 'ms';
  if (typeof v === 'number') return v === 0 ? 0 : bareMs && Number.isFinite(v) && v > 0 ? Math.round(v) : null;
  if (typeof v !== 'string') return null;
  const q = parseQuantity(v);
  if (q === null || q.value < 0 || !(q.unit === 'ms' || (bareMs && q.unit === 'none'))) return null;
  return Math.round(q.value);
}

/** 60000 → `1m`, 90000 → `90s`, 1500 → `1500ms`: the largest unit that divides exactly. */
export function formatDuration(ms: number): string {
  for (const [unit, f] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms !== 0 && ms % f === 0) return `${ms / f}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * How a byte count is written:
 * - `si` (rule messages): decimal prefixes, at most three significant digits: 52_400_000 → `52.4 MB`.
 * - `iec` (the tail status line): binary prefixes, one decimal below 10, whole numbers above:
 *   1536 → `1.5 KiB`, 10_240 → `10 KiB`; null, negative or not finite → `-`.
 * - `iec-fixed` (the status report): binary prefixes, always one decimal: 10_240 → `10.0 KiB`.
 */
export type ByteStyle = 'si' | 'iec' | 'iec-fixed';

const SI_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
const IEC_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** A byte count as text in one of the styles above (`si` unless told); null → `-`. */
export function formatBytes(n: number | null, style: ByteStyle = 'si'): string {
  if (n === null || (style === 'iec' && (!Number.isFinite(n) || n < 0))) return '-';
  const si = style === 'si';
  const units = si ? SI_UNITS : IEC_UNITS;
  const step = si ? 1000 : 1024;
  let v = n;
  let i = 0;
  while ((si ? Math.abs(v) : v) >= step && i < units.length - 1) {
    v /= step;
    i++;
  }
  if (i === 0) return `${v} B`;
  if (si) return `${Number(v.toPrecision(3))} ${units[i]}`;
  return `${style === 'iec' && v >= 10 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** Numbers in titles and messages: integers as they are, others to at most two decimals. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Math.round(n * 100) / 100);
}
