/**
 * Nanosecond epoch times (OTLP time_unix_nano, Loki entry timestamps) as decimal strings: they
 * pass 2^53, so they stay strings or bigints until cut to what logagg keeps.
 */

/** A decimal count of nanoseconds, 1–20 digits; null for anything else or zero (OTLP: unknown). */
export function nanosOf(value: unknown): bigint | null {
  let s: string;
  if (typeof value === 'bigint') s = value.toString();
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) return null;
    s = String(value);
  } else if (typeof value === 'string') s = value;
  else return null;
  if (!/^\d{1,20}$/.test(s)) return null;
  const n = BigInt(s);
  return n === 0n || n >= 1n << 64n ? null : n;
}

/**
 * RFC 3339 with all nine fraction digits (`2024-05-01T12:00:00.123456789Z`), which the JSON
 * decoder reads to the millisecond; null past what a Date holds.
 */
export function nanosToIso(ns: bigint): string | null {
  const ms = ns / 1_000_000n;
  if (ms > 8_640_000_000_000_000n) return null;
  const d = new Date(Number(ms));
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${d.toISOString().slice(0, 19)}.${frac}Z`;
}
