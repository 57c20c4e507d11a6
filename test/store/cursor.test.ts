import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CURSOR_PATTERN, decodeCursor, encodeCursor } from '../../src/store/cursor.js';
import { caught } from './fixtures.js';

describe('cursor', () => {
  test.each([
    { ts: 0, id: 1, order: 'asc' as const },
    { ts: -1, id: 1, order: 'desc' as const },
    { ts: 1736942400000, id: 12345, order: 'desc' as const },
    { ts: 8_999_999_999_999_999, id: 8_999_999_999_999_999, order: 'asc' as const },
  ])('round-trips %j', (c) => {
    const s = encodeCursor(c);
    expect(s).toMatch(new RegExp(CURSOR_PATTERN));
    expect(decodeCursor(s, c.order)).toEqual(c);
  });

  test.each(['', 'garbage', '1', '1.0', '01.1', '-0.1', '1.01', '1.1.1', ' 1.1', '1.1 ', '9007199254740993.1', '1.9007199254740993', 'eyJ0cyI6MSwiaWQiOjEsIm8iOiJhc2MifQ'])(
    '%j is refused naming cursor',
    (s) => {
      expect(caught(() => decodeCursor(s, 'asc')).details).toEqual({ param: 'cursor' });
    },
  );

  test('property: every text the pattern matches is a position (the OpenAPI document promises it)', () => {
    fc.assert(
      fc.property(fc.stringMatching(new RegExp(CURSOR_PATTERN)), (s) => {
        const c = decodeCursor(s, 'desc');
        return Number.isSafeInteger(c.ts) && Number.isSafeInteger(c.id) && c.id > 0 && encodeCursor(c) === s;
      }),
      { numRuns: 2000 },
    );
  });

  test('a position continues in either order', () => {
    const s = encodeCursor({ ts: 5, id: 7, order: 'asc' });
    expect(decodeCursor(s, 'desc')).toEqual({ ts: 5, id: 7, order: 'desc' });
  });
});
