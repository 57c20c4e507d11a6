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
 * - Application-log shapes, read only where a line starts (see the scanners below): `ctime`
 *   (`Sun Dec 04 04:47:44 2005`), `yyMMdd HHmmss`, `yy/MM/dd HH:mm:ss`, `MM-dd HH:mm:ss.SSS`,
 *   `MMdd HH:mm:ss.ffffff` (glog), `MM.dd HH:mm:ss`, `yyyyMMdd-HH:mm:ss:SSS`,
 *   `yyyy-MM-dd-HH.mm.ss.ffffff`. Year-less ones get the year as month-first dates do.
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
export function withInferredYear(receivedAt: number, mon: number, d: number, hh: number, mm: number, ss: number, frac: number, offsetMin: number): number | null {
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

/** Epoch ms of a dated wall-clock time read as UTC; null when a part is out of range. */
function utc(y: number, mo: number, d: number, hh: number, mm: number, ss: number, frac: number): number | null {
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return null;
  return Date.UTC(y, mo - 1, d, hh, mm, ss, frac);
}

/** `hh:mm:ss` at s[p] (separator `sep`) → [hh, mm, ss], or null. */
function clock(s: string, p: number, sep: number): [number, number, number] | null {
  if (s.charCodeAt(p + 2) !== sep || s.charCodeAt(p + 5) !== sep) return null;
  const hh = digits(s, p, 2);
  const mm = digits(s, p + 3, 2);
  const ss = digits(s, p + 6, 2);
  if (hh < 0 || mm < 0 || ss < 0) return null;
  return [hh, mm, ss];
}

/** `.fff…` (or the given separator) at s[p]: the milliseconds and the end, or none. */
function optFraction(s: string, p: number, sep: number): { ms: number; end: number } {
  if (s.charCodeAt(p) === sep && isDigit(s.charCodeAt(p + 1))) return scanFraction(s, p + 1);
  return { ms: 0, end: p };
}

/** ctime as Apache 2.x writes it: `Www Mmm dd hh:mm:ss[.ffffff] yyyy` (day may be space-padded). */
export function scanCtime(s: string, i: number): Scan | null {
  if (!isLetter(s.charCodeAt(i)) || s.charCodeAt(i + 3) !== 32) return null;
  const mon = monthAt(s, i + 4);
  if (mon < 0 || s.charCodeAt(i + 7) !== 32) return null;
  let p = i + 8;
  if (s.charCodeAt(p) === 32) p++;
  let d = digits(s, p, 2);
  if (d >= 0 && s.charCodeAt(p + 2) === 32) p += 3;
  else if (isDigit(s.charCodeAt(p)) && s.charCodeAt(p + 1) === 32) {
    d = s.charCodeAt(p) - 48;
    p += 2;
  } else return null;
  const t = clock(s, p, 58);
  if (t === null) return null;
  const f = optFraction(s, p + 8, 46);
  if (s.charCodeAt(f.end) !== 32) return null;
  const y = digits(s, f.end + 1, 4);
  const ms = utc(y, mon + 1, d, t[0], t[1], t[2], f.ms);
  return ms === null ? null : { ms, end: f.end + 5 };
}

/** HDFS: `yyMMdd HHmmss` (20yy). */
export function scanCompactDateTime(s: string, i: number): Scan | null {
  if (s.charCodeAt(i + 6) !== 32) return null;
  const y = digits(s, i, 2);
  const mo = digits(s, i + 2, 2);
  const d = digits(s, i + 4, 2);
  const hh = digits(s, i + 7, 2);
  const mm = digits(s, i + 9, 2);
  const ss = digits(s, i + 11, 2);
  if (y < 0 || mo < 0 || d < 0 || hh < 0 || mm < 0 || ss < 0 || isDigit(s.charCodeAt(i + 13))) return null;
  const ms = utc(2000 + y, mo, d, hh, mm, ss, 0);
  return ms === null ? null : { ms, end: i + 13 };
}

/** Spark / log4j `yy/MM/dd HH:mm:ss[,.fff]` (20yy). */
export function scanShortSlashDate(s: string, i: number): Scan | null {
  if (s.charCodeAt(i + 2) !== 47 || s.charCodeAt(i + 5) !== 47 || s.charCodeAt(i + 8) !== 32) return null;
  const y = digits(s, i, 2);
  const mo = digits(s, i + 3, 2);
  const d = digits(s, i + 6, 2);
  const t = clock(s, i + 9, 58);
  if (y < 0 || mo < 0 || d < 0 || t === null) return null;
  let f = optFraction(s, i + 17, 46);
  if (f.end === i + 17) f = optFraction(s, i + 17, 44);
  const ms = utc(2000 + y, mo, d, t[0], t[1], t[2], f.ms);
  return ms === null ? null : { ms, end: f.end };
}

/**
 * Year-less `MM-dd HH:mm:ss.SSS` (Android logcat), `MMdd HH:mm:ss.ffffff` (glog, from i + 1 of
 * the level letter) and `MM.dd HH:mm:ss` (Proxifier): `dateSep` is the code between month and
 * day, or -1 for none. Year as for month-first dates.
 */
export function scanMonthDayTime(s: string, i: number, dateSep: number, receivedAt: number): Scan | null {
  const mo = digits(s, i, 2);
  let p = i + 2;
  if (dateSep >= 0) {
    if (s.charCodeAt(p) !== dateSep) return null;
    p++;
  }
  const d = digits(s, p, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || s.charCodeAt(p + 2) !== 32) return null;
  const t = clock(s, p + 3, 58);
  if (t === null || t[0] > 23 || t[1] > 59 || t[2] > 60) return null;
  const f = optFraction(s, p + 11, 46);
  const ms = withInferredYear(receivedAt, mo - 1, d, t[0], t[1], t[2], f.ms, 0);
  return ms === null ? null : { ms, end: f.end };
}

/**
 * `yyyyMMdd-HH:mm:ss:SSS`. The writer pads nothing after the date (Java's `H:m:s:S`): hours,
 * minutes and seconds may be one digit (`22:16:0:119`), the milliseconds 1–3 (`:7` = 7 ms).
 */
export function scanDashCompact(s: string, i: number): Scan | null {
  if (s.charCodeAt(i + 8) !== 45) return null;
  const y = digits(s, i, 4);
  const mo = digits(s, i + 4, 2);
  const d = digits(s, i + 6, 2);
  if (y < 0 || mo < 0 || d < 0) return null;
  const t: number[] = [];
  let p = i + 9;
  for (let k = 0; k < 3; k++) {
    if (k > 0) {
      if (s.charCodeAt(p) !== 58) return null;
      p++;
    }
    const start = p;
    let v = 0;
    while (p - start < 2 && isDigit(s.charCodeAt(p))) v = v * 10 + (s.charCodeAt(p++) - 48);
    if (p === start) return null;
    t.push(v);
  }
  let frac = 0;
  if (s.charCodeAt(p) === 58 && isDigit(s.charCodeAt(p + 1))) {
    p++;
    const start = p;
    while (p - start < 3 && isDigit(s.charCodeAt(p))) frac = frac * 10 + (s.charCodeAt(p++) - 48);
  }
  const ms = utc(y, mo, d, t[0]!, t[1]!, t[2]!, frac);
  return ms === null ? null : { ms, end: p };
}

/** IBM Blue Gene RAS `yyyy-MM-dd-HH.mm.ss.ffffff`. */
export function scanDottedIso(s: string, i: number): Scan | null {
  if (s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45 || s.charCodeAt(i + 10) !== 45) return null;
  const y = digits(s, i, 4);
  const mo = digits(s, i + 5, 2);
  const d = digits(s, i + 8, 2);
  const t = clock(s, i + 11, 46);
  if (y < 0 || mo < 0 || d < 0 || t === null) return null;
  const f = optFraction(s, i + 19, 46);
  const ms = utc(y, mo, d, t[0], t[1], t[2], f.ms);
  return ms === null ? null : { ms, end: f.end };
}

/** Whole epoch seconds of 9 or 10 digits at s[i], then a space (no fraction): ms, or null. */
export function scanEpochSeconds(s: string, i: number): Scan | null {
  let p = i;
  while (p - i < 11 && isDigit(s.charCodeAt(p))) p++;
  const n = p - i;
  if (n < 9 || n > 10 || s.charCodeAt(p) !== 32) return null;
  return { ms: Number(s.slice(i, p)) * 1000, end: p };
}

/**
 * Zone abbreviations loggers print after a zone-less stamp (PostgreSQL's `%m`, Java's `z`,
 * journald): minutes east of UTC. Only unambiguous readings are listed (IST is India, Ireland or
 * Israel: left out); CST/CDT are North America's, as PostgreSQL and Java print them there.
 */
const ZONE_ABBREVIATIONS: ReadonlyMap<string, number> = new Map([
  ['UTC', 0], ['GMT', 0], ['UT', 0], ['WET', 0], ['WEST', 60], ['BST', 60],
  ['CET', 60], ['CEST', 120], ['MET', 60], ['MEST', 120], ['EET', 120], ['EEST', 180], ['MSK', 180],
  ['EST', -300], ['EDT', -240], ['CST', -360], ['CDT', -300], ['MST', -420], ['MDT', -360],
  ['PST', -480], ['PDT', -420], ['AKST', -540], ['AKDT', -480], ['HST', -600],
  ['JST', 540], ['KST', 540], ['AEST', 600], ['AEDT', 660], ['NZST', 720], ['NZDT', 780],
]);

/** A zone abbreviation at s[i..end) → minutes east of UTC, or null when it is none we know. */
export function zoneAbbreviation(s: string, i: number, end: number): number | null {
  if (end - i < 2 || end - i > 4) return null;
  return ZONE_ABBREVIATIONS.get(s.slice(i, end)) ?? null;
}

/**
 * `d Mmm yyyy hh:mm:ss[.fff]` and the year-less `d Mmm hh:mm:ss[.fff]` (Redis:
 * `1:M 29 Aug 2026 13:47:38.984 * …`). Year-less stamps take the receive year (never in the future).
 */
export function scanDayMonthTime(s: string, i: number, receivedAt: number): Scan | null {
  let p = i;
  let d = digits(s, p, 2);
  if (d >= 0) p += 2;
  else if (isDigit(s.charCodeAt(p))) {
    d = s.charCodeAt(p) - 48;
    p++;
  } else return null;
  if (s.charCodeAt(p) !== 32) return null;
  const mon = monthAt(s, p + 1);
  if (mon < 0 || s.charCodeAt(p + 4) !== 32) return null;
  p += 5;
  let year = -1;
  const y = digits(s, p, 4);
  if (y >= 0 && s.charCodeAt(p + 4) === 32) {
    year = y;
    p += 5;
  }
  const t = clock(s, p, 58);
  if (t === null) return null;
  const f = optFraction(s, p + 8, 46);
  if (year >= 0) {
    const ms = utc(year, mon + 1, d, t[0], t[1], t[2], f.ms);
    return ms === null ? null : { ms, end: f.end };
  }
  if (d < 1 || d > 31) return null;
  const ms = withInferredYear(receivedAt, mon, d, t[0], t[1], t[2], f.ms, 0);
  return ms === null ? null : { ms, end: f.end };
}

/** glog with the year (glog ≥ 0.6): `yyyyMMdd hh:mm:ss.uuuuuu`. */
export function scanCompactYmd(s: string, i: number): Scan | null {
  if (s.charCodeAt(i + 8) !== 32) return null;
  const y = digits(s, i, 4);
  const mo = digits(s, i + 4, 2);
  const d = digits(s, i + 6, 2);
  const t = clock(s, i + 9, 58);
  if (y < 0 || t === null) return null;
  const f = optFraction(s, i + 17, 46);
  const ms = utc(y, mo, d, t[0], t[1], t[2], f.ms);
  return ms === null ? null : { ms, end: f.end };
}

/** MySQL ≤ 5.6 error log: `yyMMdd hh:mm:ss` with the hour space-padded (`140102  9:05:01`). */
export function scanMysqlStamp(s: string, i: number): Scan | null {
  if (s.charCodeAt(i + 6) !== 32) return null;
  const y = digits(s, i, 2);
  const mo = digits(s, i + 2, 2);
  const d = digits(s, i + 4, 2);
  if (y < 0 || mo < 0 || d < 0) return null;
  let p = i + 7;
  let hh = digits(s, p, 2);
  if (hh < 0 && s.charCodeAt(p) === 32 && isDigit(s.charCodeAt(p + 1))) hh = s.charCodeAt(p + 1) - 48;
  if (hh < 0 || s.charCodeAt(p + 2) !== 58 || s.charCodeAt(p + 5) !== 58) return null;
  const mm = digits(s, p + 3, 2);
  const ss = digits(s, p + 6, 2);
  p += 8;
  if (isDigit(s.charCodeAt(p))) return null;
  const ms = utc(2000 + y, mo, d, hh, mm, ss, 0);
  return ms === null ? null : { ms, end: p };
}
