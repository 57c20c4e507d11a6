/**
 * Timestamp parsing for decoders. Pure: the receive time is passed in where a form lacks the
 * year. Every function returns epoch milliseconds UTC (truncated to whole ms) or null; none
 * throws. A zone-less timestamp is read as UTC: logagg never guesses a local time zone.
 *
 * Accepted forms:
 * - ISO 8601 / RFC 3339: `2024-01-01T12:00:00Z`, `2024-01-01 12:00:00,123`, `2024-01-01T12:00`,
 *   `2024-01-01` (midnight), offsets `Z` `+01:00` `+0100` `+01`; `/` date separators accepted.
 * - Epoch numbers and numeric strings by size: up to 11 integer digits seconds (fractions kept),
 *   12–14 milliseconds, 15–17 microseconds, 18–20 nanoseconds.
 * - Month first (RFC 3164, CEF `rt`): `Oct 11 22:14:15`, `Oct  1 22:14:15.123`,
 *   `Jan 18 2024 11:07:53 UTC`. Without a year: the receive time's year, or the previous year
 *   when that would put the time more than a day after the receive time.
 * - RFC 2822 / HTTP date: `Mon, 01 Jan 2024 12:00:00 +0000` (or GMT/UTC/Z), weekday optional.
 * - Common log format: `01/Jan/2024:12:00:00 +0000`.
 */

export const DAY_MS = 86_400_000;
/** Timestamps before this (2000-01-01T00:00:00Z) are treated as absurd. */
export const MIN_SANE_TS = 946_684_800_000;
/** Default tolerance for clocks running ahead of logagg's: one day. */
export const DEFAULT_MAX_FUTURE_SKEW_MS = DAY_MS;

export interface Scan {
  ms: number;
  /** Index just after the consumed text. */
  end: number;
}

const MONTHS: ReadonlyMap<string, number> = new Map(
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [m, i]),
);

/** True when ts is unusable: not finite, before 2000, or further ahead of receivedAt than allowed. */
export function isAbsurdTs(ts: number, receivedAt: number, maxFutureSkewMs: number = DEFAULT_MAX_FUTURE_SKEW_MS): boolean {
  return !Number.isFinite(ts) || ts < MIN_SANE_TS || ts > receivedAt + maxFutureSkewMs;
}

/** Any timestamp value found in a message field (number or string, any accepted form). */
export function parseTimestamp(value: unknown, receivedAt: number): number | null {
  if (typeof value === 'number') return epochToMs(value);
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (s.length === 0) return null;
  const c = s.charCodeAt(0);
  if (isDigit(c) || c === 45 /* - */) {
    const epoch = parseEpochString(s);
    if (epoch !== null) return epoch;
    const iso = scanIso(s, 0, true);
    if (iso !== null && iso.end === s.length) return iso.ms;
    const clf = scanClf(s, 0);
    if (clf !== null && clf.end === s.length) return clf.ms;
    const rfc = scanRfc2822(s, 0);
    return rfc !== null && rfc.end === s.length ? rfc.ms : null;
  }
  const mf = scanMonthFirst(s, 0, receivedAt, true);
  if (mf !== null && mf.end === s.length) return mf.ms;
  const rfc = scanRfc2822(s, 0);
  return rfc !== null && rfc.end === s.length ? rfc.ms : null;
}

/** Epoch number in s/ms/µs/ns, chosen by magnitude (see module comment). */
export function epochToMs(n: number): number | null {
  if (!Number.isFinite(n)) return null;
  const a = Math.abs(n);
  let ms: number;
  if (a < 1e11) ms = n * 1000;
  else if (a < 1e14) ms = n;
  else if (a < 1e17) ms = n / 1e3;
  else if (a < 1e20) ms = n / 1e6;
  else return null;
  return Math.floor(ms);
}

/** `1704110400`, `1704110400.5`, `1704110400123`, 16- and 19-digit forms. Exact for long ones. */
export function parseEpochString(s: string): number | null {
  let i = 0;
  const neg = s.charCodeAt(0) === 45;
  if (neg) i = 1;
  const intStart = i;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  const intLen = i - intStart;
  if (intLen === 0) return null;
  if (i < s.length) {
    if (s.charCodeAt(i) !== 46 /* . */) return null;
    const fracStart = ++i;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    if (i !== s.length || i === fracStart) return null;
  }
  if (intLen <= 11) return Math.floor(Number(s) * 1000);
  if (intLen > 20) return null;
  // Drop the sub-millisecond digits as text: a 19-digit number is beyond double precision.
  const drop = intLen <= 14 ? 0 : intLen <= 17 ? 3 : 6;
  const ms = Number(s.slice(intStart, intStart + intLen - drop));
  return neg ? -ms : ms;
}

/**
 * ISO 8601 at s[i]. `spaceSep` allows a space between date and time. Consumes the longest valid
 * prefix; the caller checks `end` when the whole string must match.
 */
export function scanIso(s: string, i: number, spaceSep: boolean): Scan | null {
  const y = digits(s, i, 4);
  if (y < 0) return null;
  const sep = s.charCodeAt(i + 4);
  if (sep !== 45 && sep !== 47 /* - / */) return null;
  const mo = digits(s, i + 5, 2);
  if (mo < 1 || mo > 12 || s.charCodeAt(i + 7) !== sep) return null;
  const d = digits(s, i + 8, 2);
  if (d < 1 || d > daysInMonth(y, mo)) return null;
  let p = i + 10;
  let hh = 0;
  let mm = 0;
  let ss = 0;
  let frac = 0;
  const t = s.charCodeAt(p);
  if ((t === 84 || t === 116 || (t === 32 && spaceSep)) && digits(s, p + 1, 2) >= 0 && s.charCodeAt(p + 3) === 58) {
    hh = digits(s, p + 1, 2);
    mm = digits(s, p + 4, 2);
    if (hh > 23 || mm < 0 || mm > 59) return null;
    p += 6;
    if (s.charCodeAt(p) === 58 /* : */) {
      ss = digits(s, p + 1, 2);
      if (ss < 0 || ss > 60) return null;
      p += 3;
      const f = s.charCodeAt(p);
      if ((f === 46 || f === 44) && isDigit(s.charCodeAt(p + 1))) {
        const r = scanFraction(s, p + 1);
        frac = r.ms;
        p = r.end;
      }
    }
    const z = scanZone(s, p);
    if (z !== null) {
      const ms = Date.UTC(y, mo - 1, d, hh, mm, ss, frac) - z.offsetMin * 60_000;
      return { ms, end: z.end };
    }
  }
  return { ms: Date.UTC(y, mo - 1, d, hh, mm, ss, frac), end: p };
}

/**
 * Month-first date at s[i]: `Mmm dd [yyyy] hh:mm:ss[.fff] [zone]` (RFC 3164, CEF rt). The day
 * may be space-padded. `allowZone` consumes a trailing ` UTC`, ` GMT`, ` Z` or numeric offset.
 */
export function scanMonthFirst(s: string, i: number, receivedAt: number, allowZone: boolean): Scan | null {
  const mon = monthAt(s, i);
  if (mon < 0 || s.charCodeAt(i + 3) !== 32) return null;
  let p = i + 4;
  if (s.charCodeAt(p) === 32) p++; // "Oct  1"
  let d = digits(s, p, 2);
  if (d >= 0) p += 2;
  else if (isDigit(s.charCodeAt(p))) {
    d = s.charCodeAt(p) - 48;
    p += 1;
  } else return null;
  if (d < 1 || d > 31 || s.charCodeAt(p) !== 32) return null;
  p++;
  let year = -1;
  const y = digits(s, p, 4);
  if (y >= 0 && s.charCodeAt(p + 4) === 32) {
    year = y;
    p += 5;
  }
  const hh = digits(s, p, 2);
  const mm = digits(s, p + 3, 2);
  const ss = digits(s, p + 6, 2);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return null;
  if (s.charCodeAt(p + 2) !== 58 || s.charCodeAt(p + 5) !== 58) return null;
  p += 8;
  let frac = 0;
  if (s.charCodeAt(p) === 46 && isDigit(s.charCodeAt(p + 1))) {
    const r = scanFraction(s, p + 1);
    frac = r.ms;
    p = r.end;
  }
  let offsetMin = 0;
  if (allowZone && s.charCodeAt(p) === 32) {
    const z = scanZone(s, p + 1);
    if (z !== null) {
      offsetMin = z.offsetMin;
      p = z.end;
    }
  }
  if (year >= 0) {
    if (d > daysInMonth(year, mon + 1)) return null;
    return { ms: Date.UTC(year, mon, d, hh, mm, ss, frac) - offsetMin * 60_000, end: p };
  }
  const ms = withInferredYear(receivedAt, mon, d, hh, mm, ss, frac, offsetMin);
  return ms === null ? null : { ms, end: p };
}

/** RFC 3164 has no year: the receive year, or the one before when that lands > 1 day ahead. */
function withInferredYear(receivedAt: number, mon: number, d: number, hh: number, mm: number, ss: number, frac: number, offsetMin: number): number | null {
  const recYear = Number.isFinite(receivedAt) ? new Date(receivedAt).getUTCFullYear() : 2000;
  for (const year of [recYear, recYear - 1]) {
    if (d > daysInMonth(year, mon + 1)) continue;
    const ms = Date.UTC(year, mon, d, hh, mm, ss, frac) - offsetMin * 60_000;
    if (year === recYear && ms > receivedAt + DAY_MS) continue;
    return ms;
  }
  return null;
}

/** `[Www, ]dd Mmm yyyy hh:mm[:ss] zone` (RFC 2822 / RFC 7231). */
export function scanRfc2822(s: string, i: number): Scan | null {
  let p = i;
  if (isLetter(s.charCodeAt(p))) {
    if (s.charCodeAt(p + 3) !== 44 /* , */ || s.charCodeAt(p + 4) !== 32) return null;
    p += 5;
  }
  let d = digits(s, p, 2);
  if (d >= 0) p += 2;
  else if (isDigit(s.charCodeAt(p))) {
    d = s.charCodeAt(p) - 48;
    p++;
  } else return null;
  if (s.charCodeAt(p) !== 32) return null;
  const mon = monthAt(s, p + 1);
  const y = digits(s, p + 5, 4);
  if (mon < 0 || s.charCodeAt(p + 4) !== 32 || y < 0 || s.charCodeAt(p + 9) !== 32) return null;
  if (d < 1 || d > daysInMonth(y, mon + 1)) return null;
  p += 10;
  const hh = digits(s, p, 2);
  const mm = digits(s, p + 3, 2);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || s.charCodeAt(p + 2) !== 58) return null;
  p += 5;
  let ss = 0;
  if (s.charCodeAt(p) === 58) {
    ss = digits(s, p + 1, 2);
    if (ss < 0 || ss > 60) return null;
    p += 3;
  }
  if (s.charCodeAt(p) !== 32) return null;
  const z = scanZone(s, p + 1);
  if (z === null) return null;
  return { ms: Date.UTC(y, mon, d, hh, mm, ss) - z.offsetMin * 60_000, end: z.end };
}

/** Common log format `dd/Mmm/yyyy:hh:mm:ss ±hhmm`. */
export function scanClf(s: string, i: number): Scan | null {
  const d = digits(s, i, 2);
  const mon = monthAt(s, i + 3);
  const y = digits(s, i + 7, 4);
  if (d < 1 || mon < 0 || y < 0 || s.charCodeAt(i + 2) !== 47 || s.charCodeAt(i + 6) !== 47 || s.charCodeAt(i + 11) !== 58) return null;
  if (d > daysInMonth(y, mon + 1)) return null;
  const p = i + 12;
  const hh = digits(s, p, 2);
  const mm = digits(s, p + 3, 2);
  const ss = digits(s, p + 6, 2);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return null;
  if (s.charCodeAt(p + 2) !== 58 || s.charCodeAt(p + 5) !== 58 || s.charCodeAt(p + 8) !== 32) return null;
  const z = scanZone(s, p + 9);
  if (z === null) return null;
  return { ms: Date.UTC(y, mon, d, hh, mm, ss) - z.offsetMin * 60_000, end: z.end };
}

/** `Z`, `UTC`, `GMT`, `+hh:mm`, `+hhmm`, `+hh`. Offset in minutes east of UTC. */
function scanZone(s: string, p: number): { offsetMin: number; end: number } | null {
  const c = s.charCodeAt(p);
  if (c === 90 || c === 122) return { offsetMin: 0, end: p + 1 };
  if (s.startsWith('UTC', p) || s.startsWith('GMT', p)) return { offsetMin: 0, end: p + 3 };
  if (c !== 43 && c !== 45) return null;
  const hh = digits(s, p + 1, 2);
  if (hh < 0 || hh > 23) return null;
  let end = p + 3;
  let mm = 0;
  if (s.charCodeAt(end) === 58) {
    mm = digits(s, end + 1, 2);
    if (mm < 0) return null;
    end += 3;
  } else if (digits(s, end, 2) >= 0) {
    mm = digits(s, end, 2);
    end += 2;
  }
  if (mm > 59) return null;
  const off = hh * 60 + mm;
  return { offsetMin: c === 45 ? -off : off, end };
}

/** Fraction digits after the separator; milliseconds are the first three, the rest dropped. */
function scanFraction(s: string, p: number): { ms: number; end: number } {
  let ms = 0;
  let n = 0;
  while (isDigit(s.charCodeAt(p))) {
    if (n < 3) ms = ms * 10 + (s.charCodeAt(p) - 48);
    n++;
    p++;
  }
  while (n < 3) {
    ms *= 10;
    n++;
  }
  return { ms, end: p };
}

/** Three-letter English month name at s[i] (any case), 0-based; -1 when none. */
function monthAt(s: string, i: number): number {
  if (i + 3 > s.length) return -1;
  const m = MONTHS.get(s.slice(i, i + 3).toLowerCase());
  return m === undefined ? -1 : m;
}

/** n decimal digits at s[i] as a number; -1 when any is not a digit. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k);
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}
