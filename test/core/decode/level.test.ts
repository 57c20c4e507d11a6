import { expect, test } from 'vitest';
import { parseLevel, parseLevelLetter, parseLevelWord } from '../../../src/core/decode/level.js';

test.each([
  // unknown first
  ['', null],
  ['loud', null],
  [8, null],
  [-1, null],
  [3.5, null],
  [25, null],
  ['100', null],
  [null, null],
  [true, null],
  // words, any case
  ['emerg', 0], ['EMERGENCY', 0], ['panic', 0],
  ['alert', 1],
  ['crit', 2], ['Critical', 2], ['FATAL', 2],
  ['err', 3], ['ERROR', 3], ['severe', 3],
  ['warn', 4], ['WARNING', 4], ['Warn', 4],
  ['notice', 5],
  ['info', 6], ['INFORMATIONAL', 6], ['information', 6],
  ['debug', 7], ['TRACE', 7], ['verbose', 7],
  ['E', 3], ['w', 4], ['I', 6], ['D', 7], ['F', 2], ['T', 7],
  [' warn ', 4],
  // syslog numbers
  [0, 0], [3, 3], [7, 7], ['4', 4], ['07', 7],
  // pino / bunyan numbers
  [10, 7], [20, 7], [30, 6], [40, 4], [50, 3], [60, 2], ['50', 3],
])('parseLevel(%j) = %s', (v, level) => {
  expect(parseLevel(v)).toBe(level);
});

test.each([
  ['ERROR', 3],
  ['warn', 4],
  ['I', null], // single letters only count as a level field's value, not in prose
  ['at', null],
  ['information', 6],
])('parseLevelWord(%j) = %s', (w, level) => {
  expect(parseLevelWord(w)).toBe(level);
});

test.each<[string, number | null]>([
  ['', null],
  ['i', null], // lower case is prose, not a level column
  ['X', null],
  ['V', 7],
  ['D', 7],
  ['I', 6],
  ['W', 4],
  ['E', 3],
  ['F', 2],
  ['A', 1],
])('parseLevelLetter(%j) = %j', (letter, want) => {
  expect(parseLevelLetter(letter.charCodeAt(0))).toBe(want);
});
