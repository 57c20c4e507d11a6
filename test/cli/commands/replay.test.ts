// The pure parts of `logagg replay`; the command itself runs against the real broker in
// replay.int.test.ts.
import { expect, test } from 'vitest';
import { renderSummary, replayRanges, type ReplaySummary } from '../../../src/cli/commands/replay.js';

const marks = [
  { partition: 1, low: '0', high: '10' },
  { partition: 0, low: '5', high: '20' },
  { partition: 2, low: '7', high: '7' },
];

test.each<[string, [number, bigint][], bigint | null, [number, string, string, boolean][]]>([
  ['no starts: nothing', [], null, []],
  ['from 0: each partition from its low watermark to its high one', [[0, 0n], [1, 0n], [2, 0n]], null, [[0, '5', '20', true], [1, '0', '10', false]]],
  ['--to-offset is inclusive and caps the end', [[0, 6n], [1, 6n]], 8n, [[0, '6', '9', false], [1, '6', '9', false]]],
  ['--to-offset beyond the end: the high watermark', [[1, 2n]], 1000n, [[1, '2', '10', false]]],
  ['a start at or past the end is left out', [[0, 20n], [1, 9n]], null, [[1, '9', '10', false]]],
  ['--to-offset below the start: nothing', [[1, 5n]], 3n, []],
  ['an empty partition (low = high) is left out', [[2, 0n]], null, []],
  ['int64 offsets stay exact', [[0, 9007199254740993n]], null, []],
])('%s', (_n, starts, to, out) => {
  const ranges = replayRanges(marks, new Map(starts), to);
  expect(ranges.map((r) => [r.partition, r.start.toString(), r.end.toString(), r.clamped])).toEqual(out);
});

test('the summary says what was read, inserted and already there, and when a range is incomplete', () => {
  const s: ReplaySummary = {
    topic: 't',
    group: 'g',
    partitions: [
      { partition: 0, from: '0', to: '9', read: 10, complete: true },
      { partition: 1, from: '3', to: '5', read: 1, complete: false },
    ],
    read: 11,
    inserted: 4,
    already_present: 7,
    parse_errors: 2,
    stopped_early: true,
  };
  expect(renderSummary(s)).toBe(
    'replayed t: 11 messages read, 4 inserted, 7 already present, 2 could not be decoded (stored with parse_error)\n' +
      '  partition 0: offsets 0..9, 10 read\n' +
      '  partition 1: offsets 3..5, 1 read (INCOMPLETE)\n' +
      'replay stopped before the end of the range; run it again to finish (nothing is doubled)\n',
  );
  expect(renderSummary({ ...s, partitions: [], read: 0, inserted: 0, already_present: 0, parse_errors: 0, stopped_early: false })).toBe(
    'replayed t: 0 messages read, 0 inserted, 0 already present\n  nothing to read in that range\n',
  );
});
