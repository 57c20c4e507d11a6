/**
 * Duration strings used in config and on the command line: `500ms`, `30s`, `5m`, `24h`, `7d`,
 * `1w`, or a bare number of milliseconds. Returns milliseconds, or null when not a duration.
 */
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text);
  if (!m) return null;
  const value = Number(m[1]);
  const unit = m[2] ?? 'ms';
  const ms = Math.round(value * (UNIT_MS[unit] as number));
  return Number.isFinite(ms) ? ms : null;
}
