import { describe, expect, test } from 'vitest';
import { formatRate, statusParts } from '../../src/tui/status-text.js';
import type { TailStatus } from '../../src/tui/tail-source.js';

describe('formatRate', () => {
  test.each<[number | null, string]>([
    [null, '- ev/s'],
    [Number.POSITIVE_INFINITY, '- ev/s'],
    [0, '0.0 ev/s'],
    [2.345, '2.3 ev/s'],
    [9.99, '10.0 ev/s'],
    [10, '10 ev/s'],
    [12_345.6, '12346 ev/s'],
  ])('%s', (r, text) => {
    expect(formatRate(r)).toBe(text);
  });
});

describe('statusParts', () => {
  const status: TailStatus = { rate: 5, lag: null, dbBytes: null, behind: 0, connection: 'live', alerts: { available: true } };
  test.each<[string, Partial<Parameters<typeof statusParts>[0]>, Partial<ReturnType<typeof statusParts>>]>([
    ['defaults', {}, { rate: '5.0 ev/s', lag: null, db: null, behind: null, filter: 'no filter', paused: null }],
    ['lag and db', { status: { ...status, lag: 42, dbBytes: 2048 } }, { lag: 'lag 42', db: 'db 2.0 KiB' }],
    ['behind', { status: { ...status, behind: 1200 } }, { behind: '1200 to read' }],
    ['paused', { paused: true, pending: 12, missed: 0 }, { paused: 'PAUSED +12' }],
    ['paused with skipped lines', { paused: true, pending: 1000, missed: 30 }, { paused: 'PAUSED +1000 (30 skipped)' }],
    ['a filter being applied', { filter: { q: 'a' }, applying: { q: 'b' } }, { filter: 'q="b" (applying…)' }],
  ])('%s', (_n, over, expected) => {
    const parts = statusParts({ label: 'local x.db', status, filter: {}, applying: null, paused: false, pending: 0, missed: 0, ...over });
    expect(parts).toMatchObject(expected);
  });
});
