import { describe, expect, test } from 'vitest';
import { CronError, parseCron, windowCovers, zonedToUtc } from '../../src/core/cron.js';

const H = 3_600_000;
const at = (iso: string): number => Date.parse(iso);

describe('parseCron', () => {
  test.each<[string, RegExp]>([
    ['', /0 fields|1 fields/],
    ['0 2 * *', /4 fields/],
    ['0 2 * * * *', /6 fields/],
    ['60 2 * * *', /minute: 60 is outside 0-59/],
    ['0 24 * * *', /hour: 24 is outside 0-23/],
    ['0 0 0 * *', /day of month: 0 is outside 1-31/],
    ['0 0 * 13 *', /month: 13 is outside 1-12/],
    ['0 0 * * 8', /day of week: 8 is outside 0-7/],
    ['0 5-1 * * *', /runs backwards/],
    ['*/0 * * * *', /step must be at least 1/],
    ['x * * * *', /minute: "x" is not a number/],
    ['0 0 * * fun', /day of week: "fun" is not a number or a name/],
  ])('%j is refused: %s', (expr, message) => {
    expect(() => parseCron(expr)).toThrow(CronError);
    expect(() => parseCron(expr)).toThrow(message);
  });

  test.each<[string, Partial<Record<'minutes' | 'hours', number[]>> & { weekdays?: number[]; months?: number[] }]>([
    ['0 2 * * 6', { minutes: [0], hours: [2], weekdays: [6] }],
    ['*/15 1-2 * * *', { minutes: [0, 15, 30, 45], hours: [1, 2] }],
    ['5,10 0 * * 7', { minutes: [5, 10], weekdays: [0] }],
    ['0 0 * jan,DEC sat-sun', { months: [1, 12] }],
    ['30 22/1 * * mon-fri', { hours: [22, 23], weekdays: [1, 2, 3, 4, 5] }],
  ])('%j', (expr, want) => {
    const s = parseCron(expr);
    if (want.minutes) expect(s.minutes).toEqual(want.minutes);
    if (want.hours) expect(s.hours).toEqual(want.hours);
    if (want.weekdays) expect([...s.weekdays].sort()).toEqual(want.weekdays);
    if (want.months) expect([...s.months].sort((a, b) => a - b)).toEqual(want.months);
  });
});

describe('zonedToUtc', () => {
  test.each<[string, string, string]>([
    ['UTC', '2024-06-01T02:00:00Z', '2024-06-01T02:00:00.000Z'],
    ['Europe/Berlin', '2024-06-01T02:00:00Z', '2024-06-01T00:00:00.000Z'],
    ['Europe/Berlin', '2024-01-01T02:00:00Z', '2024-01-01T01:00:00.000Z'],
    // Spring forward (31 March 2024, 02:00 -> 03:00): 02:30 does not exist; it starts at 03:30 CEST.
    ['Europe/Berlin', '2024-03-31T02:30:00Z', '2024-03-31T01:30:00.000Z'],
    // Fall back (27 October 2024, 03:00 -> 02:00): 02:30 happens twice; the first one counts.
    ['Europe/Berlin', '2024-10-27T02:30:00Z', '2024-10-27T00:30:00.000Z'],
    ['America/New_York', '2024-11-03T01:30:00Z', '2024-11-03T05:30:00.000Z'],
  ])('%s wall %s -> %s', (zone, wall, utc) => expect(new Date(zonedToUtc(zone, at(wall))).toISOString()).toBe(utc));
});

describe('windowCovers', () => {
  // Edges first: the boundaries, then midnight, weekdays, and days that change the clock.
  test.each<[string, string, number, string, boolean]>([
    ['0 2 * * 6', 'UTC', 2 * H, '2024-06-01T01:59:59.999Z', false], // a Saturday, just before
    ['0 2 * * 6', 'UTC', 2 * H, '2024-06-01T02:00:00.000Z', true], // the start is inside
    ['0 2 * * 6', 'UTC', 2 * H, '2024-06-01T03:59:59.999Z', true],
    ['0 2 * * 6', 'UTC', 2 * H, '2024-06-01T04:00:00.000Z', false], // the end is outside
    ['0 2 * * 6', 'UTC', 2 * H, '2024-06-02T02:30:00.000Z', false], // Sunday
    ['0 2 * * 6', 'Europe/Berlin', 2 * H, '2024-06-01T00:30:00.000Z', true], // 02:30 CEST
    ['0 2 * * 6', 'Europe/Berlin', 2 * H, '2024-06-01T02:30:00.000Z', false], // 04:30 CEST
    // Crossing midnight: 23:00 Friday for 3 hours covers 01:59 Saturday, not 02:00.
    ['0 23 * * 5', 'UTC', 3 * H, '2024-06-01T01:59:00.000Z', true],
    ['0 23 * * 5', 'UTC', 3 * H, '2024-06-01T02:00:00.000Z', false],
    ['0 23 * * 5', 'UTC', 3 * H, '2024-05-31T22:59:00.000Z', false],
    // Crossing the end of a month and a year.
    ['30 23 31 12 *', 'UTC', H, '2025-01-01T00:15:00.000Z', true],
    // Spring forward in Berlin: 02:30 local is skipped; the window starts 03:30 CEST (01:30Z).
    ['30 2 * * *', 'Europe/Berlin', H, '2024-03-31T01:29:00.000Z', false],
    ['30 2 * * *', 'Europe/Berlin', H, '2024-03-31T01:30:00.000Z', true],
    ['30 2 * * *', 'Europe/Berlin', H, '2024-03-31T02:29:00.000Z', true],
    // Fall back: 02:30 happens at 00:30Z and 01:30Z; the window opens at the first for one hour.
    ['30 2 * * *', 'Europe/Berlin', H, '2024-10-27T00:30:00.000Z', true],
    ['30 2 * * *', 'Europe/Berlin', H, '2024-10-27T01:45:00.000Z', false],
    // A day with two starts: the later one decides; both last an hour.
    ['0 1,3 * * *', 'UTC', H, '2024-06-01T02:30:00.000Z', false],
    ['0 1,3 * * *', 'UTC', H, '2024-06-01T03:30:00.000Z', true],
    // Day of month OR day of week when both are given (Vixie cron).
    ['0 0 1 * 1', 'UTC', H, '2024-06-03T00:10:00.000Z', true], // Monday 3 June
    ['0 0 1 * 1', 'UTC', H, '2024-06-01T00:10:00.000Z', true], // the 1st, a Saturday
    ['0 0 1 * 1', 'UTC', H, '2024-06-04T00:10:00.000Z', false],
    // A week-long window.
    ['0 0 * * 0', 'UTC', 7 * 24 * H - 1, '2024-06-08T23:59:00.000Z', true],
  ])('%s in %s for %dms covers %s: %s', (cron, zone, duration, t, want) => {
    expect(windowCovers(parseCron(cron), zone, duration, at(t))).toBe(want);
  });
});
