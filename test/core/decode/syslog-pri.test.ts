import { expect, test } from 'vitest';
import { newDraft } from '../../../src/core/decode/draft.js';
import { applyPri, scanPri } from '../../../src/core/decode/syslog-pri.js';

test.each([
  ['', null],
  ['<>', null],
  ['<1234>', null],
  ['<1a>', null],
  ['<13', null],
  ['13>', null],
  ['<0>', { pri: 0, end: 3 }],
  ['<13>x', { pri: 13, end: 4 }],
  ['<191>', { pri: 191, end: 5 }],
  ['<999>', { pri: 999, end: 5 }], // shape ok; range checked by applyPri
])('scanPri(%j)', (s, r) => {
  expect(scanPri(s, 0)).toEqual(r);
});

test.each([
  [0, 0, 'kern'],
  [13, 5, 'user'],
  [34, 2, 'auth'],
  [165, 5, 'local4'],
  [191, 7, 'local7'],
])('PRI %i → level %i, facility %s', (pri, level, facility) => {
  const d = newDraft('syslog5424');
  expect(applyPri(pri, d, 'syslog5424')).toBeNull();
  expect(d.level).toBe(level);
  expect(d.attributes.facility).toBe(facility);
});

test('PRI above 191 is an error and sets nothing', () => {
  const d = newDraft('syslog3164');
  expect(applyPri(999, d, 'syslog3164')).toBe('syslog3164: invalid PRI <999> (must be 0..191)');
  expect(d.level).toBeNull();
  expect(d.attributes).toEqual({});
});
