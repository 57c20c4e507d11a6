import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/store/cursor.js';
import { caught } from './fixtures.js';

describe('cursor', () => {
  test.each([
    { ts: 0, id: 1, order: 'asc' as const },
    { ts: -1, id: 1, order: 'desc' as const },
    { ts: Number.MAX_SAFE_INTEGER, id: Number.MAX_SAFE_INTEGER, order: 'desc' as const },
  ])('round-trips %j', (c) => {
    const s = encodeCursor(c);
    expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(s, c.order)).toEqual(c);
  });

  test('property: any edit of a cursor is refused or decodes to a valid position', () => {
    const good = encodeCursor({ ts: 1736942400000, id: 12345, order: 'asc' });
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.constantFrom(...'ABCabc019-_=+/.'), (pos, ch) => {
        const tampered = good.slice(0, pos) + ch + good.slice(pos + 1);
        try {
          const c = decodeCursor(tampered, 'asc');
          expect(Number.isSafeInteger(c.ts) && Number.isSafeInteger(c.id) && c.id > 0).toBe(true);
          expect(encodeCursor(c)).toBe(tampered);
        } catch (e) {
          expect((e as { details: unknown }).details).toEqual({ param: 'cursor' });
        }
      }),
    );
  });

  test('a cursor for the other order is refused with a message saying so', () => {
    const err = caught(() => decodeCursor(encodeCursor({ ts: 1, id: 1, order: 'asc' }), 'desc'));
    expect(err.message).toMatch(/order=asc, not order=desc/);
  });
});
