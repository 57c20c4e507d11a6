import { expect, test } from 'vitest';
import { newDraft } from '../../../src/core/decode/draft.js';
import { decodeText } from '../../../src/core/decode/text.js';

const R = Date.UTC(2024, 0, 2);
const T = Date.UTC(2024, 0, 1, 12);

test.each<[string, number | null, number | null]>([
  ['', null, null],
  ['just words', null, null],
  ['2024-01-01T12:00:00Z ERROR disk full', T, 3],
  ['2024-01-01 12:00:00,250 [warn] slow', T + 250, 4],
  ['[2024-01-01 12:00:00] INFO started', T, 6],
  ['2024-01-01T12:00:00Z|debug|x', T, 7],
  ['  2024-01-01T12:00:00Z notice: x', T, 5],
  ['Jan  1 12:00:00 host sshd: x', T, null],
  ['ERROR something broke', null, 3],
  ['WARN: low disk', null, 4],
  ['[Info] started', null, 6],
  ['<error> x', null, 3],
  ['Error something', null, null], // capitalised prose without a timestamp is not a level
  ['information is power', null, null],
  ['2024-01-01T12:00:00Z information wants to be free', T, 6],
  ['2024-01-01T12:00:00Zjunk', null, null],
  ['2024-13-01 oops', null, null],
  ['12345 not a date', null, null],
  ['I am here', null, null],
  ['[ERRORS] plural', null, null],
])('%j → ts %s, level %s', (text, ts, level) => {
  const d = newDraft('text');
  decodeText(text, d, { receivedAt: R });
  expect(d).toMatchObject({ format: 'text', message: text, ts, level });
});
