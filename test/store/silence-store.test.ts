// Silences on real SQLite files: kept, listed, expired (never deleted), and read by the alert
// writer inside the batch's transaction to mark what they mute.
import { describe, expect, test } from 'vitest';
import type { NewSilence } from '../../src/core/silence.js';
import { getAlert } from '../../src/store/alert-reader.js';
import { createSilence, expireSilence, getSilence, listSilences } from '../../src/store/silence-store.js';
import { finding, HOUR, MIN, writeBatch } from './alert-fixtures.js';
import { openTemp, T0 } from './fixtures.js';

const NOW = T0;
const base: NewSilence = { matchers: { rules: ['cpu-*'], hosts: ['web-01'] }, starts_at: NOW - HOUR, ends_at: NOW + HOUR, created_by: 'ann', comment: 'kernel upgrade' };

describe('silences kept', () => {
  test('created, read back with who and why, in a file reopened', () => {
    const s = openTemp();
    const made = createSilence(s, base, NOW);
    expect(made).toEqual({ id: 1, ...base, created_at: NOW, expired_by: null, expired_at: null });
    expect(getSilence(s, 1)).toEqual(made);
    expect(getSilence(s, 2)).toBeNull();
  });

  test('listed newest first, by state, paged', () => {
    const s = openTemp();
    createSilence(s, { ...base, starts_at: NOW - 2 * HOUR, ends_at: NOW - HOUR }, NOW); // expired
    createSilence(s, base, NOW); // active
    createSilence(s, { ...base, starts_at: NOW + HOUR, ends_at: NOW + 2 * HOUR }, NOW); // pending
    expect(listSilences(s, {}, { limit: 10, beforeId: null }, NOW).items.map((x) => x.id)).toEqual([3, 2, 1]);
    expect(listSilences(s, { states: ['active', 'pending'] }, { limit: 10, beforeId: null }, NOW).items.map((x) => x.id)).toEqual([3, 2]);
    expect(listSilences(s, { states: ['expired'] }, { limit: 10, beforeId: null }, NOW).items.map((x) => x.id)).toEqual([1]);
    const first = listSilences(s, {}, { limit: 2, beforeId: null }, NOW);
    expect(first.items.map((x) => x.id)).toEqual([3, 2]);
    expect(listSilences(s, {}, { limit: 2, beforeId: first.next_before }, NOW)).toEqual({ items: [expect.objectContaining({ id: 1 })], next_before: null });
  });

  test('a host-scoped caller sees only silences inside its scope', () => {
    const s = openTemp();
    createSilence(s, { ...base, matchers: { hosts: ['web-01'] } }, NOW);
    createSilence(s, { ...base, matchers: { hosts: ['db-*'] } }, NOW);
    createSilence(s, { ...base, matchers: { rules: ['x'] } }, NOW); // every host: outside any scope
    expect(listSilences(s, { hostScope: ['web-*'] }, { limit: 10, beforeId: null }, NOW).items.map((x) => x.id)).toEqual([1]);
    expect(listSilences(s, { hostScope: [] }, { limit: 10, beforeId: null }, NOW).items).toEqual([]);
  });

  test('expiring ends it now and records who; the row stays; again changes nothing', () => {
    const s = openTemp();
    createSilence(s, base, NOW);
    const r = expireSilence(s, 1, 'bob', NOW + MIN);
    expect(r).toEqual({ changed: true, silence: expect.objectContaining({ id: 1, ends_at: NOW + MIN, expired_by: 'bob', expired_at: NOW + MIN, created_by: 'ann' }) });
    expect(expireSilence(s, 1, 'carl', NOW + 2 * MIN)).toEqual({ changed: false, silence: expect.objectContaining({ expired_by: 'bob' }) });
    expect(expireSilence(s, 9, 'bob', NOW)).toBeNull();
  });

  test('expiring a pending silence leaves it over, not pending', () => {
    const s = openTemp();
    createSilence(s, { ...base, starts_at: NOW + HOUR, ends_at: NOW + 2 * HOUR }, NOW);
    expireSilence(s, 1, 'bob', NOW);
    expect(listSilences(s, { states: ['expired'] }, { limit: 10, beforeId: null }, NOW + 90 * MIN).items.map((x) => x.id)).toEqual([1]);
  });

  test('a scoped caller cannot expire a silence reaching outside its scope', () => {
    const s = openTemp();
    createSilence(s, { ...base, matchers: { hosts: ['db-*'] } }, NOW);
    expect(expireSilence(s, 1, 'bob', NOW, ['web-*'])).toBeNull();
    expect(getSilence(s, 1)!.expired_by).toBeNull();
  });
});

describe('the alert writer marks what is muted', () => {
  const silenced = (s: ReturnType<typeof openTemp>, id: number) => getAlert(s, id)!.silenced_by;

  test('an alert opened while a matching silence runs is stored, marked with it', () => {
    const s = openTemp();
    createSilence(s, base, NOW);
    writeBatch(s, { times: [NOW], findings: [finding(), finding({ host: 'web-02', dedup_key: 'other' })] });
    expect(silenced(s, 1)).toBe('silence:1');
    expect(silenced(s, 2)).toBeNull(); // another host
  });

  test('event time outside the silence and the writer clock too: not muted; a later write inside it is', () => {
    const s = openTemp();
    createSilence(s, { ...base, starts_at: NOW + HOUR, ends_at: NOW + 2 * HOUR }, NOW);
    writeBatch(s, { times: [NOW], findings: [finding()] }); // writer clock 1000 (1970), events at NOW
    expect(silenced(s, 1)).toBeNull();
    writeBatch(s, { times: [NOW + HOUR + MIN], findings: [finding()] }, undefined);
    // folded? The suppression window is 10 minutes: a new alert opened, muted.
    expect(silenced(s, 2)).toBe('silence:1');
  });

  test('a fold after the silence ended clears the mark', () => {
    const s = openTemp();
    createSilence(s, { ...base, ends_at: NOW + 5 * MIN }, NOW);
    writeBatch(s, { times: [NOW], findings: [finding()] });
    expect(silenced(s, 1)).toBe('silence:1');
    writeBatch(s, { times: [NOW + 6 * MIN], findings: [finding()] });
    expect(getAlert(s, 1)!.count).toBe(2);
    expect(silenced(s, 1)).toBeNull();
  });

  test('a maintenance window from the config marks window:<name>', () => {
    const s = openTemp();
    // T0 is Wednesday 2025-01-15 12:00Z.
    const policy = { maxAlertsPerRulePerHour: 100, windows: [{ name: 'noon', cron: '0 12 * * wed', duration_ms: HOUR, time_zone: 'UTC', matchers: { hosts: ['web-*'] }, comment: '' }] };
    writeBatch(s, { times: [NOW + 30 * MIN], findings: [finding()] }, policy);
    writeBatch(s, { times: [NOW + 2 * HOUR], findings: [finding({ dedup_key: 'later' })] }, policy);
    expect(silenced(s, 1)).toBe('window:noon');
    expect(silenced(s, 2)).toBeNull();
  });
});
