/**
 * The five-field cron subset maintenance windows start on, evaluated in a time zone. Pure; the
 * zone's rules come from the runtime's Intl data. Written here because no cron parser is a
 * dependency (cron-parser and croner exist on npm; adding one is the lead's call).
 *
 *   minute hour day-of-month month day-of-week
 *   0-59   0-23 1-31         1-12  0-7 (0 and 7 are Sunday)
 *
 * Each field: `*`, a number, a range `a-b`, a step `*\/n` or `a-b/n`, or a comma list of these;
 * months and weekdays also by English three-letter names (`jan`, `sat`). As in Vixie cron, when
 * both day-of-month and day-of-week are restricted a day matching either one matches.
 *
 * Daylight saving: a start time that does not exist that day (02:30 when clocks skip from 02:00
 * to 03:00) starts when the clock jumps past it (03:30, as many crons run skipped jobs); a start
 * time that happens twice (01:30 when clocks go back) starts at its first occurrence.
 */

export interface CronSpec {
  /** The expression as given (for messages). */
  source: string;
  minutes: readonly number[];
  hours: readonly number[];
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 Sunday … 6 Saturday. */
  weekdays: ReadonlySet<number>;
  daysRestricted: boolean;
  weekdaysRestricted: boolean;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldDef {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** What a name's index adds (months are 1-based). */
  nameBase?: number;
}

const FIELDS: readonly FieldDef[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAY_NAMES, nameBase: 0 },
];

export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronError';
  }
}

function parseValue(s: string, f: FieldDef): number {
  const lower = s.toLowerCase();
  const named = f.names?.indexOf(lower) ?? -1;
  if (named >= 0) return named + (f.nameBase ?? 0);
  if (!/^\d{1,2}$/.test(s)) throw new CronError(`${f.name}: "${s}" is not a number${f.names ? ' or a name' : ''}`);
  const n = Number(s);
  if (n < f.min || n > f.max) throw new CronError(`${f.name}: ${n} is outside ${f.min}-${f.max}`);
  return n;
}

function parseField(text: string, f: FieldDef): { values: number[]; restricted: boolean } {
  const out = new Set<number>();
  let restricted = true;
  for (const part of text.split(',')) {
    const m = /^([^/]+)(?:\/(\d{1,2}))?$/.exec(part);
    if (m === null) throw new CronError(`${f.name}: "${part}" is not a value, range or step`);
    const [, range, stepText] = m as unknown as [string, string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw new CronError(`${f.name}: the step must be at least 1`);
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = f.min;
      hi = f.max;
      if (stepText === undefined && text === '*') restricted = false;
    } else if (range.includes('-')) {
      const [a, b, ...rest] = range.split('-');
      if (rest.length > 0 || a === undefined || b === undefined) throw new CronError(`${f.name}: "${range}" is not a range`);
      lo = parseValue(a, f);
      hi = parseValue(b, f);
      if (f.max === 7 && hi === 0 && lo > 0) hi = 7; // `sat-sun`: Sunday ends a weekday range as 7
      if (lo > hi) throw new CronError(`${f.name}: the range ${range} runs backwards`);
    } else {
      lo = parseValue(range, f);
      hi = stepText === undefined ? lo : f.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return { values: [...out].sort((a, b) => a - b), restricted };
}

/** Parses a five-field expression; throws CronError saying which field is wrong. */
export function parseCron(expr: string): CronSpec {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) throw new CronError(`"${expr}" has ${fields.length} fields; expected 5 (minute hour day-of-month month day-of-week)`);
  const [mi, h, dom, mon, dow] = fields.map((t, i) => parseField(t, FIELDS[i]!)) as [ReturnType<typeof parseField>, ReturnType<typeof parseField>, ReturnType<typeof parseField>, ReturnType<typeof parseField>, ReturnType<typeof parseField>];
  return {
    source: expr,
    minutes: mi.values,
    hours: h.values,
    days: new Set(dom.values),
    months: new Set(mon.values),
    weekdays: new Set(dow.values.map((d) => d % 7)),
    daysRestricted: dom.restricted,
    weekdaysRestricted: dow.restricted,
  };
}

// ---- time zones ---------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether the runtime knows the zone (an IANA name like Europe/Berlin, or UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's wall clock at an instant, as if it were UTC (epoch ms, seconds dropped). */
function wallClock(zone: string, t: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}

/** Offset of the zone from UTC at an instant, ms (wall clock minus UTC), to the second. */
function offsetAt(zone: string, t: number): number {
  const whole = Math.floor(t / 1000) * 1000;
  return wallClock(zone, whole) - whole;
}

const HALF_DAY = 12 * 3_600_000;

/**
 * The instant a wall-clock time (given as if UTC) happens in the zone: the earlier of two when
 * it happens twice; for one skipped by a jump forward, the instant the clock jumps past it.
 */
export function zonedToUtc(zone: string, wall: number): number {
  const before = offsetAt(zone, wall - HALF_DAY);
  const after = offsetAt(zone, wall + HALF_DAY);
  const candidates = [wall - before, wall - after].filter((c) => offsetAt(zone, c) + c === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before; // in the gap: the old offset lands as far past the jump as the time was into it
}

// ---- windows ------------------------------------------------------------------------------

const DAY = 86_400_000;
const MINUTE = 60_000;

function dayMatches(spec: CronSpec, wallDay: number): boolean {
  const d = new Date(wallDay);
  if (!spec.months.has(d.getUTCMonth() + 1)) return false;
  const dom = spec.days.has(d.getUTCDate());
  const dow = spec.weekdays.has(d.getUTCDay());
  if (spec.daysRestricted && spec.weekdaysRestricted) return dom || dow;
  if (spec.daysRestricted) return dom;
  if (spec.weekdaysRestricted) return dow;
  return true;
}

/**
 * The latest start of the schedule at or before `t` (epoch ms), looking back at most
 * `lookbackMs`; null when there is none in that span.
 */
export function lastStartAtOrBefore(spec: CronSpec, zone: string, t: number, lookbackMs: number): number | null {
  const wallNow = wallClock(zone, t);
  const today = Math.floor(wallNow / DAY) * DAY;
  // A day more than the span: the zone's offset and a skipped hour can move a start across midnight.
  const days = Math.ceil(lookbackMs / DAY) + 2;
  for (let i = 0; i <= days; i++) {
    const day = today - i * DAY;
    if (!dayMatches(spec, day)) continue;
    for (let h = spec.hours.length - 1; h >= 0; h--) {
      for (let m = spec.minutes.length - 1; m >= 0; m--) {
        const start = zonedToUtc(zone, day + spec.hours[h]! * 3_600_000 + spec.minutes[m]! * MINUTE);
        if (start > t) continue;
        if (t - start > lookbackMs + DAY) return null;
        return start;
      }
    }
  }
  return null;
}

/**
 * Whether a window of `durationMs` opening at each start of the schedule covers `t`:
 * start <= t < start + duration. Windows of one schedule that overlap are one long window.
 */
export function windowCovers(spec: CronSpec, zone: string, durationMs: number, t: number): boolean {
  // The latest start at or before t decides: an earlier one ends no later than it does.
  const start = lastStartAtOrBefore(spec, zone, t, durationMs);
  return start !== null && t < start + durationMs;
}
