/**
 * Silences and maintenance windows: what mutes an alert's notifications. Pure data and rules;
 * the store keeps silences (src/store/silence-store.ts), the config holds the windows
 * (detection.maintenance_windows), and the alert writer asks `mutedBy` for each alert it opens
 * or updates. A muted alert is still stored, marked with what muted it (`silenced_by`), and
 * the notification outbox skips it. Times are epoch milliseconds UTC.
 *
 * Matchers are ANDed; inside one, any listed value matches. Rule ids and hosts take `*` globs,
 * case-insensitive; an absent or empty list matches anything. A silence needs at least one
 * matcher, so nobody silences everything by leaving the form empty.
 */
import { SEVERITIES, type Severity } from './event.js';
import { CronError, isTimeZone, parseCron, windowCovers, type CronSpec } from './cron.js';

export interface SilenceMatchers {
  /** Rule ids or `*` globs (`sigma.*`). */
  rules?: readonly string[];
  /** Host names or `*` globs (`web-*`). An alert without a host matches only when this is absent. */
  hosts?: readonly string[];
  severities?: readonly Severity[];
}

export const SILENCE_STATES = ['pending', 'active', 'expired'] as const;
export type SilenceState = (typeof SILENCE_STATES)[number];

/** A stored silence (a row of the silences table). */
export interface Silence {
  id: number;
  matchers: SilenceMatchers;
  /** The silence mutes from starts_at (inclusive) to ends_at (exclusive). */
  starts_at: number;
  ends_at: number;
  /** The token subject (API) or the OS user (CLI) who made it, and why. */
  created_by: string;
  created_at: number;
  comment: string;
  /** Who ended it early, and when; null while it runs its course. */
  expired_by: string | null;
  expired_at: number | null;
}

/** What a new silence is made of; the store adds the id and the audit fields. */
export interface NewSilence {
  matchers: SilenceMatchers;
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
}

/** A recurring window from the config: opens at each start of `cron` in `time_zone`, for `duration_ms`. */
export interface MaintenanceWindow {
  name: string;
  cron: string;
  duration_ms: number;
  time_zone: string;
  matchers: SilenceMatchers;
  comment: string;
}

/** What a silence is matched against. */
export interface MuteTarget {
  rule_id: string;
  host: string | null;
  severity: Severity;
}

/** The longest a silence may last, ms (a year: an appliance that forgets a silence stays deaf no longer). */
export const MAX_SILENCE_MS = 366 * 86_400_000;
/** The longest a maintenance window may last, ms (a week). */
export const MAX_WINDOW_MS = 7 * 86_400_000;
/** Most values in one matcher list. */
export const MAX_MATCHER_VALUES = 100;

export function silenceState(s: Pick<Silence, 'starts_at' | 'ends_at'>, now: number): SilenceState {
  if (now < s.starts_at) return 'pending';
  return now < s.ends_at ? 'active' : 'expired';
}

const globs = new Map<string, RegExp>();

/** `*` globs, case-insensitive, whole string; other characters are literal. */
export function globMatches(pattern: string, value: string): boolean {
  const p = pattern.toLowerCase();
  const v = value.toLowerCase();
  if (!p.includes('*')) return p === v;
  let re = globs.get(p);
  if (re === undefined) {
    re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
    if (globs.size > 10_000) globs.clear();
    globs.set(p, re);
  }
  return re.test(v);
}

function anyOf(list: readonly string[] | undefined, value: string | null): boolean {
  if (list === undefined || list.length === 0) return true;
  if (value === null) return false;
  return list.some((p) => globMatches(p, value));
}

export function matchesTarget(m: SilenceMatchers, t: MuteTarget): boolean {
  if (!anyOf(m.rules, t.rule_id)) return false;
  if (!anyOf(m.hosts, t.host)) return false;
  return m.severities === undefined || m.severities.length === 0 || m.severities.includes(t.severity);
}

export function hasMatcher(m: SilenceMatchers): boolean {
  return (m.rules?.length ?? 0) > 0 || (m.hosts?.length ?? 0) > 0 || (m.severities?.length ?? 0) > 0;
}

/**
 * Whether every host the matchers can match is inside a host scope (`*` globs). A scoped caller
 * must name hosts, each covered by a scope pattern read with the host pattern's `*` as a plain
 * character: a scope pattern that matches the text `web-*` matches every host `web-*` can.
 */
export function matchersWithinScope(m: SilenceMatchers, scope: readonly string[] | undefined): boolean {
  if (scope === undefined) return true;
  const hosts = m.hosts ?? [];
  if (hosts.length === 0) return false;
  return hosts.every((h) => scope.some((p) => globMatches(p, h)));
}

/** The windows' schedules, parsed once (the writer checks them for every alert it writes). */
export interface WindowSet {
  windows: readonly { window: MaintenanceWindow; spec: CronSpec }[];
}

export function compileWindows(windows: readonly MaintenanceWindow[]): WindowSet {
  return { windows: windows.map((w) => ({ window: w, spec: parseCron(w.cron) })) };
}

/** Checks a window as the config loader does; returns what is wrong, or null. */
export function windowProblem(w: Pick<MaintenanceWindow, 'cron' | 'duration_ms' | 'time_zone'>): string | null {
  try {
    parseCron(w.cron);
  } catch (e) {
    return e instanceof CronError ? `cron: ${e.message}` : String(e);
  }
  if (!isTimeZone(w.time_zone)) return `time_zone: "${w.time_zone}" is not a time zone this runtime knows (an IANA name like Europe/Berlin, or UTC)`;
  if (!(w.duration_ms > 0 && w.duration_ms <= MAX_WINDOW_MS)) return 'duration: must be more than 0 and at most 7d';
  return null;
}

/**
 * What mutes an alert at any of `times` (the alert writer gives the event time and its own
 * clock, so an alert about events from within a window is muted, and so is one written while
 * a silence runs): `silence:<id>` for the first active silence (lowest id), else
 * `window:<name>` for the first window in config order, else null.
 */
export function mutedBy(silences: readonly Silence[], windows: WindowSet, target: MuteTarget, times: readonly number[]): string | null {
  for (const s of silences) {
    if (!matchesTarget(s.matchers, target)) continue;
    if (times.some((t) => silenceState(s, t) === 'active')) return `silence:${s.id}`;
  }
  for (const { window: w, spec } of windows.windows) {
    if (!matchesTarget(w.matchers, target)) continue;
    if (times.some((t) => windowCovers(spec, w.time_zone, w.duration_ms, t))) return `window:${w.name}`;
  }
  return null;
}

export function isSeverity(s: unknown): s is Severity {
  return typeof s === 'string' && (SEVERITIES as readonly string[]).includes(s);
}
