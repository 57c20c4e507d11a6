import { describe, expect, test } from 'vitest';
import {
  compileWindows,
  globMatches,
  hasMatcher,
  matchersWithinScope,
  matchesTarget,
  mutedBy,
  silenceState,
  windowProblem,
  type MaintenanceWindow,
  type MuteTarget,
  type Silence,
  type SilenceMatchers,
} from '../../src/core/silence.js';

const H = 3_600_000;
const T0 = Date.parse('2024-06-01T02:30:00Z'); // a Saturday

function silence(id: number, matchers: SilenceMatchers, starts: number, ends: number): Silence {
  return { id, matchers, starts_at: starts, ends_at: ends, created_by: 'ann', created_at: starts, comment: 'upgrade', expired_by: null, expired_at: null };
}
const target: MuteTarget = { rule_id: 'ssh.bruteforce', host: 'web-1', severity: 'HIGH' };

describe('silenceState', () => {
  test.each<[number, string]>([
    [T0 - 1, 'pending'],
    [T0, 'active'],
    [T0 + H - 1, 'active'],
    [T0 + H, 'expired'],
  ])('at %d: %s', (now, state) => expect(silenceState({ starts_at: T0, ends_at: T0 + H }, now)).toBe(state));
});

describe('globMatches', () => {
  test.each<[string, string, boolean]>([
    ['web-1', 'web-1', true],
    ['WEB-1', 'web-1', true],
    ['web-1', 'web-10', false],
    ['web-*', 'web-10', true],
    ['web-*', 'db-1', false],
    ['*', '', true],
    ['a.b', 'axb', false], // the dot is literal
    ['sigma.*', 'sigma.proc_creation', true],
  ])('%s ~ %s: %s', (p, v, want) => expect(globMatches(p, v)).toBe(want));
});

describe('matchesTarget', () => {
  test.each<[string, SilenceMatchers, MuteTarget, boolean]>([
    ['empty lists match anything', { rules: [], hosts: [] }, target, true],
    ['rule id', { rules: ['ssh.bruteforce'] }, target, true],
    ['rule glob', { rules: ['ssh.*'] }, target, true],
    ['rule list, none matching', { rules: ['a', 'b'] }, target, false],
    ['host glob', { hosts: ['web-*'] }, target, true],
    ['host listed, alert has none', { hosts: ['*'] }, { ...target, host: null }, false],
    ['no host matcher, alert has none', { rules: ['ssh.*'] }, { ...target, host: null }, true],
    ['severity listed', { severities: ['HIGH', 'CRITICAL'] }, target, true],
    ['severity not listed', { severities: ['LOW'] }, target, false],
    ['all ANDed: one fails', { rules: ['ssh.*'], hosts: ['db-*'] }, target, false],
  ])('%s', (_name, m, t, want) => expect(matchesTarget(m, t)).toBe(want));

  test('a silence needs a matcher', () => {
    expect(hasMatcher({})).toBe(false);
    expect(hasMatcher({ rules: [], hosts: [], severities: [] })).toBe(false);
    expect(hasMatcher({ severities: ['LOW'] })).toBe(true);
  });
});

describe('matchersWithinScope', () => {
  test.each<[string, SilenceMatchers, readonly string[] | undefined, boolean]>([
    ['no scope: anything', { rules: ['x'] }, undefined, true],
    ['scoped without hosts: refused', { rules: ['x'] }, ['web-*'], false],
    ['empty scope: refused', { hosts: ['web-1'] }, [], false],
    ['a host in scope', { hosts: ['web-1'] }, ['web-*'], true],
    ['a glob inside the scope glob', { hosts: ['web-1*'] }, ['web-*'], true],
    ['a glob wider than the scope', { hosts: ['web-*'] }, ['web-1'], false],
    ['a glob wider than the scope glob', { hosts: ['*'] }, ['web-*'], false],
    ['one host outside', { hosts: ['web-1', 'db-1'] }, ['web-*'], false],
    ['two scopes', { hosts: ['web-1', 'db-1'] }, ['web-*', 'db-1'], true],
  ])('%s', (_name, m, scope, want) => expect(matchersWithinScope(m, scope)).toBe(want));
});

describe('mutedBy', () => {
  const saturdays: MaintenanceWindow = { name: 'backup', cron: '0 2 * * 6', duration_ms: 2 * H, time_zone: 'UTC', matchers: { hosts: ['web-*'] }, comment: '' };
  const windows = compileWindows([saturdays]);
  const none = compileWindows([]);

  test.each<[string, Silence[], boolean, number[], string | null]>([
    ['nothing configured', [], false, [T0], null],
    ['an active silence', [silence(7, { rules: ['ssh.*'] }, T0 - H, T0 + H)], false, [T0], 'silence:7'],
    ['a future silence', [silence(7, { rules: ['ssh.*'] }, T0 + 1, T0 + H)], false, [T0], null],
    ['an expired silence', [silence(7, { rules: ['ssh.*'] }, T0 - 2 * H, T0 - H)], false, [T0], null],
    ['a silence ending exactly now', [silence(7, { rules: ['ssh.*'] }, T0 - H, T0)], false, [T0], null],
    ['expired at event time but active at write time', [silence(7, { rules: ['ssh.*'] }, T0, T0 + H)], false, [T0 - H, T0 + 1], 'silence:7'],
    ['a silence that does not match', [silence(7, { hosts: ['db-*'] }, T0 - H, T0 + H)], false, [T0], null],
    ['the first matching silence wins', [silence(3, { hosts: ['db-*'] }, T0 - H, T0 + H), silence(4, { hosts: ['web-1'] }, T0 - H, T0 + H), silence(5, { severities: ['HIGH'] }, T0 - H, T0 + H)], false, [T0], 'silence:4'],
    ['inside the window', [], true, [T0], 'window:backup'],
    ['after the window', [], true, [T0 + 2 * H], null],
    ['a silence before a window', [silence(9, { rules: ['*'] }, T0 - H, T0 + H)], true, [T0], 'silence:9'],
  ])('%s', (_name, silences, withWindows, times, want) => {
    expect(mutedBy(silences, withWindows ? windows : none, target, times)).toBe(want);
  });

  test('a window does not mute what its matchers leave out', () => {
    expect(mutedBy([], windows, { ...target, host: 'db-1' }, [T0])).toBeNull();
  });
});

describe('windowProblem', () => {
  test.each<[Pick<MaintenanceWindow, 'cron' | 'duration_ms' | 'time_zone'>, RegExp | null]>([
    [{ cron: '0 2 * * 6', duration_ms: 2 * H, time_zone: 'Europe/Berlin' }, null],
    [{ cron: '0 2 * *', duration_ms: 2 * H, time_zone: 'UTC' }, /^cron: .*4 fields/],
    [{ cron: '0 2 * * 6', duration_ms: 2 * H, time_zone: 'Mars/Olympus' }, /time_zone: "Mars\/Olympus"/],
    [{ cron: '0 2 * * 6', duration_ms: 0, time_zone: 'UTC' }, /duration/],
    [{ cron: '0 2 * * 6', duration_ms: 8 * 24 * H, time_zone: 'UTC' }, /at most 7d/],
  ])('%j', (w, want) => {
    const p = windowProblem(w);
    if (want === null) expect(p).toBeNull();
    else expect(p).toMatch(want);
  });
});
