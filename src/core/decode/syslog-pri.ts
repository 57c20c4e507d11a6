import type { Draft } from './draft.js';

/** RFC 5424 §6.2.1 facility codes 0..23. */
export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

/** Largest valid PRI: facility 23, severity 7. */
export const MAX_PRI = 191;

/**
 * `<PRI>` at s[i]: `<`, one to three digits, `>`. Returns the value (possibly out of range,
 * for the caller to report) and the index after `>`, or null when the text has no PRI shape.
 */
export function scanPri(s: string, i: number): { pri: number; end: number } | null {
  if (s.charCodeAt(i) !== 60 /* < */) return null;
  let p = i + 1;
  let pri = 0;
  while (p < s.length && p - i <= 4) {
    const c = s.charCodeAt(p);
    if (c === 62 /* > */) return p > i + 1 ? { pri, end: p + 1 } : null;
    if (c < 48 || c > 57) return null;
    pri = pri * 10 + (c - 48);
    p++;
  }
  return null;
}

/**
 * Level and facility from a PRI value. An out-of-range PRI sets neither and returns the
 * parse error to report.
 */
export function applyPri(pri: number, draft: Draft, formatName: string): string | null {
  if (pri > MAX_PRI) return `${formatName}: invalid PRI <${pri}> (must be 0..${MAX_PRI})`;
  draft.level = pri & 7;
  draft.attributes.facility = FACILITIES[pri >> 3];
  return null;
}
