import { describe, expect, test } from 'vitest';
import {
  DAY_MS,
  epochToMs,
  isAbsurdTs,
  parseEpochString,
  parseTimestamp,
  scanCompactDateTime,
  scanCompactYmd,
  scanDayMonthTime,
  scanMysqlStamp,
  zoneAbbreviation,
  scanCtime,
  scanDashCompact,
  scanDottedIso,
  scanEpochSeconds,
  scanIso,
  scanMonthDayTime,
  scanMonthFirst,
  scanShortSlashDate,
  type Scan,
} from '../../src/core/time.js';

const R = Date.UTC(2024, 0, 2, 0, 0, 0); // receive time used where a year must be inferred
const T = Date.UTC(2024, 0, 1, 12, 0, 0); // 2024-01-01T12:00:00Z = 1704110400 s

describe('parseTimestamp', () => {
  test.each([
    // empty and junk first
    ['', null],
    ['   ', null],
    ['not a date', null],
    ['2024-13-01T00:00:00Z', null],
    ['2024-02-30', null],
    ['2024-01-01T25:00:00Z', null],
    ['2024-01-01T12:60:00Z', null],
    ['2024-01-01T12:00:00+25:00', null],
    ['2024-01-01T', null],
    ['2024-01-01T12:00:00Zjunk', null],
    ['1704110400abc', null],
    ['1704110400.', null],
    ['123456789012345678901', null], // 21 digits
    // ISO 8601 / RFC 3339
    ['2024-01-01T12:00:00Z', T],
    ['2024-01-01t12:00:00z', T],
    ['2024-01-01T12:00:00', T], // no zone = UTC
    ['2024-01-01 12:00:00', T],
    ['2024/01/01 12:00:00', T],
    ['2024-01-01T12:00', T],
    ['2024-01-01', Date.UTC(2024, 0, 1)],
    ['2024-01-01T12:00:00.5Z', T + 500],
    ['2024-01-01T12:00:00.123456789Z', T + 123],
    ['2024-01-01 12:00:00,123', T + 123],
    ['2024-01-01T13:00:00+01:00', T],
    ['2024-01-01T13:30:00+0130', T],
    ['2024-01-01T07:00:00-05', T],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['  2024-01-01T12:00:00Z  ', T],
    // epoch numeric strings by length
    ['1704110400', T],
    ['1704110400.25', T + 250],
    ['1704110400000', T],
    ['1704110400000123', T],
    ['1704110400000123456', T],
    ['0', 0],
    // month first (3164, CEF)
    ['Jan 01 2024 12:00:00', T],
    ['Jan  1 2024 12:00:00.250', T + 250],
    ['jan 01 2024 12:00:00 UTC', T],
    ['Jan 01 2024 13:00:00 +01:00', T],
    ['Jan 01 12:00:00', T],
    ['Jan 01 2024 12:00:00 PST', null], // named zones other than UTC/GMT are not guessed
    // RFC 2822 / HTTP, common log format
    ['Mon, 01 Jan 2024 12:00:00 GMT', T],
    ['01 Jan 2024 13:00:00 +0100', T],
    ['01/Jan/2024:12:00:00 +0000', T],
    ['01/Jan/2024:14:00:00 +0200', T],
  ])('%j → %s', (input, expected) => {
    expect(parseTimestamp(input, R)).toBe(expected);
  });

  test.each([
    [1704110400, T],
    [1704110400.75, T + 750],
    [1704110400000, T],
    [1704110400000123, T],
    [1.704110400000123e18, T],
    [NaN, null],
    [Infinity, null],
    [1e21, null],
  ])('number %s → %s', (input, expected) => {
    expect(parseTimestamp(input, R)).toBe(expected);
  });

  test.each([[null], [undefined], [true], [{}], [[1704110400]]])('non-timestamp value %j → null', (v) => {
    expect(parseTimestamp(v, R)).toBeNull();
  });
});

describe('epoch helpers', () => {
  test.each([
    [0, 0],
    [-1, -1000],
    [99_999_999_999, 99_999_999_999_000], // 11 digits: still seconds
    [100_000_000_000, 100_000_000_000], // 12 digits: milliseconds
  ])('epochToMs(%s) = %s', (n, ms) => expect(epochToMs(n)).toBe(ms));

  test.each([
    ['-1704110400', -T],
    ['', null],
    ['-', null],
    ['12.3.4', null],
  ])('parseEpochString(%j) = %s', (s, ms) => expect(parseEpochString(s)).toBe(ms));
});

describe('RFC 3164 year inference (no year in the text)', () => {
  const at = (iso: string) => Date.parse(iso);
  test.each([
    ['Dec 31 23:59:00', '2024-01-01T00:30:00Z', '2023-12-31T23:59:00.000Z'],
    ['Jan  1 00:10:00', '2024-01-01T00:30:00Z', '2024-01-01T00:10:00.000Z'],
    ['Jan  2 00:20:00', '2024-01-01T00:30:00Z', '2024-01-02T00:20:00.000Z'], // < 1 day ahead: same year
    ['Jan  3 00:00:00', '2024-01-01T00:30:00Z', '2023-01-03T00:00:00.000Z'], // > 1 day ahead: year before
    ['Feb 29 10:00:00', '2025-01-10T00:00:00Z', '2024-02-29T10:00:00.000Z'], // not in 2025
    ['Feb 29 10:00:00', '2024-03-01T00:00:00Z', '2024-02-29T10:00:00.000Z'],
  ])('%j received %s → %s', (text, received, expected) => {
    const r = scanMonthFirst(text, 0, at(received), false);
    expect(r && new Date(r.ms).toISOString()).toBe(expected);
  });

  test('a Feb 29 that fits neither year is rejected', () => {
    expect(scanMonthFirst('Feb 29 10:00:00', 0, at('2023-06-01T00:00:00Z'), false)).toBeNull();
  });

  test('day 0 and day 32 are rejected', () => {
    expect(scanMonthFirst('Jan  0 10:00:00', 0, R, false)).toBeNull();
    expect(scanMonthFirst('Jan 32 10:00:00', 0, R, false)).toBeNull();
  });
});

describe('scanIso stops where the timestamp ends', () => {
  test.each([
    ['2024-01-01T12:00:00Z host', 20],
    ['2024-01-01 12:00:00 rest', 19],
    ['2024-01-01T12:00:00.123+01:00]', 29],
  ])('%j ends at %i', (s, end) => {
    expect(scanIso(s, 0, true)?.end).toBe(end);
  });

  test('without spaceSep the date alone is taken', () => {
    expect(scanIso('2024-01-01 12:00:00', 0, false)).toEqual({ ms: Date.UTC(2024, 0, 1), end: 10 });
  });
});

describe('isAbsurdTs', () => {
  test.each([
    [Date.UTC(1999, 11, 31, 23, 59, 59), true],
    [Date.UTC(2000, 0, 1), false],
    [R, false],
    [R + DAY_MS, false],
    [R + DAY_MS + 1, true],
    [NaN, true],
    [Infinity, true],
  ])('%s → %s (default skew one day)', (ts, absurd) => {
    expect(isAbsurdTs(ts, R)).toBe(absurd);
  });

  test('a custom skew', () => {
    expect(isAbsurdTs(R + 61_000, R, 60_000)).toBe(true);
    expect(isAbsurdTs(R + 59_000, R, 60_000)).toBe(false);
  });
});

describe('application-line stamps', () => {
  const at = (y: number, mo: number, d: number, h = 12, mi = 0, sec = 0, ms = 0) => Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  test.each<[string, (s: string) => Scan | null, string, number | null, number]>([
    // edges first: out-of-range parts and truncated input are refused
    ['ctime: bad month', (s) => scanCtime(s, 0), 'Mon Foo 01 12:00:00 2024', null, 0],
    ['ctime: truncated', (s) => scanCtime(s, 0), 'Mon Jan 01 12:00:00', null, 0],
    ['ctime: Feb 30', (s) => scanCtime(s, 0), 'Fri Feb 30 12:00:00 2024', null, 0],
    ['ctime', (s) => scanCtime(s, 0), 'Mon Jan 01 12:00:00 2024] x', T, 24],
    ['ctime: padded day, microseconds', (s) => scanCtime(s, 0), 'Mon Jan  1 12:00:00.123456 2024', T + 123, 31],
    ['yyMMdd HHmmss: 7-digit time refused', (s) => scanCompactDateTime(s, 0), '240101 1200000 x', null, 0],
    ['yyMMdd HHmmss: hour 24', (s) => scanCompactDateTime(s, 0), '240101 240000 x', null, 0],
    ['yyMMdd HHmmss', (s) => scanCompactDateTime(s, 0), '240101 120000 148 INFO', T, 13],
    ['yy/MM/dd', (s) => scanShortSlashDate(s, 0), '24/01/01 12:00:00 INFO', T, 17],
    ['yy/MM/dd: month 13', (s) => scanShortSlashDate(s, 0), '24/13/01 12:00:00 INFO', null, 0],
    ['MM-dd (logcat), year inferred', (s) => scanMonthDayTime(s, 0, 45, R), '01-01 12:00:00.811  1 2', T + 811, 18],
    ['MMdd (glog)', (s) => scanMonthDayTime(s, 0, -1, R), '0101 12:00:00.123456 7', T + 123, 20],
    ['MM.dd (Proxifier)', (s) => scanMonthDayTime(s, 0, 46, R), '01.01 12:00:00]', T, 14],
    ['MM-dd: month 00', (s) => scanMonthDayTime(s, 0, 45, R), '00-01 12:00:00.811', null, 0],
    ['MM-dd: a stamp later in the year than the receive time is last year', (s) => scanMonthDayTime(s, 0, 45, R), '12-31 12:00:00.000', at(2023, 12, 31), 18],
    ['yyyyMMdd-HH:mm:ss:SSS', (s) => scanDashCompact(s, 0), '20240101-12:00:00:606|x', T + 606, 21],
    ['yyyyMMdd-HH:mm:ss:S unpadded millis', (s) => scanDashCompact(s, 0), '20240101-12:00:00:7|x', T + 7, 19],
    ['yyyyMMdd-: bad day', (s) => scanDashCompact(s, 0), '20240132-12:00:00:7|x', null, 0],
    ['yyyyMMdd-H:m:s:S unpadded seconds', (s) => scanDashCompact(s, 0), '20240101-12:00:5:119|x', T + 5119, 20],
    ['yyyyMMdd-H:m:s:S unpadded everything', (s) => scanDashCompact(s, 0), '20240101-7:3:5:12|x', T - 5 * 3_600_000 + 3 * 60_000 + 5012, 17],
    ['yyyyMMdd-: minutes out of range', (s) => scanDashCompact(s, 0), '20240101-12:60:00:1|x', null, 0],
    ['yyyyMMdd-: three-digit hour', (s) => scanDashCompact(s, 0), '20240101-123:00:00:1|x', null, 0],
    ['BGL dotted', (s) => scanDottedIso(s, 0), '2024-01-01-12.00.00.675872 R', T + 675, 26],
    ['BGL dotted: colon separators refused', (s) => scanDottedIso(s, 0), '2024-01-01-12:00:00.675872', null, 0],
    ['epoch seconds (10 digits)', (s) => scanEpochSeconds(s, 0), '1704110400 x', T, 10],
    ['epoch seconds: 11 digits refused', (s) => scanEpochSeconds(s, 0), '17041104000 x', null, 0],
    ['epoch seconds: needs a space', (s) => scanEpochSeconds(s, 0), '1704110400', null, 0],
  ])('%s', (_name, scan, text, ms, end) => {
    const r = scan(text);
    if (ms === null) expect(r).toBeNull();
    else expect(r).toEqual({ ms, end });
  });
});

describe('server stamps (Redis, glog with the year, MySQL 5.x) and zone abbreviations', () => {
  test.each<[string, (s: string) => Scan | null, string, number | null, number]>([
    ['d Mmm yyyy: bad month', (s) => scanDayMonthTime(s, 0, R), '1 Foo 2024 12:00:00.000 *', null, 0],
    ['d Mmm yyyy: 31 Feb', (s) => scanDayMonthTime(s, 0, R), '31 Feb 2024 12:00:00.000 *', null, 0],
    ['d Mmm yyyy: hour 25', (s) => scanDayMonthTime(s, 0, R), '01 Jan 2024 25:00:00.000 *', null, 0],
    ['d Mmm yyyy hh:mm:ss.mmm', (s) => scanDayMonthTime(s, 0, R), '01 Jan 2024 12:00:00.042 * x', T + 42, 24],
    ['single-digit day', (s) => scanDayMonthTime(s, 0, R), '1 Jan 2024 12:00:00 # x', T, 19],
    ['year-less, inferred never in the future', (s) => scanDayMonthTime(s, 0, R), '31 Dec 12:00:00.000 #', Date.UTC(2023, 11, 31, 12), 19],
    ['yyyyMMdd hh:mm:ss.uuuuuu', (s) => scanCompactYmd(s, 0), '20240101 12:00:00.000250 7', T, 24],
    ['yyyyMMdd: month 13', (s) => scanCompactYmd(s, 0), '20241301 12:00:00.0 7', null, 0],
    ['yyMMdd hh:mm:ss', (s) => scanMysqlStamp(s, 0), '240101 12:00:00 [Note]', T, 15],
    ['yyMMdd with a space-padded hour', (s) => scanMysqlStamp(s, 0), '240101  9:30:00 [Note]', T - 2.5 * 3_600_000, 15],
    ['yyMMdd: day 32', (s) => scanMysqlStamp(s, 0), '240132 12:00:00 [Note]', null, 0],
    ['yyMMdd: digits run on', (s) => scanMysqlStamp(s, 0), '240101 12:00:001', null, 0],
  ])('%s', (_name, scan, text, ms, end) => {
    const r = scan(text);
    if (ms === null) expect(r).toBeNull();
    else expect(r).toEqual({ ms, end });
  });

  test.each<[string, number | null]>([
    ['UTC', 0], ['PDT', -420], ['CEST', 120], ['JST', 540],
    ['IST', null], ['ABC', null], ['U', null], ['UTCXX', null],
  ])('%s', (word, offset) => {
    expect(zoneAbbreviation(word, 0, word.length)).toBe(offset);
  });
});
