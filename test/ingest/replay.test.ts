// The ranges a replay reads; the replay itself runs against the real broker in
// test/cli/commands/replay.int.test.ts.
import { expect, test } from 'vitest';
import { replayRanges } from '../../src/ingest/replay.js';

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
