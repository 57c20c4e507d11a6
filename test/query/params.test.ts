import { describe, expect, test } from 'vitest';
import { parseLevel, parseSeverityParam, parseTime, QueryReader } from '../../src/query/params.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

describe('parseTime', () => {
  test.each<[string, number | null]>([
    ['', null],
    ['   ', null],
    ['now', NOW],
    ['15m', NOW - 15 * 60_000],
    ['24h', NOW - 86_400_000],
    ['7d', NOW - 7 * 86_400_000],
    ['2w', NOW - 14 * 86_400_000],
    ['30s', NOW - 30_000],
    ['0m', NOW],
    ['15 m', null],
    ['15M', null],
    ['-5m', null],
    ['1y', null],
    ['2025-01-15T10:00:00Z', Date.UTC(2025, 0, 15, 10)],
    ['2025-01-15T10:00:00.123+02:00', Date.UTC(2025, 0, 15, 8, 0, 0, 123)],
    ['2025-01-15 10:00', Date.UTC(2025, 0, 15, 10)],
    ['2025-01-15', Date.UTC(2025, 0, 15)],
    ['2025-02-30', null],
    ['2025-01-15T10:00:00Zjunk', null],
    ['1736942400', Date.UTC(2025, 0, 15, 12)],
    ['1736942400000', Date.UTC(2025, 0, 15, 12)],
    ['yesterday', null],
    ['0; DROP TABLE logs', null],
  ])('%j', (text, want) => expect(parseTime(text, NOW)).toBe(want));
});

describe('parseLevel and parseSeverityParam', () => {
  test.each<[string, number | null]>([
    ['0', 0], ['7', 7], ['8', null], ['-1', null], ['01', null], ['', null],
    ['emergency', 0], ['EMERG', 0], ['alert', 1], ['crit', 2], ['critical', 2], ['err', 3], ['error', 3],
    ['warn', 4], ['Warning', 4], ['notice', 5], ['info', 6], ['informational', 6], ['debug', 7], ['trace', 7], ['loud', null],
  ])('level %j -> %s', (t, want) => expect(parseLevel(t)).toBe(want));

  test.each<[string, string | null]>([['low', 'LOW'], [' High ', 'HIGH'], ['CRITICAL', 'CRITICAL'], ['severe', null], ['', null]])('severity %j', (t, want) =>
    expect(parseSeverityParam(t)).toBe(want),
  );
});

describe('QueryReader', () => {
  const err = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return (e as { details: { param: string }; message: string });
    }
    throw new Error('no error');
  };

  test('unknown parameters are refused, naming them and the allowed ones', () => {
    const e = err(() => new QueryReader({ colour: 'red' }, ['host'], ['attr.']));
    expect(e.details.param).toBe('colour');
    expect(e.message).toContain('host, attr.<path>');
  });

  test('a bare prefix is not a prefixed parameter', () => {
    expect(err(() => new QueryReader({ 'attr.': 'x' }, [], ['attr.'])).details.param).toBe('attr.');
  });

  test('over-long values are refused', () => {
    expect(err(() => new QueryReader({ q: 'x'.repeat(2049) }, ['q'])).details.param).toBe('q');
  });

  test.each<[string | string[], string[] | 'error']>([
    ['a', ['a']],
    ['a,b', ['a', 'b']],
    [['a', 'b,c'], ['a', 'b', 'c']],
    [' a , ,b ', ['a', 'b']],
    ['', 'error'],
    [',,', 'error'],
    [Array.from({ length: 101 }, (_, i) => String(i)), 'error'],
  ])('list %j', (v, want) => {
    const r = new QueryReader({ host: v }, ['host']);
    if (want === 'error') expect(err(() => r.list('host')).details.param).toBe('host');
    else expect(r.list('host')).toEqual(want);
  });

  test.each<[string, number, number, number | 'error']>([
    ['5', 1, 10, 5],
    ['1', 1, 10, 1],
    ['10', 1, 10, 10],
    ['0', 1, 10, 'error'],
    ['11', 1, 10, 'error'],
    ['5.0', 1, 10, 'error'],
    ['1e1', 1, 10, 'error'],
    ['-1', 0, 10, 'error'],
    ['99999999999999999', 1, 10, 'error'],
  ])('int %j in [%i, %i]', (v, min, max, want) => {
    const r = new QueryReader({ limit: v }, ['limit']);
    if (want === 'error') expect(err(() => r.int('limit', min, max)).details.param).toBe('limit');
    else expect(r.int('limit', min, max)).toBe(want);
  });

  test.each<[string, boolean | 'error']>([['true', true], ['1', true], ['FALSE', false], ['0', false], ['yes', 'error'], ['', 'error']])('bool %j', (v, want) => {
    const r = new QueryReader({ b: v }, ['b']);
    if (want === 'error') expect(err(() => r.bool('b')).details.param).toBe('b');
    else expect(r.bool('b')).toBe(want);
  });

  test('single-valued parameters given twice are refused; absent ones are undefined', () => {
    const r = new QueryReader({ sort: ['asc', 'desc'] }, ['sort', 'q']);
    expect(err(() => r.one('sort')).details.param).toBe('sort');
    expect(r.one('q')).toBeUndefined();
    expect(r.choice('q', ['a'])).toBeUndefined();
  });

  test('choices are case-insensitive and return the canonical spelling', () => {
    const r = new QueryReader({ state: 'OPEN,Resolved' }, ['state']);
    expect(r.choices('state', ['open', 'acknowledged', 'resolved'] as const)).toEqual(['open', 'resolved']);
  });
});
