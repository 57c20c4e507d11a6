import type { Severity } from '../event.js';

/**
 * Threat severities as found in messages, to LOW | MEDIUM | HIGH | CRITICAL.
 * Words (any case): low/info/informational, medium/med/moderate, high, critical/crit/very-high.
 * Numbers 0..10 use the CEF scale: 0–3 LOW, 4–6 MEDIUM, 7–8 HIGH, 9–10 CRITICAL.
 */

const WORDS: ReadonlyMap<string, Severity> = new Map<string, Severity>([
  ['low', 'LOW'], ['info', 'LOW'], ['informational', 'LOW'],
  ['medium', 'MEDIUM'], ['med', 'MEDIUM'], ['moderate', 'MEDIUM'],
  ['high', 'HIGH'],
  ['critical', 'CRITICAL'], ['crit', 'CRITICAL'], ['very-high', 'CRITICAL'], ['very high', 'CRITICAL'], ['veryhigh', 'CRITICAL'],
]);

/** Severity word or 0..10 number (or numeric string); null when unrecognized. */
export function parseSeverity(value: unknown): Severity | null {
  if (typeof value === 'number') return severityFromScore(value);
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (s.length === 0 || s.length > 13) return null;
  const c = s.charCodeAt(0);
  if (c >= 48 && c <= 57) return /^\d{1,2}$/.test(s) ? severityFromScore(Number(s)) : null;
  return WORDS.get(s.toLowerCase()) ?? null;
}

/** CEF 0..10 score → severity; null outside the scale or for non-integers. */
export function severityFromScore(n: number): Severity | null {
  if (!Number.isInteger(n) || n < 0 || n > 10) return null;
  if (n <= 3) return 'LOW';
  if (n <= 6) return 'MEDIUM';
  if (n <= 8) return 'HIGH';
  return 'CRITICAL';
}

/** The syslog level a security event of this severity is logged at. */
export function severityToLevel(s: Severity): number {
  switch (s) {
    case 'CRITICAL':
      return 2;
    case 'HIGH':
      return 3;
    case 'MEDIUM':
      return 4;
    default:
      return 5;
  }
}
